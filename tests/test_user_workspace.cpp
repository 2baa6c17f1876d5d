// Workspaces on the user's own images (and model): created from an image folder with attributes,
// trained end to end at 64 and 16 pixels, analysed like the demo; pairs for e drawn from attributes.
#include "core/data/dataset_subset.h"
#include "core/data/image_folder_dataset.h"
#include "core/data/pair_sampler.h"
#include "core/data/workspace_data.h"
#include "core/image/png_io.h"
#include "core/runtime/errors.h"
#include "core/runtime/random.h"
#include "core/workspace/atomic_file.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <set>

using namespace inv;

namespace {

const std::string kCli = INVARIANCES_CLI_PATH;
const std::filesystem::path kFixtures = INVARIANCES_FIXTURES;

constexpr std::array<const char*, 3> kShapes{"disc", "square", "cross"};
constexpr std::array<const char*, 3> kHues{"red", "green", "blue"};
constexpr std::array<const char*, 2> kShades{"dark", "light"};

bool inside(const std::string& shape, double u, double v) {  // u, v in [-1, 1]
    if (shape == "disc") return u * u + v * v < 0.45;
    if (shape == "square") return std::abs(u) < 0.55 && std::abs(v) < 0.55;
    return std::abs(u) < 0.2 || std::abs(v) < 0.2;
}

// <dir>/shapes/<shape>/<n>.png (80x70: not square, so they are centre-cropped) with a coloured
// shape on a dark or light ground, and <dir>/attributes.csv naming both for every image.
std::filesystem::path make_shapes(const test::TempDir& dir, int per_class) {
    const auto folder = dir / "shapes";
    std::string csv = "file,hue,shade\n";
    Rng rng(11);
    for (const char* shape : kShapes) {
        std::filesystem::create_directories(folder / shape);
        for (int n = 0; n < per_class; ++n) {
            const std::size_t hue = rng.below(kHues.size());
            const std::size_t shade = rng.below(kShades.size());
            RgbaImage image(80, 70, 255);
            for (int y = 0; y < image.height; ++y) {
                for (int x = 0; x < image.width; ++x) {
                    const double u = (x - 40.0 + 4.0 * (rng.uniform() - 0.5)) / 30.0;
                    const double v = (y - 35.0) / 30.0;
                    std::uint8_t* pixel = image.at(x, y);
                    if (inside(shape, u, v)) {
                        for (std::size_t c = 0; c < 3; ++c) pixel[c] = c == hue ? 230 : 30;
                    } else {
                        for (std::size_t c = 0; c < 3; ++c) pixel[c] = shade == 0 ? 20 : 200;
                    }
                }
            }
            const std::string file = std::string(shape) + "/" + std::to_string(n) + ".png";
            write_png(folder / file, image);
            csv += file + "," + kHues[hue] + "," + kShades[shade] + "\n";
        }
    }
    write_file_atomically(dir / "attributes.csv", csv);
    return folder;
}

nlohmann::json run_json(const std::string& arguments) {
    const test::CommandResult result = test::run_command(kCli + " --json " + arguments, test::Streams::StdoutOnly);
    REQUIRE_MESSAGE(result.exit_code == 0, (arguments + "\n" + test::run_command(kCli + " " + arguments).output));
    return nlohmann::json::parse(result.output);
}

}  // namespace

TEST_CASE("pairs for e from an attributes CSV share the chosen factor") {
    test::TempDir dir;
    const auto folder = make_shapes(dir, 6);
    const auto dataset = ImageFolderDataset::load({folder, dir / "attributes.csv", 16});
    REQUIRE(dataset->factors().size() == 3);  // class, hue, shade
    PairSampler sampler(dataset, 5);
    std::set<std::size_t> shared_seen;
    for (int i = 0; i < 200; ++i) {
        const FactorPair pair = sampler.next();
        shared_seen.insert(pair.shared_factor);
        CHECK(pair.index_a != pair.index_b);
        CHECK(dataset->factor_indices(pair.index_a)[pair.shared_factor] ==
              dataset->factor_indices(pair.index_b)[pair.shared_factor]);
        CHECK(pair.a.pixels == dataset->get(pair.index_a).pixels);
    }
    CHECK(shared_seen.size() == 3);
    // The same seed draws the same pairs, also after reseeding.
    PairSampler again(dataset, 5);
    sampler.reseed(5);
    for (int i = 0; i < 20; ++i) CHECK(sampler.next().index_b == again.next().index_b);
}

