#pragma once

// Torch-including (through the workspace cache): the engine's own files only. The worker's queue,
// thread and publishing live in engine.cpp; its handlers in analysis_handlers.cpp and
// training_handlers.cpp; what it keeps loaded in workspace_cache.h.
#include "core/engine/engine.h"
#include "core/engine/workspace_cache.h"
#include "core/training/training_control.h"
#include "core/workspace/demo_pipeline.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

namespace inv {

class Engine::Worker {
public:
    explicit Worker(EngineConfig config);
    ~Worker();

    std::uint64_t post(Command command);
    void cancel();
    std::shared_ptr<const EngineSnapshot> snapshot() const;
    bool idle() const;
    void wait_until_idle();
    void shutdown();

private:
    struct Queued {
        std::uint64_t id = 0;
        std::uint64_t generation = 0;
        Command command;
    };

    // engine.cpp: the loop, cancellation and publishing.
    void run();
    void execute(const Queued& queued);
    bool cancelled() const;
    // The cancellation point of every unit of work: reports progress; false means stop now.
    bool unit_done(float progress);
    void finish(EventKind kind, JobState state, const std::string& message);
    void fail(const std::string& message);
    void log(const std::string& text, bool is_error = false);
    void emit(const EngineEvent& event);
    void publish();

    // The open workspace, loaded on first use (and its test split's size for the panels).
    OpenWorkspace& open_workspace(const std::filesystem::path& folder);

    // Each handler returns false when it stopped early because of cancellation.
    // analysis_handlers.cpp: what the panels show.
    bool handle(const ShowSampleGrid& command);
    bool handle(const ShowInvariances& command);
    bool handle(const EditFactors& command);
    bool handle(const AttackImage& command);
    bool handle(const MixImages& command);
    bool handle(const ShowExplainedVariance& command);
    bool handle(const CompareModels& command);
    bool handle(const PlayVideo& command);
    bool handle(const MakeDemoClip& command);
    bool handle(const DescribeWorkspace& command);
    bool handle(const SetDevice& command);
    // training_handlers.cpp: what writes workspaces.
    bool handle(const TrainLayer& command);
    bool handle(const TrainFactors& command);
    bool handle(const PrepareDemo& command);
    bool handle(const CreateWorkspace& command);

    // Progress of a training job in the status bar and the training panel (loss, previews).
    TrainingControl training_control(const std::filesystem::path& workspace, const ImageDataset& test, const std::string* stage);
    static DemoPlan budget_plan(const Workspace& workspace);
    void record_loss(const TrainingProgress& progress);
    void preview_checkpoint(const std::filesystem::path& workspace, const TrainingProgress& progress, const ImageDataset& test);

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
    WorkspaceCache m_cache;

    std::thread m_thread;  // last: starts after everything above exists
};

}  // namespace inv
