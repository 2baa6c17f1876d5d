// `invariances-cli train …` and `invariances-cli layers`: train the models of a workspace.
#include "app/cli_commands.h"
#include "app/command_helpers.h"
#include "app/stop_signal.h"
#include "app/terminal_progress.h"
#include "app/training_process.h"
#include "core/data/dataset_catalog.h"
#include "core/data/workspace_data.h"
#include "core/models/classifier_config.h"
#include "core/models/scripted_layers.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"
#include "core/training/autoencoder_trainer.h"
#include "core/training/cinn_trainer.h"
#include "core/training/classifier_trainer.h"
#include "core/training/factor_trainer.h"
#include "core/training/inversion_trainer.h"
#include "core/workspace/workspace.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

namespace inv {
namespace {

struct ClassifierOptions {
    std::filesystem::path workspace;
    std::string architecture = "squeezenet";
    ClassifierTrainingOptions training;
};

struct AutoencoderOptions {
    std::filesystem::path workspace;
    std::string second_domain;  // "colormnist" or "colorfashion": half of every batch from it
    AutoencoderTrainingOptions training;
};

struct CinnOptions {
    std::filesystem::path workspace;
    std::vector<std::string> layers;
    std::string classifier_steps;  // "": the last checkpoint; "all" or a comma list
    CinnTrainingOptions training;
};

struct InversionOptions {
    std::filesystem::path workspace;
    std::vector<std::string> layers;
    InversionTrainingOptions training;
};

struct FactorOptions {
    std::filesystem::path workspace;
    FactorTrainingOptions training;
};

WorkspaceData open_data(const Workspace& workspace, const GlobalOptions& global) {
    ImageFolderReport report;
    WorkspaceData data = load_workspace_data(workspace, global.data_root, &report);
    if (!report.skipped.empty()) {
        std::fprintf(stderr, "warning: skipped %zu unreadable image(s) of %s, e.g. %s\n", report.skipped.size(),
                     data.origin.c_str(), report.skipped.front().c_str());
    }
    return data;
}

// What a trainer run ends with, for the terminal: whether it finished, and its last checkpoint's
// measures (from the workspace manifest, the same numbers the GUI and later commands read).
struct TrainOutcome {
    std::string model;
    bool completed = false;
    std::int64_t steps = 0;
};

// Runs one trainer with a progress bar (a line for every checkpoint and roll-back), then reports
// the outcome with the measures stored in the workspace.
nlohmann::json run_with_progress(Workspace& workspace, const TrainingProcess& process, const std::string& label,
                                 std::int64_t steps, const GlobalOptions& global,
                                 const std::function<TrainOutcome(const TrainingControl&)>& train) {
    std::FILE* lines = global.json ? stderr : stdout;
    std::optional<TerminalProgress> bar;
    TrainingControl control;
    control.device = global.compute_device();
    control.stop_requested = [] { return stop_signal_received(); };
    control.data_parallel = process.group();
    if (process.speaks()) {
        bar.emplace(label + process.ranks_note(), steps);
        control.on_progress = [&bar, lines](const TrainingProgress& p) {
            if (!p.message.empty()) {
                std::fprintf(lines, "%s: %s\n", p.model.c_str(), p.message.c_str());
                std::fflush(lines);
            }
            bar->update(p.step);
        };
    }
    const TrainOutcome outcome = train(control);
    if (outcome.completed && bar) bar->finish();
    const auto& checkpoints = workspace.manifest().models.at(outcome.model).checkpoints;
    const nlohmann::json metrics = checkpoints.empty() ? nlohmann::json::object() : checkpoints.back().metrics;
    if (!global.json && process.speaks()) {
        if (outcome.completed) {
            std::printf("%s trained: %lld steps; %s\n", outcome.model.c_str(), static_cast<long long>(outcome.steps),
                        metrics.dump().c_str());
        } else {
            std::printf("%s stopped at step %lld; the state is saved: run the same command to resume.\n", outcome.model.c_str(),
                        static_cast<long long>(outcome.steps));
        }
    }
    return {{"model", outcome.model}, {"completed", outcome.completed}, {"steps", outcome.steps}, {"metrics", metrics}};
}

void print_json(const nlohmann::json& report, const GlobalOptions& global, const TrainingProcess& process) {
    if (global.json && process.speaks()) std::printf("%s\n", report.dump(2).c_str());
}

void run_train_classifier(ClassifierOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::ConvTraining);
    install_stop_signal_handlers();
    const TrainingProcess process(options.workspace, "invariances-cli train " + options.training.model_name, global);
    Workspace workspace = Workspace::open(options.workspace);
    const WorkspaceData data = open_data(workspace, global);
    options.training.model.architecture = parse_architecture(options.architecture);
    options.training.model.classes = static_cast<int>(data.train->class_names().size());
    options.training.model.input_size = data.train->shape().height;
    const std::string& name = options.training.model_name;
    print_json(run_with_progress(workspace, process, "training " + name, options.training.schedule.steps, global,
                                 [&](const TrainingControl& control) {
                                     const auto r =
                                         train_classifier(workspace, *data.train, *data.test, options.training, control);
                                     return TrainOutcome{name, r.completed, r.steps_done};
                                 }),
               global, process);
}

void run_train_autoencoder(AutoencoderOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::ConvTraining);
    install_stop_signal_handlers();
    const TrainingProcess process(options.workspace, "invariances-cli train autoencoder", global);
    Workspace workspace = Workspace::open(options.workspace);
    const WorkspaceData data = open_data(workspace, global);
    options.training.model.image_size = data.train->shape().height;
    if (!options.second_domain.empty()) {
        const std::optional<DatasetKind> kind = parse_dataset_kind(options.second_domain);
        if (options.second_domain == workspace.manifest().dataset.kind) {
            throw UserError(workspace.folder().string() + " is itself on " + options.second_domain +
                            "; --second-domain names another.");
        }
        options.training.second_domain = make_color_dataset(load_source_images(*kind, global.data_root), Split::Train, 0);
    }
    print_json(run_with_progress(workspace, process, "training autoencoder", options.training.schedule.steps, global,
                                 [&](const TrainingControl& control) {
                                     const auto r =
                                         train_autoencoder(workspace, *data.train, *data.test, options.training, control);
                                     return TrainOutcome{"autoencoder", r.completed, r.steps_done};
                                 }),
               global, process);
}

