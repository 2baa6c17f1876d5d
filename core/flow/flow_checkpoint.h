#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/flow/flows.h"

#include <filesystem>

namespace inv {

// A network is stored as two files: the LibTorch archive at `path` and a JSON side-car at
// `path` + ".json" holding its configuration and a checksum of the archive. Both are written
// atomically; the checksum catches an archive and side-car that do not belong together.
void save_module(const torch::nn::Module& module, const nlohmann::json& config, const std::filesystem::path& path);

// The same two-file scheme for any archive (a training state holds a model and its optimiser).
void save_archive(torch::serialize::OutputArchive& archive, const nlohmann::json& config, const std::filesystem::path& path);
// Checks the side-car's configuration against `expected_config` and the checksum, then reads.
// `mismatch_advice` ends the message of a configuration mismatch (what the user can do about it).
torch::serialize::InputArchive load_archive(const nlohmann::json& expected_config, const std::filesystem::path& path,
                                            const torch::Device& device, const std::string& mismatch_advice = "");

std::filesystem::path side_car_path(const std::filesystem::path& path);
// The configuration stored beside `path`; throws UserError for a missing or corrupt side-car.
nlohmann::json read_saved_config(const std::filesystem::path& path);

// Loads weights into `module`, which must have been built for `expected_config`; a file made for
// another configuration fails with the first mismatching key and both values.
void load_module(torch::nn::Module& module, const nlohmann::json& expected_config, const std::filesystem::path& path,
                 const torch::Device& device);

// Reads `module`'s weights from an archive read from `path` (named in errors). A tensor the
// network lacks or lacks in the archive is a UserError, raised before anything is loaded when the
// archive has extra entries.
void load_weights(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::filesystem::path& path);

// Gives every parameter and buffer of `module` (and its submodules) of type `from` the type `to`:
// 16-bit storage of the shipped demo's weights, and their widening when loaded.
void convert_tensors(torch::nn::Module& module, torch::ScalarType from, torch::ScalarType to);

// FNV-1a 64 of a file's bytes, in hex: the checksum side-cars record.
std::string fnv1a_hex(const std::string& bytes);

// Build the network the side-car describes and load it.
ConditionalFlow load_conditional_flow(const std::filesystem::path& path, const torch::Device& device);
FactorFlow load_factor_flow(const std::filesystem::path& path, const torch::Device& device);

}  // namespace inv
