// `invariances-cli demo prepare`: the default ColorMNIST workspace in one command.
#include "app/cli_commands.h"
#include "app/stop_signal.h"
#include "app/terminal_progress.h"
#include "app/training_process.h"
#include "core/runtime/errors.h"
#include "core/training/colour_blind_companion.h"
#include "core/workspace/demo_measures.h"
#include "core/workspace/demo_pipeline.h"
#include "core/workspace/workspace.h"
#include "core/workspace/workspace_lock.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

namespace inv {
namespace {

struct PrepareOptions {
    std::filesystem::path workspace;
    std::string budget = "full";
};

using Builder = std::function<DemoResult(const std::filesystem::path&, const std::filesystem::path&, const DemoPlan&,
                                         const TrainingControl&, const std::function<void(const DemoStage&)>&)>;

// Runs a demo builder with a progress bar per stage; `what` names the result for the terminal.
// On several ranks (see TrainingProcess) every rank runs the builder on its share of each batch and
// only rank 0 shows progress and the result.
void run_builder(const PrepareOptions& options, const GlobalOptions& global, const TrainingProcess& process, const Builder& build,
                 std::size_t stage_count, const std::string& what, const std::filesystem::path& made) {
    install_stop_signal_handlers();
    const DemoPlan plan = demo_plan(parse_demo_budget(options.budget));
    std::unique_ptr<TerminalProgress> bar;
    std::size_t stage_index = 0;
    std::FILE* lines = global.json ? stderr : stdout;

    TrainingControl control;
    control.device = global.compute_device();
    control.stop_requested = [] { return stop_signal_received(); };
    control.data_parallel = process.group();
    if (process.speaks()) {
        control.on_progress = [&](const TrainingProgress& p) {
            if (!p.message.empty()) {
                std::fprintf(lines, "%s: %s\n", p.model.c_str(), p.message.c_str());
                std::fflush(lines);
            }
            if (bar) bar->update(p.step);
        };
    }
    const auto on_stage = [&](const DemoStage& stage) {
        if (!process.speaks()) return;
        if (bar) bar->finish();
        ++stage_index;
        bar = std::make_unique<TerminalProgress>(
            "[" + std::to_string(stage_index) + "/" + std::to_string(stage_count) + "] " + stage.name + process.ranks_note(),
            stage.steps);
    };

    const auto start = std::chrono::steady_clock::now();
    const DemoResult result = build(options.workspace, global.data_root, plan, control, on_stage);
    if (bar && result.completed) bar->finish();
    bar.reset();
    if (!process.speaks()) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (global.json) {
        const nlohmann::json report{{"workspace", made.string()},
                                    {"budget", options.budget},
                                    {"completed", result.completed},
                                    {"seconds", seconds},
                                    {"metrics", result.metrics}};
        std::printf("%s\n", report.dump(2).c_str());
    } else if (result.completed) {
        std::printf("%s ready in %s (%s): %s\n", what.c_str(), made.c_str(), format_duration(seconds).c_str(),
                    result.metrics.dump().c_str());
    } else {
        std::printf("stopped; run the same command to resume where it stopped.\n");
    }
}

struct MeasureOptions {
    std::filesystem::path workspace;
    QualityMeasureOptions measure;
    bool require_all = false;
};

void run_measure(const MeasureOptions& options, const GlobalOptions& global) {
    const Workspace workspace = Workspace::open(options.workspace);
    QualityMeasureOptions measure = options.measure;
    measure.device = global.compute_device();
    std::FILE* lines = global.json ? stderr : stdout;
    const auto start = std::chrono::steady_clock::now();
    const QualityReport report = measure_quality_bars(workspace, global.data_root, measure, [&](const std::string& model) {
        std::fprintf(lines, "measuring %s ...\n", model.c_str());
        std::fflush(lines);
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto met = static_cast<std::size_t>(
        std::count_if(report.bars.begin(), report.bars.end(), [](const QualityBar& bar) { return bar.met(); }));
    if (global.json) {
        nlohmann::json out = to_json(report);
        out["workspace"] = options.workspace.string();
        out["seconds"] = seconds;
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        std::printf("\n%s\n%zu of %zu bars met%s (%s).\n", markdown_table(report).c_str(), met, report.bars.size(),
                    report.missing.empty() ? "" : "; some models are not trained", format_duration(seconds).c_str());
    }
    if (options.require_all && !report.all_met()) throw ExitStatus{1};
}

}  // namespace

void add_demo_commands(CLI::App& app, const GlobalOptions& global) {
    CLI::App* demo = app.add_subcommand("demo", "The built-in ColorMNIST demo");
    demo->require_subcommand(1);
    auto options = std::make_shared<PrepareOptions>();
    CLI::App* prepare =
        demo->add_subcommand("prepare",
                             "Train everything the demo workspace needs: classifier with checkpoints, autoencoder, t for "
                             "several layers, e (resumable; a finished workspace is left as it is)");
    prepare->add_option("--workspace", options->workspace, "Folder of the demo workspace")->required();
    prepare
        ->add_option("--budget", options->budget,
                     "full (" + demo_budget_duration(DemoBudget::Full) + ": the recipe of the shipped demo), quick (" +
                         demo_budget_duration(DemoBudget::Quick) + ") or tiny (" + demo_budget_duration(DemoBudget::Tiny) + ")")
        ->check(CLI::IsMember(demo_budget_names()))
        ->capture_default_str();
    prepare->callback([options, &global] {
        const TrainingProcess process(global, [&]() -> std::optional<WorkspaceLock> {
            std::filesystem::create_directories(options->workspace);
            return WorkspaceLock::acquire(options->workspace, "invariances-cli demo prepare --budget " + options->budget);
        });
        run_builder(*options, global, process, prepare_demo, demo_stages(demo_plan(parse_demo_budget(options->budget))).size(),
                    "demo workspace", options->workspace);
    });

    auto measured = std::make_shared<MeasureOptions>();
    CLI::App* measure =
        demo->add_subcommand("measure",
                             "Measure the demo's quality bars on a workspace's test split: the classifier, the autoencoder's "
                             "reconstructions, t at every trained layer and e's swaps, each against its bar (a Markdown table)");
    measure->add_option("--workspace", measured->workspace, "Workspace folder")->required();
    measure
        ->add_option("--images", measured->measure.images,
                     "Test images for the autoencoder and t (the whole split when it has fewer)")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    measure->add_option("--pairs", measured->measure.pairs, "Test pairs of different classes for e's swaps")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    measure->add_option("--seed", measured->measure.seed, "Seed of t's samples v")->capture_default_str();
    measure->add_flag("--require-all", measured->require_all, "Exit with status 1 when a bar is not met or a model is missing");
    measure->callback([measured, &global] { run_measure(*measured, global); });

    auto companion = std::make_shared<PrepareOptions>();
    CLI::App* blind =
        demo->add_subcommand("colour-blind",
                             "Add the model comparison's second classifier to a prepared demo workspace: the same network "
                             "trained the same way but seeing luminance only, with the demo's autoencoder and e and t for some "
                             "layers, in DEMO/colour-blind (compare with `invariances-cli compare --with DEMO/colour-blind`)");
    blind->add_option("--workspace", companion->workspace, "Folder of the prepared demo workspace")->required();
    blind->add_option("--budget", companion->budget, "The demo's own: full, quick or tiny")
        ->check(CLI::IsMember(demo_budget_names()))
        ->capture_default_str();
    blind->callback([companion, &global] {
        // Without a prepared demo the builder says how to make one; there is nothing to lock yet.
        const TrainingProcess process(global, [&]() -> std::optional<WorkspaceLock> {
            if (!std::filesystem::exists(companion->workspace / kManifestFileName)) return std::nullopt;
            return lock_existing_workspace(companion->workspace, "invariances-cli demo colour-blind");
        });
        run_builder(*companion, global, process, prepare_colour_blind,
                    1 + colour_blind_layers(parse_demo_budget(companion->budget)).size(), "colour-blind companion",
                    colour_blind_folder(companion->workspace));
    });
}

}  // namespace inv