std::vector<std::string> resolve_layers(const Workspace& workspace, const std::vector<std::string>& asked) {
    if (asked.size() != 1 || asked[0] != "all") return asked;
    const auto found = workspace.manifest().models.find("classifier");
    if (found == workspace.manifest().models.end()) {
        throw UserError(workspace.folder().string() +
                        " has no classifier yet; train one with `invariances-cli train classifier`.");
    }
    std::vector<std::string> names;
    for (const LayerInfo& layer : workspace_classifier_layers(found->second.config)) {
        names.push_back(layer.name);
    }
    return names;
}

// The classifier checkpoints to train t against; nullopt stands for the last one, whose t carries
// no step in its name.
std::vector<std::optional<std::int64_t>> resolve_classifier_steps(const Workspace& workspace, const std::string& asked) {
    if (asked.empty()) return {std::nullopt};
    const auto found = workspace.manifest().models.find("classifier");
    if (found == workspace.manifest().models.end() || found->second.checkpoints.empty()) {
        throw UserError(workspace.folder().string() +
                        " has no classifier yet; train one with `invariances-cli train classifier`.");
    }
    const auto& checkpoints = found->second.checkpoints;
    std::vector<std::int64_t> steps;
    if (asked == "all") {
        for (const CheckpointEntry& c : checkpoints) steps.push_back(c.step);
    } else {
        for (std::int64_t step : parse_step_list(asked, "--classifier-steps")) {
            if (std::none_of(checkpoints.begin(), checkpoints.end(), [&](const CheckpointEntry& c) { return c.step == step; })) {
                throw UserError("the classifier has no checkpoint at step " + std::to_string(step) + "; it has steps " +
                                joined(checkpoints, [](const CheckpointEntry& c) { return std::to_string(c.step); }) +
                                " (or say all).");
            }
            steps.push_back(step);
        }
    }
    std::vector<std::optional<std::int64_t>> resolved;
    for (std::int64_t step : steps) {
        resolved.push_back(step == checkpoints.back().step ? std::nullopt : std::optional<std::int64_t>(step));
    }
    return resolved;
}

