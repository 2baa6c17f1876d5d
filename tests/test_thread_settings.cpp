#include "core/runtime/thread_settings.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

const ThreadProfile kProfiles[] = {ThreadProfile::ConvTraining, ThreadProfile::SmallMlp, ThreadProfile::Interactive,
                                   ThreadProfile::Figures};

}  // namespace

TEST_CASE("with OpenBLAS no thread profile gives both OpenMP and OpenBLAS more than one thread") {
    for (int cores : {1, 2, 4, 16, 96}) {
        for (ThreadProfile profile : kProfiles) {
            const ThreadCounts counts = thread_counts_for(profile, {cores, BlasLibrary::OpenBlas});
            CHECK_FALSE((counts.torch_threads > 1 && counts.blas_threads > 1));
            CHECK(counts.torch_threads >= 1);
            CHECK(counts.torch_threads <= cores);
            CHECK(counts.blas_threads <= cores);
        }
    }
}

TEST_CASE("thread profiles on two cores with OpenBLAS are the counts measured best there") {
    const MachineThreads two_cores{2, BlasLibrary::OpenBlas};
    CHECK(thread_counts_for(ThreadProfile::ConvTraining, two_cores).torch_threads == 2);
    CHECK(thread_counts_for(ThreadProfile::ConvTraining, two_cores).blas_threads == 1);
    CHECK(thread_counts_for(ThreadProfile::SmallMlp, two_cores).torch_threads == 1);
    CHECK(thread_counts_for(ThreadProfile::SmallMlp, two_cores).blas_threads == 2);
    CHECK(thread_counts_for(ThreadProfile::Interactive, two_cores).torch_threads == 1);
    CHECK(thread_counts_for(ThreadProfile::Interactive, two_cores).blas_threads == 1);
}

TEST_CASE("thread profiles scale with the cores and give MKL torch's threads") {
    const MachineThreads workstation{16, BlasLibrary::OpenBlas};
    CHECK(thread_counts_for(ThreadProfile::ConvTraining, workstation).torch_threads == 16);
    CHECK(thread_counts_for(ThreadProfile::SmallMlp, workstation).blas_threads == 16);
    CHECK(thread_counts_for(ThreadProfile::Interactive, workstation).torch_threads == 15);
    const MachineThreads with_mkl{16, BlasLibrary::Mkl};
    for (ThreadProfile profile : {ThreadProfile::ConvTraining, ThreadProfile::SmallMlp}) {
        CHECK(thread_counts_for(profile, with_mkl).torch_threads == 16);
        CHECK(thread_counts_for(profile, with_mkl).blas_threads == 0);
    }
    CHECK(thread_counts_for(ThreadProfile::Interactive, with_mkl).torch_threads == 15);
    const MachineThreads one_core{1, BlasLibrary::Mkl};
    for (ThreadProfile profile : kProfiles) CHECK(thread_counts_for(profile, one_core).torch_threads == 1);
}

TEST_CASE("this machine's cores and BLAS are detected") {
    const MachineThreads machine = detect_machine_threads();
    CHECK(machine.cores >= 1);
    // setup.sh installs OpenBLAS on purpose (the reference BLAS is about 40x slower).
    CHECK(machine.blas == BlasLibrary::OpenBlas);
}

TEST_CASE("applying a thread profile sets the torch and OpenBLAS pools to the machine's counts") {
    for (ThreadProfile profile : {ThreadProfile::ConvTraining, ThreadProfile::SmallMlp}) {
        const ThreadCounts wanted = thread_counts_for(profile);
        const ThreadCounts applied = apply_thread_profile(profile);
        CHECK(applied.torch_threads == wanted.torch_threads);
        CHECK(applied.blas_threads == wanted.blas_threads);
        CHECK(current_thread_counts().blas_threads == wanted.blas_threads);
    }
    apply_thread_profile(ThreadProfile::Interactive);
}

TEST_CASE("command-line figures compute with the thread counts of the GUI's worker") {
    // The same counts give the same float rounding, so a figure exported from the GUI is remade
    // byte for byte by its "reproduce" command.
    for (int cores : {1, 2, 8}) {
        for (BlasLibrary blas : {BlasLibrary::OpenBlas, BlasLibrary::Mkl}) {
            const ThreadCounts figures = thread_counts_for(ThreadProfile::Figures, {cores, blas});
            const ThreadCounts worker = thread_counts_for(ThreadProfile::Interactive, {cores, blas});
            CHECK(figures.torch_threads == worker.torch_threads);
            CHECK(figures.blas_threads == worker.blas_threads);
        }
    }
}
