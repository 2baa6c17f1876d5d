#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/runtime/compute_device.h"

#include <torch/types.h>

namespace inv {

inline torch::Device to_torch_device(ComputeDevice device) {
    return device == ComputeDevice::Cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

}  // namespace inv