void run_train_cinn(CinnOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::ConvTraining);
    install_stop_signal_handlers();
    const TrainingProcess process(options.workspace, "invariances-cli train cinn", global);
    Workspace workspace = Workspace::open(options.workspace);
    const WorkspaceData data = open_data(workspace, global);
    nlohmann::json reports = nlohmann::json::array();
    for (const std::optional<std::int64_t>& step : resolve_classifier_steps(workspace, options.classifier_steps)) {
        options.training.classifier_step = step;
        const std::string against = step ? " (classifier step " + std::to_string(*step) + ")" : "";
        for (const std::string& layer : resolve_layers(workspace, options.layers)) {
            options.training.layer = layer;
            reports.push_back(run_with_progress(workspace, process, "training t for " + layer + against,
                                                options.training.schedule.steps, global, [&](const TrainingControl& control) {
                                                    const auto r =
                                                        train_cinn(workspace, *data.train, *data.test, options.training, control);
                                                    return TrainOutcome{r.model_name, r.completed, r.steps_done};
                                                }));
            if (!reports.back()["completed"].get<bool>()) {
                print_json(reports, global, process);
                return;
            }
        }
    }
    print_json(reports, global, process);
}

void run_train_inversion(InversionOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::ConvTraining);
    install_stop_signal_handlers();
    const TrainingProcess process(options.workspace, "invariances-cli train inversion", global);
    Workspace workspace = Workspace::open(options.workspace);
    const WorkspaceData data = open_data(workspace, global);
    nlohmann::json reports = nlohmann::json::array();
    for (const std::string& layer : resolve_layers(workspace, options.layers)) {
        options.training.layer = layer;
        reports.push_back(run_with_progress(workspace, process, "training the inversion baseline for " + layer,
                                            options.training.schedule.steps, global, [&](const TrainingControl& control) {
                                                const auto r = train_inversion(workspace, *data.train, *data.test,
                                                                               options.training, control);
                                                return TrainOutcome{r.model_name, r.completed, r.steps_done};
                                            }));
        if (!reports.back()["completed"].get<bool>()) break;
    }
    print_json(reports, global, process);
}

void run_train_factors(FactorOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::ConvTraining);
    install_stop_signal_handlers();
    const TrainingProcess process(options.workspace, "invariances-cli train factors", global);
    Workspace workspace = Workspace::open(options.workspace);
    const WorkspaceData data = open_data(workspace, global);
    nlohmann::json report = run_with_progress(
        workspace, process, "training e", options.training.schedule.steps, global, [&](const TrainingControl& control) {
            const auto r = train_factors(workspace, *data.train, *data.test, options.training, control);
            return TrainOutcome{"factors", r.completed, r.steps_done};
        });
    report["factors"] = workspace.manifest().models.at("factors").config.at("factors");
    if (!global.json && process.speaks()) std::printf("factor layout: %s\n", report["factors"].dump().c_str());
    print_json(report, global, process);
}

// A user's TorchScript model: every layer, with why z cannot be taken where it cannot.
void run_model_layers(const std::filesystem::path& model, const GlobalOptions& global) {
    const std::vector<ScriptedLayer> layers = list_scripted_layers(model);
    if (global.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const ScriptedLayer& layer : layers) {
            nlohmann::json entry{{"name", layer.name}, {"shape", layer.shape}, {"usable", layer.problem.empty()}};
            if (!layer.problem.empty()) entry["problem"] = layer.problem;
            list.push_back(entry);
        }
        std::printf("%s\n", list.dump(2).c_str());
        return;
    }
    for (const ScriptedLayer& layer : layers) {
        std::string shape;
        for (std::int64_t d : layer.shape) shape += (shape.empty() ? "" : "x") + std::to_string(d);
        if (layer.problem.empty())
            std::printf("%-24s [%s]\n", layer.name.c_str(), shape.c_str());
        else
            std::printf("%-24s (z cannot be taken: %s)\n", layer.name.c_str(), layer.problem.c_str());
    }
}

