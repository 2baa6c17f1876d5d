// Two models under the same v, images from another domain, invariances driven by a video.
#include "core/image/png_io.h"
#include "core/image/video_io.h"
#include "core/training/colour_blind_companion.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/demo_pipeline.h"
#include "core/workspace/workspace.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace inv;

namespace {

const std::string kCli = INVARIANCES_CLI_PATH;

nlohmann::json run_json(const std::string& arguments) {
    const test::CommandResult result = test::run_command(kCli + " --json " + arguments, test::Streams::StdoutOnly);
    REQUIRE_MESSAGE(result.exit_code == 0, (arguments + "\n" + test::run_command(kCli + " " + arguments).output));
    return nlohmann::json::parse(result.output);
}

// Explained variance of the foreground and background factors together, at the one layer analysed.
double colour_share(const nlohmann::json& explained) {
    const nlohmann::json& shares = explained["layers"].at(0)["explained_by_z"];
    return shares["foreground"]["mean"].get<double>() + shares["background"]["mean"].get<double>();
}

std::size_t count_frames(const std::filesystem::path& video, int& width, int& height) {
    VideoReader reader(video);
    std::size_t frames = 0;
    while (const auto frame = reader.next()) {
        width = frame->width;
        height = frame->height;
        ++frames;
    }
    return frames;
}

}  // namespace

TEST_CASE("the colour-blind companion is compared under identical v and keeps less of the colours") {
    test::TempDir dir;
    const auto demo = dir / "demo";
    // The tiny budget, but with t trained long enough (300 steps) for the explained variance to be
    // more than noise; fire7 is the deepest layer both models have a t for.
    DemoPlan plan = demo_plan(DemoBudget::Tiny);
    plan.layers = {"fire7"};
    plan.cinn.schedule.steps = 300;
    plan.cinn.schedule.batch_size = 32;
    plan.cinn.flow.hidden_width = 64;
    // The earlier recipe (SqueezeNet without batch norm, the L1 autoencoder with transposed
    // convolutions): with batch norm the standard model, trained on fresh colours, is
    // colour-invariant by fire7 already at this budget (colour share 0.15 against the colour-blind
    // model's 0.48), and with the tiny L2 autoencoder the two shares come out nearly equal; the two
    // models could then only be told apart at conv1, which the tiny companion has no t for.
    plan.classifier.model.batch_norm = false;
    plan.classifier.schedule.learning_rate = 1e-3;
    plan.autoencoder.reconstruction_loss = "l1";
    plan.autoencoder.model.upsampling = "transposed";
    REQUIRE(prepare_demo(demo, test::data_root(), plan, {}, {}).completed);
    REQUIRE(prepare_colour_blind(demo, test::data_root(), plan, {}, {}).completed);
    const auto blind = colour_blind_folder(demo);
    CHECK(Workspace::open(blind).manifest().models.at("classifier").config.at("colour_blind") == true);

    const nlohmann::json compared = run_json("compare --workspace " + demo.string() + " --against " + blind.string() +
                                             " --layer fire7 --inputs 2 --samples 4 --explained-inputs 150 --repeats 2 --out " +
                                             (dir / "compare.png").string());
    // The same v went into both models' t^-1, for the same inputs.
    CHECK(compared["first"]["v_digest"] == compared["second"]["v_digest"]);
    CHECK_FALSE(compared["first"]["v_digest"].get<std::string>().empty());
    CHECK(compared["first"]["input_indices"] == compared["second"]["input_indices"]);
    CHECK(read_image_rgba(dir / "compare.png").width > 2 * 5 * 32);
    const double standard = colour_share(compared["first_explained"]);
    const double colour_blind = colour_share(compared["second_explained"]);
    MESSAGE("colour share of the explained variance at fire7: standard " << standard << ", colour-blind " << colour_blind);
    CHECK(colour_blind < standard);

    // A workspace with another autoencoder is refused: the same v would mean different things.
    const auto other = dir / "other";
    DemoPlan other_plan = demo_plan(DemoBudget::Tiny);
    other_plan.layers = {"fire7"};
    other_plan.autoencoder.schedule.seed = 99;
    REQUIRE(prepare_demo(other, test::data_root(), other_plan, {}, {}).completed);
    const test::CommandResult refused =
        test::run_command(kCli + " compare --workspace " + demo.string() + " --against " + other.string() +
                          " --layer fire7 --explained-inputs 0 --out " + (dir / "x.png").string());
    CHECK(refused.exit_code == 2);
    CHECK(refused.output.find("different autoencoders") != std::string::npos);
    // The command line builds the companion only beside a prepared demo.
    const test::CommandResult unprepared =
        test::run_command(kCli + " demo colour-blind --budget tiny --workspace " + (dir / "nothing").string());
    CHECK(unprepared.exit_code == 2);
    CHECK(unprepared.output.find("demo prepare") != std::string::npos);
}

