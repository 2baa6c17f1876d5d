// Data-parallel training: the launch read from the environment, and 2 ranks on this machine's
// loopback (Gloo) against one process.
#include "core/runtime/distributed_launch.h"
#include "core/runtime/errors.h"
#include "core/workspace/workspace_models.h"
#include "tests/tiny_demo.h"
#include "tests/tiny_workspace.h"

#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <random>

namespace inv {
namespace {

const std::string kCli = INVARIANCES_CLI_PATH;

DistributedLaunch launch_with(const std::map<std::string, std::string>& variables) {
    return launch_from_environment([&](const std::string& name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        return found == variables.end() ? std::nullopt : std::optional<std::string>(found->second);
    });
}

int free_port() {
    // ctest runs two tests at once: each run of ranks gets a port of its own.
    static std::mt19937 draw{std::random_device{}()};
    return std::uniform_int_distribution<int>(20000, 60000)(draw);
}

// Runs `arguments` on `world` ranks (rank 0 in the foreground, the others in the background, as
// torchrun would start them) and returns rank 0's result once every rank has ended; each rank's
// output lands in `logs`/rank-<r>.log.
test::CommandResult run_ranks(int world, const std::string& arguments, const std::filesystem::path& logs) {
    const std::string common = "MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(free_port()) +
                               " WORLD_SIZE=" + std::to_string(world) + " LOCAL_WORLD_SIZE=" + std::to_string(world) + " ";
    std::string script;
    for (int r = 1; r < world; ++r) {
        script += common + "RANK=" + std::to_string(r) + " " + kCli + " " + arguments + " > " +
                  (logs / ("rank-" + std::to_string(r) + ".log")).string() + " 2>&1 & ";
    }
    script += common + "RANK=0 " + kCli + " " + arguments + " > " + (logs / "rank-0.log").string() +
              " 2>&1; status=$?; wait; cat " + (logs / "rank-0.log").string() + "; exit $status";
    return test::run_command("bash -c '" + script + "'");
}

// |a - b| / |a| over all parameters together. Adam divides each gradient by its own running
// size, so a parameter whose gradient is zero but for rounding (a bias that batch norm or ActNorm
// cancels) still moves by up to the learning rate per step, and which way depends on the
// summation order: such weights part by up to 20 steps x lr however exactly the ranks compute,
// which is why the comparison is relative and not elementwise.
double relative_difference(torch::nn::Module& a, torch::nn::Module& b) {
    const auto first = a.named_parameters();
    const auto second = b.named_parameters();
    double difference = 0.0;
    double size = 0.0;
    for (const auto& item : first) {
        difference += (item.value() - second[item.key()]).pow(2).sum().item<double>();
        size += item.value().pow(2).sum().item<double>();
    }
    return std::sqrt(difference / size);
}

// A tiny workspace with a classifier and an autoencoder, and a copy of it.
struct TwoWorkspaces {
    test::TinyWorkspace tiny;
    std::filesystem::path one = tiny.dir / "one";
    std::filesystem::path two = tiny.dir / "two";