void run_layers(const std::filesystem::path& folder, const GlobalOptions& global) {
    const Workspace workspace = Workspace::open(folder);
    const auto found = workspace.manifest().models.find("classifier");
    if (found == workspace.manifest().models.end()) {
        throw UserError(folder.string() + " has no classifier yet; train one with `invariances-cli train classifier`.");
    }
    const std::vector<LayerInfo> layers = workspace_classifier_layers(found->second.config);
    if (global.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const LayerInfo& layer : layers) list.push_back({{"name", layer.name}, {"shape", layer.shape}});
        std::printf("%s\n", list.dump(2).c_str());
        return;
    }
    for (const LayerInfo& layer : layers) std::printf("%s\n", describe(layer).c_str());
}

// What --steps, --batch-size, --learning-rate and --seed say in one trainer's --help.
struct ScheduleHelp {
    const char* steps = "Training steps";
    const char* batch = "Images per step";
    const char* learning_rate = "Adam learning rate at step 0";
    const char* seed = "Seed of the initialisation and the batches";
};

// The four options every trainer shares, with the same ranges everywhere.
void add_schedule_options(CLI::App* command, TrainingSchedule& schedule, const ScheduleHelp& help) {
    command->add_option("--steps", schedule.steps, help.steps)->check(CLI::Range(1, 10000000))->capture_default_str();
    command->add_option("--batch-size", schedule.batch_size, help.batch)->check(CLI::Range(1, 4096))->capture_default_str();
    command->add_option("--learning-rate", schedule.learning_rate, help.learning_rate)->capture_default_str();
    command->add_option("--seed", schedule.seed, help.seed)->capture_default_str();
}

ScheduleHelp per_layer_help() {
    ScheduleHelp help;
    help.steps = "Training steps per layer";
    return help;
}

// `train classifier` and `train evaluator`: the same trainer, two networks.
void add_classifier_commands(CLI::App* train, const GlobalOptions& global) {
    auto options = std::make_shared<ClassifierOptions>();
    CLI::App* cmd = train->add_subcommand("classifier", "Train the classifier under study, with checkpoints along the way");
    cmd->add_option("--workspace", options->workspace, "Workspace folder")->required();
    cmd->add_option("--architecture", options->architecture, "squeezenet or resnet")
        ->check(CLI::IsMember({"squeezenet", "resnet"}))
        ->capture_default_str();
    cmd->add_option("--width", options->training.model.width, "Channel multiplier of the reference widths")
        ->check(CLI::Range(0.05, 4.0))
        ->capture_default_str();
    ScheduleHelp classifier_help;
    classifier_help.learning_rate = "Adam learning rate (use 1e-3 for a SqueezeNet without batch norm)";
    add_schedule_options(cmd, options->training.schedule, classifier_help);
    cmd->add_option("--batch-norm", options->training.model.batch_norm,
                    "SqueezeNet with batch norm after every convolution (false: the original network, which needs a "
                    "lower learning rate)")
        ->capture_default_str();
    cmd->add_option("--max-shift", options->training.max_shift, "Random translation of training images, in pixels (0: none)")
        ->check(CLI::Range(0, 8))
        ->capture_default_str();
    cmd->callback([options, &global] { run_train_classifier(*options, global); });

    auto evaluator = std::make_shared<ClassifierOptions>();
    evaluator->training.model_name = "evaluator";
    evaluator->training.model.width = 0.5;
    evaluator->training.schedule.seed = 1;
    CLI::App* ev =
        train->add_subcommand("evaluator",
                              "Train the separate evaluation network whose features `evaluate` measures Frechet distances in "
                              "(same family as the classifier, its own seed; not Inception)");
    ev->add_option("--workspace", evaluator->workspace, "Workspace folder")->required();
    ev->add_option("--architecture", evaluator->architecture, "squeezenet or resnet")
        ->check(CLI::IsMember({"squeezenet", "resnet"}))
        ->capture_default_str();
    ev->add_option("--width", evaluator->training.model.width, "Channel multiplier of the reference widths")
        ->check(CLI::Range(0.05, 4.0))
        ->capture_default_str();
    add_schedule_options(ev, evaluator->training.schedule, classifier_help);
    ev->callback([evaluator, &global] { run_train_classifier(*evaluator, global); });
}

