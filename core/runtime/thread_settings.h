#pragma once

#include <string>

namespace inv {

// Thread budgets derived from the cores this process may use and the BLAS torch calls. OpenBLAS
// keeps a thread pool of its own beside torch's OpenMP pool: both above one thread oversubscribe
// the cores (5x slower on a 2-core machine), so with OpenBLAS one of the two always gets a single
// thread. MKL runs on torch's OpenMP pool and follows torch's count.
enum class ThreadProfile {
    ConvTraining,  // any training with convolutions in its step, t and e included (their steps run
                   // the frozen Φ and E): every core to OpenMP, OpenBLAS 1
    SmallMlp,      // invertible networks alone: their linear layers are BLAS calls, so with OpenBLAS
                   // every core goes to it and OpenMP gets 1
    Interactive,   // the GUI's worker: one core left to the UI thread
    Figures,       // command-line figures the GUI also draws: the worker's counts, because OpenBLAS
                   // split over more threads rounds some sums differently (a pixel off by one), and
                   // an export's "reproduce" command must remake it byte for byte
};

enum class BlasLibrary { OpenBlas, Mkl, Other };

struct MachineThreads {
    int cores = 1;  // cores this process may run on (affinity mask), or OMP_NUM_THREADS when set
    BlasLibrary blas = BlasLibrary::Other;
};

struct ThreadCounts {
    int torch_threads = 1;
    int blas_threads = 1;  // OpenBLAS's own pool; 0 when the BLAS has none (MKL, reference BLAS)
};

MachineThreads detect_machine_threads();
ThreadCounts thread_counts_for(ThreadProfile profile, const MachineThreads& machine);
// For this process's machine.
ThreadCounts thread_counts_for(ThreadProfile profile);
// Applies the profile process-wide; returns what is now in force.
ThreadCounts apply_thread_profile(ThreadProfile profile);
ThreadCounts current_thread_counts();
std::string to_string(BlasLibrary blas);
std::string describe(const ThreadCounts& counts);

}  // namespace inv
