#include "core/engine/engine_worker.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace inv {
namespace {

constexpr std::size_t kLogLines = 200;

}  // namespace

Engine::Worker::Worker(EngineConfig config)
    : m_config(std::move(config)),
      m_device(m_config.device),
      m_cache(m_config.data_root, [this](const std::string& text, bool is_error) { log(text, is_error); }) {
    m_draft.device = device_name(m_device);
    m_published = std::make_shared<const EngineSnapshot>();
    m_thread = std::thread([this] { run(); });
}

Engine::Worker::~Worker() {
    shutdown();
}

std::uint64_t Engine::Worker::post(Command command) {
    std::lock_guard lock(m_mutex);
    const std::uint64_t id = ++m_last_id;
    m_queue.push_back({id, m_cancel_generation.load(), std::move(command)});
    m_wake.notify_one();
    return id;
}

void Engine::Worker::cancel() {
    std::lock_guard lock(m_mutex);
    ++m_cancel_generation;
    m_wake.notify_one();
}

std::shared_ptr<const EngineSnapshot> Engine::Worker::snapshot() const {
    std::lock_guard lock(m_snapshot_mutex);
    return m_published;
}

bool Engine::Worker::idle() const {
    std::lock_guard lock(m_mutex);
    return (m_queue.empty() && !m_busy) || m_stopped;
}

void Engine::Worker::wait_until_idle() {
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return (m_queue.empty() && !m_busy) || m_stopped; });
}

void Engine::Worker::shutdown() {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) return;
        m_stopping = true;
        ++m_cancel_generation;
        m_wake.notify_one();
    }
    if (m_thread.joinable()) m_thread.join();
}

// The worker loop: take everything queued under the lock, run it outside the lock.
void Engine::Worker::run() {
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

void Engine::Worker::execute(const Queued& queued) {
    m_current = &queued;
    if (cancelled()) {
        finish(EventKind::Cancelled, JobState::Cancelled, "cancelled before it started");
        return;
    }
    m_draft.state = JobState::Running;
    m_draft.command_id = queued.id;
    m_draft.job = describe(queued.command);
    m_draft.job_kind = job_kind(queued.command);
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

bool Engine::Worker::cancelled() const {
    return m_current && m_current->generation != m_cancel_generation.load();
}

bool Engine::Worker::unit_done(float progress) {
    m_draft.progress = progress;
    emit({m_current->id, EventKind::Progress, progress, {}});
    if (cancelled()) return false;
    publish();
    return true;
}

void Engine::Worker::finish(EventKind kind, JobState state, const std::string& message) {
    m_draft.state = state;
    if (state == JobState::Finished) m_draft.progress = 1.0f;
    log(message);
    emit({m_current->id, kind, m_draft.progress, message});
    publish();
}

void Engine::Worker::fail(const std::string& message) {
    m_draft.state = JobState::Failed;
    m_draft.last_error = message;
    ++m_draft.error_count;
    log(message, true);
    emit({m_current->id, EventKind::Failed, m_draft.progress, message});
    publish();
}

void Engine::Worker::log(const std::string& text, bool is_error) {
    m_draft.log.push_back({text, is_error});
    if (m_draft.log.size() > kLogLines) m_draft.log.erase(m_draft.log.begin());
}

void Engine::Worker::emit(const EngineEvent& event) {
    if (m_config.listener) m_config.listener(event);
}

void Engine::Worker::publish() {
    {
        std::lock_guard lock(m_mutex);
        m_draft.queued = m_queue.size();
    }
    ++m_draft.version;
    auto next = std::make_shared<const EngineSnapshot>(m_draft);
    std::lock_guard lock(m_snapshot_mutex);
    m_published = std::move(next);
}

OpenWorkspace& Engine::Worker::open_workspace(const std::filesystem::path& folder) {
    OpenWorkspace& open = m_cache.open(folder, m_device);
    m_draft.test_size = open.test->size();
    return open;
}

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
