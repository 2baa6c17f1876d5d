#include "core/runtime/data_parallel.h"

#include "core/runtime/errors.h"

#include <torch/version.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>

// c10d's Gloo process group and DDP's Reducer, where the LibTorch headers carry them (CMake checks;
// Debian's LibTorch 1.13 lacks one header the Reducer includes, cmake/c10d_shim supplies it).
#if defined(INVARIANCES_HAVE_C10D) && TORCH_VERSION_MAJOR < 2
#define INVARIANCES_C10D_GLOO 1
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/comm.hpp>
#include <torch/csrc/distributed/c10d/reducer.hpp>
#endif

namespace inv {

std::shared_ptr<DataParallelGroup> join_data_parallel(const DistributedLaunch& launch) {
    if (!launch.distributed()) return nullptr;
    return std::make_shared<DataParallelGroup>(launch);
}

void on_writer_rank(DataParallelGroup* group, const std::string& what, const std::function<void()>& write) {
    if (!group) {
        write();
        return;
    }
    std::exception_ptr failure;
    if (group->writes_workspace()) {
        try {
            write();
        } catch (...) {
            failure = std::current_exception();
        }
    }
    torch::Tensor failed = torch::full({1}, failure ? 1.0 : 0.0, torch::kDouble);
    group->all_reduce_sum(failed, what);
    if (failure) std::rethrow_exception(failure);
    if (failed.item<double>() > 0.0) {
        throw UserError("rank 0 could not finish " + what + "; its own output says why.");
    }
}

// ------------------------------------------------------------------------------ the batch share

namespace {
thread_local const BatchShare* t_share = nullptr;
}  // namespace

const BatchShare* current_batch_share() {
    return t_share;
}

BatchShareScope::BatchShareScope(const BatchShare& share) : m_previous(t_share), m_share(share) {
    t_share = &m_share;
}

BatchShareScope::~BatchShareScope() {
    t_share = m_previous;
}

BatchShare share_of_batch(DataParallelGroup& group, std::int64_t global_batch) {
    const int world = group.world_size();
    if (global_batch % world != 0) {
        throw UserError("the batch size " + std::to_string(global_batch) + " does not split evenly over " +
                        std::to_string(world) + " ranks; choose a batch size that " + std::to_string(world) +
                        " divides (each rank trains on an equal share of every batch).");
    }
    return {&group};
}

namespace {

// Where this share's rows sit in a batch-sized tensor of `rows` rows (a second data set's half
// batch is split over the ranks the same way).
std::pair<std::int64_t, std::int64_t> share_rows(const BatchShare& share, std::int64_t rows) {
    const int world = share.group->world_size();
    if (rows % world != 0) {
        throw UserError("a batch of " + std::to_string(rows) + " rows does not split evenly over " + std::to_string(world) +
                        " ranks; choose a batch size that " + std::to_string(2 * world) + " divides.");
    }
    const std::int64_t count = rows / world;
    return {count * share.group->rank(), count};
}

std::vector<std::int64_t> with_rows(const torch::Tensor& t, std::int64_t rows) {
    std::vector<std::int64_t> shape = t.sizes().vec();
    shape[0] = rows;
    return shape;
}

}  // namespace

std::pair<std::int64_t, std::int64_t> share_row_range(std::int64_t rows) {
    if (!t_share) return {0, rows};
    return share_rows(*t_share, rows);
}

torch::Tensor rows_of_share(const torch::Tensor& global) {
    if (!t_share) return global;
    const auto [begin, count] = share_rows(*t_share, global.size(0));
    return global.narrow(0, begin, count);
}

torch::Tensor mean_over_shares(const torch::Tensor& local) {
    if (!t_share) return local;
    torch::Tensor sum = local.detach().clone();
    t_share->group->all_reduce_sum(sum, "averaging over the ranks");
    return sum / t_share->group->world_size();
}

namespace {

// The whole batch's shape for a tensor of this rank's rows, and this rank's rows of such a tensor.
std::vector<std::int64_t> whole_batch_shape(const torch::Tensor& local) {
    return with_rows(local, local.size(0) * t_share->group->world_size());
}

torch::Tensor own_rows(const torch::Tensor& whole, const torch::Tensor& local) {
    return whole.narrow(0, local.size(0) * t_share->group->rank(), local.size(0));
}

}  // namespace

torch::Tensor shared_randn_like(const torch::Tensor& local) {
    if (!t_share) return torch::randn_like(local);
    return own_rows(torch::randn(whole_batch_shape(local), local.options()), local);
}

torch::Tensor shared_dropout(const torch::Tensor& x, double probability, bool training) {
    if (!t_share || !training || probability == 0.0) return torch::dropout(x, probability, training);
    // torch's own dropout on the CPU: a Bernoulli(1 - p) mask scaled by 1 / (1 - p); drawn for the
    // whole batch, so each rank's rows get the mask one process would give them.
    torch::Tensor mask = torch::empty(whole_batch_shape(x), x.options()).bernoulli_(1.0 - probability);
    mask.div_(1.0 - probability);
    return x * own_rows(mask, x);
}

namespace {

std::vector<std::int64_t> per_channel_view(const torch::Tensor& x) {
    std::vector<std::int64_t> shape(static_cast<std::size_t>(x.dim()), 1);
    shape[1] = x.size(1);
    return shape;
}

std::vector<std::int64_t> all_but_channels(const torch::Tensor& x) {
    std::vector<std::int64_t> dims{0};
    for (std::int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
    return dims;
}

}  // namespace

torch::Tensor batch_norm_over_shares(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                     torch::Tensor& running_mean, torch::Tensor& running_var, torch::Tensor& batches_tracked,
                                     double momentum, double eps) {
    DataParallelGroup& group = *t_share->group;
    const std::int64_t channels = x.size(1);
    const std::vector<std::int64_t> dims = all_but_channels(x);
    const torch::Tensor sums = group.sum_with_gradient(torch::cat({x.sum(dims), (x * x).sum(dims)}));
    const double n = static_cast<double>(x.numel() / channels) * group.world_size();
    const torch::Tensor mean = sums.narrow(0, 0, channels) / n;
    const torch::Tensor variance = sums.narrow(0, channels, channels) / n - mean * mean;
    const std::vector<std::int64_t> view = per_channel_view(x);
    torch::Tensor y = (x - mean.view(view)) * torch::rsqrt(variance + eps).view(view);
    if (weight.defined()) y = y * weight.view(view) + bias.view(view);
    torch::NoGradGuard no_grad;
    if (batches_tracked.defined()) batches_tracked.add_(1);
    if (running_mean.defined()) {
        running_mean.mul_(1.0 - momentum).add_(mean.detach() * momentum);
        running_var.mul_(1.0 - momentum).add_(variance.detach() * (n / (n - 1.0)) * momentum);
    }
    return y;
}

// ------------------------------------------------------------------------------ the process group

#ifdef INVARIANCES_C10D_GLOO

struct DataParallelGroup::State {
    DataParallelGroup* owner = nullptr;
    DistributedLaunch launch;
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<c10d::ProcessGroup> main;        // gradients, barriers, broadcasts, loss
    c10::intrusive_ptr<c10d::ProcessGroup> statistics;  // batch statistics inside a step

