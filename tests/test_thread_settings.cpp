#include "core/thread_settings.h"

#include <doctest/doctest.h>

using namespace inv;

TEST_CASE("no thread profile gives both OpenMP and OpenBLAS two threads") {
    for (ThreadProfile profile : {ThreadProfile::ConvTraining, ThreadProfile::SmallMlp, ThreadProfile::Interactive, ThreadProfile::Figures}) {
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

TEST_CASE("command-line figures compute with the thread counts of the GUI's worker") {
    // The same counts give the same float rounding, so a figure exported from the GUI is remade
    // byte for byte by its "reproduce" command.
    const ThreadCounts figures = thread_counts_for(ThreadProfile::Figures);
    const ThreadCounts worker = thread_counts_for(ThreadProfile::Interactive);
    CHECK(figures.torch_threads == worker.torch_threads);
    CHECK(figures.blas_threads == worker.blas_threads);
}
