#include "core/workspace/demo_pipeline.h"

#include "core/data/dataset_catalog.h"
#include "core/runtime/distributed_launch.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"

#include <iterator>
#include <optional>
#include <utility>

namespace inv {
namespace {

constexpr std::uint64_t kDemoColourSeed = 0;

// Each budget's name (as `--budget` takes it) and how long it takes on the 2-core machine.
struct BudgetFacts {
    DemoBudget budget;
    const char* name;
    const char* duration;
};
constexpr BudgetFacts kBudgets[] = {{DemoBudget::Tiny, "tiny", "about a minute, rough results for tests"},
                                    {DemoBudget::Quick, "quick", "10 to 15 minutes on 2 cores"},
                                    {DemoBudget::Full, "full", "up to 90 minutes on 2 cores"}};

const BudgetFacts& budget_facts(DemoBudget budget) {
    for (const BudgetFacts& facts : kBudgets) {
        if (facts.budget == budget) return facts;
    }
    return kBudgets[std::size(kBudgets) - 1];
}
constexpr double kFullStrokeWeight = 2.0;
constexpr int kFullMaxShift = 0;

Workspace open_or_create(const std::filesystem::path& folder, DemoBudget budget) {
    if (!std::filesystem::exists(folder / kManifestFileName)) {
        DatasetEntry dataset{"colormnist", kDemoColourSeed, {{"demo_budget", to_string(budget)}}};
        return Workspace::create(folder, dataset);
    }
    Workspace workspace = Workspace::open(folder);
    const std::string prepared = workspace.manifest().dataset.settings.value("demo_budget", std::string());
    if (prepared != to_string(budget)) {
        throw UserError(folder.string() + " was " +
                        (prepared.empty() ? std::string("not made by demo prepare") : "prepared with --budget " + prepared) +
                        "; use another folder for --budget " + to_string(budget) + ".");
    }
    return workspace;
}

// The recipe of the shipped demo workspace: the quick recipe (below), trained longer where the
// quick recipe's measures fell short of the demo's bars (docs/benchmarks.md records each choice).
DemoPlan full_plan(DemoPlan plan) {
    // Every named layer of the classifier, so the shipped demo shows all of them.
    plan.layers = {"input", "conv1", "fire3", "fire5", "fire7", "logits", "softmax"};
    plan.autoencoder.schedule.steps = 20000;
    plan.autoencoder.stroke_weight = kFullStrokeWeight;
    plan.autoencoder.max_shift = kFullMaxShift;
    plan.cinn.schedule.steps = 500;
    // The deep layers' samples keep the prediction more often the longer t trains; logits needs the
    // longest (docs/benchmarks.md, "the full recipe", levers).
    plan.cinn_steps_by_layer = {{"input", 1000}, {"logits", 10000}, {"softmax", 4000}};
    // Batches of 256 pairs: e's swaps improve with the number of pairs it sees.
    plan.factors.schedule.steps = 5000;
    plan.factors.schedule.batch_size = 256;
    plan.factors.factor_sizes = {8, 50, 3, 3};
    return plan;
}

}  // namespace

std::string to_string(DemoBudget budget) {
    return budget_facts(budget).name;
}

std::vector<std::string> demo_budget_names() {
    std::vector<std::string> names;
    for (const BudgetFacts& facts : kBudgets) names.push_back(facts.name);
    return names;
}

std::string demo_budget_duration(DemoBudget budget) {
    return budget_facts(budget).duration;
}

DemoBudget parse_demo_budget(const std::string& text) {
    for (const BudgetFacts& facts : kBudgets) {
        if (text == facts.name) return facts.budget;
    }
    throw UserError("unknown budget \"" + text + "\"; expected tiny (" + demo_budget_duration(DemoBudget::Tiny) + "), quick (" +
                    demo_budget_duration(DemoBudget::Quick) + ") or full (" + demo_budget_duration(DemoBudget::Full) + ").");
}

DemoPlan demo_plan(DemoBudget budget) {
    DemoPlan plan;
    plan.budget = budget;
    // Five layers from input to softmax (at least five show the method): conv1, where colour is
    // still kept, and fire7, where it is gone, between the ends. fire3 and fire5 as well do not fit
    // the quick budget on a slow day; they can be trained later (`train cinn --layer`, or from the
    // GUI's layer list). The measurements behind every choice here: docs/benchmarks.md.
    plan.layers = {"input", "conv1", "fire7", "logits", "softmax"};
    if (budget == DemoBudget::Tiny) {
        plan.classifier.model.width = 0.125;
        plan.classifier.schedule.steps = 30;
        plan.classifier.schedule.batch_size = 32;
        plan.autoencoder.model.code_dim = 16;
        plan.autoencoder.model.width = 0.125;
        plan.autoencoder.schedule.steps = 30;
        plan.autoencoder.schedule.batch_size = 16;
        plan.cinn.flow.blocks = 2;
        plan.cinn.flow.hidden_width = 32;
        plan.cinn.embedding_dim = 16;
        plan.cinn.schedule.steps = 20;
        plan.cinn.schedule.batch_size = 16;
        plan.layers = {"input", "fire3", "fire7", "logits", "softmax"};
        plan.factors.flow.blocks = 2;
        plan.factors.flow.hidden_width = 32;
        plan.factors.estimation_pairs = 300;
        plan.factors.schedule.steps = 20;
        plan.factors.schedule.batch_size = 16;
        return plan;
    }
    // Fewer steps still pass the bar on test images but read the autoencoder's reconstructions worse:
    // the bar on reconstructions needs the 2000.
    plan.classifier.schedule.steps = 2000;
    plan.autoencoder.schedule.steps = 4000;
    // The samples of t at logits and softmax keep the classifier's prediction more often the longer t
    // trains, while at the hidden layers 250 steps already reach the held-out ½‖v‖²/dim of 0.5: the
    // 15-minute budget goes where it buys the most, and more steps at both ends no longer fit it.
    plan.cinn.schedule.steps = 250;
    plan.cinn_steps_by_layer = {{"input", 500}, {"logits", 1000}, {"softmax", 1000}};
    // e improves with more steps, but slowly once the digit factor is large, and 2000 steps no longer
    // fit the budget.
    plan.factors.schedule.steps = 800;
    // The colours are RGB, three numbers each, so their factors get three dimensions: the larger sizes
    // estimated from pairs let the extra dimensions carry digit shape, and a background swap then
    // changes the digit more often. The digit gets most of the rest: in this autoencoder's code a
    // digit's class and its shape are not separable in few dimensions, and the digit swap improves
    // up to about 44 dimensions. See docs/benchmarks.md.
    const int colour_dims = 3;
    const int digit_dims = 44;
    plan.factors.factor_sizes = {plan.autoencoder.model.code_dim - digit_dims - 2 * colour_dims, digit_dims, colour_dims,
                                 colour_dims};
    return budget == DemoBudget::Full ? full_plan(plan) : plan;
}

std::int64_t cinn_steps(const DemoPlan& plan, const std::string& layer) {
    const auto found = plan.cinn_steps_by_layer.find(layer);
    return found != plan.cinn_steps_by_layer.end() ? found->second : plan.cinn.schedule.steps;
}

CinnTrainingOptions cinn_options(const DemoPlan& plan, const std::string& layer) {
    CinnTrainingOptions options = plan.cinn;
    options.layer = layer;
    options.schedule.steps = cinn_steps(plan, layer);
    return options;
}

std::vector<DemoStage> demo_stages(const DemoPlan& plan) {
    std::vector<DemoStage> stages{{"classifier", plan.classifier.schedule.steps},
                                  {"autoencoder", plan.autoencoder.schedule.steps}};
    for (const std::string& layer : plan.layers)
        stages.push_back({cinn_model_name(layer, std::nullopt), cinn_steps(plan, layer)});
    stages.push_back({"factors", plan.factors.schedule.steps});
    return stages;
}

DemoResult prepare_demo(const std::filesystem::path& folder, const std::filesystem::path& data_root, const DemoPlan& plan,
                        const TrainingControl& control, const std::function<void(const DemoStage&)>& on_stage) {
    // On several ranks rank 0 creates the folder (or refuses it) before the others open it.
    std::optional<Workspace> made;
    on_writer_rank(control.data_parallel, "opening the demo workspace",
                   [&] { made.emplace(open_or_create(folder, plan.budget)); });
    Workspace workspace = made ? std::move(*made) : Workspace::open(folder);
    const SourceImages source = load_source_images(DatasetKind::ColorMnist, data_root);
    const auto train = make_color_dataset(source, Split::Train, kDemoColourSeed);
    const auto test = make_color_dataset(source, Split::Test, kDemoColourSeed);
    const std::vector<DemoStage> stages = demo_stages(plan);
    std::size_t stage = 0;
    const auto begin = [&] {
        if (on_stage) on_stage(stages.at(stage++));
    };

    DemoResult result;
    begin();
    if (plan.set_thread_profiles) apply_thread_profile(ThreadProfile::ConvTraining);
    const ClassifierTrainingResult classifier = train_classifier(workspace, *train, *test, plan.classifier, control);
    if (!classifier.completed) return result;
    result.metrics["classifier"] = {{"test_accuracy", classifier.test_accuracy}};

    begin();
    const AutoencoderTrainingResult autoencoder = train_autoencoder(workspace, *train, *test, plan.autoencoder, control);
    if (!autoencoder.completed) return result;
    result.metrics["autoencoder"] = workspace.manifest().models.at("autoencoder").checkpoints.back().metrics;

    // t and e keep the convolution profile: every step of theirs runs the frozen Φ and E, and those
    // gain more from two OpenMP threads than the small coupling layers lose (docs/benchmarks.md).
    for (const std::string& layer : plan.layers) {
        begin();
        const CinnTrainingResult cinn = train_cinn(workspace, *train, *test, cinn_options(plan, layer), control);
        if (!cinn.completed) return result;
        result.metrics[cinn.model_name] = workspace.manifest().models.at(cinn.model_name).checkpoints.back().metrics;
    }

    begin();
    const FactorTrainingResult factors = train_factors(workspace, *train, *test, plan.factors, control);
    if (!factors.completed) return result;
    result.metrics["factors"] = workspace.manifest().models.at("factors").checkpoints.back().metrics;
    result.completed = true;
    return result;
}

}  // namespace inv
