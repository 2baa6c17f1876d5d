// Folders of the user's images: classes from sub-folders, attributes from a CSV, unreadable files
// skipped with a warning, and errors that name the CSV row.
#include "core/data/image_cache.h"
#include "core/data/image_folder_dataset.h"
#include "core/image/png_io.h"
#include "core/runtime/errors.h"
#include "core/runtime/utf8.h"
#include "core/workspace/atomic_file.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <random>

using namespace inv;

namespace {

RgbaImage solid(int width, int height, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    RgbaImage image(width, height, 255);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) image.at(x, y)[0] = r, image.at(x, y)[1] = g, image.at(x, y)[2] = b;
    }
    return image;
}

// cats/a.png, cats/b.png, dogs/c.png, dogs/broken.png (not an image), top.png.
std::filesystem::path make_folder(const test::TempDir& dir) {
    const auto folder = dir / "pets";
    std::filesystem::create_directories(folder / "cats");
    std::filesystem::create_directories(folder / "dogs");
    write_png(folder / "cats" / "a.png", solid(40, 30, 255, 0, 0));
    write_png(folder / "cats" / "b.png", solid(20, 20, 0, 255, 0));
    write_png(folder / "dogs" / "c.png", solid(64, 64, 0, 0, 255));
    write_file_atomically(folder / "dogs" / "broken.png", "not a picture");
    write_png(folder / "top.png", solid(16, 16, 255, 255, 255));
    return folder;
}

// The folder's 16-pixel images held as `residence` says, within `budget` bytes.
ImageFolderOptions held(const std::filesystem::path& folder, ImageResidence residence, std::size_t budget) {
    ImageFolderOptions options;
    options.folder = folder;
    options.size = 16;
    options.residence = residence;
    options.memory_budget = budget;
    return options;
}

}  // namespace

TEST_CASE("an image folder gives classes from its sub-folders and skips an unreadable file with a warning") {
    test::TempDir dir;
    ImageFolderReport report;
    const auto dataset = ImageFolderDataset::load({make_folder(dir), {}, 16}, &report);
    REQUIRE(dataset->size() == 4);
    REQUIRE(report.skipped.size() == 1);
    CHECK(report.skipped[0].find("dogs/broken.png") != std::string::npos);
    CHECK(dataset->class_names() == std::vector<std::string>{"cats", "dogs"});
    CHECK(dataset->shape().height == 16);
    // Top-level images first (unlabelled), then each class folder in name order.
    CHECK(dataset->file(0) == "top.png");
    CHECK(dataset->get(0).label == -1);
    CHECK(dataset->file(1) == "cats/a.png");
    const ImageSample red = dataset->get(1);
    CHECK(red.label == 0);
    REQUIRE(red.pixels.size() == 3 * 16 * 16);
    CHECK(red.pixels[0] == doctest::Approx(1.0f));         // R plane
    CHECK(red.pixels[16 * 16] == doctest::Approx(-1.0f));  // G plane
    CHECK(dataset->get(3).label == 1);
    CHECK(dataset->factors().front().name == "class");
}

TEST_CASE("an attributes CSV becomes categorical factors in order of first appearance") {
    test::TempDir dir;
    const auto folder = make_folder(dir);
    const auto csv = dir / "attributes.csv";
    write_file_atomically(csv,
                          "file,colour,\"size, rough\"\ncats/a.png,red,big\ncats/b.png,green,small\n\n"
                          "dogs/c.png,blue,big\ntop.png,red,small\n");
    const auto dataset = ImageFolderDataset::load({folder, csv, 16});
    REQUIRE(dataset->factors().size() == 3);
    CHECK(dataset->factors()[1].name == "colour");
    CHECK(dataset->factors()[1].categories == std::vector<std::string>{"red", "green", "blue"});
    CHECK(dataset->factors()[2].name == "size, rough");
    CHECK(dataset->factors()[2].categories == std::vector<std::string>{"small", "big"});
    // top.png (red, small) comes first, so the categories start with its values.
    CHECK(dataset->factor_indices(0) == std::vector<int>{-1, 0, 0});  // top.png: no class, red, small
    CHECK(dataset->factor_indices(1) == std::vector<int>{0, 0, 1});   // cats/a.png: cats, red, big
    CHECK(dataset->get(1).factor_values.size() == 3);
}

