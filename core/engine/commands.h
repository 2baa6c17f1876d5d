#pragma once

#include "core/data/dataset_catalog.h"
#include "core/image/image_fit.h"
#include "core/workspace/workspace_creation.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace inv {

// Commands the front ends post to the engine, by value: plain data, no tensors, no references to
// UI state. Each is applied on the worker thread, in posting order.
struct ShowSampleGrid {
    DatasetKind dataset = DatasetKind::ColorMnist;
    Split split = Split::Test;
    std::uint64_t colour_seed = 0;  // training split colours (the test split ignores it)
    std::uint64_t sample_seed = 0;  // which samples are shown
    int rows = 4;
    int columns = 8;
};

// The z-by-v grid of one layer of a workspace (see core/analysis/invariance_samples.h).
struct ShowInvariances {
    std::filesystem::path workspace;
    std::string layer;
    int inputs = 4;
    int samples = 8;
    std::uint64_t seed = 0;
    float temperature = 1.0f;
    std::int64_t classifier_step = -1;     // a classifier checkpoint with its own t; -1: the last
    std::vector<NamedImage> extra_inputs;  // the user's images (opened files, picked samples) as further rows
    std::string inputs_from;  // test images from another domain ("colormnist", "colorfashion"); empty: the workspace's
};

// Builds (or finishes) the demo workspace; progress and cancellation as for any command.
struct PrepareDemo {
    std::filesystem::path workspace;
    std::string budget = "quick";  // tiny, quick or full (`demo prepare --budget`)
};

// The semantic sliders: every factor of e moved part way towards a donor image's (0: the image's own
// value, 1: the donor's); see core/analysis/semantic_edit.h.
struct EditFactors {
    std::filesystem::path workspace;
    std::size_t index = 0;
    // None: a test image unlike image `index` in class and both colours (contrasting_sample), so that
    // every slider visibly changes something; the snapshot names the one taken.
    std::optional<std::size_t> donor;
    std::vector<double> amounts;        // one per factor of e, residual first
    std::optional<RgbaImage> image;     // the user's image in place of test image `index`
    std::int64_t classifier_step = -1;  // the classifier checkpoint that classifies the images; -1: the last
};

// The attack panel: x, a random-sign control and the attack, decoded at every layer with a trained t.
struct AttackImage {
    std::filesystem::path workspace;
    std::string method = "fgsm";  // fgsm | pgd
    double epsilon = 0.02;        // [-1, 1] units
    std::size_t index = 0;
    std::optional<NamedImage> image;    // the user's image in place of test image `index`
    std::vector<std::string> layers;    // decoded layers; empty: every layer with a trained t (for the checkpoint)
    std::int64_t classifier_step = -1;  // a classifier checkpoint with t's of its own; -1: the last
};

// Image mixing at a layer: the invariances of one image with the representation of another.
struct MixImages {
    std::filesystem::path workspace;
    std::string layer;
    std::size_t index = 0;
    std::size_t with = 1;
};

// Explained variance of e's factors per layer (and over training where t's exist for checkpoints).
struct ShowExplainedVariance {
    std::filesystem::path workspace;
    int inputs = 200;
    int repeats = 2;
};

// Publishes every layer of the workspace's classifier with the shape of z there.
struct DescribeWorkspace {
    std::filesystem::path workspace;
};

// Trains t for one more layer with the settings of the workspace's demo budget (progress, cancel,
// resume as for any training); trains the autoencoder first where the workspace has none yet.
struct TrainLayer {
    std::filesystem::path workspace;
    std::string layer;
};

// Two classifiers side by side under the same v (core/analysis/model_comparison.h).
struct CompareModels {
    std::filesystem::path workspace;
    std::filesystem::path with;
    std::string layer;
    int inputs = 3;
    int samples = 6;
    std::uint64_t seed = 0;
    int explained_inputs = 100;  // explained variance of e's factors at the layer, for both (0: skip)
};

// Runs a video through the invariances of a layer onto a fixed test image, writing `out` (MP4) and
// publishing every output frame as it is made, for the GUI's player (core/analysis/video_invariances.h).
struct PlayVideo {
    std::filesystem::path workspace;
    std::string layer;
    std::filesystem::path video;
    std::size_t index = 0;
    std::filesystem::path out;
};

// Writes the built-in demo clip (a drifting ColorMNIST digit) to `out`.
struct MakeDemoClip {
    std::filesystem::path out;
    std::size_t frames = 90;
};

// Trains e on the workspace's data set with the settings of its budget (see TrainLayer).
struct TrainFactors {
    std::filesystem::path workspace;
};

// Makes a new workspace (a built-in data set or the user's image folder, optionally around the
// user's TorchScript classifier); when done it is published as the prepared workspace, which the
// front end opens.
struct CreateWorkspace {
    WorkspaceRecipe recipe;
};

// Moves every network to "cpu" or "cuda" ("auto": CUDA where available). The open workspace's
// networks are reloaded on the new device by the next command that needs them.
struct SetDevice {
    std::string device;
};

using Command =
    std::variant<ShowSampleGrid, ShowInvariances, PrepareDemo, EditFactors, AttackImage, MixImages, ShowExplainedVariance,
                 DescribeWorkspace, TrainLayer, TrainFactors, CreateWorkspace, CompareModels, PlayVideo, MakeDemoClip, SetDevice>;

// Commands that only show the latest state of a control (a slider, a seed): when several of one
// kind are waiting, the worker runs only the newest and drops the others as superseded.
bool supersedes(const Command& newer, const Command& older);

std::string describe(const Command& command);

// What kind of work a command is, for the panels that show their own progress beside the status
// bar (the snapshot's `job` text is for people and changes with every step).
enum class JobKind {
    None,
    SampleGrid,
    Invariances,
    DemoWorkspace,
    Edit,
    Attack,
    Mix,
    ExplainedVariance,
    LayerList,
    TrainLayer,
    TrainFactors,
    CreateWorkspace,
    Comparison,
    Video,
    DemoClip,
    Device
};

JobKind job_kind(const Command& command);

}  // namespace inv
