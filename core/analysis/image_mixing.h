#pragma once

#include "core/data/image_dataset.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <nlohmann/json.hpp>

#include <string>

namespace inv {

// The reference demo's image mixing: the invariances of one image with the representation of
// another at a layer, D(t⁻¹(v_I | z_J)), and the converse D(t⁻¹(v_J | z_I)).
struct MixRequest {
    std::string layer;
    std::size_t index = 0;  // I
    std::size_t with = 1;   // J
    int scale = 4;
};

struct ImageMix {
    RgbaImage figure;  // x_I, x_J, v_I with z_J, v_J with z_I
    int prediction_i = -1, prediction_j = -1;
    int prediction_vi_zj = -1, prediction_vj_zi = -1;
    nlohmann::json provenance;
};

ImageMix mix_images(const Workspace& workspace, const ImageDataset& test, const MixRequest& request,
                    ComputeDevice device = ComputeDevice::Cpu);
class AnalysisModels;
ImageMix mix_images(AnalysisModels& models, const ImageDataset& test, const MixRequest& request);
nlohmann::json to_json(const ImageMix& mix);

}  // namespace inv
