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

TEST_CASE("the normal-score share agrees with the moments on normal data and weights dimensions by their spread") {
    torch::manual_seed(5);
    const std::int64_t n = 20000;
    // One wide dimension, 90 % shared, and one narrow dimension of pure noise: (9 + 0) / (10 + 0.1).
    const torch::Tensor shared = torch::randn({n, 1}) * 3;
    auto sample = [&] { return torch::cat({shared + torch::randn({n, 1}), torch::randn({n, 1}) * std::sqrt(0.1)}, 1); };
    const torch::Tensor a = sample();
    const torch::Tensor b = sample();
    CHECK(explained_fraction(a, b) == doctest::Approx(9.0 / 10.1).epsilon(0.02));
    CHECK(rank_explained_fraction(a, b) == doctest::Approx(9.0 / 10.1).epsilon(0.02));
    CHECK(far_row_share(a, b) == 0.0);

    const torch::Tensor scores = scaled_normal_scores(a);
    CHECK(scores.sizes() == a.sizes());
    CHECK(scores.select(1, 0).std().item<double>() == doctest::Approx(std::sqrt(10.0)).epsilon(0.03));
    // The ranks are kept: the scores are in the same order as the values.
    const torch::Tensor order = std::get<1>(a.select(1, 0).sort());
    CHECK(torch::equal(std::get<1>(scores.select(1, 0).sort()), order));
}

TEST_CASE("a few samples far in the tails ruin the moments but not the normal-score share") {
    torch::manual_seed(6);
    const std::int64_t n = 2000;
    const torch::Tensor shared = torch::randn({n, 4}) * 2;
    torch::Tensor a = shared + torch::randn({n, 4});
    torch::Tensor b = shared + torch::randn({n, 4});
    // Ten samples of a, and five others of b, thrown far out, as e does with a few of t's samples.
    a.index_put_({torch::arange(0, 10)}, torch::full({10, 4}, 400.0));
    b.index_put_({torch::arange(100, 105)}, torch::full({5, 4}, -300.0));
    CHECK(explained_fraction(a, b) < 0.2);
    CHECK(rank_explained_fraction(a, b) == doctest::Approx(0.8).epsilon(0.06));
    CHECK(far_row_share(a, b) == doctest::Approx(15.0 / (2 * n)));
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
            CHECK(std::isfinite(f.moments_mean));
            CHECK(f.far_sample_share >= 0.0);
            CHECK(f.far_sample_share <= 1.0);
        }
    }
    const nlohmann::json json = to_json(report);
    CHECK(json["provenance"]["repeats"] == 2);
    CHECK(json["layers"][0]["explained_by_z"].contains("digit"));
    CHECK(json["layers"][0]["explained_by_z"]["digit"].contains("moments_mean"));
    CHECK(json["layers"][0]["explained_by_z"]["digit"].contains("far_sample_share"));
}
