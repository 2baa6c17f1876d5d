#pragma once

#include "core/data/image_dataset.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace inv {

// The "invariance atlas": one offline HTML page (index.html plus its figures and their JSON in
// the same folder) with every analysis of a workspace: per layer the z-by-v grid, re-encoding
// statistics and a mixing example; explained variance per layer and over training; factor sizes
// of z; semantic edits of every factor; the attack panel and its ε sweep; the comparison with the
// inversion baseline where it is trained; the metrics of every model; and the provenance of it all.
struct AtlasRequest {
    std::filesystem::path out;  // folder; created if missing
    std::uint64_t seed = 0;
    std::size_t example = 0;  // test image for edits, mixing and the attack
    std::size_t partner = 1;  // the second image for edits and mixing
    double epsilon = 0.02;    // [-1, 1] units
    int explained_inputs = 300;
    int repeats = 3;
    int sweep_inputs = 100;
    int fidelity_images = 500;
    ComputeDevice device = ComputeDevice::Cpu;
};

// Called before each section with its title, and how many sections are done and planned.
using AtlasProgress = std::function<void(const std::string& section, int done, int total)>;

// Writes the atlas and returns the path of index.html. Sections whose models are missing say
// which command trains them instead of failing the page; every figure is deterministic given the
// request, so re-running reproduces the same files.
std::filesystem::path write_atlas(const Workspace& workspace, const std::shared_ptr<const ImageDataset>& test,
                                  const AtlasRequest& request, const AtlasProgress& progress = {});

}  // namespace inv
