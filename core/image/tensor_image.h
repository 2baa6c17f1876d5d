#pragma once

// Torch-including: for core, tests and benchmarks only, never for ui/ or app/.
#include "core/data/image_dataset.h"
#include "core/image/rgba_image.h"

#include <ATen/ATen.h>

#include <vector>

namespace inv {

// Stacks samples into an [N, C, H, W] float tensor (values as stored, in [-1, 1]).
at::Tensor tensor_from_samples(const std::vector<ImageSample>& samples, const ImageShape& shape);

// [C, H, W] in [-1, 1] (C = 1 or 3) to RGBA8, clamped and rounded; grey images are replicated.
RgbaImage rgba_from_tensor(const at::Tensor& image);
std::vector<RgbaImage> rgba_from_batch(const at::Tensor& batch);

// RGBA8 to a [3, H, W] float tensor in [-1, 1]; alpha is dropped.
at::Tensor tensor_from_rgba(const RgbaImage& image);

}  // namespace inv