TEST_CASE("an attributes CSV with an unknown image or a missing column names the row") {
    test::TempDir dir;
    const auto folder = make_folder(dir);
    const auto csv = dir / "attributes.csv";
    const auto fails_with = [&](const std::string& text, const std::string& expected) {
        write_file_atomically(csv, text);
        CHECK_THROWS_WITH_AS(ImageFolderDataset::load({folder, csv, 16}), doctest::Contains(expected.c_str()), UserError);
    };
    const std::string rows = "cats/b.png,green\ndogs/c.png,blue\ntop.png,red\n";
    fails_with("file,colour\ncats/a.png,red\ncats/zebra.png,grey\n" + rows, "row 3 names \"cats/zebra.png\"");
    fails_with("file,colour\ncats/a.png\n" + rows, "row 2 has 1 values, the header 2 columns");
    fails_with("image,colour\ncats/a.png,red\n" + rows, "row 1 (the header) has no \"file\" column");
    fails_with("file,colour\ncats/a.png,\n" + rows, "row 2 has no value for column \"colour\"");
    fails_with("file,colour\ncats/a.png,red\ncats/b.png,green\n", "no row for image \"dogs/c.png\"");
    // The unreadable file's row is no error: that file was skipped already.
    write_file_atomically(csv, "file,colour\ncats/a.png,red\ndogs/broken.png,black\n" + rows);
    CHECK(ImageFolderDataset::load({folder, csv, 16})->size() == 4);
}

TEST_CASE("names and CSVs are UTF-8 with or without a byte-order mark or clearly refused") {
    test::TempDir dir;
    const auto folder = make_folder(dir);
    const auto csv = dir / "attributes.csv";
    const std::string rows =
        "cats/a.png,red\ncats/b.png,green\ndogs/c.png,blue\ntop.png,r\xC3\xA9"
        "d\n";
    // A spreadsheet's byte-order mark before "file" is no part of the column name.
    write_file_atomically(csv, std::string(kUtf8ByteOrderMark) + "file,colour\n" + rows);
    CHECK(ImageFolderDataset::load({folder, csv, 16})->factors().back().name == "colour");
    // Latin-1 bytes in row 3: refused, the row named and the bytes shown.
    write_file_atomically(csv, "file,colour\ncats/a.png,red\ncats/b.png,gr\xFCn\ndogs/c.png,blue\ntop.png,red\n");
    CHECK_THROWS_WITH_AS(ImageFolderDataset::load({folder, csv, 16}),
                         doctest::Contains("row 3 is not UTF-8 text (cats/b.png,gr\\xFCn)"), UserError);
    // A file whose name is not UTF-8 is skipped with a warning, like an unreadable one.
    write_png(folder / "cats" / "caf\xE9.png", solid(16, 16, 1, 2, 3));
    ImageFolderReport report;
    const auto dataset = ImageFolderDataset::load({folder, {}, 16}, &report);
    CHECK(dataset->size() == 4);
    bool warned = false;
    for (const std::string& line : report.skipped)
        warned = warned || line.find("caf\\xE9.png: the name is not UTF-8") != std::string::npos;
    CHECK(warned);
    // A class folder with such a name would become a caption: refused.
    std::filesystem::create_directories(folder / "k\xF6pfe");
    write_png(folder / "k\xF6pfe" / "d.png", solid(16, 16, 1, 2, 3));
    CHECK_THROWS_WITH_AS(ImageFolderDataset::load({folder, {}, 16}), doctest::Contains("k\\xF6pfe has a name that is not UTF-8"),
                         UserError);
    CHECK(is_utf8("gr\xC3\xBCn"));
    CHECK_FALSE(is_utf8("\xED\xA0\x80"));  // a surrogate
    CHECK_FALSE(is_utf8("\xC0\xAF"));      // an overlong '/'
}

TEST_CASE("a folder without readable images says so") {
    test::TempDir dir;
    std::filesystem::create_directories(dir / "empty");
    write_file_atomically(dir / "empty" / "x.png", "nope");
    CHECK_THROWS_WITH_AS(ImageFolderDataset::load({dir / "empty", {}, 32}), doctest::Contains("1 file(s) could not be read"),
                         UserError);
    CHECK_THROWS_WITH_AS(ImageFolderDataset::load({dir / "missing", {}, 32}), doctest::Contains("does not exist"), UserError);
}

