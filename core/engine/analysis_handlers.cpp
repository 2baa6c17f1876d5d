#include "core/analysis/image_mixing.h"
#include "core/analysis/model_comparison.h"
#include "core/analysis/video_invariances.h"
#include "core/data/workspace_data.h"
#include "core/engine/engine_worker.h"

#include <algorithm>

// The handlers of what the panels show: each computes one figure from the open workspace and
// puts it into the draft snapshot; none writes a workspace.
namespace inv {

bool Engine::Worker::handle(const ShowSampleGrid& command) {
    const SourceImages& source = m_cache.source_images(command.dataset);
    const auto dataset = make_color_dataset(source, command.split, command.colour_seed);
    SampleGridRequest request;
    request.rows = command.rows;
    request.columns = command.columns;
    request.seed = command.sample_seed;
    std::optional<SampleGrid> grid = render_sample_grid(*dataset, request, [this](int done, int total) {
        return unit_done(static_cast<float>(done) / static_cast<float>(total));
    });
    if (!grid) return false;
    m_draft.grid.publish(std::make_shared<const SampleGrid>(std::move(*grid)));
    return true;
}

bool Engine::Worker::handle(const ShowInvariances& command) {
    OpenWorkspace& open = open_workspace(command.workspace);
    InvarianceSampleRequest request;
    request.layer = command.layer;
    request.inputs = command.inputs;
    request.samples = command.samples;
    request.seed = command.seed;
    request.temperature = command.temperature;
    request.scale = 1;
    request.extra_inputs = command.extra_inputs;
    request.inputs_from = command.inputs_from;
    AnalysisModels& models = open.at_step(command.classifier_step);
    // The panel offers every domain; the workspace's own is its own test split.
    std::shared_ptr<const ImageDataset> foreign;
    if (!command.inputs_from.empty() && command.inputs_from != open.workspace->manifest().dataset.kind) {
        foreign = foreign_test_set(command.inputs_from, "\"Inputs from\"", *open.workspace, *open.test,
                                   [this](DatasetKind kind) { return m_cache.source_images(kind); });
    }
    const ImageDataset& inputs = foreign ? *foreign : *open.test;
    auto samples = std::make_shared<const InvarianceSamples>(sample_invariances(models, inputs, request));
    if (!unit_done(1.0f)) return false;
    m_draft.invariances.publish(std::move(samples));
    m_draft.invariances_layer = command.layer;
    return true;
}

bool Engine::Worker::handle(const EditFactors& command) {
    OpenWorkspace& open = open_workspace(command.workspace);
    const std::size_t donor = command.donor ? *command.donor : contrasting_sample(*open.test, command.index);
    FactorBlendRequest request;
    request.index = command.index;
    request.donor = donor;
    request.amounts = command.amounts;
    request.image = command.image;
    auto blend = std::make_shared<const FactorBlend>(blend_factors(open.at_step(command.classifier_step), *open.test, request));
    if (!unit_done(1.0f)) return false;
    m_draft.edit.publish(std::move(blend));
    m_draft.edit_donor = donor;
    return true;
}

bool Engine::Worker::handle(const AttackImage& command) {
    OpenWorkspace& open = open_workspace(command.workspace);
    LayerAttackRequest request;
    request.method = command.method;
    request.epsilon = command.epsilon;
    request.index = command.index;
    request.image = command.image;
    request.layers = command.layers;
    request.explained_inputs = 100;
    request.repeats = 2;
    request.scale = 2;
    request.defer_explained = true;
    AnalysisModels& models = open.at_step(command.classifier_step);
    LayerAttack attack = attack_layers(models, *open.test, request);
    // The share of z̄ that v explains depends on neither the image nor ε: each layer's is computed
    // once per workspace and checkpoint, after the figure is on screen (under half a second a layer on 2 cores).
    const auto known = [&](const std::string& layer) { return open.explained_by_v.count({command.classifier_step, layer}) > 0; };
    if (!std::all_of(attack.layers.begin(), attack.layers.end(), known)) {
        m_draft.attack.publish(std::make_shared<const LayerAttack>(attack));
        emit({m_current->id, EventKind::Progress, 0.5f, "attack figure shown; the variance explained by v follows"});
        if (!unit_done(0.5f)) return false;
        for (const std::string& layer : attack.layers) {
            if (known(layer)) continue;
            open.explained_by_v[{command.classifier_step, layer}] =
                explained_by_v(models, *open.test, layer, request.explained_inputs, request.repeats, request.seed);
        }
    }
    for (const std::string& layer : attack.layers)
        attack.explained_by_v.push_back(open.explained_by_v.at({command.classifier_step, layer}));
    if (!unit_done(1.0f)) return false;
    m_draft.attack.publish(std::make_shared<const LayerAttack>(std::move(attack)));
    return true;
}

bool Engine::Worker::handle(const MixImages& command) {
    OpenWorkspace& open = open_workspace(command.workspace);
    MixRequest request;
    request.layer = command.layer;
    request.index = command.index;
    request.with = command.with;
    request.scale = 3;
    auto mix = std::make_shared<const ImageMix>(mix_images(*open.models, *open.test, request));
    if (!unit_done(1.0f)) return false;
    m_draft.mix.publish(std::move(mix));
    return true;
}

bool Engine::Worker::handle(const ShowExplainedVariance& command) {
    OpenWorkspace& open = open_workspace(command.workspace);
    ExplainedVarianceRequest request;
    request.all_checkpoints = true;
    request.inputs = command.inputs;
    request.repeats = command.repeats;
    auto report =
        std::make_shared<const ExplainedVarianceReport>(explained_variance(*open.workspace, *open.test, request, m_device));
    if (!unit_done(1.0f)) return false;
    m_draft.explained.publish(std::move(report));
    return true;
}

bool Engine::Worker::handle(const CompareModels& command) {
    OpenWorkspace& open = open_workspace(command.workspace);
    // The other workspace stays loaded while the same one is compared (a slider or resample away).
    AnalysisModels& other = m_cache.other(command.with, m_device);
    ComparisonRequest request;
    request.samples.layer = command.layer;
    request.samples.inputs = command.inputs;
    request.samples.samples = command.samples;
    request.samples.seed = command.seed;
    request.samples.scale = 1;
    request.explained_inputs = command.explained_inputs;
    request.repeats = 1;
    auto comparison = std::make_shared<const ModelComparison>(compare_models(*open.models, other, *open.test, request));
    if (!unit_done(1.0f)) return false;
    m_draft.comparison.publish(std::move(comparison));
    return true;
}

bool Engine::Worker::handle(const PlayVideo& command) {
    OpenWorkspace& open = open_workspace(command.workspace);
    VideoInvarianceRequest request;
    request.layer = command.layer;
    request.video = command.video;
    request.index = command.index;
    request.scale = 4;
    m_draft.video_frames = std::make_shared<const std::vector<std::shared_ptr<const RgbaImage>>>();
    m_draft.video_file = command.out;
    m_draft.video_total = 0;
    ++m_draft.video_version;
    const VideoInvarianceResult result = transfer_video_invariances(
        *open.models, *open.test, request, command.out, [&](std::size_t done, std::size_t total, const RgbaImage& frame) {
            auto frames = std::make_shared<std::vector<std::shared_ptr<const RgbaImage>>>(*m_draft.video_frames);
            frames->push_back(std::make_shared<const RgbaImage>(frame));
            m_draft.video_frames = std::move(frames);
            m_draft.video_total = total;
            m_draft.job =
                "video at " + command.layer + ": frame " + std::to_string(done) + (total ? "/" + std::to_string(total) : "");
            return unit_done(total ? static_cast<float>(done) / static_cast<float>(total) : 0.5f);
        });
    if (!result.completed) return false;
    m_draft.video_fps = result.fps;
    m_draft.video_total = result.frames;
    log("wrote " + command.out.string() + " (" + std::to_string(result.frames) + " frames)");
    return true;
}

bool Engine::Worker::handle(const MakeDemoClip& command) {
    const auto test = make_color_dataset(m_cache.source_images(DatasetKind::ColorMnist), Split::Test, 0);
    write_demo_clip(*test, 0, command.frames, 15.0, 4, command.out);
    m_draft.demo_clip = command.out;
    ++m_draft.demo_clip_version;
    return unit_done(1.0f);
}

bool Engine::Worker::handle(const DescribeWorkspace& command) {
    OpenWorkspace& open = open_workspace(command.workspace);
    m_draft.layers = open.models->classifier()->layers();
    m_draft.layers_workspace = command.workspace;
    ++m_draft.layers_version;
    return unit_done(1.0f);
}

bool Engine::Worker::handle(const SetDevice& command) {
    const ComputeDevice device = parse_compute_device(command.device);
    if (device != m_device) {
        m_device = device;
        m_cache.drop_networks();  // reloaded on the new device by the next command that needs it
    }
    m_draft.device = device_name(m_device);
    log("networks run on " + describe_device(m_device));
    return unit_done(1.0f);
}

}  // namespace inv
