// `invariances-cli demo prepare`: the default ColorMNIST workspace in one command.
#include "app/cli_commands.h"
#include "app/stop_signal.h"
#include "app/terminal_progress.h"
#include "core/errors.h"
#include "core/training/demo_pipeline.h"

#include <chrono>
#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct PrepareOptions {
    std::filesystem::path workspace;
    std::string budget = "full";
};

void run_prepare(const PrepareOptions& options, const GlobalOptions& global) {
    install_stop_signal_handlers();
    const DemoPlan plan = demo_plan(parse_demo_budget(options.budget));
    const std::size_t stage_count = demo_stages(plan).size();
    std::unique_ptr<TerminalProgress> bar;
    std::size_t stage_index = 0;
    std::FILE* lines = global.json ? stderr : stdout;

    TrainingControl control;
    control.device = global.compute_device();
    control.stop_requested = [] { return stop_signal_received(); };
    control.on_progress = [&](const TrainingProgress& p) {
        if (!p.message.empty()) {
            std::fprintf(lines, "%s: %s\n", p.model.c_str(), p.message.c_str());
            std::fflush(lines);
        }
        if (bar) bar->update(p.step);
    };
    const auto on_stage = [&](const DemoStage& stage) {
        if (bar) bar->finish();
        ++stage_index;
        bar = std::make_unique<TerminalProgress>(
            "[" + std::to_string(stage_index) + "/" + std::to_string(stage_count) + "] " + stage.name, stage.steps);
    };

    const auto start = std::chrono::steady_clock::now();
    const DemoResult result = prepare_demo(options.workspace, global.data_root, plan, control, on_stage);
    if (bar && result.completed) bar->finish();
    bar.reset();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (global.json) {
        const nlohmann::json report{{"workspace", options.workspace.string()}, {"budget", options.budget},
                                    {"completed", result.completed}, {"seconds", seconds}, {"metrics", result.metrics}};
        std::printf("%s\n", report.dump(2).c_str());
    } else if (result.completed) {
        std::printf("demo workspace ready in %s (%s): %s\n", options.workspace.c_str(), format_duration(seconds).c_str(),
                    result.metrics.dump().c_str());
    } else {
        std::printf("stopped; run the same command to resume where it stopped.\n");
    }
}

}  // namespace

void add_demo_commands(CLI::App& app, const GlobalOptions& global) {
    CLI::App* demo = app.add_subcommand("demo", "The built-in ColorMNIST demo");
    demo->require_subcommand(1);
    auto options = std::make_shared<PrepareOptions>();
    CLI::App* prepare = demo->add_subcommand(
        "prepare", "Train everything the demo workspace needs: classifier with checkpoints, autoencoder, t for "
                   "several layers, e (resumable; a finished workspace is left as it is)");
    prepare->add_option("--workspace", options->workspace, "Folder of the demo workspace")->required();
    prepare->add_option("--budget", options->budget, "full, or tiny (about a minute, for tests)")
        ->check(CLI::IsMember({"tiny", "full"}))
        ->capture_default_str();
    prepare->callback([options, &global] { run_prepare(*options, global); });
}

}  // namespace inv
