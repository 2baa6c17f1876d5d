#include "core/image/png_io.h"
#include "core/workspace/atomic_file.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace inv;

namespace {
const std::string kCli = INVARIANCES_CLI_PATH;
}

TEST_CASE("data preview writes a PNG grid and prints every sample's factors as JSON") {
    test::TempDir dir;
    const auto out = dir / "preview.png";
    const test::CommandResult result =
        test::run_command(kCli + " --json data preview --dataset colormnist --count 6 --seed 4 --scale 2 --out " + out.string(),
                          test::Streams::StdoutOnly);
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);
    const nlohmann::json report = nlohmann::json::parse(result.output);
    REQUIRE(report["samples"].size() == 6);
    for (const auto& sample : report["samples"]) {
        CHECK(sample["foreground"].size() == 3);
        CHECK(sample["background"].size() == 3);
        CHECK(sample["label"].get<int>() >= 0);
    }
    const RgbaImage image = read_image_rgba(out);
    CHECK(image.width > 3 * 64);
    CHECK(image.height > 2 * 64);

    // The same seed gives the same picture.
    const auto again = dir / "again.png";
    REQUIRE(test::run_command(kCli + " data preview --count 6 --seed 4 --scale 2 --out " + again.string()).exit_code == 0);
    CHECK(read_image_rgba(again).pixels == image.pixels);
}

TEST_CASE("data preview with a missing data folder names the file and the set-up command") {
    test::TempDir dir;
    const test::CommandResult result = test::run_command(kCli + " --data " + (dir / "nowhere").string() +
                                                         " data preview --count 2 --out " + (dir / "x.png").string());
    CHECK(result.exit_code == 2);
    CHECK(result.output.find("nowhere") != std::string::npos);
    CHECK(result.output.find("scripts/setup.sh") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "x.png"));
}

TEST_CASE("the command line rejects an unknown data set and explains the choices") {
    const test::CommandResult result = test::run_command(kCli + " data preview --dataset cifar --out /tmp/x.png");
    CHECK(result.exit_code != 0);
    CHECK(result.output.find("colormnist") != std::string::npos);
}

TEST_CASE("every subcommand has help that names its options") {
    const test::CommandResult top = test::run_command(kCli + " --help");
    CHECK(top.exit_code == 0);
    CHECK(top.output.find("data") != std::string::npos);
    CHECK(top.output.find("workspace") != std::string::npos);
    const test::CommandResult preview = test::run_command(kCli + " data preview --help");
    CHECK(preview.output.find("--seed") != std::string::npos);
    CHECK(preview.output.find("--out") != std::string::npos);
    const test::CommandResult create = test::run_command(kCli + " workspace create --help");
    CHECK(create.output.find("--workspace") != std::string::npos);
}

TEST_CASE("workspace create and show work from the command line") {
    test::TempDir dir;
    const std::string ws = (dir / "ws").string();
    REQUIRE(test::run_command(kCli + " workspace create --workspace " + ws + " --dataset colorfashion --seed 3").exit_code == 0);
    const test::CommandResult shown = test::run_command(kCli + " --json workspace show --workspace " + ws);
    REQUIRE(shown.exit_code == 0);
    const nlohmann::json manifest = nlohmann::json::parse(shown.output);
    CHECK(manifest["dataset"]["kind"] == "colorfashion");
    CHECK(manifest["dataset"]["colour_seed"] == 3);
    const test::CommandResult again = test::run_command(kCli + " workspace create --workspace " + ws);
    CHECK(again.exit_code == 2);
    CHECK(again.output.find("already holds a workspace") != std::string::npos);
    // The global options are taken after the subcommand as well, as people type them.
    const test::CommandResult after =
        test::run_command(kCli + " workspace show --workspace " + ws + " --json", test::Streams::StdoutOnly);
    REQUIRE(after.exit_code == 0);
    CHECK(nlohmann::json::parse(after.output) == manifest);
}

