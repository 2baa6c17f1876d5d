#pragma once

#include "core/training/autoencoder_trainer.h"
#include "core/training/cinn_trainer.h"
#include "core/training/classifier_trainer.h"
#include "core/training/factor_trainer.h"

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace inv {

// tiny: about a minute, for tests (rough results). quick: about 10 to 15 minutes on 2 cores, the
// recipe of the first demos. full: the recipe the shipped demo workspace is made with, up to 90
// minutes on 2 cores.
enum class DemoBudget { Tiny, Quick, Full };

std::string to_string(DemoBudget budget);
DemoBudget parse_demo_budget(const std::string& text);  // throws UserError naming the choices
// The names parse_demo_budget takes, for option checks and help texts.
std::vector<std::string> demo_budget_names();
// How long a budget takes on the 2-core machine the recipes are measured on, in words.
std::string demo_budget_duration(DemoBudget budget);

// Everything the default ColorMNIST workspace is trained with, per budget.
struct DemoPlan {
    DemoBudget budget = DemoBudget::Full;
    ClassifierTrainingOptions classifier;
    AutoencoderTrainingOptions autoencoder;
    CinnTrainingOptions cinn;  // layer filled per entry of `layers`
    std::vector<std::string> layers;
    // Layers whose t trains for another number of steps than cinn.schedule.steps.
    std::map<std::string, std::int64_t> cinn_steps_by_layer;
    FactorTrainingOptions factors;
    // Switch the thread pools per stage (convolutions, then small MLPs). The GUI turns this off to
    // keep a core for its own thread.
    bool set_thread_profiles = true;
};

DemoPlan demo_plan(DemoBudget budget);

// How many steps t trains for at `layer` under the plan.
std::int64_t cinn_steps(const DemoPlan& plan, const std::string& layer);
// The plan's options for training t at `layer`: its layer and its step count filled in.
CinnTrainingOptions cinn_options(const DemoPlan& plan, const std::string& layer);

struct DemoStage {
    std::string name;  // "classifier", "autoencoder", "cinn-fire3", "factors"
    std::int64_t steps = 0;
};

// The stages in order; the front end uses them to label its progress.
std::vector<DemoStage> demo_stages(const DemoPlan& plan);

struct DemoResult {
    bool completed = false;  // false: stopped on request; running again resumes
    nlohmann::json metrics;  // per stage, as stored in the workspace
};

// Builds (or finishes) the demo workspace in `folder`: creates it for ColorMNIST if needed, then
// trains the classifier, the autoencoder, t for every layer of the plan and e. Stages already done
// are skipped, interrupted ones resume; a folder prepared with another budget is refused.
// `on_stage` is told when each stage starts.
DemoResult prepare_demo(const std::filesystem::path& folder, const std::filesystem::path& data_root, const DemoPlan& plan,
                        const TrainingControl& control, const std::function<void(const DemoStage&)>& on_stage);

}  // namespace inv