    // Every rank counts up a key of its own in the store once a second; a rank whose count stands
    // still has stopped, which is how a failed collective names the rank at fault.
    std::thread heartbeat;
    std::mutex heartbeat_mutex;
    std::condition_variable heartbeat_wake;
    bool stopping = false;

    static std::string heartbeat_key(int rank) { return "heartbeat/" + std::to_string(rank); }

    void beat() {
        std::uint64_t count = 0;
        std::unique_lock<std::mutex> lock(heartbeat_mutex);
        while (!stopping) {
            lock.unlock();
            try {
                const std::string text = std::to_string(++count);
                store->set(heartbeat_key(launch.rank), std::vector<std::uint8_t>(text.begin(), text.end()));
            } catch (const std::exception&) {
                return;  // the store is gone with rank 0: the failing collective says so
            }
            lock.lock();
            heartbeat_wake.wait_for(lock, std::chrono::seconds(1), [this] { return stopping; });
        }
    }

    std::vector<long long> heartbeats() {
        std::vector<long long> counts(static_cast<std::size_t>(launch.world_size), -1);
        for (int r = 0; r < launch.world_size; ++r) {
            if (!store->check({heartbeat_key(r)})) continue;
            const std::vector<std::uint8_t> bytes = store->get(heartbeat_key(r));
            counts[static_cast<std::size_t>(r)] = std::atoll(std::string(bytes.begin(), bytes.end()).c_str());
        }
        return counts;
    }

