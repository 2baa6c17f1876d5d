#include "core/analysis/invariance_samples.h"
#include "core/dataset_catalog.h"
#include "core/errors.h"
#include "tests/tiny_demo.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

const test::TinyDemo& prepared() { return test::tiny_demo(); }

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
