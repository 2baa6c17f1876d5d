#include "core/image/png_io.h"
#include "core/image/video_io.h"
#include "core/training/colour_blind_companion.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/demo_pipeline.h"
#include "core/workspace/workspace.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>
#include <set>

using namespace inv;

namespace {

// A data folder of this test process's own, with the data sets of the real one linked in: the GUI
// copies the shipped demo workspace into its data folder at its first start without --workspace, and
// tests leave the user's folder alone.
const std::filesystem::path& isolated_data_root() {
    static const test::TempDir folder;
    static const bool linked = [] {
        for (const auto& entry : std::filesystem::directory_iterator(test::data_root())) {
            if (entry.path().filename() != "workspaces")
                std::filesystem::create_symlink(entry.path(), folder / entry.path().filename());
        }
        return true;
    }();
    (void)linked;
    return folder.path();
}

// Runs the GUI headless; under Xvfb when there is no display of our own. Without a --data of its
// own it sees the isolated data folder.
test::CommandResult capture_gui(const std::string& arguments, const std::string& screen = "1280x800") {
    const char* display = std::getenv("DISPLAY");
    const std::string prefix = display && *display ? "" : "xvfb-run -a -s '-screen 0 " + screen + "x24' ";
    const std::string data =
        arguments.find("--data ") == std::string::npos ? "--data " + isolated_data_root().string() + " " : "";
    return test::run_command(prefix + std::string(INVARIANCES_GUI_PATH) + " " + data + arguments);
}

std::size_t distinct_colours(const RgbaImage& image, const PixelRect& area) {
    std::set<std::uint32_t> colours;
    for (int y = area.y; y < area.y + area.height; ++y) {
        for (int x = area.x; x < area.x + area.width; ++x) {
            const std::uint8_t* p = image.at(x, y);
            colours.insert((std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2]);
        }
    }
    return colours.size();
}

// Runs the `reproduce` command of an exported figure's JSON, writing to `again`; true when it made
// the same bytes as the export.
bool remade_by_command_line(const nlohmann::json& numbers, const std::filesystem::path& exported,
                            const std::filesystem::path& again) {
    std::string reproduce = numbers["provenance"]["reproduce"].get<std::string>();
    const std::string out = exported.string();
    reproduce.replace(reproduce.find(out), out.size(), again.string());
    reproduce.replace(0, std::string("invariances-cli").size(), INVARIANCES_CLI_PATH);
    return test::run_command(reproduce).exit_code == 0 && read_file(again) == read_file(exported);
}

}  // namespace

TEST_CASE("the GUI screenshot under Xvfb shows the grid of samples") {
    test::TempDir dir;
    const auto shot = dir / "gui.png";
    const test::CommandResult result = capture_gui("--screenshot " + shot.string() + " --frames 3");
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);
    const RgbaImage image = read_image_rgba(shot);
    CHECK(image.width == 1280);
    CHECK(image.height == 800);
    // The grid area holds 32 samples in random colours: far more colours than any UI chrome.
    // The data set panel (left half): the Invariances panel beside it shows the shipped demo.
    const PixelRect grid_area{20, 120, 560, 280};
    CHECK(distinct_colours(image, grid_area) > 60);

    // Without data the same area stays plain UI, and the error is reported, not crashed on.
    const auto failed_shot = dir / "failed.png";
    const test::CommandResult failed =
        capture_gui("--data " + (dir / "nowhere").string() + " --screenshot " + failed_shot.string());
    REQUIRE_MESSAGE(failed.exit_code == 0, failed.output);
    CHECK(distinct_colours(read_image_rgba(failed_shot), grid_area) < 40);
}

