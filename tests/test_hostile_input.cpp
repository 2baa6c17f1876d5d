// Hostile input against invariances-cli, generated here: every case must end with exit code 2, a
// message that names the culprit (the option or the file), no "internal error", and the workspace
// byte for byte as it was. The writer lock file is left out of that comparison: it is the kernel's
// lock, not workspace data, and a refused writer may have created it.
#include "core/flow/flow_checkpoint.h"
#include "core/image/png_io.h"
#include "core/image/rgba_image.h"
#include "core/runtime/errors.h"
#include "core/runtime/utf8.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/json_file.h"
#include "core/workspace/workspace_lock.h"
#include "core/workspace/workspace_models.h"
#include "tests/test_support.h"
#include "tests/tiny_demo.h"
#include "ui/writer_watch.h"

#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>
#include <chrono>
#include <csignal>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <thread>

using namespace inv;
namespace fs = std::filesystem;

namespace {

const std::string kCli = INVARIANCES_CLI_PATH;

std::map<std::string, std::string> contents_of(const fs::path& folder) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        if (entry.is_symlink() || !entry.is_regular_file() || entry.path().filename() == kWriterLockFileName) continue;
        files[fs::relative(entry.path(), folder).string()] = read_file(entry.path());
    }
    return files;
}

// A private copy of the tiny demo workspace, so that a case that damages it harms no other case.
fs::path copy_of_tiny_demo(const fs::path& target) {
    fs::copy(test::tiny_demo().folder(), target, fs::copy_options::recursive);
    return target;
}

// Runs one hostile command and checks the promises; returns whether all held, for the tally.
// `shell_prefix` runs before the command in the same shell (a `ulimit`, say).
bool refused_cleanly(const std::string& arguments, const std::string& culprit, const fs::path& workspace,
                     const std::string& shell_prefix = "") {
    const auto before = contents_of(workspace);
    const test::CommandResult result = test::run_command(shell_prefix + kCli + " " + arguments);
    INFO("command: invariances-cli ", arguments);
    INFO("output: ", result.output);
    const bool exit_two = result.exit_code == 2;
    const bool named = result.output.find(culprit) != std::string::npos;
    const bool no_internal_error = result.output.find("internal error") == std::string::npos;
    const bool unchanged = contents_of(workspace) == before;
    CHECK(exit_two);
    CHECK(named);
    CHECK(no_internal_error);
    CHECK(unchanged);
    return exit_two && named && no_internal_error && unchanged;
}

void report_tally(const char* what, int cases, int clean) {
    const std::string line =
        std::string(what) + ": " + std::to_string(cases) + " cases, " + std::to_string(clean) + " refused cleanly";
    MESSAGE(line);
}

struct FloatOption {
    std::string command;  // with its required arguments, {ws} and {out} as in filled()
    std::string option;
    bool negative_is_wrong;
};

// A command written with {ws} and {out} for the workspace and an output folder.
std::string filled(std::string text, const fs::path& workspace, const fs::path& out) {
    for (const auto& [mark, path] : {std::pair<std::string, std::string>{"{ws}", workspace.string()}, {"{out}", out.string()}}) {
        for (std::size_t at = text.find(mark); at != std::string::npos; at = text.find(mark, at + path.size()))
            text.replace(at, mark.size(), path);
    }
    return text;
}

}  // namespace

