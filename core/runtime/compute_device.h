#pragma once

// Torch-free: the GUI and the command-line tool name devices through this header.
#include <string>

namespace inv {

// Where the worker's tensors live. Random draws (v, attack noise, batches) are made on the CPU in
// every case, so a figure's inputs are the same on both devices; only float rounding differs.
enum class ComputeDevice { Cpu, Cuda };

// "cpu" or "cuda".
std::string device_name(ComputeDevice device);

// True when this LibTorch was built with CUDA and a GPU is visible.
bool cuda_available();

// "cpu", "cuda" or "auto" (CUDA where available, else the CPU). "cuda" on a machine without it is a
// UserError that says what was found and to use cpu; any other text is a UserError listing the
// valid names.
ComputeDevice parse_compute_device(const std::string& text);

// One line for logs and provenance, e.g. "cuda (NVIDIA H100 80GB HBM3)" or "cpu".
std::string describe_device(ComputeDevice device);

}  // namespace inv
