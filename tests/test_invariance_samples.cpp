#include "core/analysis/analysis_models.h"
#include "core/analysis/invariance_samples.h"
#include "core/data/dataset_catalog.h"
#include "core/image/tensor_image.h"
#include "core/runtime/errors.h"
#include "tests/tiny_demo.h"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace inv;

namespace {

const test::TinyDemo& prepared() {
    return test::tiny_demo();
}

}  // namespace

TEST_CASE("the z-by-v grid has a row per input and shares each column's v across rows") {
    InvarianceSampleRequest request;
    request.layer = "fire7";
    request.inputs = 3;
    request.samples = 4;
    request.seed = 9;
    request.scale = 1;
    const InvarianceSamples samples = sample_invariances(prepared().workspace(), *prepared().test_set, request);
    CHECK(samples.input_indices.size() == 3);
    REQUIRE(samples.sample_predictions.size() == 3);
    CHECK(samples.sample_predictions[0].size() == 4);
    CHECK(samples.figure.width > 5 * 32);
    CHECK(samples.figure.height > 3 * 32);
    CHECK(samples.reencoded_cosine.mean >= -1.0);
    CHECK(samples.reencoded_cosine.mean <= 1.0);
    CHECK(samples.provenance["layer"] == "fire7");
    CHECK(samples.provenance["models"]["t/fire7"]["file"].get<std::string>().find("cinn-fire7") != std::string::npos);

    // The same request gives the same figure, bit for bit; another seed does not.
    CHECK(sample_invariances(prepared().workspace(), *prepared().test_set, request).figure.pixels == samples.figure.pixels);
    request.seed = 10;
    CHECK(sample_invariances(prepared().workspace(), *prepared().test_set, request).figure.pixels != samples.figure.pixels);
}

TEST_CASE("sampling a layer without its t names the command that trains it") {
    InvarianceSampleRequest request;
    request.layer = "conv1";
    CHECK_THROWS_WITH_AS(sample_invariances(prepared().workspace(), *prepared().test_set, request),
                         doctest::Contains("train cinn --workspace"), UserError);
}

TEST_CASE("the user's images become further rows whose samples follow their own z") {
    InvarianceSampleRequest request;
    request.layer = "fire7";
    request.inputs = 2;
    request.samples = 5;
    request.seed = 3;
    request.scale = 1;
    const InvarianceSamples tests_only = sample_invariances(prepared().workspace(), *prepared().test_set, request);

    // The first test input again, as an image of the user's: its row matches row 0 up to the
    // 8-bit rounding of the picture.
    const RgbaImage first = rgba_from_tensor(test_images(*prepared().test_set, {tests_only.input_indices[0]}, torch::kCPU)[0]);
    request.extra_inputs = {{first, "first.png"}};
    const InvarianceSamples with_mine = sample_invariances(prepared().workspace(), *prepared().test_set, request);
    REQUIRE(with_mine.sample_predictions.size() == 3);
    CHECK(with_mine.input_indices == tests_only.input_indices);
    CHECK(with_mine.cells.size() == 3 * 6);
    CHECK(with_mine.sample_images.size() == 3 * 5);
    double difference = 0.0;
    for (std::size_t c = 0; c < 5; ++c) {
        const auto& a = with_mine.sample_images[10 + c].pixels;
        const auto& b = tests_only.sample_images[c].pixels;
        for (std::size_t i = 0; i < a.size(); ++i) difference += std::abs(int(a[i]) - int(b[i]));
    }
    CHECK(difference / (5.0 * 32 * 32 * 4) < 2.0);
    CHECK(with_mine.provenance["extra_inputs"][0] == "first.png");
    CHECK(with_mine.provenance["reproduce"].get<std::string>().find("--image first.png") != std::string::npos);

    // No test inputs at all is fine with an image of one's own; an image of the wrong size is not.
    request.inputs = 0;
    CHECK(sample_invariances(prepared().workspace(), *prepared().test_set, request).sample_predictions.size() == 1);
    request.extra_inputs = {{RgbaImage(28, 28), "small.png"}};
    CHECK_THROWS_WITH_AS(sample_invariances(prepared().workspace(), *prepared().test_set, request), doctest::Contains("32x32"),
                         UserError);
}
