#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "core/runtime/compute_device.h"

#include <filesystem>
#include <functional>
#include <memory>

namespace inv {

enum class EventKind { Started, Progress, Finished, Cancelled, Failed };

struct EngineEvent {
    std::uint64_t command_id = 0;
    EventKind kind = EventKind::Started;
    float progress = 0.0f;
    std::string message;  // the error for Failed
};

struct EngineConfig {
    std::filesystem::path data_root;
    // Called on the worker thread for every event, before the matching snapshot is published.
    // For tests and the command line; the GUI reads snapshots instead.
    std::function<void(const EngineEvent&)> listener;
    ComputeDevice device = ComputeDevice::Cpu;  // until a SetDevice command moves the networks
};

// The worker that owns every tensor. Front ends post commands by value and read immutable
// snapshots; cancellation is checked at every unit of work. Destruction cancels and joins.
class Engine {
public:
    explicit Engine(EngineConfig config);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Queues a command; returns its id (increasing from 1).
    std::uint64_t post(Command command);
    // Stops the running command at its next unit and drops every queued one.
    void cancel();
    std::shared_ptr<const EngineSnapshot> snapshot() const;
    // True when nothing is queued or running (read live, not from a snapshot).
    bool idle() const;
    // Blocks until the queue is empty and no command runs.
    void wait_until_idle();
    // Cancels everything and joins the worker; idempotent.
    void shutdown();

private:
    class Worker;
    std::unique_ptr<Worker> m_worker;
};

}  // namespace inv