void add_inversion_command(CLI::App* train, const GlobalOptions& global) {
    auto inversion = std::make_shared<InversionOptions>();
    CLI::App* inv_cmd = train->add_subcommand(
        "inversion", "Train the deterministic inversion baseline for a layer: a decoder from z straight to x, L2 loss");
    inv_cmd->add_option("--workspace", inversion->workspace, "Workspace folder")->required();
    inv_cmd->add_option("--layer,--layers", inversion->layers, "Layer name(s), or 'all'")->required()->delimiter(',');
    add_schedule_options(inv_cmd, inversion->training.schedule, per_layer_help());
    inv_cmd->callback([inversion, &global] { run_train_inversion(*inversion, global); });
}

void add_autoencoder_command(CLI::App* train, const GlobalOptions& global) {
    auto autoencoder = std::make_shared<AutoencoderOptions>();
    CLI::App* ae = train->add_subcommand("autoencoder", "Train the autoencoder (E, D) that gives every image its code");
    ae->add_option("--workspace", autoencoder->workspace, "Workspace folder")->required();
    ae->add_option("--code-dim", autoencoder->training.model.code_dim, "Size of the code z")->capture_default_str();
    ae->add_option("--width", autoencoder->training.model.width, "Channel multiplier of (64, 128, 256, 512)")
        ->check(CLI::Range(0.05, 4.0))
        ->capture_default_str();
    ae->add_option("--upsampling", autoencoder->training.model.upsampling,
                   "How the decoder doubles its resolution: subpixel (3x3 convolution + pixel shuffle, faster on CPUs) or "
                   "transposed (the paper's 4x4 stride-2 transposed convolution)")
        ->check(CLI::IsMember({"subpixel", "transposed"}))
        ->capture_default_str();
    add_schedule_options(ae, autoencoder->training.schedule, ScheduleHelp());
    ae->add_option("--adversarial-weight", autoencoder->training.adversarial_weight,
                   "Weight of the optional PatchGAN term (relative to the reconstruction loss's gradient at the decoder's "
                   "last layer); 0: off")
        ->check(CLI::Range(0.0, 100.0))
        ->capture_default_str();
    ae->add_option("--adversarial-start", autoencoder->training.adversarial_start,
                   "Step from which the PatchGAN term trains (a warm-up on reconstruction alone comes first)")
        ->check(CLI::Range(0, 10000000))
        ->capture_default_str();
    ae->add_option("--discriminator-channels", autoencoder->training.discriminator_channels,
                   "Channels of the patch discriminator's first layer")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    ae->add_option("--kl-weight", autoencoder->training.kl_weight, "Weight of the KL term")->capture_default_str();
    ae->add_option("--loss", autoencoder->training.reconstruction_loss,
                   "Reconstruction loss: l2 (learns thin strokes about twice as fast in a short budget) or l1 (the paper's)")
        ->check(CLI::IsMember({"l1", "l2"}))
        ->capture_default_str();
    ae->add_option(
          "--stroke-weight", autoencoder->training.stroke_weight,
          "Extra weight on pixels unlike the image's border colour (thin strokes), relative to the background's; 0: all alike")
        ->check(CLI::Range(0.0, 1000.0))
        ->capture_default_str();
    ae->add_option("--max-shift", autoencoder->training.max_shift,
                   "Shift every training image by up to this many pixels in x and y (augmentation); 0: none")
        ->check(CLI::Range(0, 16))
        ->capture_default_str();
    ae->add_option("--second-domain", autoencoder->second_domain,
                   "Also train on this data set's images (half of every batch), so the autoencoder can draw them for "
                   "`analyze domain-shift`: colormnist or colorfashion")
        ->check(CLI::IsMember(dataset_kind_names()));
    ae->callback([autoencoder, &global] { run_train_autoencoder(*autoencoder, global); });
}

