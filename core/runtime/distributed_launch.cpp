#include "core/runtime/distributed_launch.h"

#include "core/runtime/errors.h"

#include <cstdlib>

namespace inv {
namespace {

using Lookup = std::function<std::optional<std::string>(const std::string&)>;

int parse_whole(const std::string& name, const std::string& text, int lowest, int highest) {
    std::size_t used = 0;
    long value = 0;
    try {
        value = std::stol(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size() || value < lowest || value > highest) {
        throw UserError("the environment variable " + name + "=\"" + text + "\" is not a whole number from " +
                        std::to_string(lowest) + " to " + std::to_string(highest) +
                        "; set it as the launcher (torchrun, srun) does, or unset it for a single process.");
    }
    return static_cast<int>(value);
}

int read_whole(const Lookup& variable, const std::string& name, int fallback, int lowest, int highest) {
    const std::optional<std::string> text = variable(name);
    return text ? parse_whole(name, *text, lowest, highest) : fallback;
}

void read_master(const Lookup& variable, DistributedLaunch& launch, const std::string& fallback_address) {
    const std::optional<std::string> address = variable("MASTER_ADDR");
    if (address && !address->empty()) {
        launch.master_address = *address;
    } else if (!fallback_address.empty()) {
        launch.master_address = fallback_address;
    } else if (launch.distributed()) {
        throw UserError("WORLD_SIZE is " + std::to_string(launch.world_size) +
                        " but MASTER_ADDR is not set: give the host name or address of rank 0's machine.");
    }
    launch.master_port = read_whole(variable, "MASTER_PORT", launch.master_port, 1, 65535);
}

}  // namespace

std::string first_slurm_host(const std::string& node_list) {
    const std::size_t comma = node_list.find(',');
    const std::size_t bracket = node_list.find('[');
    if (bracket == std::string::npos || (comma != std::string::npos && comma < bracket)) {
        return node_list.substr(0, comma);
    }
    // "prefix[range,...]": the first number of the first range, with its leading zeros.
    const std::string prefix = node_list.substr(0, bracket);
    const std::size_t end = node_list.find_first_of("-,]", bracket + 1);
    return prefix + node_list.substr(bracket + 1, end == std::string::npos ? std::string::npos : end - bracket - 1);
}

DistributedLaunch launch_from_environment(const Lookup& variable) {
    DistributedLaunch launch;
    constexpr int kMostRanks = 1 << 16;
    launch.timeout = std::chrono::seconds(read_whole(variable, "INVARIANCES_DIST_TIMEOUT", 300, 1, 24 * 3600));
    if (variable("WORLD_SIZE") || variable("RANK")) {
        launch.launcher = variable("TORCHELASTIC_RUN_ID") ? "torchrun" : "environment";
        launch.world_size = read_whole(variable, "WORLD_SIZE", 1, 1, kMostRanks);
        launch.rank = read_whole(variable, "RANK", 0, 0, kMostRanks - 1);
        launch.local_rank = read_whole(variable, "LOCAL_RANK", launch.rank, 0, kMostRanks - 1);
        read_master(variable, launch, "");
    } else if (variable("SLURM_PROCID") && variable("SLURM_NTASKS")) {
        launch.launcher = "slurm";
        launch.world_size = read_whole(variable, "SLURM_NTASKS", 1, 1, kMostRanks);
        launch.rank = read_whole(variable, "SLURM_PROCID", 0, 0, kMostRanks - 1);
        launch.local_rank = read_whole(variable, "SLURM_LOCALID", 0, 0, kMostRanks - 1);
        const std::optional<std::string> nodes = variable("SLURM_JOB_NODELIST");
        read_master(variable, launch, nodes ? first_slurm_host(*nodes) : "127.0.0.1");
    } else {
        launch.launcher = "single process";
    }
    if (launch.rank >= launch.world_size) {
        throw UserError("this process is rank " + std::to_string(launch.rank) + " of " + std::to_string(launch.world_size) +
                        ": a rank runs from 0 to the world size less one. Check RANK and WORLD_SIZE (or SLURM_PROCID "
                        "and SLURM_NTASKS).");
    }
    return launch;
}

DistributedLaunch launch_from_environment() {
    return launch_from_environment([](const std::string& name) -> std::optional<std::string> {
        const char* value = std::getenv(name.c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
    });
}

}  // namespace inv
