#include "core/thread_settings.h"

#include <doctest/doctest.h>

using namespace inv;

TEST_CASE("no thread profile gives both OpenMP and OpenBLAS two threads") {
    for (ThreadProfile profile : {ThreadProfile::ConvTraining, ThreadProfile::SmallMlp, ThreadProfile::Interactive}) {
        const ThreadCounts counts = thread_counts_for(profile);
        CHECK_FALSE((counts.torch_threads > 1 && counts.blas_threads > 1));
    }
}

TEST_CASE("applying a thread profile sets the torch and OpenBLAS pools") {
    const ThreadCounts conv = apply_thread_profile(ThreadProfile::ConvTraining);
    CHECK(conv.torch_threads == 2);
    CHECK(conv.blas_threads == 1);
    const ThreadCounts mlp = apply_thread_profile(ThreadProfile::SmallMlp);
    CHECK(mlp.torch_threads == 1);
    CHECK(mlp.blas_threads == 2);
    CHECK(current_thread_counts().blas_threads == 2);
    apply_thread_profile(ThreadProfile::Interactive);
}
