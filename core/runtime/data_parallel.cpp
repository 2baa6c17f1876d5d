#include "core/runtime/data_parallel.h"

#include "core/runtime/errors.h"

#include <exception>

namespace inv {

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

}  // namespace inv
