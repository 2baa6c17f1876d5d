#pragma once

// Torch-free: invariances driven by a video. Each frame supplies v = t(E(frame) | Φ(frame)),
// a fixed image supplies z, and the output frame is D(t⁻¹(v | z)): the fixed image's content moving
// with the video's invariances at that layer.
#include "core/data/image_dataset.h"
#include "core/image/image_fit.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace inv {

struct VideoInvarianceRequest {
    std::string layer;
    std::filesystem::path video;      // any video OpenCV reads, a folder of frames or a %04d pattern
    std::size_t index = 0;            // the fixed image: a test image …
    std::optional<NamedImage> image;  // … or the user's (already the model's size)
    int scale = 4;                    // output frames are side*scale pixels square
    bool side_by_side = false;        // output frames show [video frame | fixed image | result]
    std::size_t max_frames = 0;       // 0: every frame
};

struct VideoInvarianceResult {
    std::size_t frames = 0;
    double fps = 25.0;
    int width = 0;
    int height = 0;
    bool completed = false;  // false: cancelled; nothing was written
    nlohmann::json provenance;
};

// Called after each frame with the frame just made; returning false cancels.
using VideoFrameCallback = std::function<bool(std::size_t done, std::size_t total, const RgbaImage& frame)>;

// Writes `out` (.mp4, at the input's frame rate) atomically. Throws UserError for an unreadable
// video, an unknown layer, a layer without t.
VideoInvarianceResult transfer_video_invariances(const Workspace& workspace, const ImageDataset& test,
                                                 const VideoInvarianceRequest& request, const std::filesystem::path& out,
                                                 ComputeDevice device, const VideoFrameCallback& on_frame = {});
// The same with networks already loaded (the GUI's engine keeps them).
class AnalysisModels;
VideoInvarianceResult transfer_video_invariances(AnalysisModels& models, const ImageDataset& test,
                                                 const VideoInvarianceRequest& request, const std::filesystem::path& out,
                                                 const VideoFrameCallback& on_frame = {});

// A demo clip made from the data set: one ColorMNIST digit whose colours drift and which wanders
// across the canvas (`frames` frames at `fps`, `scale` times the data set's size), so the video
// feature works out of the box. Written atomically.
void write_demo_clip(const ImageDataset& dataset, std::size_t index, std::size_t frames, double fps, int scale,
                     const std::filesystem::path& out);

}  // namespace inv
