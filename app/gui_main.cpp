// invariances: the desktop application.
#include "core/data/data_paths.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"
#include "ui/gui_options.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace {

std::filesystem::path default_layout_file() {
    const char* config = std::getenv("XDG_CONFIG_HOME");
    const char* home = std::getenv("HOME");
    const std::filesystem::path base =
        config && *config ? std::filesystem::path(config) : std::filesystem::path(home ? home : ".") / ".config";
    return base / "invariances" / "imgui.ini";
}

}  // namespace

int main(int argc, char** argv) {
    // Past a file-size limit a write fails with EFBIG and is reported, instead of ending the program.
    std::signal(SIGXFSZ, SIG_IGN);
    CLI::App cli{"Invariances: explore what a classifier's layers keep and what they are blind to."};
    cli.set_version_flag("--version", std::string("invariances ") + INVARIANCES_VERSION);

    inv::GuiOptions options;
    options.data_root = inv::default_data_root();
    options.layout_file = default_layout_file();
    options.recent_file = options.layout_file.parent_path() / "recent-workspaces.json";
    options.view_settings_file = options.layout_file.parent_path() / "view.json";
    std::string dataset = "colormnist";
    cli.add_option("--data", options.data_root, "Folder with the offline data sets")->capture_default_str();
    cli.add_option("--dataset", dataset, "Data set shown at start: colormnist or colorfashion")
        ->check(CLI::IsMember(inv::dataset_kind_names()))
        ->capture_default_str();
    cli.add_option("--seed", options.initial_grid.sample_seed, "Seed of the samples shown at start")->capture_default_str();
    cli.add_option("--workspace", options.workspace,
                   "Workspace to explore (build the demo one with `invariances-cli demo prepare --workspace DIR`)");
    cli.add_option("--zoom", options.zoom, "Initial zoom of the sample grid (screen pixels per image pixel)")
        ->check(CLI::Range(1.0f, 12.0f))
        ->capture_default_str();
    cli.add_option("--screenshot", options.screenshot,
                   "Save the window as PNG and exit, after the start-up work is done and --frames frames");
    cli.add_option("--script", options.script,
                   "Run a scripted session (one step per line: layer, slider, attack, export, screenshot, ...; see "
                   "ui/gui_script.h) and close; exit code 1 if a step or the engine failed")
        ->check(CLI::ExistingFile);
    cli.add_option("--frame-times", options.frame_times,
                   "Write the UI thread's time per frame (ms) with p50/p99 to this JSON file at exit (a benchmark)");
    cli.add_option("--open", options.open_panels,
                   "Windows to open at start besides the default ones: log, mixing, analysis, compare, video")
        ->delimiter(',')
        ->check(CLI::IsMember({"log", "mixing", "analysis", "compare", "video"}));
    cli.add_option("--device", options.device,
                   "Where the networks run: cpu, cuda, or auto (CUDA where this build and machine have it, else "
                   "the CPU); the Device menu switches while running")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
        ->capture_default_str();
    cli.add_flag("--presentation", options.presentation,
                 "Start in presentation mode: full screen, the UI scaled for a projector, the grid and the edited "
                 "image large (F11 or View > Presentation mode switches; the choice is remembered)");
    cli.add_option("--frames", options.screenshot_frames, "Frames to render before the screenshot")
        ->check(CLI::Range(1, 10000))
        ->capture_default_str();
    CLI11_PARSE(cli, argc, argv);
    options.initial_grid.dataset = *inv::parse_dataset_kind(dataset);

    try {
        inv::apply_thread_profile(inv::ThreadProfile::Interactive);
        return inv::run_gui(options);
    } catch (const inv::UserError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "internal error: %s\n", e.what());
        return 1;
    }
}
