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

// One line for logs and provenance, e.g. "cuda (2 GPUs visible, using GPU 1)" or "cpu".
std::string describe_device(ComputeDevice device);

// The GPUs this LibTorch sees (0 without CUDA).
int cuda_device_count();

// Which GPU "cuda" means in this process: -1, the default, is the current one (the first unless
// changed); a data-parallel rank sets the one its LOCAL_RANK picks before any tensor is made.
void use_cuda_device_index(int index);
int cuda_device_index();

}  // namespace inv
