#include "core/runtime/compute_device.h"

#include "core/runtime/errors.h"

#include <torch/cuda.h>

#include <atomic>

namespace inv {

namespace {
std::atomic<int> g_cuda_device_index{-1};
}  // namespace

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
    const int gpus = cuda_device_count();
    const int index = cuda_device_index();
    return "cuda (" + std::to_string(gpus) + (gpus == 1 ? " GPU" : " GPUs") + " visible, using " +
           (index < 0 ? std::string("the first") : "GPU " + std::to_string(index)) + ")";
}

int cuda_device_count() {
    return static_cast<int>(torch::cuda::device_count());
}

void use_cuda_device_index(int index) {
    g_cuda_device_index = index;
}

int cuda_device_index() {
    return g_cuda_device_index;
}

}  // namespace inv