    explicit TwoWorkspaces(bool with_models) {
        if (with_models) {
            tiny.train_classifier();
            tiny.train_autoencoder();
        }
        std::filesystem::copy(tiny.workspace.folder(), one, std::filesystem::copy_options::recursive);
        std::filesystem::copy(tiny.workspace.folder(), two, std::filesystem::copy_options::recursive);
    }
};

// The tests' classifier training, `steps` steps on `device`, for a workspace folder to follow. The
// CPU tests name the CPU whatever the machine has (the default, auto, would take a GPU where there
// is one).
std::string classifier_training(const std::string& device, int steps = 20) {
    return " --device " + device + " train classifier --steps " + std::to_string(steps) +
           " --batch-size 16 --width 0.125 --workspace ";
}
const std::string kClassifierTraining = classifier_training("cpu");

// Trains the classifier for 20 steps on `device` ("cpu" or "cuda") in one process and on 2 ranks,
// from the same start; returns how far the ranks' weights lie from the process's.
double classifier_on_ranks_against_one_process(const std::string& device) {
    TwoWorkspaces workspaces(false);
    const std::string training = classifier_training(device);
    REQUIRE(test::run_command(kCli + training + workspaces.one.string()).exit_code == 0);
    const test::CommandResult ranks = run_ranks(2, training + workspaces.two.string(), workspaces.tiny.dir.path());
    INFO(ranks.output);
    REQUIRE(ranks.exit_code == 0);
    CHECK(ranks.output.find("on 2 ranks") != std::string::npos);
    Classifier one = load_classifier(Workspace::open(workspaces.one)).model;
    Classifier two = load_classifier(Workspace::open(workspaces.two)).model;
    return relative_difference(*one, *two);
}

// NCCL needs a GPU per rank: two ranks cannot share one.
const bool kNoTwoGpusWithNccl = !data_parallel_on_cuda() || cuda_device_count() < 2;

}  // namespace

TEST_CASE("the launch is read from the variables of torchrun and Slurm") {
    const DistributedLaunch single = launch_with({});
    CHECK_FALSE(single.distributed());
    CHECK(single.writes_workspace());

    const DistributedLaunch torchrun = launch_with({{"RANK", "3"},
                                                    {"WORLD_SIZE", "8"},
                                                    {"LOCAL_RANK", "1"},
                                                    {"MASTER_ADDR", "node7"},
                                                    {"MASTER_PORT", "29400"},
                                                    {"TORCHELASTIC_RUN_ID", "x"},
                                                    {"INVARIANCES_DIST_TIMEOUT", "45"}});
    CHECK(torchrun.rank == 3);
    CHECK(torchrun.world_size == 8);
    CHECK(torchrun.local_rank == 1);
    CHECK(torchrun.master_address == "node7");
    CHECK(torchrun.master_port == 29400);
    CHECK(torchrun.timeout.count() == 45);
    CHECK(torchrun.launcher == "torchrun");
    CHECK_FALSE(torchrun.writes_workspace());

    const DistributedLaunch slurm = launch_with(
        {{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "16"}, {"SLURM_LOCALID", "1"}, {"SLURM_JOB_NODELIST", "gpu[03-06,9],cpu1"}});
    CHECK(slurm.rank == 5);
    CHECK(slurm.world_size == 16);
    CHECK(slurm.local_rank == 1);
    CHECK(slurm.master_address == "gpu03");
    CHECK(slurm.launcher == "slurm");
    CHECK(first_slurm_host("node1,node2") == "node1");
    CHECK(first_slurm_host("solo") == "solo");
}

TEST_CASE("a malformed or inconsistent launch is refused with the variable named") {
    const auto message = [](const std::map<std::string, std::string>& variables) {
        try {
            launch_with(variables);
        } catch (const UserError& error) {
            return std::string(error.what());
        }
        return std::string();
    };
    CHECK(message({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}}).find("rank 2 of 2") != std::string::npos);
    CHECK(message({{"RANK", "0"}, {"WORLD_SIZE", "two"}}).find("WORLD_SIZE=\"two\"") != std::string::npos);
    CHECK(message({{"RANK", "1"}, {"WORLD_SIZE", "2"}}).find("MASTER_ADDR") != std::string::npos);
    CHECK(message({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}}).find("MASTER_PORT") !=
          std::string::npos);
}

TEST_CASE("2 ranks train the classifier one process would train") {
    // Measured 0.4 %; one process on half the batch (as if the gradients were not averaged) gives 4.3 %.
    CHECK(classifier_on_ranks_against_one_process("cpu") < 0.015);
}

TEST_CASE("2 ranks on 2 GPUs with NCCL train the classifier one process trains on a GPU" * doctest::test_suite("cuda") *
          doctest::skip(kNoTwoGpusWithNccl)) {
    CHECK(classifier_on_ranks_against_one_process("cuda") < 0.015);
}

TEST_CASE("2 ranks train the t one process would train") {
    TwoWorkspaces workspaces(true);
    const std::string training = " --device cpu train cinn --layer fire7 --steps 20 --batch-size 16 --blocks 2 --workspace ";
    REQUIRE(test::run_command(kCli + training + workspaces.one.string()).exit_code == 0);
    const test::CommandResult ranks = run_ranks(2, training + workspaces.two.string(), workspaces.tiny.dir.path());
    INFO(ranks.output);
    REQUIRE(ranks.exit_code == 0);
    ConditionalFlow one = load_cinn(Workspace::open(workspaces.one), "fire7", std::nullopt).flow;
    ConditionalFlow two = load_cinn(Workspace::open(workspaces.two), "fire7", std::nullopt).flow;
    // Measured 1.1 %; one process on half the batch gives 16.7 %.
    CHECK(relative_difference(*one, *two) < 0.04);
}

