// invariances-cli: the headless front end. Every figure the GUI shows can be made from here.
#include "app/cli_commands.h"
#include "app/cli_validation.h"
#include "app/stop_signal.h"
#include "core/data/data_paths.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"

#include <csignal>
#include <cstdio>
#include <filesystem>

int main(int argc, char** argv) {
    CLI::App app{
        "Invariances: what a classifier's layers keep and what they are blind to.\n"
        "Headless tool over the same core as the GUI."};
    app.require_subcommand(1);
    // The options below are accepted after the subcommand too (`layers --model m.pt --json`), as
    // people type them; every subcommand inherits this.
    app.fallthrough();
    app.set_version_flag("--version", std::string("invariances-cli ") + INVARIANCES_VERSION);

    inv::GlobalOptions global;
    global.data_root = inv::default_data_root();
    app.add_option("--data", global.data_root,
                   "Folder with the offline data sets (default: $INVARIANCES_DATA, else "
                   "~/.local/share/invariances; scripts/setup.sh fills it)")
        ->capture_default_str();
    app.add_flag("--json", global.json, "Print machine-readable JSON on stdout instead of text");
    app.add_option("--device", global.device,
                   "Where the networks train and run: cpu, cuda, or auto (CUDA where this LibTorch and machine have "
                   "it, else the CPU). Random draws are made on the CPU either way; float rounding differs.")
        ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
        ->capture_default_str();

    inv::add_data_commands(app, global);
    inv::add_workspace_commands(app, global);
    inv::add_train_commands(app, global);
    inv::add_demo_commands(app, global);
    inv::add_analysis_commands(app, global);
    inv::add_intervention_commands(app, global);
    inv::add_comparison_commands(app, global);
    inv::add_video_commands(app, global);
    inv::add_input_checks(app);

    // Past a file-size limit (ulimit -f) a write fails with EFBIG, which the atomic writer reports
    // and cleans up after, instead of the signal ending the process with a half-written temporary.
    std::signal(SIGXFSZ, SIG_IGN);
    try {
        // Headless work is mostly convolution training; commands with other needs set their own.
        inv::apply_thread_profile(inv::ThreadProfile::ConvTraining);
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const std::string unknown = inv::unknown_subcommand_message(app, argc, argv);
        if (!unknown.empty() && e.get_exit_code() != static_cast<int>(CLI::ExitCodes::Success)) {
            std::fprintf(stderr, "error: %s\n", unknown.c_str());
            return 2;
        }
        app.exit(e);
        return inv::exit_code_of(e);
    } catch (const inv::ExitStatus& status) {
        return status.code;
    } catch (const inv::UserError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    } catch (const std::filesystem::filesystem_error& e) {
        // A path the user gave that the system refused (a loop of links, a file where a folder belongs).
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "internal error: %s\n", inv::exception_text(e).c_str());
        return 1;
    }
    // Work stopped by Ctrl-C or SIGTERM saved its state and said so; scripts still learn it did not
    // finish (128 + SIGINT, as shells report an interrupted command).
    return inv::stop_signal_received() ? 130 : 0;
}
