#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/runtime/distributed_launch.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace inv {

class GradientAveraging;

// The processes of one data-parallel run, joined through c10d: a TCPStore on rank 0's machine for
// the rendezvous and a Gloo process group for the collectives (a second one carries the batch
// statistics that the forward and backward passes share, so their order never interleaves with
// the gradient buckets'). Ranks that train on CUDA add a pair of NCCL groups, which take every
// collective of a CUDA tensor; Gloo keeps the CPU's (barriers, the writer's verdict). Every
// collective that fails or outlasts the launch's timeout becomes a UserError that names the ranks
// that stopped answering.
class DataParallelGroup {
public:
    // Blocks until every rank has joined, or throws UserError after the timeout. On CUDA the
    // process first takes the GPU of its LOCAL_RANK.
    DataParallelGroup(const DistributedLaunch& launch, ComputeDevice device);
    ~DataParallelGroup();
    DataParallelGroup(const DataParallelGroup&) = delete;
    DataParallelGroup& operator=(const DataParallelGroup&) = delete;

    const DistributedLaunch& launch() const;
    int rank() const { return launch().rank; }
    int world_size() const { return launch().world_size; }
    bool writes_workspace() const { return launch().writes_workspace(); }

    // Every rank waits here until all arrive. `what` names the moment in errors.
    void barrier(const std::string& what);
    // Sums a tensor over the ranks, in place; every rank gets the result.
    void all_reduce_sum(torch::Tensor& tensor, const std::string& what);
    // The sum over ranks as part of the autograd graph: the gradient of each rank's input is the
    // sum of the ranks' output gradients.
    torch::Tensor sum_with_gradient(const torch::Tensor& local);
    // Copies rank 0's parameters and buffers into this rank's module.
    void broadcast_module(torch::nn::Module& module, const std::string& what);
    // c10d's DDP Reducer over these parameters: bucketed all-reduces that start as the backward
    // pass produces each bucket's gradients, averaged over the ranks.
    std::unique_ptr<GradientAveraging> average_gradients(const std::vector<torch::Tensor>& parameters);

    // Turns a collective's failure into a message that names the ranks that stopped answering
    // and says what the workspace holds.
    [[noreturn]] void lost_contact(const std::string& what, const std::exception& error);

    struct State;

private:
    std::unique_ptr<State> m_state;
};

class GradientAveraging {
public:
    virtual ~GradientAveraging() = default;
    // Before every backward pass whose gradients should be averaged.
    virtual void prepare_for_backward() = 0;
};

// The rows of a step's global batch that this process trains on. A trainer's step runs inside a
// BatchShareScope; the data and the random draws that depend on the batch consult it, so every
// rank draws the whole batch's randomness and keeps its own rows, and the result does not depend
// on the number of ranks.
// A rank's rows follow from its rank and the world size: rows [rank * n / world, (rank + 1) * n / world)
// of any batch-sized tensor of n rows.
struct BatchShare {
    DataParallelGroup* group = nullptr;
};

// The share of the step running on this thread, or null outside a data-parallel step.
const BatchShare* current_batch_share();

class BatchShareScope {
public:
    explicit BatchShareScope(const BatchShare& share);
    ~BatchShareScope();
    BatchShareScope(const BatchShareScope&) = delete;
    BatchShareScope& operator=(const BatchShareScope&) = delete;

private:
    const BatchShare* m_previous;
    BatchShare m_share;
};

// Rank `rank`'s equal share of a global batch; throws UserError when the batch does not split
// evenly over the ranks.
BatchShare share_of_batch(DataParallelGroup& group, std::int64_t global_batch);

// The first row and the number of rows of a batch-sized tensor of `rows` rows that belong to the
// current share: (0, rows) outside a data-parallel step.
std::pair<std::int64_t, std::int64_t> share_row_range(std::int64_t rows);
// `global`'s rows of the current share (all of them outside a data-parallel step).
torch::Tensor rows_of_share(const torch::Tensor& global);
// The mean over the ranks of a tensor every rank computed on its share (a gradient, say), without
// gradient: the tensor itself outside a data-parallel step.
torch::Tensor mean_over_shares(const torch::Tensor& local);
// A batch-sized draw of N(0, 1) shaped like `local`: the whole batch's draw, this share's rows.
torch::Tensor shared_randn_like(const torch::Tensor& local);
// Dropout whose mask is the whole batch's, cut to this share's rows.
torch::Tensor shared_dropout(const torch::Tensor& x, double probability, bool training);
// Training-mode batch normalisation over the whole batch across the ranks (as SyncBatchNorm),
// updating the running statistics the same way torch's BatchNorm does. `x` is [N, C, ...].
torch::Tensor batch_norm_over_shares(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                     torch::Tensor& running_mean, torch::Tensor& running_var, torch::Tensor& batches_tracked,
                                     double momentum, double eps);
// Per-channel mean and unbiased standard deviation of x ([N, C] or [N, C, H, W]) over the whole
// batch across the ranks, without gradient.
std::pair<torch::Tensor, torch::Tensor> channel_moments_over_shares(const torch::Tensor& x);

}  // namespace inv