TEST_CASE("numbers that are not finite or negative or wrapped are refused by name and change nothing") {
    test::TempDir dir;
    const fs::path workspace = copy_of_tiny_demo(dir / "ws");
    const fs::path out = dir / "out";
    fs::create_directories(out);
    const std::vector<FloatOption> options = {
        {"sample --workspace {ws} --layer fire7 --out {out}/s.png", "--temperature", true},
        {"attack --workspace {ws} --out {out}/a.png", "--eps", true},
        {"attack --workspace {ws} --out {out}/a.png", "--eps-255", true},
        {"attack --workspace {ws} --method pgd --out {out}/a.png", "--pgd-step-size", true},
        {"edit --workspace {ws} --factor digit --index 1 --from-index 2 --out {out}/e.png", "--amount", false},
        {"edit --workspace {ws} --factor background --index 1 --out {out}/e.png", "--value", false},
        {"train classifier --workspace {ws} --steps 1", "--learning-rate", true},
        {"train classifier --workspace {ws} --steps 1", "--width", true},
        {"train autoencoder --workspace {ws} --steps 1", "--learning-rate", true},
        {"train autoencoder --workspace {ws} --steps 1", "--kl-weight", true},
        {"train autoencoder --workspace {ws} --steps 1", "--adversarial-weight", true},
        {"train cinn --workspace {ws} --layer fire7 --steps 1", "--learning-rate", true},
        {"train factors --workspace {ws} --steps 1", "--learning-rate", true},
        {"demo clip --out {out}/c.mp4", "--fps", true},
    };
    const std::vector<std::string> not_finite = {"nan", "NaN", "inf", "-inf", "1e400", "-1e999"};
    int cases = 0;
    int clean = 0;
    for (const FloatOption& option : options) {
        std::vector<std::string> values = not_finite;
        if (option.negative_is_wrong) values.push_back("-1");
        for (const std::string& value : values) {
            ++cases;
            clean += refused_cleanly(filled(option.command, workspace, out) + " " + option.option + " " + value, option.option,
                                     workspace);
        }
    }
    // Whole numbers: negative ones where they would wrap around or mean nothing.
    const std::vector<std::pair<std::string, std::string>> whole = {
        {"sample --workspace {ws} --layer fire7 --out {out}/s.png", "--seed"},
        {"attack --workspace {ws} --out {out}/a.png", "--seed"},
        {"attack --workspace {ws} --out {out}/a.png", "--index"},
        {"edit --workspace {ws} --factor digit --from-index 2 --out {out}/e.png", "--index"},
        {"edit --workspace {ws} --factor digit --index 1 --out {out}/e.png", "--from-index"},
        {"mix --workspace {ws} --layer fire7 --with 2 --out {out}/m.png", "--index"},
        {"mix --workspace {ws} --layer fire7 --index 2 --out {out}/m.png", "--with"},
        {"train classifier --workspace {ws} --steps 1", "--seed"},
        {"train cinn --workspace {ws} --layer fire7 --steps 1", "--seed"},
        {"train factors --workspace {ws} --steps 1", "--seed"},
        {"train autoencoder --workspace {ws} --steps 1", "--code-dim"},
        {"train cinn --workspace {ws} --layer fire7 --steps 1", "--embedding-dim"},
        {"analyze explained-variance --workspace {ws}", "--seed"},
        {"demo clip --out {out}/c.mp4", "--index"},
        {"video --workspace {ws} --layer fire7 --video {out} --index 0 --out {out}/v.mp4", "--max-frames"},
    };
    for (const auto& [command, option] : whole) {
        for (const char* value : {"-1", "-30"}) {
            ++cases;
            clean += refused_cleanly(filled(command, workspace, out) + " " + option + " " + value, option, workspace);
        }
    }
    report_tally("command-line numbers", cases, clean);
    CHECK(cases >= 120);
}

TEST_CASE("outputs that would replace a workspace's own files are refused before any work") {
    test::TempDir dir;
    const fs::path workspace = copy_of_tiny_demo(dir / "ws");
    const fs::path out = dir / "out";
    fs::create_directories(out);
    const std::string checkpoint = Workspace::open(workspace).manifest().models.at("classifier").checkpoints.back().file;
    const std::vector<std::string> commands = {
        "sample --workspace {ws} --layer fire7",
        "attack --workspace {ws}",
        "edit --workspace {ws} --factor digit --index 1 --from-index 2",
        "mix --workspace {ws} --layer fire7 --index 1 --with 2",
        "analyze explained-variance --workspace {ws} --inputs 8 --repeats 1",
        "video --workspace {ws} --layer fire7 --video {out} --index 0",
        "data preview",
    };
    const std::vector<std::string> targets = {
        "{ws}/workspace.png",                        // its JSON would replace the manifest
        "{ws}/workspace.json",                       // the manifest itself
        "{ws}/" + checkpoint + ".png",               // its JSON would replace the checkpoint's side-car
        "{ws}/" + checkpoint,                        // the checkpoint itself
        "{ws}/classifier/train-state.pt",            // the training state
        "{ws}/" + std::string(kWriterLockFileName),  // the lock
        "{ws}/workspace.json/figure.png",            // a folder on the way is a file
    };
    int cases = 0;
    int clean = 0;
    for (const std::string& command : commands) {
        for (const std::string& target : targets) {
            ++cases;
            clean +=
                refused_cleanly(filled(command, workspace, out) + " --out " + filled(target, workspace, out), "--out", workspace);
        }
    }
    report_tally("outputs onto workspace files", cases, clean);
    // A figure into a new folder of the workspace is the user's own business and is written.
    const test::CommandResult allowed =
        test::run_command(kCli + " sample --workspace " + workspace.string() + " --layer fire7 --out " +
                          (workspace / "figures" / "grid.png").string());
    CHECK_MESSAGE(allowed.exit_code == 0, allowed.output);
}