void add_cinn_command(CLI::App* train, const GlobalOptions& global) {
    auto cinn = std::make_shared<CinnOptions>();
    CLI::App* t = train->add_subcommand("cinn", "Train t, the conditional INN that recovers a layer's invariances");
    t->add_option("--workspace", cinn->workspace, "Workspace folder")->required();
    t->add_option("--layer,--layers", cinn->layers, "Layer name(s), or 'all' (see `invariances-cli layers`)")
        ->required()
        ->delimiter(',');
    t->add_option("--classifier-step,--classifier-steps", cinn->classifier_steps,
                  "Train against these classifier checkpoints instead of the last: steps separated by commas, or all "
                  "(for the training-dynamics analysis)");
    t->add_option("--blocks", cinn->training.flow.blocks, "Flow blocks")->check(CLI::Range(1, 64))->capture_default_str();
    t->add_option("--hidden-width", cinn->training.flow.hidden_width, "Width of the coupling MLPs")
        ->check(CLI::Range(1, 8192))
        ->capture_default_str();
    t->add_option("--hidden-depth", cinn->training.flow.hidden_depth, "Hidden layers of the coupling MLPs")
        ->check(CLI::Range(1, 8))
        ->capture_default_str();
    t->add_option("--embedding-dim", cinn->training.embedding_dim, "Size of the embedding of z")->capture_default_str();
    add_schedule_options(t, cinn->training.schedule, per_layer_help());
    t->callback([cinn, &global] { run_train_cinn(*cinn, global); });
}

void add_factors_command(CLI::App* train, const GlobalOptions& global) {
    auto factors = std::make_shared<FactorOptions>();
    CLI::App* e = train->add_subcommand("factors", "Train e, the INN that splits the code into semantic factors");
    e->add_option("--workspace", factors->workspace, "Workspace folder")->required();
    e->add_option("--factor-sizes", factors->training.factor_sizes,
                  "Sizes of residual, class, foreground, background (default: estimated from pairs)")
        ->delimiter(',');
    e->add_option("--blocks", factors->training.flow.blocks, "Flow blocks")->check(CLI::Range(1, 64))->capture_default_str();
    e->add_option("--hidden-width", factors->training.flow.hidden_width, "Width of the coupling MLPs")
        ->check(CLI::Range(1, 8192))
        ->capture_default_str();
    ScheduleHelp pairs_help;
    pairs_help.batch = "Pairs per step";
    pairs_help.seed = "Seed of the initialisation and the pairs";
    add_schedule_options(e, factors->training.schedule, pairs_help);
    e->callback([factors, &global] { run_train_factors(*factors, global); });
}

void add_layers_command(CLI::App& app, const GlobalOptions& global) {
    auto layers_folder = std::make_shared<std::filesystem::path>();
    auto layers_model = std::make_shared<std::filesystem::path>();
    CLI::App* layers = app.add_subcommand("layers", "List the classifier's layers with the shape of z at each");
    CLI::Option* workspace_option = layers->add_option("--workspace", *layers_folder, "Workspace folder");
    CLI::Option* model_option = layers->add_option("--model", *layers_model,
                                                   "A TorchScript classifier of your own (with FILE.card.json beside it, "
                                                   "see tools/export_classifier.py) instead of a workspace's");
    workspace_option->excludes(model_option);
    layers->callback([layers_folder, layers_model, &global] {
        if (!layers_model->empty())
            run_model_layers(*layers_model, global);
        else if (!layers_folder->empty())
            run_layers(*layers_folder, global);
        else
            throw UserError("say whose layers: --workspace DIR or --model FILE.");
    });
}

}  // namespace

void add_train_commands(CLI::App& app, const GlobalOptions& global) {
    CLI::App* train = app.add_subcommand("train", "Train the models of a workspace (Ctrl-C saves; re-run resumes)");
    train->require_subcommand(1);
    add_classifier_commands(train, global);
    add_inversion_command(train, global);
    add_autoencoder_command(train, global);
    add_cinn_command(train, global);
    add_factors_command(train, global);
    add_layers_command(app, global);
}

}  // namespace inv
