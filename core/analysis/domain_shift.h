#pragma once

// Torch-free: what each layer keeps of images from another domain (the paper's domain-shift
// study): ColorFashion through the ColorMNIST classifier, or the reverse.
#include "core/analysis/explained_variance.h"
#include "core/analysis/invariance_samples.h"

namespace inv {

struct DomainShiftRequest {
    std::vector<std::string> layers;  // empty: every layer with a trained t
    std::string inputs_from;          // the foreign data set's name, for the provenance
    int inputs = 3;                   // foreign test images per layer's grid
    int samples = 6;
    int explained_inputs = 200;  // per repeat, for the explained variance on both domains
    int repeats = 2;
    std::uint64_t seed = 0;
};

struct DomainShiftLayer {
    std::string layer;
    std::vector<FactorShare> native;   // explained variance of e's factors on the workspace's own images
    std::vector<FactorShare> foreign;  // … on the foreign ones
};

struct DomainShift {
    RgbaImage figure;  // per layer (top to bottom): the foreign inputs and their samples D(t^-1(v | z))
    std::vector<DomainShiftLayer> layers;
    double native_reconstruction_l1 = 0.0;  // mean |x - D(E(x))|, [-1, 1] units
    double foreign_reconstruction_l1 = 0.0;
    bool autoencoder_represents_foreign = false;  // foreign error within 1.5x the native one
    std::string warning;                          // why the samples may not show the layer's view, or empty
    nlohmann::json provenance;
};

// `native` is the workspace's test split, `foreign` the other domain's (same image size). Needs the
// classifier, the autoencoder, e and t for the layers; throws UserError naming what to train.
DomainShift analyse_domain_shift(const Workspace& workspace, const ImageDataset& native, const ImageDataset& foreign,
                                 const DomainShiftRequest& request, ComputeDevice device = ComputeDevice::Cpu);

nlohmann::json to_json(const DomainShift& shift);

}  // namespace inv