TEST_CASE("damaged manifests and side-cars are refused by every command that reads them and the file is named") {
    test::TempDir dir;
    const fs::path pristine = copy_of_tiny_demo(dir / "pristine");
    const std::string manifest_text = read_file(pristine / kManifestFileName);
    const nlohmann::json manifest = nlohmann::json::parse(manifest_text);
    const std::string checkpoint = manifest["models"]["classifier"]["checkpoints"].back()["file"];
    const auto with_manifest = [&](const std::function<void(nlohmann::json&)>& change) {
        return [change](const fs::path& ws) {
            nlohmann::json document = nlohmann::json::parse(read_file(ws / kManifestFileName));
            change(document);
            write_file_atomically(ws / kManifestFileName, document.dump());
        };
    };
    const auto with_text = [](const std::string& name, const std::string& text) {
        return [name, text](const fs::path& ws) { write_file_atomically(ws / name, text); };
    };
    struct Damage {
        std::string what;
        std::string culprit;
        std::function<void(const fs::path&)> apply;
    };
    const std::string side_car = checkpoint + ".json";
    const std::vector<Damage> manifest_damage = {
        {"nested 100,000 arrays deep", "workspace.json",
         with_text("workspace.json", std::string(100000, '[') + std::string(100000, ']'))},
        {"not JSON", "workspace.json", with_text("workspace.json", "{\"format\": \"invariances-workspace\", ")},
        {"empty", "workspace.json", with_text("workspace.json", "")},
        {"an array", "workspace.json", with_text("workspace.json", "[]")},
        {"a string where a number belongs", "workspace.json",
         with_manifest([](nlohmann::json& d) { d["models"]["classifier"]["checkpoints"][0]["step"] = "seven"; })},
        {"a step of 1e300", "workspace.json",
         with_manifest([](nlohmann::json& d) { d["models"]["classifier"]["checkpoints"][0]["step"] = 1e300; })},
        {"a step of -30", "workspace.json",
         with_manifest([](nlohmann::json& d) { d["models"]["classifier"]["checkpoints"][0]["step"] = -30; })},
        {"a colour seed of -1", "workspace.json", with_manifest([](nlohmann::json& d) { d["dataset"]["colour_seed"] = -1; })},
        {"a colour seed of 1e30", "workspace.json", with_manifest([](nlohmann::json& d) { d["dataset"]["colour_seed"] = 1e30; })},
        {"a format version of 1e20", "workspace.json", with_manifest([](nlohmann::json& d) { d["format_version"] = 1e20; })},
        {"a format from a newer version", "workspace.json", with_manifest([](nlohmann::json& d) { d["format_version"] = 7; })},
        {"a checkpoint outside the workspace", "workspace.json",
         with_manifest([](nlohmann::json& d) { d["models"]["classifier"]["checkpoints"][0]["file"] = "../../etc/passwd"; })},
        {"an absolute checkpoint path", "workspace.json",
         with_manifest([](nlohmann::json& d) { d["models"]["classifier"]["checkpoints"][0]["file"] = "/etc/passwd"; })},
        {"a folder", "workspace.json",
         [](const fs::path& ws) {
             fs::remove(ws / kManifestFileName);
             fs::create_directory(ws / kManifestFileName);
         }},
        {"a link to /dev/zero", "workspace.json",
         [](const fs::path& ws) {
             fs::remove(ws / kManifestFileName);
             fs::create_symlink("/dev/zero", ws / kManifestFileName);
         }},
        {"larger than any manifest", "workspace.json",
         [](const fs::path& ws) { fs::resize_file(ws / kManifestFileName, kMaxJsonFileBytes + 1); }},
    };
    const std::vector<Damage> side_car_damage = {
        {"side-car nested deep", side_car, with_text(side_car, std::string(5000, '[') + std::string(5000, ']'))},
        {"side-car not JSON", side_car, with_text(side_car, "not json")},
        {"side-car checksum a number", side_car,
         [side_car](const fs::path& ws) {
             nlohmann::json document = nlohmann::json::parse(read_file(ws / side_car));
             document["weights_fnv1a64"] = 12345;
             write_file_atomically(ws / side_car, document.dump());
         }},
        {"NaN weights with a matching checksum", "NaN",
         [](const fs::path& ws) {
             const Workspace workspace = Workspace::open(ws);
             LoadedClassifier loaded = load_classifier(workspace);
             {
                 torch::NoGradGuard no_grad;
                 loaded.model->parameters().front().view(-1)[0] = std::numeric_limits<float>::quiet_NaN();
             }
             const auto& entry = workspace.manifest().models.at("classifier");
             save_module(*loaded.model, entry.config, ws / entry.checkpoints.back().file);
         }},
    };
    const std::vector<std::string> readers = {"workspace show --workspace {ws}",
                                              "sample --workspace {ws} --layer fire7 --out {out}/s.png",
                                              "train classifier --workspace {ws} --steps 1"};
    int cases = 0;
    int clean = 0;
    const fs::path out = dir / "out";
    fs::create_directories(out);
    const auto run_cases = [&](const std::vector<Damage>& damages, const std::vector<std::string>& commands) {
        for (const Damage& damage : damages) {
            const fs::path ws = dir / "damaged";
            fs::remove_all(ws);
            fs::copy(pristine, ws, fs::copy_options::recursive);
            damage.apply(ws);
            for (const std::string& command : commands) {
                INFO("damage: ", damage.what);
                ++cases;
                clean += refused_cleanly(filled(command, ws, out), damage.culprit, ws);
            }
        }
    };
    const std::vector<Damage> network_damage = {
        {"a classifier width of 1e6", "\"width\": 1000000.0",
         with_manifest([](nlohmann::json& d) { d["models"]["classifier"]["config"]["width"] = 1e6; })},
        {"a classifier with -3 classes", "\"classes\": -3",
         with_manifest([](nlohmann::json& d) { d["models"]["classifier"]["config"]["classes"] = -3; })},
        {"an autoencoder code of 1e9 dimensions", "\"code_dim\": 1000000000",
         with_manifest([](nlohmann::json& d) { d["models"]["autoencoder"]["config"]["code_dim"] = 1000000000; })},
        {"a width given as text", "\"width\": \"wide\"",
         with_manifest([](nlohmann::json& d) { d["models"]["classifier"]["config"]["width"] = "wide"; })},
    };
    run_cases(manifest_damage, readers);
    run_cases(network_damage,
              {"sample --workspace {ws} --layer fire7 --out {out}/s.png", "attack --workspace {ws} --out {out}/a.png"});
    // A checkpoint copied over the training state, its checksum made to match: whole, of the right
    // configuration, and still not a training state.
    run_cases({{"a checkpoint over the training state", "train-state.pt is not a training state",
                [checkpoint](const fs::path& ws) {
                    const fs::path state = ws / "classifier" / "train-state.pt";
                    fs::copy_file(ws / checkpoint, state, fs::copy_options::overwrite_existing);
                    nlohmann::json side = nlohmann::json::parse(read_file(side_car_path(state)));
                    side["weights_fnv1a64"] = fnv1a_hex(read_file(state));
                    write_file_atomically(side_car_path(state), side.dump());
                }}},
              {"train classifier --workspace {ws} --width 0.125 --batch-size 32 --steps 40"});
    run_cases(side_car_damage,
              {"sample --workspace {ws} --layer fire7 --out {out}/s.png", "attack --workspace {ws} --out {out}/a.png"});
    report_tally("damaged files", cases, clean);
    CHECK(cases >= 50);
}

