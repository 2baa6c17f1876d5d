#pragma once

#include "core/data/image_dataset.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"

#include <filesystem>
#include <optional>
#include <string>

namespace inv {

// What a training run's latest checkpoint produces, for the GUI to show beside the loss curve:
// for t of a layer ("cinn-<layer>") its z-by-v grid, for the autoencoder the test images over
// their reconstructions. The inputs and v are the same at every checkpoint, so the pictures can
// be compared as training goes on. nullopt for models without a picture of their own (the
// classifier, e, checkpoints of earlier classifier steps).
std::optional<RgbaImage> render_training_preview(const std::filesystem::path& workspace, const std::string& model,
                                                 const ImageDataset& test, ComputeDevice device);

}  // namespace inv
