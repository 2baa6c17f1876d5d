#include "core/analysis/explained_variance.h"
#include "core/analysis/explained_variance_statistic.h"
#include "core/data/dataset_catalog.h"
#include "core/workspace/demo_pipeline.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace inv;

TEST_CASE("the explained fraction recovers the shared part of two noisy samples") {
    torch::manual_seed(3);
    const std::int64_t n = 20000;
    // Shared signal of variance 4 per dimension, independent noise of variance 1: 4 / 5 explained.
    const torch::Tensor shared = torch::randn({n, 3}) * 2 + 5;
    const double fraction = explained_fraction(shared + torch::randn({n, 3}), shared + torch::randn({n, 3}));
    CHECK(fraction == doctest::Approx(0.8).epsilon(0.03));
    CHECK(std::abs(explained_fraction(torch::randn({n, 3}), torch::randn({n, 3}))) < 0.03);
    const torch::Tensor same = torch::randn({n, 2});
    CHECK(explained_fraction(same, same) == doctest::Approx(1.0));
}

TEST_CASE("explained variance reports every factor of e for every layer with a trained t") {
    test::TempDir dir;
    REQUIRE(prepare_demo(dir / "demo", test::data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed);
    const Workspace workspace = Workspace::open(dir / "demo");
    const SourceImages source = load_source_images(DatasetKind::ColorMnist, test::data_root());
    const auto test_set = make_color_dataset(source, Split::Test, 0);
    ExplainedVarianceRequest request;
    request.inputs = 64;
    request.repeats = 2;
    const ExplainedVarianceReport report = explained_variance(workspace, *test_set, request);
    CHECK(report.layers.size() == demo_plan(DemoBudget::Tiny).layers.size());
    for (const LayerShares& layer : report.layers) {
        REQUIRE(layer.factors.size() == 4);
        CHECK(layer.factors[0].factor == "residual");
        for (const FactorShare& f : layer.factors) {
            CHECK(std::isfinite(f.mean));
            CHECK(f.mean <= 1.0 + 1e-9);
        }
    }
    const nlohmann::json json = to_json(report);
    CHECK(json["provenance"]["repeats"] == 2);
    CHECK(json["layers"][0]["explained_by_z"].contains("digit"));
}
