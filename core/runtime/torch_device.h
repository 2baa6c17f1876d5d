#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/runtime/compute_device.h"

#include <torch/types.h>

namespace inv {

inline torch::Device to_torch_device(ComputeDevice device) {
    if (device == ComputeDevice::Cpu) return torch::Device(torch::kCPU);
    // Index -1 leaves the choice to the current device, as torch::Device(torch::kCUDA) does.
    return torch::Device(torch::kCUDA, static_cast<torch::DeviceIndex>(cuda_device_index()));
}

}  // namespace inv