TEST_CASE("data preview shows a folder of the user's images with their attributes") {
    test::TempDir dir;
    const auto folder = make_folder(dir);
    const auto csv = dir / "attributes.csv";
    write_file_atomically(csv, "file,colour\ncats/a.png,red\ncats/b.png,green\ndogs/c.png,blue\ntop.png,white\n");
    const test::CommandResult result =
        test::run_command(std::string(INVARIANCES_CLI_PATH) + " --json data preview --images " + folder.string() +
                              " --attributes " + csv.string() + " --size 64 --count 4 --out " + (dir / "preview.png").string(),
                          test::Streams::StdoutOnly);
    REQUIRE_MESSAGE(result.exit_code == 0, result.output);
    const nlohmann::json report = nlohmann::json::parse(result.output);
    CHECK(report["images"] == 4);
    CHECK(report["skipped"].size() == 1);
    CHECK(report["samples"].size() == 4);
    CHECK(report["samples"][0].contains("colour"));
    CHECK(read_image_rgba(dir / "preview.png").width > 2 * 64);
}

TEST_CASE("a streamed folder yields exactly the images of the in-memory one within its cache") {
    test::TempDir dir;
    const auto folder = dir / "noise";
    std::mt19937 draw(11);
    for (const char* kind : {"left", "right"}) {
        std::filesystem::create_directories(folder / kind);
        for (int i = 0; i < 30; ++i) {
            RgbaImage image(24 + i % 5, 20 + i % 7, 255);
            for (std::uint8_t& value : image.pixels) value = static_cast<std::uint8_t>(draw());
            for (std::size_t p = 3; p < image.pixels.size(); p += 4) image.pixels[p] = 255;
            write_png(folder / kind / ("image-" + std::to_string(i) + ".png"), image);
        }
    }
    const std::size_t image_bytes = 16 * 16 * 3;
    const auto in_memory = ImageFolderDataset::load(held(folder, ImageResidence::InMemory, 100 * image_bytes));
    // A budget of 8 images: the cache must evict while it serves all 60.
    const auto streamed = ImageFolderDataset::load(held(folder, ImageResidence::Streamed, 8 * image_bytes));
    // Auto streams only a folder whose images do not fit the budget.
    CHECK_FALSE(ImageFolderDataset::load(held(folder, ImageResidence::Auto, 60 * image_bytes))->streamed());
    CHECK(ImageFolderDataset::load(held(folder, ImageResidence::Auto, 59 * image_bytes))->streamed());
    REQUIRE(streamed->streamed());
    REQUIRE_FALSE(in_memory->streamed());
    REQUIRE(streamed->size() == in_memory->size());
    CHECK(streamed->class_names() == in_memory->class_names());
    CHECK(streamed->cache()->capacity() == 8);
    for (int pass = 0; pass < 2; ++pass) {
        for (std::size_t i = 0; i < streamed->size(); ++i) {
            if (i % 6 == 0) streamed->prefetch({(i + 3) % streamed->size(), (i + 4) % streamed->size(), i});
            const ImageSample a = in_memory->get(i);
            const ImageSample b = streamed->get(i);
            CHECK(streamed->file(i) == in_memory->file(i));
            CHECK(a.pixels == b.pixels);
            CHECK(a.label == b.label);
            CHECK(a.factor_values == b.factor_values);
            CHECK(streamed->cache()->held() <= 8);
        }
    }
}

TEST_CASE("a streamed image that became unreadable is named when training reaches it") {
    test::TempDir dir;
    const auto folder = make_folder(dir);
    std::filesystem::remove(folder / "dogs" / "broken.png");
    const auto streamed = ImageFolderDataset::load(held(folder, ImageResidence::Streamed, 1 << 20));
    write_file_atomically(folder / "cats" / "b.png", "no longer a picture");
    std::size_t index = 0;
    while (streamed->file(index) != "cats/b.png") ++index;
    try {
        streamed->get(index);
        FAIL("an unreadable image was decoded");
    } catch (const UserError& error) {
        const std::string message = error.what();
        CHECK(message.find("b.png") != std::string::npos);
        CHECK(message.find("resume") != std::string::npos);
    }
}