    void wait(const c10::intrusive_ptr<c10d::Work>& work) { work->wait(launch.timeout); }

    // Sums the statistics of a forward or backward pass over the ranks (the second group).
    torch::Tensor sum_statistics(const torch::Tensor& local, const char* pass) {
        std::vector<torch::Tensor> tensors{local.contiguous().clone()};
        try {
            wait(statistics->allreduce(tensors));
        } catch (const std::exception& error) {
            owner->lost_contact(std::string("the batch statistics of a ") + pass + " pass", error);
        }
        return tensors[0];
    }
};

namespace {

std::shared_ptr<::gloo::transport::Device> gloo_device(const DistributedLaunch& launch) {
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME")) {
        return c10d::ProcessGroupGloo::createDeviceForInterface(interface);
    }
    if (launch.master_address == "127.0.0.1" || launch.master_address == "localhost") {
        return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
    }
    return c10d::ProcessGroupGloo::createDefaultDevice();
}

c10::intrusive_ptr<c10d::ProcessGroup> gloo_group(const DistributedLaunch& launch, const c10::intrusive_ptr<c10d::Store>& store,
                                                  const std::string& prefix) {
    auto options = c10d::ProcessGroupGloo::Options::create(launch.timeout);
    options->devices.push_back(gloo_device(launch));
    return c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>(prefix, store), launch.rank,
                                                       launch.world_size, options);
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

class ReducerAveraging : public GradientAveraging {
public:
    ReducerAveraging(std::vector<torch::Tensor> parameters, const c10::intrusive_ptr<c10d::ProcessGroup>& group) {
        // DDP's defaults: a first bucket of 1 MiB so that the first all-reduce starts early, then
        // 25 MiB buckets, assigned in the reverse order of the parameters (the backward order).
        constexpr std::int64_t kFirstBucketBytes = 1 << 20;
        constexpr std::int64_t kBucketBytes = 25 << 20;
        const std::vector<bool> sparse(parameters.size(), false);
        auto [buckets, limits] = c10d::compute_bucket_assignment_by_size(
            parameters, {static_cast<std::size_t>(kFirstBucketBytes), static_cast<std::size_t>(kBucketBytes)}, sparse);
        std::reverse(buckets.begin(), buckets.end());
        std::reverse(limits.begin(), limits.end());
        m_reducer = std::make_unique<c10d::Reducer>(std::move(parameters), std::move(buckets), std::move(limits), group, sparse,
                                                    kBucketBytes, /*find_unused_parameters=*/false,
                                                    /*gradient_as_bucket_view=*/false,
                                                    std::unordered_map<std::size_t, std::string>{}, kFirstBucketBytes);
    }

