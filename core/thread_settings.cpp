#include "core/thread_settings.h"

#include <ATen/Parallel.h>
#include <dlfcn.h>

namespace inv {
namespace {

// OpenBLAS is reached through the generic BLAS alternative, so its thread controls are looked up
// at run time; with another BLAS they are simply absent.
using SetThreads = void (*)(int);
using GetThreads = int (*)();

SetThreads openblas_setter() {
    return reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
}
GetThreads openblas_getter() {
    return reinterpret_cast<GetThreads>(::dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
}

}  // namespace

ThreadCounts thread_counts_for(ThreadProfile profile) {
    switch (profile) {
        case ThreadProfile::ConvTraining: return {2, 1};
        case ThreadProfile::SmallMlp: return {1, 2};
        case ThreadProfile::Interactive:
        case ThreadProfile::Figures: return {1, 1};
    }
    return {1, 1};
}

ThreadCounts apply_thread_profile(ThreadProfile profile) {
    const ThreadCounts wanted = thread_counts_for(profile);
    at::set_num_threads(wanted.torch_threads);
    if (SetThreads set = openblas_setter()) set(wanted.blas_threads);
    return current_thread_counts();
}

ThreadCounts current_thread_counts() {
    ThreadCounts counts;
    counts.torch_threads = at::get_num_threads();
    GetThreads get = openblas_getter();
    counts.blas_threads = get ? get() : 0;
    return counts;
}

std::string describe(const ThreadCounts& counts) {
    return std::to_string(counts.torch_threads) + " torch thread(s), " +
           (counts.blas_threads > 0 ? std::to_string(counts.blas_threads) + " OpenBLAS thread(s)"
                                    : std::string("BLAS threads not configurable"));
}

}  // namespace inv
