#include "core/training/colour_blind_companion.h"

#include "core/data/dataset_catalog.h"
#include "core/flow/flow_checkpoint.h"
#include "core/runtime/distributed_launch.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/workspace_models.h"

#include <optional>
#include <utility>

namespace inv {
namespace {

// The last checkpoint of `name` (with its side-car) and its manifest entry, copied from one
// workspace to another; the copy is skipped when the target already has the same file.
void share_model(const Workspace& from, Workspace& to, const std::string& name) {
    const ModelEntry& source = from.manifest().models.at(name);
    const CheckpointEntry& last = source.checkpoints.back();
    const auto existing = to.manifest().models.find(name);
    if (existing != to.manifest().models.end() && !existing->second.checkpoints.empty() &&
        existing->second.checkpoints.back().file == last.file &&
        read_file(to.resolve(last.file)) == read_file(from.resolve(last.file))) {
        return;
    }
    std::filesystem::create_directories(to.resolve(last.file).parent_path());
    // Side-car first: a model file is only ever read with the side-car that describes it.
    write_file_atomically(side_car_path(to.resolve(last.file)), read_file(side_car_path(from.resolve(last.file))));
    write_file_atomically(to.resolve(last.file), read_file(from.resolve(last.file)));
    ModelEntry copy = source;
    copy.checkpoints = {last};
    to.manifest().models[name] = copy;
    to.save();
}

}  // namespace

std::filesystem::path colour_blind_folder(const std::filesystem::path& demo) {
    return demo / "colour-blind";
}

std::vector<std::string> colour_blind_layers(DemoBudget budget) {
    if (budget == DemoBudget::Tiny) return {"fire7", "logits"};
    return {"conv1", "fire7", "logits"};  // layers the demo's t covers, so both sides can be compared
}

DemoResult prepare_colour_blind(const std::filesystem::path& demo, const std::filesystem::path& data_root, const DemoPlan& plan,
                                const TrainingControl& control, const std::function<void(const DemoStage&)>& on_stage) {
    if (!std::filesystem::exists(demo / kManifestFileName)) {
        throw UserError(demo.string() + " is not a demo workspace; run `invariances-cli demo prepare --workspace " +
                        demo.string() + " --budget " + to_string(plan.budget) + "` first.");
    }
    const Workspace standard = Workspace::open(demo);
    for (const char* needed : {"classifier", "autoencoder", "factors"}) {
        if (!has_trained(standard, needed)) {
            throw UserError(demo.string() + " has no " + needed + " yet; run `invariances-cli demo prepare --workspace " +
                            demo.string() + " --budget " + to_string(plan.budget) + "` first.");
        }
    }
    const std::filesystem::path folder = colour_blind_folder(demo);
    // On several ranks rank 0 makes the companion and copies the demo's models into it before the
    // others open it.
    std::optional<Workspace> made;
    on_writer_rank(control.data_parallel, "setting up the colour-blind companion", [&] {
        made.emplace(std::filesystem::exists(folder / kManifestFileName)
                         ? Workspace::open(folder)
                         : Workspace::create(folder, standard.manifest().dataset));
        share_model(standard, *made, "autoencoder");
        share_model(standard, *made, "factors");
    });
    Workspace companion = made ? std::move(*made) : Workspace::open(folder);

    const DatasetEntry& entry = standard.manifest().dataset;
    const SourceImages source = load_source_images(*parse_dataset_kind(entry.kind), data_root);
    const auto train = make_color_dataset(source, Split::Train, entry.colour_seed);
    const auto test = make_color_dataset(source, Split::Test, entry.colour_seed);

    DemoResult result;
    if (on_stage) on_stage({"colour-blind classifier", plan.classifier.schedule.steps});
    if (plan.set_thread_profiles) apply_thread_profile(ThreadProfile::ConvTraining);
    ClassifierTrainingOptions classifier = plan.classifier;
    classifier.model.colour_blind = true;
    const ClassifierTrainingResult trained = train_classifier(companion, *train, *test, classifier, control);
    if (!trained.completed) return result;
    result.metrics["classifier"] = {{"test_accuracy", trained.test_accuracy}};

    // t keeps the convolution profile, as in the demo: its steps run the frozen Φ and E.
    for (const std::string& layer : colour_blind_layers(plan.budget)) {
        if (on_stage) on_stage({"colour-blind " + cinn_model_name(layer, std::nullopt), cinn_steps(plan, layer)});
        const CinnTrainingResult cinn = train_cinn(companion, *train, *test, cinn_options(plan, layer), control);
        if (!cinn.completed) return result;
        result.metrics[cinn.model_name] = companion.manifest().models.at(cinn.model_name).checkpoints.back().metrics;
    }
    result.completed = true;
    return result;
}

}  // namespace inv
