// `invariances-cli video` and `demo clip`: invariances driven by a video.
#include "app/cli_commands.h"
#include "app/command_helpers.h"
#include "app/stop_signal.h"
#include "app/terminal_progress.h"
#include "core/analysis/video_invariances.h"
#include "core/data/dataset_catalog.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/workspace.h"

#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct VideoOptions {
    std::filesystem::path workspace;
    VideoInvarianceRequest request;
    long index = -1;
    std::filesystem::path image;
    std::filesystem::path out;
};

struct ClipOptions {
    std::string dataset = "colormnist";
    std::size_t index = 0;
    std::size_t frames = 90;
    double fps = 15.0;
    int scale = 4;
    std::filesystem::path out;
};

void run_video(VideoOptions options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::Figures);
    install_stop_signal_handlers();
    if ((options.index >= 0) == !options.image.empty())
        throw UserError("give the fixed image: --index N (a test image) or --image FILE.");
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);
    if (options.index >= 0)
        options.request.index = static_cast<std::size_t>(options.index);
    else
        options.request.image = read_user_images({options.image}, *test).front();
    std::unique_ptr<TerminalProgress> bar;
    const VideoInvarianceResult result = transfer_video_invariances(
        workspace, *test, options.request, options.out, global.compute_device(),
        [&](std::size_t done, std::size_t total, const RgbaImage&) {
            if (!bar) bar = std::make_unique<TerminalProgress>("video at " + options.request.layer, static_cast<long>(total));
            bar->update(static_cast<long>(done));
            return !stop_signal_received();
        });
    if (!result.completed) {
        bar.reset();
        std::fprintf(stderr, "stopped after %zu frames; nothing was written.\n", result.frames);
        return;
    }
    if (bar) bar->finish();
    nlohmann::json numbers{{"provenance", result.provenance},
                           {"frames", result.frames},
                           {"fps", result.fps},
                           {"width", result.width},
                           {"height", result.height}};
    numbers["provenance"]["device"] = device_name(global.compute_device());
    std::filesystem::path json = options.out;
    json.replace_extension(".json");
    write_file_atomically(json, numbers.dump(2) + "\n");
    if (global.json)
        std::printf("%s\n", numbers.dump(2).c_str());
    else
        std::printf("%zu frames at %.3g fps, %dx%d -> %s (provenance in %s)\n", result.frames, result.fps, result.width,
                    result.height, options.out.c_str(), json.c_str());
}

void run_clip(const ClipOptions& options, const GlobalOptions& global) {
    const std::optional<DatasetKind> kind = parse_dataset_kind(options.dataset);
    const auto test = make_color_dataset(load_source_images(*kind, global.data_root), Split::Test, 0);
    write_demo_clip(*test, options.index, options.frames, options.fps, options.scale, options.out);
    if (global.json)
        std::printf("%s\n", nlohmann::json{{"video", options.out.string()}, {"frames", options.frames}}.dump(2).c_str());
    else
        std::printf("demo clip: %zu frames at %.3g fps -> %s\n", options.frames, options.fps, options.out.c_str());
}

}  // namespace

void add_video_commands(CLI::App& app, const GlobalOptions& global) {
    auto video = std::make_shared<VideoOptions>();
    CLI::App* cmd = app.add_subcommand(
        "video",
        "Invariances driven by a video: every frame gives v = t(E(frame) | Phi(frame)) at a layer, a fixed image "
        "gives z, and the output frame is D(t^-1(v | z)); writes an MP4 at the input's frame rate (Ctrl-C cancels)");
    cmd->add_option("--workspace", video->workspace, "Workspace folder")->required();
    cmd->add_option("--layer", video->request.layer, "Layer with a trained t")->required();
    cmd->add_option("--video", video->request.video,
                    "Input: a video file OpenCV reads (MP4, AVI, ...), a folder of frames, or a pattern like frames/%04d.png "
                    "(try `invariances-cli demo clip`)")
        ->required();
    cmd->add_option("--index", video->index, "The fixed image: a test image (or --image)");
    cmd->add_option("--image", video->image, "The fixed image: a file of your own")->check(CLI::ExistingFile);
    cmd->add_option("--scale", video->request.scale, "Output frames are the model's size times this")
        ->check(CLI::Range(1, 32))
        ->capture_default_str();
    cmd->add_flag("--side-by-side", video->request.side_by_side,
                  "Show [video frame | fixed image | result] in each output frame");
    cmd->add_option("--max-frames", video->request.max_frames, "Stop after this many frames (0: all)")->capture_default_str();
    cmd->add_option("--out", video->out, "MP4 to write; the provenance goes beside it (.json)")->required();
    cmd->callback([video, &global] { run_video(*video, global); });

    auto clip = std::make_shared<ClipOptions>();
    CLI::App* demo_clip = app.get_subcommand("demo")->add_subcommand(
        "clip",
        "Write a demo clip for `invariances-cli video`: a digit from the test split whose colours drift and which "
        "wanders across the canvas");
    demo_clip->add_option("--dataset", clip->dataset, "colormnist or colorfashion")
        ->check(CLI::IsMember(dataset_kind_names()))
        ->capture_default_str();
    demo_clip->add_option("--index", clip->index, "Test image to animate")->capture_default_str();
    demo_clip->add_option("--frames", clip->frames, "Frames")->check(CLI::Range(1, 100000))->capture_default_str();
    demo_clip->add_option("--fps", clip->fps, "Frames per second")->check(CLI::Range(1.0, 240.0))->capture_default_str();
    demo_clip->add_option("--scale", clip->scale, "Frames are 32 pixels times this")
        ->check(CLI::Range(1, 32))
        ->capture_default_str();
    demo_clip->add_option("--out", clip->out, "MP4 to write")->required();
    demo_clip->callback([clip, &global] { run_clip(*clip, global); });
}

}  // namespace inv
