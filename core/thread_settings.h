#pragma once

#include <string>

namespace inv {

// Thread budgets for this 2-core class of machine (docs/toolchain.md): the OpenMP pool (torch's
// intra-op threads) and OpenBLAS must never both use 2 threads, which measured 5x slower.
enum class ThreadProfile {
    ConvTraining,  // any training with convolutions in its step, t and e included (their steps run
                   // the frozen Φ and E): 2 OpenMP threads, OpenBLAS 1
    SmallMlp,      // invertible networks alone: 1 OpenMP thread, OpenBLAS 2
    Interactive,   // the GUI's worker: 1 + 1, leaving a core to the UI thread
    Figures,       // command-line figures the GUI also draws: the worker's 1 + 1, because OpenBLAS
                   // split over two threads rounds some sums differently (a pixel off by one), and
                   // an export's "reproduce" command must remake it byte for byte
};

struct ThreadCounts {
    int torch_threads = 1;
    int blas_threads = 1;  // 0 when the BLAS in use cannot be configured
};

ThreadCounts thread_counts_for(ThreadProfile profile);
// Applies the profile process-wide; returns what is now in force.
ThreadCounts apply_thread_profile(ThreadProfile profile);
ThreadCounts current_thread_counts();
std::string describe(const ThreadCounts& counts);

}  // namespace inv
