// The throwaway executable of cmake/c10d_probe.cmake: linked with core/runtime/process_group.cpp,
// it fails to build wherever that file's c10d calls do not match this LibTorch's.
#include "core/runtime/distributed_launch.h"

int main(int argument_count, char**) {
    // Never true when the probe runs (it is only built): keeps the group's code referenced.
    if (argument_count > 1000) return inv::join_data_parallel(inv::DistributedLaunch{}) ? 0 : 1;
    return 0;
}