    void prepare_for_backward() override {
        // After the first step the buckets are rebuilt in the order the gradients arrived, as DDP
        // does at its second forward pass.
        m_reducer->rebuild_buckets();
        m_reducer->prepare_for_backward({});
    }

private:
    std::unique_ptr<c10d::Reducer> m_reducer;
};

struct SumOverRanks : public torch::autograd::Function<SumOverRanks> {
    static torch::Tensor forward(torch::autograd::AutogradContext* context, const torch::Tensor& local,
                                 std::int64_t state_address) {
        context->saved_data["state"] = state_address;
        return reinterpret_cast<DataParallelGroup::State*>(state_address)->sum_statistics(local, "forward");
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                   torch::autograd::variable_list gradients) {
        auto* state = reinterpret_cast<DataParallelGroup::State*>(context->saved_data["state"].toInt());
        return {state->sum_statistics(gradients[0], "backward"), torch::Tensor()};
    }
};

}  // namespace

DataParallelGroup::DataParallelGroup(const DistributedLaunch& launch) : m_state(std::make_unique<State>()) {
    m_state->owner = this;
    m_state->launch = launch;
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(launch.master_port);
        options.isServer = launch.rank == 0;
        options.numWorkers = static_cast<std::size_t>(launch.world_size);
        options.timeout = launch.timeout;
        m_state->store = c10::make_intrusive<c10d::TCPStore>(launch.master_address, options);
        m_state->main = gloo_group(launch, m_state->store, "main");
        m_state->statistics = gloo_group(launch, m_state->store, "statistics");
    } catch (const std::exception& error) {
        throw UserError("rank " + std::to_string(launch.rank) + " of " + std::to_string(launch.world_size) +
                        " could not join the others through " + launch.master_address + ":" + std::to_string(launch.master_port) +
                        " within " + std::to_string(launch.timeout.count()) + " s (" + first_line(exception_text(error)) +
                        "). Check MASTER_ADDR and MASTER_PORT, that every rank was started, and that the port is free.");
    }
    m_state->heartbeat = std::thread([state = m_state.get()] { state->beat(); });
}

DataParallelGroup::~DataParallelGroup() {
    {
        std::lock_guard<std::mutex> lock(m_state->heartbeat_mutex);
        m_state->stopping = true;
    }
    m_state->heartbeat_wake.notify_all();
    if (m_state->heartbeat.joinable()) m_state->heartbeat.join();
}

const DistributedLaunch& DataParallelGroup::launch() const {
    return m_state->launch;
}

void DataParallelGroup::lost_contact(const std::string& what, const std::exception& error) {
    const DistributedLaunch& launch = m_state->launch;
    std::string who;
    try {
        // A dead rank's count stands still; wait out two beats to see whose.
        m_state->store->setTimeout(std::chrono::seconds(5));
        const std::vector<long long> before = m_state->heartbeats();
        std::this_thread::sleep_for(std::chrono::milliseconds(2500));
        const std::vector<long long> after = m_state->heartbeats();
        std::vector<int> silent;
        for (int r = 0; r < launch.world_size; ++r) {
            if (r != launch.rank && after[static_cast<std::size_t>(r)] == before[static_cast<std::size_t>(r)])
                silent.push_back(r);
        }
        if (!silent.empty()) {
            who = (silent.size() == 1 ? "rank " : "ranks ") + joined(silent, [](int r) { return std::to_string(r); }) +
                  " stopped answering";
        }
    } catch (const std::exception&) {
        who = "rank 0 stopped answering (its rendezvous store at " + launch.master_address + ":" +
              std::to_string(launch.master_port) + " is gone)";
    }
    if (who.empty()) who = "a collective failed";
    throw UserError("rank " + std::to_string(launch.rank) + " of " + std::to_string(launch.world_size) + ": " + who + " during " +
                    what + " (" + first_line(exception_text(error)) + "; timeout " + std::to_string(launch.timeout.count()) +
                    " s, INVARIANCES_DIST_TIMEOUT sets it). The run stops here; the workspace keeps its last saved "
                    "state, and the same command resumes from it with any number of ranks.");
}

void DataParallelGroup::barrier(const std::string& what) {
    try {
        m_state->wait(m_state->main->barrier());
    } catch (const std::exception& error) {
        lost_contact(what, error);
    }
}

void DataParallelGroup::all_reduce_sum(torch::Tensor& tensor, const std::string& what) {
    try {
        std::vector<torch::Tensor> tensors{tensor};
        m_state->wait(m_state->main->allreduce(tensors));
    } catch (const std::exception& error) {
        lost_contact(what, error);
    }
}

