// DataParallelGroup: the ranks of a data-parallel run joined through c10d (Gloo, and NCCL for
// CUDA tensors), or, where this LibTorch's c10d is not usable, a group that refuses to start and
// says why.
#include "core/runtime/data_parallel.h"

#include "core/runtime/errors.h"

#include <torch/version.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <unordered_map>

// CMake defines INVARIANCES_HAVE_C10D where c10d's and Gloo's headers are present and, on a
// LibTorch other than Debian's 1.13, once this file has compiled and linked against it at configure
// time; INVARIANCES_HAVE_C10D_NCCL where, besides, the LibTorch has CUDA and NCCL's header is
// found. Debian's LibTorch lacks one header the Reducer includes: cmake/c10d_shim supplies it.
#ifdef INVARIANCES_HAVE_C10D
#ifndef USE_C10D_GLOO
#define USE_C10D_GLOO
#endif
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/comm.hpp>
#include <torch/csrc/distributed/c10d/reducer.hpp>
#ifdef INVARIANCES_HAVE_C10D_NCCL
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <c10/cuda/CUDAFunctions.h>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#endif

#ifndef INVARIANCES_NO_C10D_REASON
#define INVARIANCES_NO_C10D_REASON "its LibTorch came without c10d's or Gloo's headers"
#endif

namespace inv {

std::shared_ptr<DataParallelGroup> join_data_parallel(const DistributedLaunch& launch, ComputeDevice device) {
    if (!launch.distributed()) return nullptr;
    return std::make_shared<DataParallelGroup>(launch, device);
}

bool data_parallel_on_cuda() {
#ifdef INVARIANCES_HAVE_C10D_NCCL
    return true;
#else
    return false;
#endif
}

#ifdef INVARIANCES_HAVE_C10D

namespace {

#if TORCH_VERSION_MAJOR >= 2
// From LibTorch 2 on Gloo and NCCL are backends: a ProcessGroup holds one per device type and
// hands each collective to the backend of its tensors' device.
using Collectives = c10d::Backend;
#else
using Collectives = c10d::ProcessGroup;
#endif

}  // namespace

struct DataParallelGroup::State {
    DataParallelGroup* owner = nullptr;
    DistributedLaunch launch;
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<Collectives> main;              // Gloo: CPU gradients, barriers, broadcasts, sums
    c10::intrusive_ptr<Collectives> statistics;        // Gloo: batch statistics inside a step
    c10::intrusive_ptr<Collectives> main_cuda;         // NCCL on CUDA ranks: main's work for CUDA tensors
    c10::intrusive_ptr<Collectives> statistics_cuda;   // NCCL on CUDA ranks: statistics' for CUDA tensors
    c10::intrusive_ptr<c10d::ProcessGroup> gradients;  // what the Reducer averages through

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

    Collectives& main_for(const torch::Tensor& tensor) { return tensor.is_cuda() && main_cuda ? *main_cuda : *main; }
    Collectives& statistics_for(const torch::Tensor& tensor) {
        return tensor.is_cuda() && statistics_cuda ? *statistics_cuda : *statistics;
    }

    // With a timeout, a Gloo or NCCL work blocks this thread until it completes or throws.
    void wait(const c10::intrusive_ptr<c10d::Work>& work) { work->wait(launch.timeout); }

