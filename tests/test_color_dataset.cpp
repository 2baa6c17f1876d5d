#include "core/data/dataset_catalog.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

using namespace inv;

namespace {

const SourceImages& mnist() {
    static const SourceImages source = load_source_images(DatasetKind::ColorMnist, test::data_root());
    return source;
}

double correlation(const std::vector<double>& a, const std::vector<double>& b) {
    const double n = static_cast<double>(a.size());
    double ma = 0, mb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ma += a[i];
        mb += b[i];
    }
    ma /= n;
    mb /= n;
    double cov = 0, va = 0, vb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        cov += (a[i] - ma) * (b[i] - mb);
        va += (a[i] - ma) * (a[i] - ma);
        vb += (b[i] - mb) * (b[i] - mb);
    }
    return cov / std::sqrt(va * vb);
}

}  // namespace

TEST_CASE("ColorMNIST samples are 32x32 RGB in [-1 1] composed as m*fg + (1-m)*bg") {
    const auto dataset = make_color_dataset(mnist(), Split::Train, 3);
    CHECK(dataset->shape().channels == 3);
    CHECK(dataset->shape().height == 32);
    CHECK(dataset->shape().width == 32);

    const ImageSample sample = dataset->get(5);
    REQUIRE(sample.pixels.size() == 3u * 32u * 32u);
    const auto [low, high] = std::minmax_element(sample.pixels.begin(), sample.pixels.end());
    CHECK(*low >= -1.0f);
    CHECK(*high <= 1.0f);

    const Rgb fg = dataset->foreground(5);
    const Rgb bg = dataset->background(5);
    // The corner lies in the zero padding: pure background.
    for (int c = 0; c < 3; ++c) CHECK(sample.pixels[c * 1024] == doctest::Approx(2 * bg[c] - 1));
    // The brightest stroke pixel is (nearly) pure foreground.
    std::size_t stroke = 0;
    float best = -1;
    for (std::size_t p = 0; p < 1024; ++p) {
        const float distance_from_bg = std::fabs(sample.pixels[p] - (2 * bg[0] - 1)) +
                                       std::fabs(sample.pixels[1024 + p] - (2 * bg[1] - 1)) +
                                       std::fabs(sample.pixels[2048 + p] - (2 * bg[2] - 1));
        if (distance_from_bg > best) {
            best = distance_from_bg;
            stroke = p;
        }
    }
    for (int c = 0; c < 3; ++c) CHECK(sample.pixels[c * 1024 + stroke] == doctest::Approx(2 * fg[c] - 1).epsilon(0.02));

    CHECK(sample.label == dataset->label(5));
    REQUIRE(sample.factor_values.size() == 3);
    CHECK(sample.factor_values[1] == std::vector<float>(fg.begin(), fg.end()));
    CHECK(sample.factor_values[2] == std::vector<float>(bg.begin(), bg.end()));
}

TEST_CASE("the training colours are reproducible by seed and change with it") {
    const auto a = make_color_dataset(mnist(), Split::Train, 11);
    const auto b = make_color_dataset(mnist(), Split::Train, 11);
    const auto c = make_color_dataset(mnist(), Split::Train, 12);
    CHECK(a->get(100).pixels == b->get(100).pixels);
    CHECK(a->foreground(100) == b->foreground(100));
    CHECK(a->foreground(100) != c->foreground(100));
    CHECK(a->get(100).pixels != c->get(100).pixels);
}

TEST_CASE("the test split is identical whatever the colour seed") {
    const auto a = make_color_dataset(mnist(), Split::Test, 1);
    const auto b = make_color_dataset(mnist(), Split::Test, 999);
    REQUIRE(a->size() == b->size());
    for (std::size_t i : {std::size_t{0}, std::size_t{17}, a->size() - 1}) CHECK(a->get(i).pixels == b->get(i).pixels);
}

TEST_CASE("the npm digits split 8000 for training and 2000 for testing without overlap") {
    const SourceImages& source = mnist();
    CHECK(source.train_indices.size() == 8000);
    CHECK(source.test_indices.size() == 2000);
    std::set<std::size_t> all(source.train_indices.begin(), source.train_indices.end());
    all.insert(source.test_indices.begin(), source.test_indices.end());
    CHECK(all.size() == 10000);
}

TEST_CASE("ColorMNIST colours are independent of the class and of each other") {
    const auto dataset = make_color_dataset(mnist(), Split::Train, 5);
    std::vector<double> sum_fg(10, 0), sum_bg(10, 0), count(10, 0);
    std::vector<double> fg_red, bg_red, fg_green, labels;
    for (std::size_t i = 0; i < dataset->size(); ++i) {
        const auto label = static_cast<std::size_t>(dataset->label(i));
        const Rgb fg = dataset->foreground(i);
        const Rgb bg = dataset->background(i);
        sum_fg[label] += (fg[0] + fg[1] + fg[2]) / 3;
        sum_bg[label] += (bg[0] + bg[1] + bg[2]) / 3;
        count[label] += 1;
        fg_red.push_back(fg[0]);
        fg_green.push_back(fg[1]);
        bg_red.push_back(bg[0]);
        labels.push_back(static_cast<double>(label));
    }
    for (std::size_t c = 0; c < 10; ++c) {
        // Mean of three U(0,1) over ~800 samples: standard error ~0.006.
        CHECK(sum_fg[c] / count[c] == doctest::Approx(0.5).epsilon(0.06));
        CHECK(sum_bg[c] / count[c] == doctest::Approx(0.5).epsilon(0.06));
    }
    CHECK(std::fabs(correlation(fg_red, bg_red)) < 0.05);
    CHECK(std::fabs(correlation(fg_red, fg_green)) < 0.05);
    CHECK(std::fabs(correlation(fg_red, labels)) < 0.05);
    CHECK(std::fabs(correlation(bg_red, labels)) < 0.05);
}

TEST_CASE("ColorFashion uses the garment classes and the same colouring") {
    const SourceImages source = load_source_images(DatasetKind::ColorFashion, test::data_root());
    const auto dataset = make_color_dataset(source, Split::Test, 0);
    CHECK(dataset->size() == 10000);
    CHECK(dataset->factors()[0].name == "garment");
    CHECK(dataset->class_names()[9] == "Ankle boot");
    CHECK(dataset->get(0).label == 9);
}

TEST_CASE("the contrasting sample differs from the image in class and in both colours") {
    const auto test_set = make_color_dataset(mnist(), Split::Test, 0);
    for (const std::size_t index : {std::size_t{0}, std::size_t{1}, std::size_t{1999}}) {
        const std::size_t other = contrasting_sample(*test_set, index);
        REQUIRE(other != index);
        CHECK(test_set->label(other) != test_set->label(index));
        for (const auto colour : {&ColorDataset::foreground, &ColorDataset::background}) {
            const Rgb a = ((*test_set).*colour)(index);
            const Rgb b = ((*test_set).*colour)(other);
            float largest = 0.0f;
            for (std::size_t c = 0; c < 3; ++c) largest = std::max(largest, std::abs(a[c] - b[c]));
            CHECK(largest >= 0.3f);
        }
    }
    // The split lists its images class by class: image 1, the old default donor, is a 0 like image 0.
    CHECK(test_set->label(1) == test_set->label(0));
}