TEST_CASE("with a workspace the GUI shows the z-by-v grid and the semantic sliders and the attack panel") {
    test::TempDir dir;
    REQUIRE(prepare_demo(dir / "demo", test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    const auto shot = dir / "invariances.png";
    const test::CommandResult result =
        capture_gui("--workspace " + (dir / "demo").string() + " --screenshot " + shot.string() + " --frames 3");
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);
    const RgbaImage image = read_image_rgba(shot);
    // The invariances panel (right half) holds the figure: many colours.
    const PixelRect figure_area{650, 190, 600, 380};
    CHECK(distinct_colours(image, figure_area) > 60);
    // The semantic sliders show x, D(E(x)), the edit and the donor; the attack panel its figure.
    const PixelRect semantic_area{20, 620, 580, 110};
    const PixelRect attack_area{650, 610, 600, 130};
    CHECK(distinct_colours(image, semantic_area) > 30);
    CHECK(distinct_colours(image, attack_area) > 30);

    // Opening the workspace from inside the window shows the same.
    const auto script = dir / "open.txt";
    const auto opened = dir / "opened.png";
    write_file_atomically(script, "workspace " + (dir / "demo").string() + "\nscreenshot " + opened.string() + "\n");
    REQUIRE(capture_gui("--script " + script.string()).exit_code == 0);
    CHECK(distinct_colours(read_image_rgba(opened), figure_area) > 60);

    // Without a workspace, and with no demo workspace in the data folder, the GUI opens a copy of the
    // shipped demo workspace there, panels filled; the shipped files stay unwritten.
    const std::filesystem::path copy = isolated_data_root() / "workspaces" / "demo";
    std::filesystem::remove_all(copy);
    const std::filesystem::path shipped = std::filesystem::path(INVARIANCES_ASSET_DIR) / "demo-workspace";
    const std::string shipped_manifest = read_file(shipped / kManifestFileName);
    const auto first = dir / "first-start.png";
    const test::CommandResult started = capture_gui("--screenshot " + first.string());
    REQUIRE_MESSAGE(started.exit_code == 0, started.output);
    CHECK(Workspace::open(copy).manifest().models.size() == Workspace::open(shipped).manifest().models.size());
    CHECK_FALSE(std::filesystem::exists(copy / "SHIPPED"));
    CHECK(read_file(shipped / kManifestFileName) == shipped_manifest);
    CHECK_FALSE(std::filesystem::exists(shipped / "writer.lock"));
    CHECK(distinct_colours(read_image_rgba(first), figure_area) > 60);
    CHECK(distinct_colours(read_image_rgba(first), semantic_area) > 30);
    CHECK(distinct_colours(read_image_rgba(first), attack_area) > 30);
    std::filesystem::remove_all(copy);
}

TEST_CASE("a scripted session drives the panels and its exports reproduce from the command line") {
    test::TempDir dir;
    REQUIRE(prepare_demo(dir / "demo", test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    const auto before = dir / "before.png";
    const auto after = dir / "after.png";
    const auto script = dir / "session.txt";
    write_file_atomically(script, "layer fire7\nsamples 6\nresample\nscreenshot " + before.string() +
                                      "\nslider background 1.0\nattack fgsm 8\nexport invariances\nexport attack\nscreenshot " +
                                      after.string() + "\nlayer conv1\ntrain-layer\n");
    const test::CommandResult result = capture_gui("--workspace " + (dir / "demo").string() + " --script " + script.string());
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);

    // The edited image (third in the semantic panel) changed when the background slider moved.
    const RgbaImage first = read_image_rgba(before);
    const RgbaImage second = read_image_rgba(after);
    const PixelRect edited{300, 630, 120, 110};
    std::size_t changed = 0;
    for (int y = edited.y; y < edited.y + edited.height; ++y) {
        for (int x = edited.x; x < edited.x + edited.width; ++x) changed += std::memcmp(first.at(x, y), second.at(x, y), 3) != 0;
    }
    CHECK(changed > 1000);

    // A layer without t was trained from the layer selector.
    CHECK(Workspace::open(dir / "demo").manifest().models.count("cinn-conv1") == 1);

    // The exported grid has 4 rows of 6 samples; the attack its three rows with predictions.
    const auto exports = dir / "demo" / "exports";
    const nlohmann::json grid = nlohmann::json::parse(read_file(exports / "sample-fire7-1.json"));
    REQUIRE(grid["sample_predictions"].size() == 4);
    CHECK(grid["sample_predictions"][0].size() == 6);
    const nlohmann::json attack = nlohmann::json::parse(read_file(exports / "attack-fgsm-1.json"));
    REQUIRE(attack["rows"].size() == 3);
    CHECK(attack["rows"][0].contains("prediction"));
    CHECK(attack["rows"][2]["probability"].get<double>() > 0.0);

    // The provenance's command remakes the exported figure byte for byte.
    CHECK(remade_by_command_line(grid, exports / "sample-fire7-1.png", dir / "again.png"));

    // A script with a step the window does not know names the line.
    write_file_atomically(script, "layer fire7\nzoom 3\n");
    const test::CommandResult bad = capture_gui("--workspace " + (dir / "demo").string() + " --script " + script.string());
    CHECK(bad.exit_code != 0);
    CHECK(bad.output.find(":2: unknown step 'zoom'") != std::string::npos);
}

TEST_CASE("presentation mode fills the screen with the grid and the sliders and its keys step layers and move sliders") {
    if (std::getenv("DISPLAY") && *std::getenv("DISPLAY")) {
        // Full screen on a real display would take over the user's monitor.
        MESSAGE("skipped: a display is set; this case runs under Xvfb");
        return;
    }
    test::TempDir dir;
    REQUIRE(prepare_demo(dir / "demo", test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    const auto shot = [&](const char* name) { return (dir / name).string(); };
    const auto script = dir / "talk.txt";
    write_file_atomically(script, "layer fire7\npresentation on\nscreenshot " + shot("on.png") +
                                      "\nkey PageUp\nkey 2\nkey Right\n"
                                      "key Right\nkey Right\nkey Right\nscreenshot " +
                                      shot("keys.png") + "\nkey A\nscreenshot " + shot("attack.png") +
                                      "\nkey Escape\nscreenshot " + shot("off.png") + "\n");
    const test::CommandResult result =
        capture_gui("--workspace " + (dir / "demo").string() + " --script " + script.string(), "1600x1200");
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);

    // Full screen on the 1600 by 1200 screen: the grid fills the left part, the four images of the
    // sliders the top of the right part.
    const RgbaImage on = read_image_rgba(shot("on.png"));
    CHECK(on.width == 1600);
    CHECK(on.height == 1200);
    const PixelRect grid_area{40, 200, 840, 700};
    const PixelRect images_area{960, 130, 600, 200};
    CHECK(distinct_colours(on, grid_area) > 100);
    CHECK(distinct_colours(on, images_area) > 60);
    // The grid is drawn large: most of its area is image, little is the window's dark background.
    std::size_t dark = 0;
    for (int y = grid_area.y; y < grid_area.y + grid_area.height; y += 4) {
        for (int x = grid_area.x; x < grid_area.x + grid_area.width; x += 4) dark += on.at(x, y)[0] < 40 && on.at(x, y)[1] < 40;
    }
    CHECK(dark < static_cast<std::size_t>(grid_area.width * grid_area.height / 16 / 3));

    // Page up steps to the layer before (other samples); the second slider moved changes the edit.
    const RgbaImage keys = read_image_rgba(shot("keys.png"));
    const auto changed = [](const RgbaImage& a, const RgbaImage& b, const PixelRect& area) {
        std::size_t count = 0;
        for (int y = area.y; y < area.y + area.height; ++y) {
            for (int x = area.x; x < area.x + area.width; ++x) count += std::memcmp(a.at(x, y), b.at(x, y), 3) != 0;
        }
        return count;
    };
    CHECK(changed(on, keys, grid_area) > 20000);
    CHECK(changed(on, keys, images_area) > 500);
    // A shows the attack in place of the sliders; Escape leaves presentation mode for the window.
    CHECK(changed(keys, read_image_rgba(shot("attack.png")), images_area) > 5000);
    const RgbaImage off = read_image_rgba(shot("off.png"));
    CHECK(off.width == 1280);
    CHECK(off.height == 800);

    // A key the script cannot press is named.
    write_file_atomically(script, "key Hyper\n");
    const test::CommandResult bad = capture_gui("--workspace " + (dir / "demo").string() + " --script " + script.string());
    CHECK(bad.exit_code != 0);
    CHECK(bad.output.find("no key 'Hyper'") != std::string::npos);
}

TEST_CASE("an image of the user's and a clicked grid sample become input rows and the export reproduces") {
    test::TempDir dir;
    REQUIRE(prepare_demo(dir / "demo", test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    // A 64x48 picture: a light disc on a dark background, not square, so it is cropped and shrunk.
    RgbaImage picture(64, 48, 255);
    for (int y = 0; y < picture.height; ++y) {
        for (int x = 0; x < picture.width; ++x) {
            const bool disc = (x - 32) * (x - 32) + (y - 24) * (y - 24) < 14 * 14;
            std::uint8_t* p = picture.at(x, y);
            p[0] = disc ? 240 : 20, p[1] = disc ? 200 : 40, p[2] = disc ? 40 : 120;
        }
    }
    const auto mine = dir / "mine.png";
    write_png(mine, picture);
    const auto script = dir / "session.txt";
    write_file_atomically(script, "device cpu\nlayer fire7\nsamples 4\nopen-image " + mine.string() +
                                      "\npin-sample 0 1\nattack fgsm 4\nexport invariances\nexport attack\n");
    const test::CommandResult result = capture_gui("--workspace " + (dir / "demo").string() + " --script " + script.string());
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);

    // Four test rows, then the user's image, then the pinned sample, which was written to a file.
    const auto exports = dir / "demo" / "exports";
    const nlohmann::json grid = nlohmann::json::parse(read_file(exports / "sample-fire7-1.json"));
    CHECK(grid["sample_predictions"].size() == 6);
    const nlohmann::json& extra = grid["provenance"]["extra_inputs"];
    REQUIRE(extra.size() == 2);
    CHECK(extra[0].get<std::string>() == mine.string());
    const std::filesystem::path pinned = extra[1].get<std::string>();
    CHECK(pinned.parent_path() == exports / "pinned");
    CHECK(read_image_rgba(pinned).width == 32);

    // The attack ran on the user's image, and says so.
    const nlohmann::json attack = nlohmann::json::parse(read_file(exports / "attack-fgsm-1.json"));
    CHECK(attack["provenance"]["image"].get<std::string>() == mine.string());

    // The grid's provenance names both files, and its command remakes the figure byte for byte.
    CHECK(remade_by_command_line(grid, exports / "sample-fire7-1.png", dir / "again.png"));
}

TEST_CASE("a workspace made in the GUI from the user's model and images trains its autoencoder and t from the layer list") {
    test::TempDir dir;
    // Twelve 16x16 pictures in two class folders, the size the fixture model's card asks for.
    for (const char* kind : {"light", "dark"}) {
        std::filesystem::create_directories(dir / "pictures" / kind);
        for (int n = 0; n < 6; ++n) {
            RgbaImage picture(24, 20, 255);
            for (int y = 0; y < picture.height; ++y) {
                for (int x = 0; x < picture.width; ++x) {
                    std::uint8_t* p = picture.at(x, y);
                    const int base = std::strcmp(kind, "light") == 0 ? 180 : 30;
                    p[0] = static_cast<std::uint8_t>(base + 4 * n), p[1] = static_cast<std::uint8_t>(base + x),
                    p[2] = static_cast<std::uint8_t>(base + y);
                }
            }
            write_png(dir / "pictures" / kind / (std::to_string(n) + ".png"), picture);
        }
    }
    const auto ws = dir / "mine";
    const std::string model = (std::filesystem::path(INVARIANCES_FIXTURES) / "scripted_fixture_traced.pt").string();
    const auto script = dir / "session.txt";
    write_file_atomically(script, "new-workspace " + ws.string() + " " + model + " " + (dir / "pictures").string() +
                                      " tiny\nlayer features.2\ntrain-layer\ntrain-factors\nexport invariances\n");
    const test::CommandResult result = capture_gui("--script " + script.string());
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);

    const Workspace made = Workspace::open(ws);
    CHECK(made.manifest().dataset.kind == "image-folder");
    CHECK(made.manifest().models.count("autoencoder") == 1);
    CHECK(made.manifest().models.count("cinn-features.2") == 1);
    CHECK(made.manifest().models.count("factors") == 1);
    // The grid's captions use the model's own class names (from its card), not the folders'.
    const nlohmann::json grid = nlohmann::json::parse(read_file(ws / "exports" / "sample-features.2-1.json"));
    const std::vector<std::string> names = grid["class_names"];
    CHECK(names == std::vector<std::string>{"north", "east", "south", "west"});
    CHECK(remade_by_command_line(grid, ws / "exports" / "sample-features.2-1.png", dir / "again.png"));
}

TEST_CASE("the GUI compares two models under one v and plays a video through a layer") {
    test::TempDir dir;
    const auto demo = dir / "demo";
    REQUIRE(prepare_demo(demo, test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    REQUIRE(prepare_colour_blind(demo, test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    const auto shot = dir / "shot.png";
    const auto script = dir / "session.txt";
    write_file_atomically(script, "layer fire7\ncompare " + colour_blind_folder(demo).string() +
                                      " fire7\nvideo fire7 demo\n"
                                      "inputs-from colorfashion\nexport invariances\nscreenshot " +
                                      shot.string() + "\n");
    const test::CommandResult result = capture_gui("--workspace " + demo.string() + " --script " + script.string());
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);

    // The demo clip went through t at fire7 into an MP4 of as many frames.
    int frames = 0;
    VideoReader video(demo / "exports" / "video-fire7.mp4");
    while (video.next()) ++frames;
    CHECK(frames == 90);
    // The grid after the domain switch shows ColorFashion images, and says so.
    const nlohmann::json grid = nlohmann::json::parse(read_file(demo / "exports" / "sample-fire7-1.json"));
    CHECK(grid["provenance"]["inputs_from"] == "colorfashion");
    CHECK(remade_by_command_line(grid, demo / "exports" / "sample-fire7-1.png", dir / "again.png"));
}
