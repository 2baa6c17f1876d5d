#include "core/engine/engine.h"

#include "core/analysis/analysis_models.h"
#include "core/analysis/model_comparison.h"
#include "core/analysis/video_invariances.h"
#include "core/data/workspace_data.h"
#include "core/engine/training_preview.h"
#include "core/runtime/errors.h"
#include "core/training/cinn_trainer.h"
#include "core/training/factor_trainer.h"
#include "core/workspace/demo_pipeline.h"
#include "core/workspace/workspace.h"
#include "core/workspace/workspace_creation.h"
#include "core/workspace/workspace_lock.h"
#include "core/workspace/workspace_models.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace inv {
namespace {

constexpr std::size_t kLogLines = 200;

}  // namespace

class Engine::Worker {
public:
    explicit Worker(EngineConfig config) : m_config(std::move(config)), m_device(m_config.device) {
        m_draft.device = device_name(m_device);
        m_published = std::make_shared<const EngineSnapshot>();
        m_thread = std::thread([this] { run(); });
    }

    ~Worker() { shutdown(); }

    std::uint64_t post(Command command) {
        std::lock_guard lock(m_mutex);
        const std::uint64_t id = ++m_last_id;
        m_queue.push_back({id, m_cancel_generation.load(), std::move(command)});
        m_wake.notify_one();
        return id;
    }

    void cancel() {
        std::lock_guard lock(m_mutex);
        ++m_cancel_generation;
        m_wake.notify_one();
    }

    std::shared_ptr<const EngineSnapshot> snapshot() const {
        std::lock_guard lock(m_snapshot_mutex);
        return m_published;
    }

    bool idle() const {
        std::lock_guard lock(m_mutex);
        return (m_queue.empty() && !m_busy) || m_stopped;
    }

    void wait_until_idle() {
        std::unique_lock lock(m_mutex);
        m_idle.wait(lock, [this] { return (m_queue.empty() && !m_busy) || m_stopped; });
    }

    void shutdown() {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) return;
            m_stopping = true;
            ++m_cancel_generation;
            m_wake.notify_one();
        }
        if (m_thread.joinable()) m_thread.join();
    }

