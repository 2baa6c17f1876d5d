#include "core/runtime/thread_settings.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace inv {
namespace {

// The BLAS is reached through the generic alternative or linked by LibTorch itself, so its thread
// controls are looked up at run time; with another BLAS they are simply absent.
using SetThreads = void (*)(int);
using GetThreads = int (*)();

SetThreads openblas_setter() {
    return reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
}
GetThreads openblas_getter() {
    return reinterpret_cast<GetThreads>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
}
bool mkl_present() {
    return ::dlsym(RTLD_DEFAULT, "mkl_get_max_threads") != nullptr || ::dlsym(RTLD_DEFAULT, "MKL_Get_Max_Threads") != nullptr;
}

int cores_from_environment() {
    // A user's OMP_NUM_THREADS is the budget they gave this process (a cluster job's share of a node).
    if (const char* text = std::getenv("OMP_NUM_THREADS")) {
        char* end = nullptr;
        const long value = std::strtol(text, &end, 10);
        if (end != text && *end == '\0' && value >= 1 && value <= 4096) return static_cast<int>(value);
    }
    return 0;
}

int cores_in_affinity_mask() {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    if (::sched_getaffinity(0, sizeof mask, &mask) == 0) return std::max(1, CPU_COUNT(&mask));
    return std::max(1u, std::thread::hardware_concurrency());
}

int ranks_on_this_machine() {
    for (const char* name : {"LOCAL_WORLD_SIZE", "SLURM_NTASKS_PER_NODE"}) {
        const char* value = std::getenv(name);
        if (value && std::atoi(value) > 0) return std::atoi(value);
    }
    return 1;
}

}  // namespace

MachineThreads detect_machine_threads() {
    MachineThreads machine;
    const int from_environment = cores_from_environment();
    // The ranks of a data-parallel run that share this machine share its cores (torchrun and
    // Slurm say how many there are; OMP_NUM_THREADS, when set, is already per process).
    machine.cores = from_environment > 0 ? from_environment : std::max(1, cores_in_affinity_mask() / ranks_on_this_machine());
    machine.blas = openblas_setter() ? BlasLibrary::OpenBlas : mkl_present() ? BlasLibrary::Mkl : BlasLibrary::Other;
    return machine;
}

ThreadCounts thread_counts_for(ThreadProfile profile, const MachineThreads& machine) {
    const int all = std::max(1, machine.cores);
    const int interactive = std::max(1, all - 1);
    if (machine.blas != BlasLibrary::OpenBlas) {
        // One pool for everything: torch's count is the BLAS's count too.
        const int torch_threads =
            (profile == ThreadProfile::Interactive || profile == ThreadProfile::Figures) ? interactive : all;
        return {torch_threads, 0};
    }
    switch (profile) {
        case ThreadProfile::ConvTraining:
            return {all, 1};
        case ThreadProfile::SmallMlp:
            return {1, all};
        case ThreadProfile::Interactive:
        case ThreadProfile::Figures:
            return {interactive, 1};
    }
    return {1, 1};
}

ThreadCounts thread_counts_for(ThreadProfile profile) {
    return thread_counts_for(profile, detect_machine_threads());
}

ThreadCounts apply_thread_profile(ThreadProfile profile) {
    const ThreadCounts wanted = thread_counts_for(profile);
    at::set_num_threads(wanted.torch_threads);
    if (SetThreads set = openblas_setter(); set && wanted.blas_threads > 0) set(wanted.blas_threads);
    return current_thread_counts();
}

ThreadCounts current_thread_counts() {
    ThreadCounts counts;
    counts.torch_threads = at::get_num_threads();
    GetThreads get = openblas_getter();
    counts.blas_threads = get ? get() : 0;
    return counts;
}

std::string to_string(BlasLibrary blas) {
    switch (blas) {
        case BlasLibrary::OpenBlas:
            return "OpenBLAS";
        case BlasLibrary::Mkl:
            return "MKL";
        case BlasLibrary::Other:
            return "other BLAS";
    }
    return "other BLAS";
}

std::string describe(const ThreadCounts& counts) {
    const MachineThreads machine = detect_machine_threads();
    return std::to_string(counts.torch_threads) + " torch thread(s), " +
           (counts.blas_threads > 0 ? std::to_string(counts.blas_threads) + " OpenBLAS thread(s)"
                                    : to_string(machine.blas) + " on torch's threads") +
           ", " + std::to_string(machine.cores) + " core(s) available";
}

}  // namespace inv
