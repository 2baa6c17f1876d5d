#include "core/analysis/video_invariances.h"

#include "core/analysis/analysis_models.h"
#include "core/data/color_dataset.h"
#include "core/image/image_grid.h"
#include "core/image/tensor_image.h"
#include "core/image/video_io.h"
#include "core/runtime/errors.h"

#include <cmath>

namespace inv {
namespace {

RgbaImage enlarged(const RgbaImage& image, int scale) {
    RgbaImage out(image.width * scale, image.height * scale, 255);
    for (int y = 0; y < out.height; ++y) {
        for (int x = 0; x < out.width; ++x) std::copy_n(image.at(x / scale, y / scale), 4, out.at(x, y));
    }
    return out;
}

RgbaImage side_by_side(const std::vector<RgbaImage>& panels) {
    RgbaImage out(static_cast<int>(panels.size()) * panels[0].width, panels[0].height, 255);
    for (std::size_t p = 0; p < panels.size(); ++p) {
        for (int y = 0; y < out.height; ++y)
            std::copy_n(panels[p].at(0, y), 4 * panels[p].width, out.at(static_cast<int>(p) * panels[0].width, y));
    }
    return out;
}

}  // namespace

VideoInvarianceResult transfer_video_invariances(const Workspace& workspace, const ImageDataset& test,
                                                 const VideoInvarianceRequest& request, const std::filesystem::path& out,
                                                 ComputeDevice device, const VideoFrameCallback& on_frame) {
    AnalysisModels models(workspace, std::nullopt, device);
    return transfer_video_invariances(models, test, request, out, on_frame);
}

VideoInvarianceResult transfer_video_invariances(AnalysisModels& models, const ImageDataset& test,
                                                 const VideoInvarianceRequest& request, const std::filesystem::path& out,
                                                 const VideoFrameCallback& on_frame) {
    if (request.scale < 1 || request.scale > 32)
        throw UserError("the video scale must be between 1 and 32; got " + std::to_string(request.scale) + ".");
    torch::NoGradGuard no_grad;
    Classifier& classifier = models.classifier();
    Autoencoder& autoencoder = models.autoencoder();
    ConditionalFlow& t = models.t(request.layer);
    const int side = test.shape().width;

    const torch::Tensor fixed = request.image ? user_images(test, {request.image->image}, models.device())
                                              : test_images(test, {request.index}, models.device());
    const torch::Tensor z_fixed = classifier->representation(fixed, request.layer);
    const RgbaImage fixed_image = enlarged(rgba_from_batch(fixed)[0], request.scale);

    VideoReader reader(request.video);
    const std::size_t total = request.max_frames > 0 && (reader.frame_count() == 0 || request.max_frames < reader.frame_count())
                                  ? request.max_frames
                                  : reader.frame_count();
    const int frame_side = side * request.scale;
    VideoInvarianceResult result;
    result.fps = reader.fps();
    result.width = request.side_by_side ? 3 * frame_side : frame_side;
    result.height = frame_side;
    VideoWriter writer(out, result.fps, result.width, result.height);
    while (request.max_frames == 0 || result.frames < request.max_frames) {
        const std::optional<RgbaImage> frame = reader.next();
        if (!frame) break;
        const RgbaImage fitted = fit_to_square(*frame, side);
        const torch::Tensor x = user_images(test, {fitted}, models.device());
        const torch::Tensor v = t->forward(autoencoder->encode(x).mean, classifier->representation(x, request.layer)).value;
        const RgbaImage decoded = enlarged(rgba_from_batch(autoencoder->decode(t->inverse(v, z_fixed)))[0], request.scale);
        const RgbaImage shown =
            request.side_by_side ? side_by_side({enlarged(fitted, request.scale), fixed_image, decoded}) : decoded;
        writer.write(shown);
        ++result.frames;
        if (on_frame && !on_frame(result.frames, total, shown)) return result;  // the writer removes its partial file
    }
    writer.finish();
    result.completed = true;
    result.provenance = provenance_header("video", models.workspace(), test);
    result.provenance.update({{"layer", request.layer},
                              {"video", request.video.string()},
                              {"fixed", request.image ? nlohmann::json(request.image->name) : nlohmann::json(request.index)},
                              {"frames", result.frames},
                              {"fps", result.fps},
                              {"models", models.model_records()}});
    result.provenance["reproduce"] =
        "invariances-cli video --workspace " + models.workspace().folder().string() + " --layer " + request.layer + " --video " +
        request.video.string() +
        (request.image ? " --image " + request.image->name : " --index " + std::to_string(request.index)) + " --scale " +
        std::to_string(request.scale) + (request.side_by_side ? " --side-by-side" : "") +
        (request.max_frames ? " --max-frames " + std::to_string(request.max_frames) : "") + " --out VIDEO.mp4";
    return result;
}

void write_demo_clip(const ImageDataset& dataset, std::size_t index, std::size_t frames, double fps, int scale,
                     const std::filesystem::path& out) {
    const auto* coloured = dynamic_cast<const ColorDataset*>(&dataset);
    if (!coloured) throw UserError("the demo clip is made from ColorMNIST or ColorFashion.");
    if (index >= dataset.size()) throw UserError("image index " + std::to_string(index) + " is out of range.");
    if (frames < 1) throw UserError("the demo clip needs at least one frame.");
    const int side = dataset.shape().width;
    VideoWriter writer(out, fps, side * scale, side * scale);
    for (std::size_t f = 0; f < frames; ++f) {
        const double phase = 2.0 * M_PI * static_cast<double>(f) / static_cast<double>(std::max<std::size_t>(frames, 2));
        // Colours circle through hue-like cycles out of step with each other; the digit wanders on a Lissajous path.
        const Rgb foreground{static_cast<float>(0.5 + 0.45 * std::sin(phase)),
                             static_cast<float>(0.5 + 0.45 * std::sin(phase + 2.1)),
                             static_cast<float>(0.5 + 0.45 * std::sin(phase + 4.2))};
        const Rgb background{static_cast<float>(0.5 + 0.4 * std::cos(2 * phase)),
                             static_cast<float>(0.5 + 0.4 * std::cos(2 * phase + 2.1)),
                             static_cast<float>(0.5 + 0.4 * std::cos(2 * phase + 4.2))};
        const ImageSample sample = coloured->compose(index, foreground, background);
        const RgbaImage still = rgba_from_batch(tensor_from_samples({sample}, dataset.shape()))[0];
        const int dx = static_cast<int>(std::lround(3.0 * std::sin(phase)));
        const int dy = static_cast<int>(std::lround(3.0 * std::sin(2 * phase)));
        RgbaImage moved(side, side, 255);
        for (int y = 0; y < side; ++y) {
            for (int x = 0; x < side; ++x) {
                // The canvas' margins are background, so clamping at the border keeps it so.
                const int sx = std::clamp(x - dx, 0, side - 1);
                const int sy = std::clamp(y - dy, 0, side - 1);
                std::copy_n(still.at(sx, sy), 4, moved.at(x, y));
            }
        }
        writer.write(enlarged(moved, scale));
    }
    writer.finish();
}

}  // namespace inv