private:
    struct Queued {
        std::uint64_t id = 0;
        std::uint64_t generation = 0;
        Command command;
    };

    // The worker loop: take everything queued under the lock, run it outside the lock.
    void run() {
        // Asking CUDA can take a while on a GPU machine: never on the UI thread.
        m_draft.cuda_available = cuda_available();
        publish();
        for (;;) {
            std::deque<Queued> batch;
            {
                std::unique_lock lock(m_mutex);
                m_busy = false;
                m_idle.notify_all();
                m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
                if (m_stopping) break;
                batch.swap(m_queue);
                m_busy = true;
            }
            for (std::size_t i = 0; i < batch.size(); ++i) {
                const bool stale = std::any_of(batch.begin() + static_cast<std::ptrdiff_t>(i) + 1, batch.end(),
                                               [&](const Queued& later) { return supersedes(later.command, batch[i].command); });
                if (stale) {
                    ++m_draft.superseded;
                    emit({batch[i].id, EventKind::Cancelled, 0.0f, "superseded"});
                    continue;
                }
                execute(batch[i]);
            }
        }
        std::lock_guard lock(m_mutex);
        m_busy = false;
        m_stopped = true;
        m_idle.notify_all();
    }

    void execute(const Queued& queued) {
        m_current = &queued;
        if (cancelled()) {
            finish(EventKind::Cancelled, JobState::Cancelled, "cancelled before it started");
            return;
        }
        m_draft.state = JobState::Running;
        m_draft.command_id = queued.id;
        m_draft.job = describe(queued.command);
        m_draft.progress = 0.0f;
        emit({queued.id, EventKind::Started, 0.0f, m_draft.job});
        const auto started = std::chrono::steady_clock::now();
        try {
            const bool completed = std::visit([this](const auto& command) { return handle(command); }, queued.command);
            if (completed) {
                const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                char took[32];
                std::snprintf(took, sizeof took, " (%.2f s)", seconds);
                finish(EventKind::Finished, JobState::Finished, "done: " + m_draft.job + took);
            } else {
                finish(EventKind::Cancelled, JobState::Cancelled, "cancelled: " + m_draft.job);
            }
        } catch (const std::exception& error) {
            fail(error.what());
        }
        m_current = nullptr;
    }

    bool cancelled() const { return m_current && m_current->generation != m_cancel_generation.load(); }

    // The cancellation point of every unit of work: reports progress; false means stop now.
    bool unit_done(float progress) {
        m_draft.progress = progress;
        emit({m_current->id, EventKind::Progress, progress, {}});
        if (cancelled()) return false;
        publish();
        return true;
    }

    // Each handler returns false when it stopped early because of cancellation.
    bool handle(const ShowSampleGrid& command) {
        const SourceImages& source = source_images(command.dataset);
        const auto dataset = make_color_dataset(source, command.split, command.colour_seed);
        SampleGridRequest request;
        request.rows = command.rows;
        request.columns = command.columns;
        request.seed = command.sample_seed;
        std::optional<SampleGrid> grid = render_sample_grid(*dataset, request, [this](int done, int total) {
            return unit_done(static_cast<float>(done) / static_cast<float>(total));
        });
        if (!grid) return false;
        m_draft.grid = std::make_shared<const SampleGrid>(std::move(*grid));
        ++m_draft.grid_version;
        return true;
    }

    bool handle(const ShowInvariances& command) {
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
        AnalysisModels& models = models_at(open, command.classifier_step);
        const ImageDataset& inputs = command.inputs_from.empty() ? *open.test : foreign_test_set(command.inputs_from, *open.test);
        auto samples = std::make_shared<const InvarianceSamples>(sample_invariances(models, inputs, request));
        if (!unit_done(1.0f)) return false;
        m_draft.invariances = std::move(samples);
        m_draft.invariances_layer = command.layer;
        ++m_draft.invariances_version;
        return true;
    }

    bool handle(const EditFactors& command) {
        OpenWorkspace& open = open_workspace(command.workspace);
        const std::size_t donor = command.donor ? *command.donor : contrasting_sample(*open.test, command.index);
        auto blend = std::make_shared<const FactorBlend>(blend_factors(models_at(open, command.classifier_step), *open.test,
                                                                       {command.index, donor, command.amounts, command.image}));
        if (!unit_done(1.0f)) return false;
        m_draft.edit = std::move(blend);
        m_draft.edit_donor = donor;
        ++m_draft.edit_version;
        return true;
    }

    bool handle(const AttackImage& command) {
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
        AnalysisModels& models = models_at(open, command.classifier_step);
        LayerAttack attack = attack_layers(models, *open.test, request);
        // The share of z̄ that v explains depends on neither the image nor ε: each layer's is computed
        // once per workspace and checkpoint, after the figure is on screen (under half a second a layer on 2 cores).
        const auto known = [&](const std::string& layer) {
            return open.explained_by_v.count({command.classifier_step, layer}) > 0;
        };
        if (!std::all_of(attack.layers.begin(), attack.layers.end(), known)) {
            m_draft.attack = std::make_shared<const LayerAttack>(attack);
            ++m_draft.attack_version;
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
        m_draft.attack = std::make_shared<const LayerAttack>(std::move(attack));
        ++m_draft.attack_version;
        return true;
    }

    bool handle(const MixImages& command) {
        OpenWorkspace& open = open_workspace(command.workspace);
        auto mix = std::make_shared<const ImageMix>(
            mix_images(*open.models, *open.test, {command.layer, command.index, command.with, 3}));
        if (!unit_done(1.0f)) return false;
        m_draft.mix = std::move(mix);
        ++m_draft.mix_version;
        return true;
    }

    bool handle(const ShowExplainedVariance& command) {
        OpenWorkspace& open = open_workspace(command.workspace);
        ExplainedVarianceRequest request;
        request.all_checkpoints = true;
        request.inputs = command.inputs;
        request.repeats = command.repeats;
        auto report =
            std::make_shared<const ExplainedVarianceReport>(explained_variance(*open.workspace, *open.test, request, m_device));
        if (!unit_done(1.0f)) return false;
        m_draft.explained = std::move(report);
        ++m_draft.explained_version;
        return true;
    }

    bool handle(const SetDevice& command) {
        const ComputeDevice device = parse_compute_device(command.device);
        if (device != m_device) {
            m_device = device;
            m_open.reset();  // reloaded on the new device by the next command that needs it
        }
        m_draft.device = device_name(m_device);
        log("networks run on " + describe_device(m_device));
        return unit_done(1.0f);
    }

    bool handle(const DescribeWorkspace& command) {
        OpenWorkspace& open = open_workspace(command.workspace);
        m_draft.layers = open.models->classifier()->layers();
        m_draft.layers_workspace = command.workspace;
        ++m_draft.layers_version;
        return unit_done(1.0f);
    }

    // Progress of a training job in the status bar and the training panel (loss, previews).
    TrainingControl training_control(const std::filesystem::path& workspace, const ImageDataset& test, const std::string* stage) {
        TrainingControl control;
        control.device = m_device;
        control.stop_requested = [this] { return cancelled(); };
        control.on_progress = [this, workspace, &test, stage](const TrainingProgress& p) {
            if (!p.message.empty()) log(p.model + ": " + p.message);
            record_loss(p);
            preview_checkpoint(workspace, p, test);
            m_draft.job = *stage + ": step " + std::to_string(p.step) + "/" + std::to_string(p.total);
            unit_done(static_cast<float>(p.step) / static_cast<float>(std::max<std::int64_t>(1, p.total)));
        };
        return control;
    }

    static DemoPlan budget_plan(const Workspace& workspace) {
        const nlohmann::json& settings = workspace.manifest().dataset.settings;
        // A workspace not made by the demo trains its layers with the quick recipe's settings.
        const std::string budget = settings.is_object() ? settings.value("demo_budget", std::string()) : std::string();
        return demo_plan(budget == "tiny" ? DemoBudget::Tiny : budget == "full" ? DemoBudget::Full : DemoBudget::Quick);
    }

    bool handle(const TrainLayer& command) {
        // Locked before the manifest is read, so that no other process's entries are lost.
        const WorkspaceLock lock =
            lock_existing_workspace(command.workspace, "invariances (GUI): training t for " + command.layer);
        OpenWorkspace& open = open_workspace(command.workspace);
        const DemoPlan plan = budget_plan(*open.workspace);
        const std::string job = "training t for " + command.layer;
        std::string stage = job;
        const TrainingControl control = training_control(command.workspace, *open.test, &stage);
        // A workspace around a user's model starts without an autoencoder: every t needs one, so
        // it is trained first (once), at the resolution of the workspace's images.
        if (!has_trained(*open.workspace, "autoencoder")) {
            AutoencoderTrainingOptions autoencoder = plan.autoencoder;
            autoencoder.model.image_size = open.test->shape().height;
            stage = "training the autoencoder (needed once, before t for " + command.layer + ")";
            const AutoencoderTrainingResult trained =
                train_autoencoder(*open.workspace, *open.train, *open.test, autoencoder, control);
            if (!trained.completed) return false;
            stage = job;
        }
        open.models->require_layer(command.layer);
        // The manifest changes on disk; the next command sees the new time stamp and reloads.
        const CinnTrainingResult result =
            train_cinn(*open.workspace, *open.train, *open.test, cinn_options(plan, command.layer), control);
        if (!result.completed) return false;
        ++m_draft.trained_version;
        return true;
    }

    bool handle(const TrainFactors& command) {
        const WorkspaceLock lock = lock_existing_workspace(command.workspace, "invariances (GUI): training e");
        OpenWorkspace& open = open_workspace(command.workspace);
        if (!has_trained(*open.workspace, "autoencoder")) {
            throw UserError("e splits the autoencoder's code, and " + command.workspace.string() +
                            " has no autoencoder yet: train t for a layer first (it trains the autoencoder).");
        }
        const std::string stage = "training e";
        const FactorTrainingResult result =
            train_factors(*open.workspace, *open.train, *open.test, budget_plan(*open.workspace).factors,
                          training_control(command.workspace, *open.test, &stage));
        if (!result.completed) return false;
        ++m_draft.trained_version;
        return true;
    }

    bool handle(const CompareModels& command) {
        OpenWorkspace& open = open_workspace(command.workspace);
        // The other workspace stays loaded while the same one is compared (a slider or resample away).
        if (!m_other || m_other->workspace->folder() != command.with || m_other->device != m_device ||
            m_other->manifest_time != manifest_time(command.with)) {
            m_other.reset();
            auto other = std::make_unique<OtherWorkspace>();
            other->manifest_time = manifest_time(command.with);
            other->device = m_device;
            other->workspace = std::make_unique<Workspace>(Workspace::open(command.with));
            other->models = std::make_unique<AnalysisModels>(*other->workspace, std::nullopt, m_device);
            m_other = std::move(other);
        }
        ComparisonRequest request;
        request.samples.layer = command.layer;
        request.samples.inputs = command.inputs;
        request.samples.samples = command.samples;
        request.samples.seed = command.seed;
        request.samples.scale = 1;
        request.explained_inputs = command.explained_inputs;
        request.repeats = 1;
        auto comparison =
            std::make_shared<const ModelComparison>(compare_models(*open.models, *m_other->models, *open.test, request));
        if (!unit_done(1.0f)) return false;
        m_draft.comparison = std::move(comparison);
        ++m_draft.comparison_version;
        return true;
    }

    bool handle(const PlayVideo& command) {
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

    bool handle(const MakeDemoClip& command) {
        const auto test = make_color_dataset(source_images(DatasetKind::ColorMnist), Split::Test, 0);
        write_demo_clip(*test, 0, command.frames, 15.0, 4, command.out);
        m_draft.demo_clip = command.out;
        ++m_draft.demo_clip_version;
        return unit_done(1.0f);
    }

    // Another domain's test split, at the size of the open workspace's images.
    const ImageDataset& foreign_test_set(const std::string& name, const ImageDataset& native) {
        const std::optional<DatasetKind> kind = parse_dataset_kind(name);
        if (!kind) throw UserError("unknown domain \"" + name + "\"; expected colormnist or colorfashion.");
        auto found = m_foreign.find(*kind);
        if (found == m_foreign.end())
            found = m_foreign.emplace(*kind, make_color_dataset(source_images(*kind), Split::Test, 0)).first;
        if (found->second->shape().height != native.shape().height) {
            throw UserError(name + " images are " + std::to_string(found->second->shape().height) +
                            " pixels; this workspace's networks take " + std::to_string(native.shape().height) + ".");
        }
        return *found->second;
    }

    static std::filesystem::file_time_type manifest_time(const std::filesystem::path& folder) {
        std::error_code error;
        return std::filesystem::last_write_time(folder / kManifestFileName, error);
    }

    bool handle(const CreateWorkspace& command) {
        m_draft.job = "creating workspace " + command.recipe.folder.string();
        const CreatedWorkspace created = create_workspace(command.recipe, m_config.data_root);
        if (!created.report.skipped.empty()) {
            log("skipped " + std::to_string(created.report.skipped.size()) + " unreadable image(s), e.g. " +
                    created.report.skipped.front(),
                true);
        }
        log("created workspace " + command.recipe.folder.string() + ": " + std::to_string(created.train_images) +
            " training and " + std::to_string(created.test_images) + " test images");
        m_draft.prepared_workspace = command.recipe.folder;
        ++m_draft.prepared_version;
        return unit_done(1.0f);
    }

    // The networks of the workspace the front end shows, loaded once and kept until the workspace's
    // manifest changes (a finished training run, a new model).
    struct OpenWorkspace {
        std::filesystem::path folder;
        std::filesystem::file_time_type manifest_time;
        std::unique_ptr<Workspace> workspace;
        std::shared_ptr<const ImageDataset> train;
        std::shared_ptr<const ImageDataset> test;
        std::unique_ptr<AnalysisModels> models;
        std::map<std::int64_t, std::unique_ptr<AnalysisModels>> earlier;  // other classifier checkpoints
        // The attack panel's variance of z̄ explained by v, by classifier step (-1: the last) and layer.
        std::map<std::pair<std::int64_t, std::string>, MeanStd> explained_by_v;
        ComputeDevice device = ComputeDevice::Cpu;

        AnalysisModels& at_step(std::int64_t step) {
            auto found = earlier.find(step);
            if (found == earlier.end()) {
                found = earlier.emplace(step, std::make_unique<AnalysisModels>(*workspace, step, device)).first;
            }
            return *found->second;
        }
    };

    // The second workspace of a comparison.
    struct OtherWorkspace {
        std::filesystem::file_time_type manifest_time;
        ComputeDevice device = ComputeDevice::Cpu;
        std::unique_ptr<Workspace> workspace;
        std::unique_ptr<AnalysisModels> models;
    };

    static AnalysisModels& models_at(OpenWorkspace& open, std::int64_t classifier_step) {
        return classifier_step < 0 ? *open.models : open.at_step(classifier_step);
    }

    OpenWorkspace& open_workspace(const std::filesystem::path& folder) {
        const std::filesystem::path manifest = folder / kManifestFileName;
        std::error_code error;
        const auto time = std::filesystem::last_write_time(manifest, error);
        if (m_open && m_open->folder == folder && !error && m_open->manifest_time == time && m_open->device == m_device) {
            return *m_open;
        }
        m_open.reset();
        auto open = std::make_unique<OpenWorkspace>();
        open->folder = folder;
        open->manifest_time = time;
        open->workspace = std::make_unique<Workspace>(Workspace::open(folder));
        const DatasetEntry& dataset = open->workspace->manifest().dataset;
        if (const std::optional<DatasetKind> kind = parse_dataset_kind(dataset.kind)) {
            // The built-in sets' source images are read once per session and shared by every workspace.
            open->train = make_color_dataset(source_images(*kind), Split::Train, dataset.colour_seed);
            open->test = make_color_dataset(source_images(*kind), Split::Test, dataset.colour_seed);
        } else {
            ImageFolderReport report;
            WorkspaceData data = load_workspace_data(*open->workspace, m_config.data_root, &report);
            if (!report.skipped.empty())
                log("skipped " + std::to_string(report.skipped.size()) + " unreadable image(s) of " + data.origin, true);
            open->train = std::move(data.train);
            open->test = std::move(data.test);
        }
        open->device = m_device;
        open->models = std::make_unique<AnalysisModels>(*open->workspace, std::nullopt, m_device);
        log("opened " + folder.string());
        m_draft.test_size = open->test->size();
        m_open = std::move(open);
        return *m_open;
    }

    bool handle(const PrepareDemo& command) {
        std::filesystem::create_directories(command.workspace);
        const WorkspaceLock lock = WorkspaceLock::acquire(command.workspace, "invariances (GUI): building the demo workspace");
        DemoPlan plan = demo_plan(parse_demo_budget(command.budget));
        plan.set_thread_profiles = false;
        const std::vector<DemoStage> stages = demo_stages(plan);
        std::int64_t total = 0;
        for (const DemoStage& stage : stages) total += stage.steps;
        std::int64_t done_before_stage = 0;
        std::int64_t stage_steps = 0;
        std::string stage_name;
        TrainingControl control;
        control.device = m_device;
        control.stop_requested = [this] { return cancelled(); };
        control.on_progress = [&](const TrainingProgress& p) {
            if (!p.message.empty()) log(p.model + ": " + p.message);
            record_loss(p);
            preview_checkpoint(command.workspace, p, demo_test_set());
            m_draft.job = "demo workspace: " + stage_name + " step " + std::to_string(p.step) + "/" + std::to_string(p.total);
            unit_done(static_cast<float>(done_before_stage + std::min(p.step, stage_steps)) / static_cast<float>(total));
        };
        const auto on_stage = [&](const DemoStage& stage) {
            done_before_stage += stage_steps;
            stage_steps = stage.steps;
            stage_name = stage.name;
        };
        const DemoResult result = prepare_demo(command.workspace, m_config.data_root, plan, control, on_stage);
        if (!result.completed) return false;
        m_draft.prepared_workspace = command.workspace;
        ++m_draft.prepared_version;
        return true;
    }

    // The live loss curve: one point per `stride` steps, thinned by half whenever it grows past 1000.
    void record_loss(const TrainingProgress& p) {
        if (p.model != m_draft.training_model) {
            m_draft.training_model = p.model;
            m_draft.training_loss.clear();
            m_draft.training_loss_stride = 1;
        }
        if (p.step % m_draft.training_loss_stride != 0 || !std::isfinite(p.loss)) return;
        m_draft.training_loss.push_back(static_cast<float>(p.loss));
        if (m_draft.training_loss.size() > 1000) {
            std::vector<float> thinned;
            for (std::size_t i = 0; i < m_draft.training_loss.size(); i += 2) thinned.push_back(m_draft.training_loss[i]);
            m_draft.training_loss = std::move(thinned);
            m_draft.training_loss_stride *= 2;
        }
    }

    const ImageDataset& demo_test_set() {
        if (!m_demo_test) m_demo_test = make_color_dataset(source_images(DatasetKind::ColorMnist), Split::Test, 0);
        return *m_demo_test;
    }

    // At a checkpoint, the picture of what the model produces now (samples get sharper as t trains).
    // A failure here never stops the training: it is logged.
    void preview_checkpoint(const std::filesystem::path& workspace, const TrainingProgress& progress, const ImageDataset& test) {
        if (progress.message.rfind("checkpoint", 0) != 0) return;
        try {
            std::optional<RgbaImage> picture = render_training_preview(workspace, progress.model, test, m_device);
            if (!picture) return;
            m_draft.training_preview = std::make_shared<const RgbaImage>(std::move(*picture));
            m_draft.training_preview_caption = progress.model + " at step " + std::to_string(progress.step);
            ++m_draft.training_preview_version;
        } catch (const std::exception& error) {
            log("no preview of " + progress.model + ": " + error.what());
        }
    }

    const SourceImages& source_images(DatasetKind kind) {
        auto found = m_sources.find(kind);
        if (found == m_sources.end()) {
            log("loading " + to_string(kind) + " from " + m_config.data_root.string());
            found = m_sources.emplace(kind, load_source_images(kind, m_config.data_root)).first;
        }
        return found->second;
    }

    void finish(EventKind kind, JobState state, const std::string& message) {
        m_draft.state = state;
        if (state == JobState::Finished) m_draft.progress = 1.0f;
        log(message);
        emit({m_current->id, kind, m_draft.progress, message});
        publish();
    }

    void fail(const std::string& message) {
        m_draft.state = JobState::Failed;
        m_draft.last_error = message;
        ++m_draft.error_count;
        log(message, true);
        emit({m_current->id, EventKind::Failed, m_draft.progress, message});
        publish();
    }

    void log(const std::string& text, bool is_error = false) {
        m_draft.log.push_back({text, is_error});
        if (m_draft.log.size() > kLogLines) m_draft.log.erase(m_draft.log.begin());
    }

    void emit(const EngineEvent& event) {
        if (m_config.listener) m_config.listener(event);
    }

    void publish() {
        {
            std::lock_guard lock(m_mutex);
            m_draft.queued = m_queue.size();
        }
        ++m_draft.version;
        auto next = std::make_shared<const EngineSnapshot>(m_draft);
        std::lock_guard lock(m_snapshot_mutex);
        m_published = std::move(next);
    }

    EngineConfig m_config;
    ComputeDevice m_device;

    mutable std::mutex m_mutex;  // guards the queue and the flags below
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<Queued> m_queue;
    std::uint64_t m_last_id = 0;
    bool m_stopping = false;
    bool m_stopped = false;
    bool m_busy = true;  // until the worker reaches its first wait
    std::atomic<std::uint64_t> m_cancel_generation{0};

    mutable std::mutex m_snapshot_mutex;
    std::shared_ptr<const EngineSnapshot> m_published;

    // Worker-thread state.
    const Queued* m_current = nullptr;
    EngineSnapshot m_draft;
    std::map<DatasetKind, SourceImages> m_sources;
    std::shared_ptr<const ImageDataset> m_demo_test;  // the demo's test split, for previews while it builds
    std::unique_ptr<OpenWorkspace> m_open;
    std::unique_ptr<OtherWorkspace> m_other;
    std::map<DatasetKind, std::shared_ptr<const ColorDataset>> m_foreign;  // other domains' test splits

    std::thread m_thread;  // last: starts after everything above exists
};

Engine::Engine(EngineConfig config) : m_worker(std::make_unique<Worker>(std::move(config))) {}
Engine::~Engine() = default;
std::uint64_t Engine::post(Command command) {
    return m_worker->post(std::move(command));
}
void Engine::cancel() {
    m_worker->cancel();
}
std::shared_ptr<const EngineSnapshot> Engine::snapshot() const {
    return m_worker->snapshot();
}
bool Engine::idle() const {
    return m_worker->idle();
}
void Engine::wait_until_idle() {
    m_worker->wait_until_idle();
}
void Engine::shutdown() {
    m_worker->shutdown();
}

}  // namespace inv
