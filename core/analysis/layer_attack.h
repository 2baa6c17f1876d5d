#pragma once

#include "core/analysis/mean_std.h"
#include "core/data/image_dataset.h"
#include "core/image/image_fit.h"
#include "core/image/rgba_image.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace inv {

enum class AttackMethod;

// docs/method.md §2.4 / §7: what each layer "sees" of an attacked image. For x, a random-sign control
// x + ε sign(n) and the attack x', decode D(t⁻¹(v | Φ(·))) at every layer with the clean image's
// own invariances v = t(E(x) | Φ(x)).
struct LayerAttackRequest {
    std::string method = "fgsm";  // fgsm | pgd
    double epsilon = 0.02;        // [-1, 1] units
    int pgd_steps = 10;
    double pgd_step_size = 0.0;       // 0: 2.5 ε / steps
    std::size_t index = 0;            // test-split image …
    std::optional<NamedImage> image;  // … or this image of the user's
    std::vector<std::string> layers;  // empty: every layer with a trained t
    int explained_inputs = 200;       // for the variance of z̄ explained by v
    int repeats = 3;
    // The caller fills explained_by_v itself (explained_by_v below; it depends on neither the image nor
    // ε, so the GUI computes it once per layer and shows the figure before it). The provenance still
    // names explained_inputs and repeats.
    bool defer_explained = false;
    std::uint64_t seed = 0;
    int scale = 3;
};

struct AttackRow {
    std::string name;                     // "none", "random sign", "fgsm" / "pgd"
    int prediction = -1;                  // f on the row's input
    double probability = 0.0;             // softmax of that class
    std::vector<int> decode_predictions;  // f(D(t⁻¹(v | Φ(x')))), one per layer
    double linf = 0.0;                    // ‖x' − x‖∞
};

struct LayerAttack {
    RgbaImage figure;  // rows none / control / attack; perturbation, input, decodes
    std::vector<std::string> layers;
    std::vector<AttackRow> rows;          // none, control, attack
    std::vector<MeanStd> explained_by_v;  // per layer: variance of z̄ explained by v
    nlohmann::json provenance;
};

LayerAttack attack_layers(const Workspace& workspace, const ImageDataset& test, const LayerAttackRequest& request,
                          ComputeDevice device = ComputeDevice::Cpu);
class AnalysisModels;
LayerAttack attack_layers(AnalysisModels& models, const ImageDataset& test, const LayerAttackRequest& request);
// to_json leaves out explained_by_v while it is not filled in (defer_explained).
nlohmann::json to_json(const LayerAttack& attack);

// Variance of z̄ explained by v at `layer` (docs/method.md §6): one v, two different inputs, over `inputs`
// pairs of test images; mean ± std over `repeats`.
MeanStd explained_by_v(AnalysisModels& models, const ImageDataset& test, const std::string& layer, int inputs, int repeats,
                       std::uint64_t seed);

// The ε sweep: prediction flip rate of the attack and of the control, and per layer the mean
// distance |D(t⁻¹(v | Φ(x'))) − D(t⁻¹(v | Φ(x)))| of the decode from the clean decode.
struct AttackSweepRequest {
    std::string method = "fgsm";
    std::vector<double> epsilons;  // [-1, 1] units; empty: 0, 1, 2, 4, 8, 16, 32 / 255
    int pgd_steps = 10;
    double pgd_step_size = 0.0;
    int inputs = 100;
    std::vector<std::string> layers;
    std::uint64_t seed = 0;
};

struct AttackSweepPoint {
    double epsilon = 0.0;
    double flip_rate = 0.0;
    double control_flip_rate = 0.0;
    std::vector<double> decode_distance;          // per layer, attack
    std::vector<double> control_decode_distance;  // per layer, control
};

struct AttackSweep {
    RgbaImage figure;
    std::vector<std::string> layers;
    std::vector<AttackSweepPoint> points;
    nlohmann::json provenance;
};

AttackSweep sweep_attack(const Workspace& workspace, const ImageDataset& test, const AttackSweepRequest& request,
                         ComputeDevice device = ComputeDevice::Cpu);
nlohmann::json to_json(const AttackSweep& sweep);

}  // namespace inv