TEST_CASE("the tiny demo and every analysis command run end to end from the command line") {
    test::TempDir dir;
    const std::string ws = (dir / "demo").string();
    const test::CommandResult prepared =
        test::run_command(kCli + " --json demo prepare --budget tiny --workspace " + ws, test::Streams::StdoutOnly);
    REQUIRE_MESSAGE(prepared.exit_code == 0, prepared.output);
    const nlohmann::json report = nlohmann::json::parse(prepared.output);
    CHECK(report["completed"] == true);
    CHECK(report["metrics"].contains("factors"));

    const test::CommandResult measured = test::run_command(
        kCli + " demo measure --images 20 --pairs 20 --require-all --workspace " + ws, test::Streams::StdoutOnly);
    CHECK_MESSAGE(measured.exit_code == 1, measured.output);  // thirty steps of training meet no accuracy bar
    CHECK(measured.output.find("| cinn-softmax | samples keep the prediction |") != std::string::npos);
    CHECK(measured.output.find("bars met") != std::string::npos);

    const test::CommandResult layers = test::run_command(kCli + " --json layers --workspace " + ws, test::Streams::StdoutOnly);
    REQUIRE(layers.exit_code == 0);
    CHECK(nlohmann::json::parse(layers.output).front()["name"] == "input");

    const auto figure = dir / "fire3.png";
    const test::CommandResult sampled =
        test::run_command(kCli + " sample --workspace " + ws + " --layer fire3 --inputs 2 --samples 3 --out " + figure.string());
    REQUIRE_MESSAGE(sampled.exit_code == 0, sampled.output);
    CHECK(read_image_rgba(figure).width > 4 * 32);
    const nlohmann::json numbers = nlohmann::json::parse(read_file(dir / "fire3.json"));
    CHECK(numbers["provenance"]["layer"] == "fire3");

    const test::CommandResult explained = test::run_command(
        kCli + " --json analyze explained-variance --inputs 16 --repeats 1 --workspace " + ws, test::Streams::StdoutOnly);
    REQUIRE_MESSAGE(explained.exit_code == 0, explained.output);
    CHECK(nlohmann::json::parse(explained.output)["layers"].size() == 5);

    const test::CommandResult missing =
        test::run_command(kCli + " sample --workspace " + ws + " --layer fire5 --out " + (dir / "x.png").string());
    CHECK(missing.exit_code == 2);
    CHECK(missing.output.find("train cinn") != std::string::npos);

    // Every analysis writes a PNG and its JSON; the same seed gives the same bytes.
    const std::string attack =
        kCli + " attack --workspace " + ws + " --index 3 --eps-255 8 --explained-inputs 16 --repeats 1 --seed 4 --out ";
    REQUIRE_MESSAGE(test::run_command(attack + (dir / "a1.png").string()).exit_code == 0, "attack failed");
    REQUIRE(test::run_command(attack + (dir / "a2.png").string()).exit_code == 0);
    CHECK(read_file(dir / "a1.png") == read_file(dir / "a2.png"));
    CHECK(nlohmann::json::parse(read_file(dir / "a1.json"))["rows"].size() == 3);
    const test::CommandResult sweep =
        test::run_command(kCli + " attack --sweep --sweep-inputs 8 --sweep-eps-255 0,8 --workspace " + ws + " --out " +
                          (dir / "sweep.png").string());
    REQUIRE_MESSAGE(sweep.exit_code == 0, sweep.output);
    CHECK(nlohmann::json::parse(read_file(dir / "sweep.json"))["points"].size() == 2);
    const test::CommandResult edit = test::run_command(
        kCli + " edit --workspace " + ws + " --index 0 --factor foreground --from-index 5 --out " + (dir / "edit.png").string());
    REQUIRE_MESSAGE(edit.exit_code == 0, edit.output);
    const test::CommandResult mix = test::run_command(kCli + " mix --workspace " + ws +
                                                      " --layer fire7 --index 0 --with 5 --out " + (dir / "mix.png").string());
    REQUIRE_MESSAGE(mix.exit_code == 0, mix.output);
    const test::CommandResult dims = test::run_command(
        kCli + " --json analyze factor-dims --pairs 50 --layers input --workspace " + ws, test::Streams::StdoutOnly);
    REQUIRE_MESSAGE(dims.exit_code == 0, dims.output);
    CHECK(nlohmann::json::parse(dims.output)["layers"][0]["z_dims"] == 3072);
    const test::CommandResult plot = test::run_command(kCli + " analyze explained-variance --inputs 16 --repeats 1 --workspace " +
                                                       ws + " --out " + (dir / "ev.png").string());
    REQUIRE_MESSAGE(plot.exit_code == 0, plot.output);
    CHECK(read_image_rgba(dir / "ev.png").width > 100);

    const test::CommandResult atlas = test::run_command(kCli +
                                                        " report --explained-inputs 16 --repeats 1 --sweep-inputs 4 "
                                                        "--fidelity-images 20 --workspace " +
                                                        ws + " --out " + (dir / "atlas").string());
    REQUIRE_MESSAGE(atlas.exit_code == 0, atlas.output);
    const std::string page = read_file(dir / "atlas" / "index.html");
    CHECK(page.find("z-by-v grid at fire7") != std::string::npos);
    CHECK(page.find("attack-fgsm.png") != std::string::npos);
    CHECK(page.find("train evaluator") != std::string::npos);  // the missing baseline says how to get it
    CHECK(std::filesystem::exists(dir / "atlas" / "sample-softmax.png"));

    const test::CommandResult unknown =
        test::run_command(kCli + " attack --workspace " + ws + " --layers fire9 --out " + (dir / "x.png").string());
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.output.find("input, conv1, fire3, fire5, fire7, logits, softmax") != std::string::npos);
    const test::CommandResult out_of_range = test::run_command(
        kCli + " edit --workspace " + ws + " --index 5000 --factor digit --from-index 1 --out " + (dir / "x.png").string());
    CHECK(out_of_range.exit_code == 2);
    CHECK(out_of_range.output.find("indices 0..1999") != std::string::npos);

    // The user's own image file: a row of the grid, the image to edit, the image to attack.
    const auto mine = dir / "mine.png";
    write_png(mine, read_image_rgba(figure));  // any picture will do; it is cropped and resized
    const test::CommandResult own =
        test::run_command(kCli + " --json sample --workspace " + ws + " --layer fire3 --inputs 0 --image " + mine.string() +
                              " --samples 3 --out " + (dir / "own.png").string(),
                          test::Streams::StdoutOnly);
    REQUIRE_MESSAGE(own.exit_code == 0, own.output);
    const nlohmann::json own_json = nlohmann::json::parse(own.output);
    CHECK(own_json["sample_predictions"].size() == 1);
    CHECK(own_json["provenance"]["extra_inputs"][0] == mine.string());
    CHECK(own_json["provenance"]["device"] == "cpu");
    CHECK(test::run_command(kCli + " edit --workspace " + ws + " --image " + mine.string() +
                            " --factor background --from-index 3 --out " + (dir / "own-edit.png").string())
              .exit_code == 0);
    const test::CommandResult own_attack =
        test::run_command(kCli + " attack --workspace " + ws + " --image " + mine.string() +
                          " --explained-inputs 8 --repeats 1 --out " + (dir / "own-attack.png").string());
    CHECK(own_attack.exit_code == 0);
    CHECK(own_attack.output.find(mine.string()) != std::string::npos);
    const test::CommandResult neither =
        test::run_command(kCli + " edit --workspace " + ws + " --factor digit --from-index 1 --out " + (dir / "x.png").string());
    CHECK(neither.exit_code == 2);
    CHECK(neither.output.find("--index N (a test image) or --image FILE") != std::string::npos);
}