torch::Tensor DataParallelGroup::sum_with_gradient(const torch::Tensor& local) {
    return SumOverRanks::apply(local, reinterpret_cast<std::int64_t>(m_state.get()));
}

void DataParallelGroup::broadcast_module(torch::nn::Module& module, const std::string& what) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> tensors;
    for (const torch::Tensor& p : module.parameters()) tensors.push_back(p);
    for (const torch::Tensor& b : module.buffers()) tensors.push_back(b);
    try {
        for (torch::Tensor& t : tensors) {
            std::vector<torch::Tensor> one{t};
            m_state->wait(m_state->main->broadcast(one, c10d::BroadcastOptions{0, 0, m_state->launch.timeout}));
        }
    } catch (const std::exception& error) {
        lost_contact(what, error);
    }
}

std::unique_ptr<GradientAveraging> DataParallelGroup::average_gradients(const std::vector<torch::Tensor>& parameters) {
    std::vector<torch::Tensor> trained;
    for (const torch::Tensor& p : parameters) {
        if (p.requires_grad()) trained.push_back(p);
    }
    return std::make_unique<ReducerAveraging>(std::move(trained), m_state->main);
}

std::pair<torch::Tensor, torch::Tensor> channel_moments_over_shares(const torch::Tensor& x) {
    torch::NoGradGuard no_grad;
    const torch::Tensor channels_first = x.transpose(0, 1).reshape({x.size(1), -1}).to(torch::kDouble);
    const double local = static_cast<double>(channels_first.size(1));
    torch::Tensor sums = torch::cat({channels_first.sum(1), channels_first.pow(2).sum(1)});
    DataParallelGroup& group = *t_share->group;
    group.all_reduce_sum(sums, "the first batch's statistics");
    const double n = local * group.world_size();
    const std::int64_t channels = x.size(1);
    const torch::Tensor mean = sums.narrow(0, 0, channels) / n;
    const torch::Tensor variance = (sums.narrow(0, channels, channels) - n * mean * mean) / (n - 1.0);
    return {mean.to(x.scalar_type()), variance.clamp_min(0.0).sqrt().to(x.scalar_type())};
}

#else  // no c10d in this LibTorch

struct DataParallelGroup::State {
    DistributedLaunch launch;
};

DataParallelGroup::DataParallelGroup(const DistributedLaunch& launch) : m_state(std::make_unique<State>()) {
    m_state->launch = launch;
    throw UserError("this process is rank " + std::to_string(launch.rank) + " of " + std::to_string(launch.world_size) +
                    ", but this build has no data-parallel training: its LibTorch (" + TORCH_VERSION +
                    ") came without c10d's Gloo headers. Build against Debian's libtorch-dev with libgloo-dev, or run "
                    "one process (unset WORLD_SIZE and RANK).");
}

DataParallelGroup::~DataParallelGroup() = default;

const DistributedLaunch& DataParallelGroup::launch() const {
    return m_state->launch;
}

void DataParallelGroup::lost_contact(const std::string& what, const std::exception& error) {
    throw UserError(what + ": " + exception_text(error));
}

void DataParallelGroup::barrier(const std::string&) {}
void DataParallelGroup::all_reduce_sum(torch::Tensor&, const std::string&) {}
torch::Tensor DataParallelGroup::sum_with_gradient(const torch::Tensor& local) {
    return local;
}
void DataParallelGroup::broadcast_module(torch::nn::Module&, const std::string&) {}
std::unique_ptr<GradientAveraging> DataParallelGroup::average_gradients(const std::vector<torch::Tensor>&) {
    return nullptr;
}
std::pair<torch::Tensor, torch::Tensor> channel_moments_over_shares(const torch::Tensor& x) {
    const torch::Tensor channels_first = x.transpose(0, 1).reshape({x.size(1), -1});
    return {channels_first.mean(1), channels_first.std(1)};
}

#endif

}  // namespace inv