    // Sums the statistics of a forward or backward pass over the ranks (the second group).
    torch::Tensor sum_statistics(const torch::Tensor& local, const char* pass) {
        std::vector<torch::Tensor> tensors{local.contiguous().clone()};
        try {
            wait(statistics_for(tensors[0]).allreduce(tensors));
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

c10::intrusive_ptr<c10d::Store> prefixed(const std::string& prefix, const c10::intrusive_ptr<c10d::Store>& store) {
    return c10::make_intrusive<c10d::PrefixStore>(prefix, store);
}

c10::intrusive_ptr<Collectives> gloo_group(const DistributedLaunch& launch, const c10::intrusive_ptr<c10d::Store>& store,
                                           const std::string& prefix) {
    auto options = c10d::ProcessGroupGloo::Options::create(launch.timeout);
    options->devices.push_back(gloo_device(launch));
    return c10::make_intrusive<c10d::ProcessGroupGloo>(prefixed(prefix, store), launch.rank, launch.world_size, options);
}

#ifdef INVARIANCES_HAVE_C10D_NCCL

// One GPU per rank: the LOCAL_RANK-th of this machine's, for c10d and for every tensor the
// trainers make on "cuda".
void take_gpu_of_local_rank(const DistributedLaunch& launch) {
    const int gpus = cuda_device_count();
    if (launch.local_rank >= gpus) {
        throw UserError("rank " + std::to_string(launch.rank) + " has LOCAL_RANK " + std::to_string(launch.local_rank) +
                        ", but this machine shows " + std::to_string(gpus) + (gpus == 1 ? " GPU" : " GPUs") + ": start at most " +
                        std::to_string(gpus) +
                        " ranks per machine with --device cuda (one GPU each), or train on the CPU (--device cpu).");
    }
    c10::cuda::set_device(static_cast<c10::DeviceIndex>(launch.local_rank));
    use_cuda_device_index(launch.local_rank);
}

c10::intrusive_ptr<Collectives> nccl_group(const DistributedLaunch& launch, const c10::intrusive_ptr<c10d::Store>& store,
                                           const std::string& prefix) {
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = launch.timeout;
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(prefixed(prefix, store), launch.rank, launch.world_size, options);
}

#endif

#if TORCH_VERSION_MAJOR >= 2

// A ProcessGroup around the backends. Its constructor lost its options argument during 2.x; the
// template picks whichever form this LibTorch has.
template <typename Group>
c10::intrusive_ptr<Group> new_process_group(const c10::intrusive_ptr<c10d::Store>& store, const DistributedLaunch& launch) {
    if constexpr (std::is_constructible_v<Group, c10::intrusive_ptr<c10d::Store>, int, int>) {
        return c10::make_intrusive<Group>(store, launch.rank, launch.world_size);
    } else {
        return c10::make_intrusive<Group>(store, launch.rank, launch.world_size,
                                          c10::make_intrusive<typename Group::Options>("gloo", launch.timeout));
    }
}

c10::intrusive_ptr<c10d::ProcessGroup> gradient_group(const DataParallelGroup::State& state) {
    using Type = c10d::ProcessGroup::BackendType;
    auto group = new_process_group<c10d::ProcessGroup>(prefixed("gradients", state.store), state.launch);
    group->setBackend(c10::DeviceType::CPU, Type::GLOO, state.main);
    if (state.main_cuda) group->setBackend(c10::DeviceType::CUDA, Type::NCCL, state.main_cuda);
    group->setDefaultBackend(state.main_cuda ? Type::NCCL : Type::GLOO);
    return group;
}

#else

c10::intrusive_ptr<c10d::ProcessGroup> gradient_group(const DataParallelGroup::State& state) {
    return state.main;
}

#endif

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

// c10d's Reducer. Its constructor's arguments changed over the versions (the per-bucket limits
// left it; flags for unused parameters, the Python reducer and per-bucket caps joined); this picks
// the form this LibTorch has, with DDP's defaults for every added argument.
template <typename Reducer>
std::unique_ptr<Reducer> new_reducer(std::vector<at::Tensor> parameters, std::vector<std::vector<std::size_t>> buckets,
                                     std::vector<std::size_t> limits, const c10::intrusive_ptr<c10d::ProcessGroup>& group,
                                     std::int64_t first_bucket_bytes, std::int64_t bucket_bytes) {
    using Parameters = std::vector<at::Tensor>;
    using Buckets = std::vector<std::vector<std::size_t>>;
    using Limits = std::vector<std::size_t>;
    using Group = c10::intrusive_ptr<c10d::ProcessGroup>;
    using Sparse = std::vector<bool>;
    using Names = std::unordered_map<std::size_t, std::string>;
    using Caps = std::vector<std::int64_t>;
    Sparse sparse(parameters.size(), false);
    constexpr bool kFindUnused = false;
    constexpr bool kBucketView = false;
    if constexpr (std::is_constructible_v<Reducer, Parameters, Buckets, Limits, Group, Sparse, std::int64_t, bool, bool, Names,
                                          std::int64_t>) {
        return std::make_unique<Reducer>(std::move(parameters), std::move(buckets), std::move(limits), group, std::move(sparse),
                                         bucket_bytes, kFindUnused, kBucketView, Names{}, first_bucket_bytes);
    } else if constexpr (std::is_constructible_v<Reducer, Parameters, Buckets, Group, Sparse, std::int64_t, bool, bool, Names,
                                                 std::int64_t, bool, bool, Caps>) {
        return std::make_unique<Reducer>(std::move(parameters), std::move(buckets), group, std::move(sparse), bucket_bytes,
                                         kFindUnused, kBucketView, Names{}, first_bucket_bytes, false, false, Caps{});
    } else if constexpr (std::is_constructible_v<Reducer, Parameters, Buckets, Group, Sparse, std::int64_t, bool, bool, Names,
                                                 std::int64_t, bool, bool>) {
        return std::make_unique<Reducer>(std::move(parameters), std::move(buckets), group, std::move(sparse), bucket_bytes,
                                         kFindUnused, kBucketView, Names{}, first_bucket_bytes, false, false);
    } else if constexpr (std::is_constructible_v<Reducer, Parameters, Buckets, Group, Sparse, std::int64_t, bool, bool, Names,
                                                 std::int64_t, bool>) {
        return std::make_unique<Reducer>(std::move(parameters), std::move(buckets), group, std::move(sparse), bucket_bytes,
                                         kFindUnused, kBucketView, Names{}, first_bucket_bytes, false);
    } else if constexpr (std::is_constructible_v<Reducer, Parameters, Buckets, Group, Sparse, std::int64_t, bool, bool, Names,
                                                 std::int64_t>) {
        return std::make_unique<Reducer>(std::move(parameters), std::move(buckets), group, std::move(sparse), bucket_bytes,
                                         kFindUnused, kBucketView, Names{}, first_bucket_bytes);
    } else {
        static_assert(sizeof(Reducer) == 0, "c10d::Reducer has a constructor this file does not know");
    }
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
        m_reducer = new_reducer<c10d::Reducer>(std::move(parameters), std::move(buckets), std::move(limits), group,
                                               kFirstBucketBytes, kBucketBytes);
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

DataParallelGroup::DataParallelGroup(const DistributedLaunch& launch, ComputeDevice device) : m_state(std::make_unique<State>()) {
    m_state->owner = this;
    m_state->launch = launch;
    const bool on_cuda = device == ComputeDevice::Cuda;
#ifdef INVARIANCES_HAVE_C10D_NCCL
    if (on_cuda) take_gpu_of_local_rank(launch);
#else
    if (on_cuda) {
        throw UserError("rank " + std::to_string(launch.rank) +
                        ": data-parallel training on CUDA needs a CUDA LibTorch whose c10d has NCCL, and this build has "
                        "Gloo on the CPU only; train on the CPU (--device cpu), or run one process.");
    }
#endif
    try {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(launch.master_port);
        options.isServer = launch.rank == 0;
        options.numWorkers = static_cast<std::size_t>(launch.world_size);
        options.timeout = launch.timeout;
        m_state->store = c10::make_intrusive<c10d::TCPStore>(launch.master_address, options);
        m_state->main = gloo_group(launch, m_state->store, "main");
        m_state->statistics = gloo_group(launch, m_state->store, "statistics");
#ifdef INVARIANCES_HAVE_C10D_NCCL
        if (on_cuda) {
            m_state->main_cuda = nccl_group(launch, m_state->store, "main-cuda");
            m_state->statistics_cuda = nccl_group(launch, m_state->store, "statistics-cuda");
        }
#endif
        m_state->gradients = gradient_group(*m_state);
    } catch (const UserError&) {
        throw;
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
        m_state->wait(m_state->main_for(tensor).allreduce(tensors));
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
            m_state->wait(m_state->main_for(t).broadcast(one, c10d::BroadcastOptions{0, 0, m_state->launch.timeout}));
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
    return std::make_unique<ReducerAveraging>(std::move(trained), m_state->gradients);
}

#else  // no usable c10d in this LibTorch

struct DataParallelGroup::State {
    DistributedLaunch launch;
};

DataParallelGroup::DataParallelGroup(const DistributedLaunch& launch, ComputeDevice) : m_state(std::make_unique<State>()) {
    m_state->launch = launch;
    throw UserError("this process is rank " + std::to_string(launch.rank) + " of " + std::to_string(launch.world_size) +
                    ", but this build has no data-parallel training: " + INVARIANCES_NO_C10D_REASON + " (LibTorch " +
                    TORCH_VERSION +
                    "). Build against Debian's libtorch-dev with libgloo-dev, or run "
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

#endif

}  // namespace inv
