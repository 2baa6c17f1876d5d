#pragma once

// Torch-free: the second classifier of the model comparison.
#include "core/workspace/demo_pipeline.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace inv {

// Where the demo keeps its colour-blind companion: a workspace of its own inside the demo's folder.
std::filesystem::path colour_blind_folder(const std::filesystem::path& demo);

// The layers its t's are trained for (and the comparison can show), per budget.
std::vector<std::string> colour_blind_layers(DemoBudget budget);

// Builds (or finishes) the companion of a prepared demo workspace: the same data set, the same
// classifier architecture and training, but colour-blind (it sees luminance only); the demo's
// autoencoder and e, copied, so both models are read through the same z̄ and factors; and t for
// colour_blind_layers(). Stages already done are skipped, interrupted ones resume. Throws
// UserError when the demo is not prepared (it needs its autoencoder and e).
DemoResult prepare_colour_blind(const std::filesystem::path& demo, const std::filesystem::path& data_root, const DemoPlan& plan,
                                const TrainingControl& control, const std::function<void(const DemoStage&)>& on_stage);

}  // namespace inv