TEST_CASE("an image folder is split by a hash of each path so that adding images moves none") {
    test::TempDir dir;
    const auto folder = make_shapes(dir, 10);
    DatasetEntry entry = image_folder_entry({folder, {}, 16});
    const WorkspaceData before = load_dataset(entry, test::data_root(), "test");
    CHECK(before.train->size() + before.test->size() == 30);
    CHECK(before.test->size() >= 2);
    const auto test_files = [](const WorkspaceData& data) {
        const auto& subset = dynamic_cast<const DatasetSubset&>(*data.test);
        const auto& whole = dynamic_cast<const ImageFolderDataset&>(subset.whole());
        std::set<std::string> files;
        for (std::size_t i = 0; i < subset.size(); ++i) files.insert(whole.file(subset.index_in_whole(i)));
        return files;
    };
    const std::set<std::string> held_out = test_files(before);
    write_png(folder / "disc" / "extra.png", RgbaImage(20, 20, 255));
    const std::set<std::string> after = test_files(load_dataset(entry, test::data_root(), "test"));
    for (const std::string& file : held_out) CHECK(after.count(file) == 1);

    entry.settings["folder"] = (dir / "gone").string();
    try {
        load_dataset(entry, test::data_root(), "workspace W");
        FAIL("a missing image folder must be refused");
    } catch (const UserError& error) {
        CHECK(std::string(error.what()).find((dir / "gone").string()) != std::string::npos);
    }
}

TEST_CASE("a 64-pixel workspace on an image folder with attributes trains every model and runs the analyses") {
    test::TempDir dir;
    const auto folder = make_shapes(dir, 16);
    const std::string ws = (dir / "ws").string();
    const test::CommandResult created =
        test::run_command(kCli + " workspace create --images " + folder.string() + " --attributes " +
                          (dir / "attributes.csv").string() + " --size 64 --workspace " + ws);
    REQUIRE_MESSAGE(created.exit_code == 0, created.output);
    CHECK(created.output.find("64x64 pixels") != std::string::npos);
    const nlohmann::json manifest = run_json("workspace show --workspace " + ws);
    CHECK(manifest["dataset"]["kind"] == "image-folder");
    CHECK(manifest["dataset"]["settings"]["size"] == 64);

    const nlohmann::json classifier = run_json("train classifier --workspace " + ws + " --steps 12 --batch-size 16 --width 0.25");
    CHECK(classifier["completed"] == true);
    CHECK(classifier["metrics"].contains("test_accuracy"));
    const nlohmann::json layers = run_json("layers --workspace " + ws);
    CHECK(layers.front()["shape"] == nlohmann::json::array({3, 64, 64}));

    const nlohmann::json autoencoder =
        run_json("train autoencoder --workspace " + ws + " --steps 8 --batch-size 8 --code-dim 32");
    CHECK(autoencoder["metrics"].contains("reconstruction_l1"));
    CHECK(autoencoder["metrics"].contains("classifier_accuracy_on_reconstructions"));
    CHECK_FALSE(autoencoder["metrics"].contains("foreground_colour_error"));  // no known colours in a user's images
    const nlohmann::json t = run_json("train cinn --workspace " + ws + " --layers fire3,logits --steps 8 --batch-size 16");
    CHECK(t.size() == 2);
    const nlohmann::json e = run_json("train factors --workspace " + ws + " --steps 8 --batch-size 16");
    std::vector<std::string> names;
    for (const auto& factor : e["factors"]) names.push_back(factor["name"]);
    CHECK(names == std::vector<std::string>{"residual", "class", "hue", "shade"});
    CHECK(e["metrics"].contains("class_swap_accuracy"));
    CHECK_FALSE(e["metrics"].contains("background_swap_error"));

    const auto grid = dir / "grid.png";
    const nlohmann::json sampled =
        run_json("sample --workspace " + ws + " --layer fire3 --inputs 2 --samples 3 --out " + grid.string());
    CHECK(read_image_rgba(grid).width >= 4 * 64);
    CHECK(sampled["provenance"]["dataset"] == "shapes (test)");
    CHECK_FALSE(sampled["provenance"].contains("colour_seed"));
    const test::CommandResult edit = test::run_command(
        kCli + " edit --workspace " + ws + " --index 0 --factor hue --from-index 1 --out " + (dir / "edit.png").string());
    CHECK_MESSAGE(edit.exit_code == 0, edit.output);
    const test::CommandResult attack =
        test::run_command(kCli + " attack --workspace " + ws + " --index 0 --explained-inputs 6 --repeats 1 --out " +
                          (dir / "attack.png").string());
    CHECK_MESSAGE(attack.exit_code == 0, attack.output);
    const nlohmann::json explained = run_json("analyze explained-variance --inputs 6 --repeats 1 --workspace " + ws);
    CHECK(explained["layers"].size() == 2);
    const test::CommandResult mix = test::run_command(kCli + " mix --workspace " + ws +
                                                      " --layer logits --index 0 --with 1 --out " + (dir / "mix.png").string());
    CHECK_MESSAGE(mix.exit_code == 0, mix.output);
}

