#pragma once

#include "core/runtime/compute_device.h"

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace inv {

// Where this process stands among the processes of one data-parallel training run, as the
// launcher told it through the environment.
struct DistributedLaunch {
    int rank = 0;        // 0 .. world_size-1; rank 0 writes the workspace
    int world_size = 1;  // processes training together
    int local_rank = 0;  // among the processes on this machine: picks the GPU
    std::string master_address = "127.0.0.1";
    int master_port = 29500;
    // How long a collective waits for a rank that does not answer before the run stops.
    std::chrono::seconds timeout{300};
    std::string launcher;  // "torchrun", "slurm" or "single process": for messages

    bool distributed() const { return world_size > 1; }
    bool writes_workspace() const { return rank == 0; }
};

// Reads the launch from variables: RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT as
// torchrun sets them (or a person by hand); else Slurm's SLURM_PROCID, SLURM_NTASKS,
// SLURM_LOCALID with the first host of SLURM_JOB_NODELIST as master; else one process.
// INVARIANCES_DIST_TIMEOUT (seconds) sets the timeout. Throws UserError naming the variable when
// a value is malformed or inconsistent.
DistributedLaunch launch_from_environment(const std::function<std::optional<std::string>(const std::string&)>& variable);
DistributedLaunch launch_from_environment();

class DataParallelGroup;  // core/runtime/data_parallel.h

// Joins the other ranks of `launch` through c10d, blocking until all have joined (or the timeout
// passes: UserError); null for a single process. On CUDA each rank takes the GPU of its
// LOCAL_RANK and the tensors' collectives run on NCCL (see data_parallel_on_cuda); Gloo carries
// the rest.
std::shared_ptr<DataParallelGroup> join_data_parallel(const DistributedLaunch& launch, ComputeDevice device = ComputeDevice::Cpu);

// Whether this build's data-parallel ranks can train on GPUs: a CUDA LibTorch whose c10d has NCCL.
bool data_parallel_on_cuda();

// Runs `write` on the rank that writes the workspace (every rank when `group` is null), then
// every rank learns whether it succeeded before going on: the writer rethrows its own error, the
// others throw UserError saying rank 0 could not finish `what` and where its message is. For
// steps that create or change files the other ranks read next.
void on_writer_rank(DataParallelGroup* group, const std::string& what, const std::function<void()>& write);

// The first host of a Slurm node list: "node[03-05,9],gpu1" -> "node03".
std::string first_slurm_host(const std::string& node_list);

}  // namespace inv