TEST_CASE("a workspace is not made from a hostile image folder and nothing is left behind") {
    test::TempDir dir;
    const auto make_images = [](const fs::path& folder, int count) {
        fs::create_directories(folder);
        RgbaImage image(16, 16, 255);
        for (int i = 0; i < count; ++i) write_png(folder / ("image-" + std::to_string(i) + ".png"), image);
        return folder;
    };
    const fs::path enough = make_images(dir / "enough", 8);
    write_file_atomically(dir / "latin1.csv", "file,colour\nimage-0.png,gr\xFCn\n");
    write_file_atomically(dir / "no-file-column.csv", "image,colour\nimage-0.png,red\n");
    struct FolderCase {
        std::string images;
        std::string extra;
        std::string culprit;
    };
    const std::vector<FolderCase> cases = {
        {make_images(dir / "caf\xE9", 8).string(), "", "is not UTF-8 text"},
        {make_images(dir / "three", 3).string(), "", "needs at least 5"},
        {(dir / "missing").string(), "", "missing"},
        {enough.string(), "--attributes " + (dir / "latin1.csv").string(), "latin1.csv: row 2 is not UTF-8 text"},
        {enough.string(), "--attributes " + (dir / "no-file-column.csv").string(), "no-file-column.csv: row 1"},
        {enough.string(), "--attributes " + (dir / "absent.csv").string(), "absent.csv"},
        {enough.string(), "--size 4", "--size"},
    };
    int clean = 0;
    for (const FolderCase& c : cases) {
        const fs::path workspace = dir / "ws";
        const test::CommandResult result = test::run_command(kCli + " workspace create --workspace " + workspace.string() +
                                                             " --images '" + c.images + "' " + c.extra);
        INFO(result.output);
        CHECK(result.exit_code == 2);
        CHECK(result.output.find(c.culprit) != std::string::npos);
        CHECK_FALSE(fs::exists(workspace));
        clean += result.exit_code == 2 && result.output.find(c.culprit) != std::string::npos && !fs::exists(workspace);
    }
    report_tally("hostile image folders", static_cast<int>(cases.size()), clean);
    // The same CSV saved with a byte-order mark by a spreadsheet is accepted.
    write_file_atomically(
        dir / "bom.csv", std::string(kUtf8ByteOrderMark) + "file,colour\n" + [] {
            std::string rows;
            for (int i = 0; i < 8; ++i) rows += "image-" + std::to_string(i) + ".png," + (i % 2 ? "red" : "blue") + "\n";
            return rows;
        }());
    const test::CommandResult accepted =
        test::run_command(kCli + " workspace create --workspace " + (dir / "bom-ws").string() + " --images " + enough.string() +
                          " --attributes " + (dir / "bom.csv").string());
    CHECK_MESSAGE(accepted.exit_code == 0, accepted.output);
}