TEST_CASE("a workspace of the user's model and images takes the card's size and trains e without the model's classes") {
    test::TempDir dir;
    const auto folder = make_shapes(dir, 6);
    const std::string ws = (dir / "ws").string();
    const std::string model = (kFixtures / "scripted_fixture_traced.pt").string();
    const test::CommandResult created =
        test::run_command(kCli + " workspace create --model " + model + " --images " + folder.string() + " --attributes " +
                          (dir / "attributes.csv").string() + " --workspace " + ws);
    REQUIRE_MESSAGE(created.exit_code == 0, created.output);
    CHECK(created.output.find("16x16 pixels") != std::string::npos);  // from the model card
    const nlohmann::json manifest = run_json("workspace show --workspace " + ws);
    // The model's four classes are not the folder's three: no accuracy is claimed.
    CHECK_FALSE(manifest["models"]["classifier"]["checkpoints"][0]["metrics"].contains("test_accuracy"));

    const nlohmann::json autoencoder =
        run_json("train autoencoder --workspace " + ws + " --steps 6 --batch-size 8 --code-dim 16");
    CHECK_FALSE(autoencoder["metrics"].contains("classifier_accuracy_on_reconstructions"));
    run_json("train cinn --workspace " + ws + " --layers features.2 --steps 6 --batch-size 8");
    const nlohmann::json e = run_json("train factors --workspace " + ws + " --steps 6 --batch-size 8");
    CHECK(e["completed"] == true);
    CHECK_FALSE(e["metrics"].contains("class_swap_accuracy"));
    const test::CommandResult sampled = test::run_command(
        kCli + " sample --workspace " + ws + " --layer features.2 --inputs 2 --samples 2 --out " + (dir / "grid.png").string());
    CHECK_MESSAGE(sampled.exit_code == 0, sampled.output);

    // A folder of the wrong kind is refused before anything is written.
    const std::string other = (dir / "other").string();
    const test::CommandResult odd =
        test::run_command(kCli + " workspace create --images " + folder.string() + " --size 40 --workspace " + other);
    CHECK(odd.exit_code == 2);
    CHECK(odd.output.find("multiple of 16") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(other));
    const test::CommandResult empty =
        test::run_command(kCli + " workspace create --images " + (dir / "nothing").string() + " --workspace " + other);
    CHECK(empty.exit_code == 2);
    CHECK(empty.output.find((dir / "nothing").string()) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(other));
}
