#include "core/engine/commands.h"
#include "core/engine/snapshot.h"

namespace inv {
namespace {

struct Describer {
    std::string operator()(const PrepareDemo& c) const {
        return "building the demo workspace (" + c.budget + " budget) in " + c.workspace.string();
    }
    std::string operator()(const ShowInvariances& c) const {
        return "invariances of " + c.layer + ": " + std::to_string(c.inputs) + " inputs x " + std::to_string(c.samples) +
               " samples (seed " + std::to_string(c.seed) + ")";
    }
    std::string operator()(const ShowSampleGrid& c) const {
        return "sample grid " + std::to_string(c.rows) + "x" + std::to_string(c.columns) + " of " + to_string(c.dataset) + "/" +
               to_string(c.split) + " (seed " + std::to_string(c.sample_seed) + ")";
    }
    std::string operator()(const EditFactors& c) const {
        return "semantic edit of image " + std::to_string(c.index) + " towards " +
               (c.donor ? "image " + std::to_string(*c.donor) : std::string("a contrasting image"));
    }
    std::string operator()(const MixImages& c) const {
        return "mixing images " + std::to_string(c.index) + " and " + std::to_string(c.with) + " at " + c.layer;
    }
    std::string operator()(const ShowExplainedVariance& c) const {
        return "explained variance (" + std::to_string(c.inputs) + " inputs x " + std::to_string(c.repeats) + " repeats)";
    }
    std::string operator()(const DescribeWorkspace& c) const { return "reading the layers of " + c.workspace.string(); }
    std::string operator()(const TrainLayer& c) const { return "training t for " + c.layer; }
    std::string operator()(const TrainFactors&) const { return "training e"; }
    std::string operator()(const CompareModels& c) const { return "comparing with " + c.with.string() + " at " + c.layer; }
    std::string operator()(const PlayVideo& c) const { return "video " + c.video.string() + " at " + c.layer; }
    std::string operator()(const MakeDemoClip& c) const { return "writing the demo clip " + c.out.string(); }
    std::string operator()(const CreateWorkspace& c) const { return "creating workspace " + c.recipe.folder.string(); }
    std::string operator()(const SetDevice& c) const { return "moving the networks to " + c.device; }
    std::string operator()(const AttackImage& c) const {
        return c.method + " attack on image " + std::to_string(c.index) + " (eps " + std::to_string(c.epsilon) + ")";
    }
};

struct Kinds {
    JobKind operator()(const ShowSampleGrid&) const { return JobKind::SampleGrid; }
    JobKind operator()(const ShowInvariances&) const { return JobKind::Invariances; }
    JobKind operator()(const PrepareDemo&) const { return JobKind::DemoWorkspace; }
    JobKind operator()(const EditFactors&) const { return JobKind::Edit; }
    JobKind operator()(const AttackImage&) const { return JobKind::Attack; }
    JobKind operator()(const MixImages&) const { return JobKind::Mix; }
    JobKind operator()(const ShowExplainedVariance&) const { return JobKind::ExplainedVariance; }
    JobKind operator()(const DescribeWorkspace&) const { return JobKind::LayerList; }
    JobKind operator()(const TrainLayer&) const { return JobKind::TrainLayer; }
    JobKind operator()(const TrainFactors&) const { return JobKind::TrainFactors; }
    JobKind operator()(const CreateWorkspace&) const { return JobKind::CreateWorkspace; }
    JobKind operator()(const CompareModels&) const { return JobKind::Comparison; }
    JobKind operator()(const PlayVideo&) const { return JobKind::Video; }
    JobKind operator()(const MakeDemoClip&) const { return JobKind::DemoClip; }
    JobKind operator()(const SetDevice&) const { return JobKind::Device; }
};

}  // namespace

JobKind job_kind(const Command& command) {
    return std::visit(Kinds{}, command);
}

bool supersedes(const Command& newer, const Command& older) {
    if (newer.index() != older.index()) return false;
    return std::holds_alternative<ShowInvariances>(newer) || std::holds_alternative<EditFactors>(newer) ||
           std::holds_alternative<AttackImage>(newer) || std::holds_alternative<MixImages>(newer) ||
           std::holds_alternative<CompareModels>(newer);
}

std::string describe(const Command& command) {
    return std::visit(Describer{}, command);
}

const char* to_string(JobState state) {
    switch (state) {
        case JobState::Idle:
            return "idle";
        case JobState::Running:
            return "running";
        case JobState::Finished:
            return "finished";
        case JobState::Cancelled:
            return "cancelled";
        case JobState::Failed:
            return "failed";
    }
    return "unknown";
}

}  // namespace inv