TEST_CASE("ColorFashion through the digit classifier shows each layer's samples and the explained variance on both domains") {
    test::TempDir dir;
    const auto demo = dir / "demo";
    REQUIRE(prepare_demo(demo, test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    const nlohmann::json shift = run_json("analyze domain-shift --workspace " + demo.string() +
                                          " --inputs-from colorfashion --layers fire3,logits --inputs 2 --samples 3 "
                                          "--explained-inputs 40 --repeats 1 --out " +
                                          (dir / "shift.png").string());
    REQUIRE(shift["layers"].size() == 2);
    CHECK(shift["layers"][0]["foreign"].contains("digit"));
    CHECK(shift["layers"][1]["native"].contains("background"));
    CHECK(shift["autoencoder"]["foreign_reconstruction_l1"].get<double>() > 0.0);
    // Either the autoencoder represents the fashion items, or the output says it does not.
    CHECK(shift["autoencoder"]["represents_foreign"].get<bool>() == shift["warning"].get<std::string>().empty());
    CHECK(shift["provenance"]["inputs_from"] == "colorfashion");
    CHECK(read_image_rgba(dir / "shift.png").height > 2 * 2 * 32);

    const nlohmann::json sampled = run_json("sample --workspace " + demo.string() +
                                            " --layer fire3 --inputs 2 --samples 2 "
                                            "--inputs-from colorfashion --out " +
                                            (dir / "s.png").string());
    CHECK(sampled["provenance"]["inputs_from"] == "colorfashion");
    CHECK(sampled["provenance"]["reproduce"].get<std::string>().find("--inputs-from colorfashion") != std::string::npos);
    // Predictions are named by what the classifier was trained on (digits), not by the foreign classes.
    CHECK(sampled["class_names"][0] == "0");
    const test::CommandResult same =
        test::run_command(kCli + " sample --workspace " + demo.string() + " --layer fire3 --inputs-from colormnist --out " +
                          (dir / "x.png").string());
    CHECK(same.exit_code == 2);
    CHECK(same.output.find("another domain") != std::string::npos);
}

TEST_CASE("a ten-frame generated clip drives the invariances of a fixed image into an MP4 of ten frames") {
    test::TempDir dir;
    const auto demo = dir / "demo";
    REQUIRE(prepare_demo(demo, test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    const auto clip = dir / "clip.mp4";
    run_json("demo clip --frames 10 --fps 12 --scale 2 --out " + clip.string());
    int width = 0;
    int height = 0;
    REQUIRE(count_frames(clip, width, height) == 10);
    CHECK(width == 64);
    // A folder where no file can be created is named as the cause, not the encoder.
    const test::CommandResult unwritable = test::run_command(kCli + " demo clip --frames 2 --out /proc/invariances-clip.mp4");
    CHECK(unwritable.exit_code == 2);
    CHECK(unwritable.output.find("cannot write /proc/invariances-clip.mp4") != std::string::npos);
    CHECK(unwritable.output.find("MP4 encoder") == std::string::npos);

    const auto out = dir / "moved.mp4";
    const nlohmann::json made = run_json("video --workspace " + demo.string() + " --layer fire7 --video " + clip.string() +
                                         " --index 3 --scale 4 --out " + out.string());
    CHECK(made["frames"] == 10);
    CHECK(made["fps"].get<double>() == doctest::Approx(12.0).epsilon(0.01));
    CHECK(count_frames(out, width, height) == 10);
    CHECK(width == 128);
    CHECK(height == 128);
    CHECK(nlohmann::json::parse(read_file(dir / "moved.json"))["provenance"]["layer"] == "fire7");

    // A folder of frames works as well; side by side puts the frame, the fixed image and the result in a row.
    std::filesystem::create_directories(dir / "frames");
    for (int f = 0; f < 3; ++f) {
        RgbaImage frame(40, 30, 255);
        for (std::size_t p = 0; p < frame.pixels.size(); p += 4) frame.pixels[p] = static_cast<std::uint8_t>(80 * f);
        write_png(dir / "frames" / ("f" + std::to_string(f) + ".png"), frame);
    }
    const nlohmann::json folder =
        run_json("video --workspace " + demo.string() + " --layer logits --video " + (dir / "frames").string() +
                 " --index 0 --scale 2 --side-by-side --out " + (dir / "folder.mp4").string());
    CHECK(folder["frames"] == 3);
    CHECK(folder["width"] == 3 * 64);

    // An unreadable video names the file and leaves no output behind.
    write_file_atomically(dir / "broken.mp4", "this is not a video");
    const test::CommandResult broken =
        test::run_command(kCli + " video --workspace " + demo.string() + " --layer fire7 --video " +
                          (dir / "broken.mp4").string() + " --index 0 --out " + (dir / "never.mp4").string());
    CHECK(broken.exit_code == 2);
    CHECK(broken.output.find((dir / "broken.mp4").string()) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "never.mp4"));
}

TEST_CASE("an autoencoder trained on both domains draws the foreign images better and records it") {
    test::TempDir dir;
    const std::string ws = (dir / "ws").string();
    REQUIRE(test::run_command(kCli + " workspace create --workspace " + ws).exit_code == 0);
    run_json("train classifier --workspace " + ws + " --steps 5 --batch-size 16 --width 0.125");
    double foreign_error[2] = {0.0, 0.0};
    for (int both = 0; both < 2; ++both) {
        const std::string copy = (dir / ("ws" + std::to_string(both))).string();
        std::filesystem::copy(ws, copy, std::filesystem::copy_options::recursive);
        run_json("train autoencoder --workspace " + copy + " --steps 250 --batch-size 32 --width 0.25 --code-dim 32" +
                 (both ? " --second-domain colorfashion" : ""));
        run_json("train cinn --workspace " + copy + " --layers fire7 --steps 5");
        const nlohmann::json shift = run_json("analyze domain-shift --workspace " + copy +
                                              " --inputs-from colorfashion "
                                              "--explained-inputs 0 --inputs 1 --samples 1 --out " +
                                              (dir / "shift.png").string());
        foreign_error[both] = shift["autoencoder"]["foreign_reconstruction_l1"].get<double>();
        const nlohmann::json manifest = run_json("workspace show --workspace " + copy);
        CHECK(manifest["models"]["autoencoder"]["config"]["training"].contains("second_domain") == (both == 1));
    }
    MESSAGE("ColorFashion reconstruction error: digits only " << foreign_error[0] << ", both domains " << foreign_error[1]);
    CHECK(foreign_error[1] < foreign_error[0]);
}