TEST_CASE("asking the command line for CUDA without it says what to use instead") {
    test::TempDir dir;
    const std::string ws = (dir / "ws").string();
    REQUIRE(test::run_command(kCli + " workspace create --workspace " + ws).exit_code == 0);
    const test::CommandResult result =
        test::run_command(kCli + " --device cuda train classifier --steps 1 --batch-size 8 --workspace " + ws);
    if (result.output.find("no CUDA GPU") == std::string::npos) {
        MESSAGE("this build and machine have CUDA: the step trained there");
        CHECK(result.exit_code == 0);
        return;
    }
    CHECK(result.exit_code == 2);
    CHECK(result.output.find("--device cpu") != std::string::npos);
}

TEST_CASE("Ctrl-C stops a training run that saves its state and exits with 130") {
    test::TempDir dir;
    const std::string ws = (dir / "ws").string();
    REQUIRE(test::run_command(kCli + " workspace create --workspace " + ws).exit_code == 0);
    // SIGINT after a few seconds, as a person pressing Ctrl-C; the run would otherwise take hours.
    const test::CommandResult stopped =
        test::run_command("timeout --preserve-status -s INT 6 " + kCli + " train classifier --workspace " + ws +
                          " --steps 1000000 --batch-size 8 --width 0.125");
    CHECK(stopped.exit_code == 130);
    CHECK(stopped.output.find("the state is saved") != std::string::npos);
}

TEST_CASE("an unknown subcommand is named with the ones there are") {
    const test::CommandResult top = test::run_command(kCli + " frobnicate");
    CHECK(top.exit_code == 2);
    CHECK(top.output.find("unknown subcommand \"frobnicate\" of invariances-cli;") != std::string::npos);
    CHECK(top.output.find("demo") != std::string::npos);
    // Below a command, and with a global option's value before it.
    const test::CommandResult nested = test::run_command(kCli + " --data /tmp demo frob");
    CHECK(nested.exit_code == 2);
    CHECK(nested.output.find("unknown subcommand \"frob\" of invariances-cli demo; expected one of: prepare, measure") !=
          std::string::npos);
}