TEST_CASE("a run resumes with another number of ranks") {
    TwoWorkspaces workspaces(false);
    const std::string ten = classifier_training("cpu", 10);
    const std::string straight = (workspaces.tiny.dir / "straight").string();
    std::filesystem::copy(workspaces.one, straight, std::filesystem::copy_options::recursive);
    REQUIRE(test::run_command(kCli + kClassifierTraining + straight).exit_code == 0);

    // 2 ranks, then 1 process.
    REQUIRE(run_ranks(2, ten + workspaces.one.string(), workspaces.tiny.dir.path()).exit_code == 0);
    REQUIRE(test::run_command(kCli + kClassifierTraining + workspaces.one.string()).exit_code == 0);
    // 1 process, then 2 ranks.
    REQUIRE(test::run_command(kCli + ten + workspaces.two.string()).exit_code == 0);
    const test::CommandResult resumed = run_ranks(2, kClassifierTraining + workspaces.two.string(), workspaces.tiny.dir.path());
    INFO(resumed.output);
    REQUIRE(resumed.exit_code == 0);

    Classifier reference = load_classifier(Workspace::open(straight)).model;
    Classifier ranks_first = load_classifier(Workspace::open(workspaces.one)).model;
    Classifier process_first = load_classifier(Workspace::open(workspaces.two)).model;
    CHECK(relative_difference(*reference, *ranks_first) < 0.015);
    CHECK(relative_difference(*reference, *process_first) < 0.015);
}

TEST_CASE("demo prepare on 2 ranks builds the demo workspace one process builds") {
    test::TempDir dir;
    const std::filesystem::path folder = dir / "demo";
    const test::CommandResult ranks =
        run_ranks(2, " --device cpu demo prepare --budget tiny --workspace " + folder.string(), dir.path());
    INFO(ranks.output);
    REQUIRE(ranks.exit_code == 0);
    CHECK(ranks.output.find("on 2 ranks") != std::string::npos);
    CHECK(ranks.output.find("demo workspace ready") != std::string::npos);
    // Rank 1 trains its shares without a word.
    std::ifstream quiet(dir / "rank-1.log");
    const std::string rank_one((std::istreambuf_iterator<char>(quiet)), std::istreambuf_iterator<char>());
    CHECK(rank_one.empty());

    const Workspace two = Workspace::open(folder);
    for (const DemoStage& stage : demo_stages(demo_plan(DemoBudget::Tiny))) {
        INFO(stage.name);
        CHECK(two.manifest().models.count(stage.name) == 1);
    }
    Classifier one = load_classifier(test::tiny_demo().workspace()).model;
    Classifier both = load_classifier(two).model;
    CHECK(relative_difference(*one, *both) < 0.015);
}

TEST_CASE("a killed rank stops the other within the timeout and names it") {
    TwoWorkspaces workspaces(false);
    const std::filesystem::path logs = workspaces.tiny.dir.path();
    const std::string common = "MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(free_port()) +
                               " WORLD_SIZE=2 LOCAL_WORLD_SIZE=2 INVARIANCES_DIST_TIMEOUT=20 ";
    const std::string training = kCli + classifier_training("cpu", 1000000) + workspaces.one.string();
    // Rank 1 is killed once rank 0 has saved a state past step 0 (every 100 steps).
    const std::string script = common + "RANK=1 " + training + " > " + (logs / "rank-1.log").string() + " 2>&1 & victim=$!; " +
                               common + "RANK=0 " + training + " > " + (logs / "rank-0.log").string() +
                               " 2>&1 & survivor=$!; "
                               "for i in $(seq 600); do grep -q step-0000100 " +
                               (workspaces.one / "workspace.json").string() +
                               " 2>/dev/null && break; sleep 0.2; done; "
                               "kill -9 $victim; start=$(date +%s); wait $survivor; status=$?; "
                               "echo \"exit $status after $(( $(date +%s) - start )) s\"; cat " +
                               (logs / "rank-0.log").string();
    const test::CommandResult run = test::run_command("bash -c '" + script + "'");
    INFO(run.output);
    CHECK(run.output.find("exit 0 ") == std::string::npos);
    CHECK(run.output.find("rank 1 stopped answering") != std::string::npos);
    CHECK(run.output.find("resumes from it") != std::string::npos);
    const std::size_t after = run.output.find(" after ");
    REQUIRE(after != std::string::npos);
    CHECK(std::stoi(run.output.substr(after + 7)) <= 25);
    // The workspace holds what its last state said: it opens, and a resumed run goes on from there.
    const Workspace workspace = Workspace::open(workspaces.one);
    CHECK(workspace.manifest().models.at("classifier").checkpoints.back().step >= 100);
    CHECK(std::filesystem::exists(workspaces.one / "classifier" / "train-state.pt"));
}

}  // namespace inv
