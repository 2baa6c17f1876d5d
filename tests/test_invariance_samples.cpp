#include "core/analysis/invariance_samples.h"
#include "core/dataset_catalog.h"
#include "core/errors.h"
#include "core/training/demo_pipeline.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

// One tiny demo workspace for every test here (a few seconds to build).
struct Prepared {
    test::TempDir dir;
    SourceImages source = load_source_images(DatasetKind::ColorMnist, test::data_root());
    std::shared_ptr<const ColorDataset> test_set = make_color_dataset(source, Split::Test, 0);

    Prepared() {
        REQUIRE(prepare_demo(dir / "demo", test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    }
    Workspace workspace() const { return Workspace::open(dir / "demo"); }
};

const Prepared& prepared() {
    static const Prepared once;
    return once;
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
    CHECK(samples.provenance["models"]["t"]["file"].get<std::string>().find("cinn-fire7") != std::string::npos);

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