TEST_CASE("a full disk stops a command with a clear error and leaves the workspace as it was") {
    // A file-size limit of 1 KiB makes every write of the workspace's files fail as on a full disk.
    test::TempDir dir;
    const fs::path workspace = copy_of_tiny_demo(dir / "ws");
    const fs::path out = dir / "out";
    fs::create_directories(out);
    const std::vector<std::string> commands = {
        "train classifier --workspace {ws} --width 0.125 --batch-size 32 --steps 40",
        "train cinn --workspace {ws} --layer fire7 --blocks 2 --hidden-width 32 --embedding-dim 16 --batch-size 16 --steps 40",
        "sample --workspace {ws} --layer fire7 --out {out}/s.png",
        "edit --workspace {ws} --factor background --index 1 --from-index 2 --out {out}/e.png",
    };
    int clean = 0;
    for (const std::string& command : commands)
        clean += refused_cleanly(filled(command, workspace, out), "File too large", workspace, "ulimit -f 1; ");
    report_tally("full disk", static_cast<int>(commands.size()), clean);
    for (const auto& entry : fs::recursive_directory_iterator(dir.path()))
        CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("a workspace its user may not write is refused by name and stays as it was") {
    test::TempDir dir;
    const fs::path workspace = copy_of_tiny_demo(dir / "ws");
    const fs::path out = dir / "out";
    fs::create_directories(out);
    std::string as_user;
    std::string data_option;
    if (::geteuid() == 0) {
        // Permissions do not stop root: the commands run as nobody, on a copy of the digits it can
        // read (the data folder may lie in root's private home).
        const fs::path data = dir / "data";
        fs::create_directories(data);
        for (const char* digits : {"mnist-digits", "mnist"}) {
            if (fs::exists(test::data_root() / digits)) {
                fs::copy(test::data_root() / digits, data / digits, fs::copy_options::recursive);
            }
        }
        for (const auto& entry : fs::recursive_directory_iterator(data)) {
            if (entry.is_directory()) fs::permissions(entry.path(), fs::perms::all, fs::perm_options::replace);
        }
        for (const fs::path& folder : {dir.path(), data, out}) fs::permissions(folder, fs::perms::all, fs::perm_options::replace);
        as_user = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
        data_option = "--data " + data.string() + " ";
    }
    const fs::perms writable = fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write;
    for (const auto& entry : fs::recursive_directory_iterator(workspace)) {
        fs::permissions(entry.path(), writable, fs::perm_options::remove);
    }
    fs::permissions(workspace, writable, fs::perm_options::remove);
    const std::vector<std::string> commands = {
        "train classifier --workspace {ws} --steps 1",         "train autoencoder --workspace {ws} --steps 1",
        "train cinn --workspace {ws} --layer fire7 --steps 1", "train factors --workspace {ws} --steps 1",
        "train evaluator --workspace {ws} --steps 1",          "train inversion --workspace {ws} --layer fire7 --steps 1",
    };
    int clean = 0;
    for (const std::string& command : commands) {
        clean += refused_cleanly(data_option + filled(command, workspace, out), workspace.string(), workspace, as_user);
    }
    report_tally("read-only workspace", static_cast<int>(commands.size()), clean);
    // Readers need no write access.
    const test::CommandResult sample = test::run_command(
        as_user + kCli + " " + data_option + filled("sample --workspace {ws} --layer fire7 --out {out}/s.png", workspace, out));
    INFO(sample.output);
    CHECK(sample.exit_code == 0);
    // Writable again, so that the temporary folder can be removed by a user other than root.
    fs::permissions(workspace, fs::perms::owner_write, fs::perm_options::add);
    for (const auto& entry : fs::recursive_directory_iterator(workspace)) {
        fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
    }
}

TEST_CASE("a second writer is refused while the first trains and the first ends with every checkpoint listed") {
    test::TempDir dir;
    const fs::path workspace = dir / "ws";
    REQUIRE(test::run_command(kCli + " workspace create --workspace " + workspace.string()).exit_code == 0);
    const fs::path pid_file = dir / "first.pid";
    const fs::path first_log = dir / "first.log";
    REQUIRE(std::system(("(" + kCli + " train classifier --workspace " + workspace.string() +
                         " --steps 1000000 --batch-size 8 --width 0.125 > " + first_log.string() + " 2>&1 & echo $! > " +
                         pid_file.string() + ")")
                            .c_str()) == 0);
    // The first writer holds the lock once it has opened the workspace.
    std::optional<WorkspaceWriter> writer;
    for (int i = 0; i < 300 && !writer; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        writer = current_writer(workspace);
    }
    REQUIRE(writer.has_value());
    const long first_pid = std::stol(read_file(pid_file));
    CHECK(writer->pid == first_pid);
    CHECK(writer->command.find("train classifier") != std::string::npos);
    // The GUI's status bar names the process that trains the workspace it shows.
    WriterWatch watch;
    const std::string status = watch.poll(workspace);
    CHECK(status.find("being trained by process " + std::to_string(first_pid)) != std::string::npos);
    CHECK(status.find("train classifier") != std::string::npos);

    const test::CommandResult second = test::run_command(kCli + " train autoencoder --steps 5 --workspace " + workspace.string());
    CHECK(second.exit_code == 2);
    CHECK(second.output.find("is being written by process " + std::to_string(first_pid)) != std::string::npos);
    CHECK(second.output.find("train classifier") != std::string::npos);
    // Readers are not writers: they keep working while the first trains.
    CHECK(test::run_command(kCli + " workspace show --workspace " + workspace.string()).exit_code == 0);

    ::kill(static_cast<pid_t>(first_pid), SIGINT);
    for (int i = 0; i < 300 && current_writer(workspace); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE_FALSE(current_writer(workspace).has_value());
    INFO(read_file(first_log));
    const Workspace after = Workspace::open(workspace);
    CHECK(after.manifest().models.count("autoencoder") == 0);
    CHECK(WriterWatch().poll(workspace).empty());
    const auto& listed = after.manifest().models.at("classifier").checkpoints;
    std::size_t on_disk = 0;
    for (const auto& entry : fs::directory_iterator(workspace / "classifier")) {
        const std::string name = entry.path().filename().string();
        on_disk += name.rfind("step-", 0) == 0 && name.size() > 3 && name.substr(name.size() - 3) == ".pt";
    }
    CHECK(on_disk == listed.size());
}

TEST_CASE("the writer lock is held while it lives and released when it goes and names its holder") {
    test::TempDir dir;
    REQUIRE(test::run_command(kCli + " workspace create --workspace " + (dir / "ws").string()).exit_code == 0);
    {
        const WorkspaceLock lock = WorkspaceLock::acquire(dir / "ws", "a test holding the lock");
        // Another process is told who holds it; this one never sees its own lock as another writer.
        const test::CommandResult refused =
            test::run_command(kCli + " train classifier --steps 1 --workspace " + (dir / "ws").string());
        CHECK(refused.exit_code == 2);
        CHECK(refused.output.find("a test holding the lock") != std::string::npos);
        CHECK(refused.output.find(std::to_string(::getpid())) != std::string::npos);
        CHECK_FALSE(current_writer(dir / "ws").has_value());
    }
    CHECK(
        test::run_command(kCli + " train classifier --steps 1 --batch-size 4 --width 0.125 --workspace " + (dir / "ws").string())
            .exit_code == 0);
}

TEST_CASE("an output is free unless it is or would replace a file the workspace owns") {
    test::TempDir dir;
    const fs::path ws = dir / "ws";
    REQUIRE(test::run_command(kCli + " workspace create --workspace " + ws.string()).exit_code == 0);
    CHECK(output_conflict(dir / "elsewhere.png").empty());
    CHECK(output_conflict(ws / "figures" / "grid.png").empty());
    CHECK(output_conflict(ws / "workspace.png").empty());  // the PNG itself; its JSON is checked on its own
    CHECK(output_conflict(ws / "workspace.json").find("the manifest") != std::string::npos);
    CHECK(output_conflict(ws / "classifier" / "step-0000010.pt").find("checkpoint") != std::string::npos);
    CHECK(output_conflict(ws / "classifier" / "step-0000010.pt.json").find("side-car") != std::string::npos);
    CHECK(output_conflict(ws / "writer.lock").find("lock") != std::string::npos);
    CHECK(output_conflict(ws / "workspace.json" / "x.png").find("is a file, not a folder") != std::string::npos);
    // A folder that merely contains a workspace somewhere below is not that workspace.
    CHECK(output_conflict(dir / "workspace.json").empty());
}

TEST_CASE("JSON files are read within limits of size and depth and the file is named") {
    test::TempDir dir;
    write_file_atomically(dir / "ok.json", "{\"a\": [[[1]]]}");
    CHECK(read_json_file(dir / "ok.json", "")["a"][0][0][0] == 1);
    write_file_atomically(dir / "deep.json", std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']'));
    CHECK_THROWS_WITH_AS(read_json_file(dir / "deep.json", "Do this."), doctest::Contains("deep.json is nested more than"),
                         UserError);
    write_file_atomically(dir / "limit.json", std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']'));
    CHECK_NOTHROW(read_json_file(dir / "limit.json", ""));
    write_file_atomically(dir / "overflow.json", "{\"step\": 1e400}");
    CHECK_THROWS_WITH_AS(read_json_file(dir / "overflow.json", ""), doctest::Contains("overflow.json is not valid JSON"),
                         UserError);
    CHECK_THROWS_WITH_AS(read_json_file(dir / "missing.json", ""), doctest::Contains("missing.json is not a regular file"),
                         UserError);
}
