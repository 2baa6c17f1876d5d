#include "core/runtime/compute_device.h"

#include "core/runtime/errors.h"

#include <torch/cuda.h>

namespace inv {

std::string device_name(ComputeDevice device) {
    return device == ComputeDevice::Cuda ? "cuda" : "cpu";
}

bool cuda_available() {
    return torch::cuda::is_available();
}

ComputeDevice parse_compute_device(const std::string& text) {
    if (text == "cpu") return ComputeDevice::Cpu;
    if (text == "auto") return cuda_available() ? ComputeDevice::Cuda : ComputeDevice::Cpu;
    if (text == "cuda") {
        if (!cuda_available()) {
            throw UserError(
                "device 'cuda' asked for, but this LibTorch sees no CUDA GPU (a CPU-only build, or no "
                "GPU visible): use the CPU (--device cpu), or build against a CUDA LibTorch "
                "(-DTorch_DIR=<prefix>/share/cmake/Torch) on a machine with a GPU");
        }
        return ComputeDevice::Cuda;
    }
    throw UserError("unknown device '" + text + "': expected cpu, cuda or auto");
}

std::string describe_device(ComputeDevice device) {
    if (device == ComputeDevice::Cpu) return "cpu";
    const auto gpus = torch::cuda::device_count();
    return "cuda (" + std::to_string(gpus) + (gpus == 1 ? " GPU" : " GPUs") + " visible, using the first)";
}

}  // namespace inv
