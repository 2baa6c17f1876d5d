#pragma once

#include "core/analysis/explained_variance.h"
#include "core/analysis/image_mixing.h"
#include "core/analysis/invariance_samples.h"
#include "core/analysis/layer_attack.h"
#include "core/analysis/model_comparison.h"
#include "core/analysis/semantic_edit.h"
#include "core/engine/commands.h"
#include "core/engine/published.h"
#include "core/image/sample_grid.h"
#include "core/models/classifier_config.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace inv {

enum class JobState { Idle, Running, Finished, Cancelled, Failed };

const char* to_string(JobState state);

struct LogLine {
    std::string text;
    bool is_error = false;
};

// What the engine shows the world, published by the worker after every unit of work. Immutable
// once published: readers hold a shared_ptr and never lock. Images are RGBA8; no tensors.
struct EngineSnapshot {
    std::uint64_t version = 0;  // increases with every publication
    JobState state = JobState::Idle;
    std::uint64_t command_id = 0;      // the command the state refers to
    std::string job;                   // what it is doing, for people
    JobKind job_kind = JobKind::None;  // and what kind of command that is, for panels
    float progress = 0.0f;             // 0..1 within the current job
    std::size_t queued = 0;            // commands waiting behind it

    Published<SampleGrid> grid;  // the latest finished sample grid

    Published<InvarianceSamples> invariances;  // the latest z-by-v grid
    std::string invariances_layer;

    Published<FactorBlend> edit;    // the latest semantic-slider result
    Published<LayerAttack> attack;  // the latest attack panel
    Published<ImageMix> mix;
    Published<ExplainedVarianceReport> explained;
    Published<ModelComparison> comparison;  // two models under the same v
    // The video player: output frames made so far (each publication adds to a new list), the
    // frame count the input announced (0: unknown), its frame rate and the MP4 being written.
    std::shared_ptr<const std::vector<std::shared_ptr<const RgbaImage>>> video_frames;
    std::size_t video_total = 0;
    double video_fps = 25.0;
    std::filesystem::path video_file;
    std::uint64_t video_version = 0;  // a new video (not a new frame)
    std::filesystem::path demo_clip;  // the last demo clip written
    std::uint64_t demo_clip_version = 0;
    std::string training_model;             // the model being trained now (or last), for the loss curve
    std::vector<float> training_loss;       // its loss per step (thinned to at most 1000 points)
    std::int64_t training_loss_stride = 1;  // steps per point of training_loss
    // What the latest checkpoint of that model produces (samples of t, reconstructions), if anything.
    Published<RgbaImage> training_preview;
    std::string training_preview_caption;
    std::size_t test_size = 0;      // images in the open workspace's test split (0: none open)
    std::size_t edit_donor = 0;     // the test image `edit` took its donor factors from
    std::vector<LayerInfo> layers;  // every layer of the described workspace's classifier
    std::filesystem::path layers_workspace;
    std::uint64_t layers_version = 0;
    std::uint64_t trained_version = 0;         // increases when TrainLayer finishes a t
    std::uint64_t superseded = 0;              // commands dropped because a newer one of their kind was waiting
    std::filesystem::path prepared_workspace;  // the last workspace PrepareDemo finished
    std::uint64_t prepared_version = 0;

    std::string device = "cpu";   // where the networks run now
    bool cuda_available = false;  // whether SetDevice{"cuda"} can work here

    std::uint64_t error_count = 0;  // increases with every failure; the UI shows each one once
    std::string last_error;
    std::vector<LogLine> log;  // the most recent lines, oldest first
};

}  // namespace inv
