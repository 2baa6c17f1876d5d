#include "core/data/dataset_catalog.h"
#include "core/flow/flow_checkpoint.h"
#include "core/runtime/errors.h"
#include "core/training/autoencoder_trainer.h"
#include "core/training/batches.h"
#include "core/training/cinn_trainer.h"
#include "core/training/classifier_trainer.h"
#include "core/training/factor_trainer.h"
#include "tests/test_support.h"
#include "tests/tiny_workspace.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace inv;
using inv::test::TinyWorkspace;

namespace {

CinnTrainingOptions tiny_cinn(const std::string& layer) {
    CinnTrainingOptions options;
    options.layer = layer;
    options.flow.blocks = 2;
    options.flow.hidden_width = 32;
    options.embedding_dim = 16;
    options.schedule.steps = 20;
    options.schedule.batch_size = 16;
    return options;
}

}  // namespace

TEST_CASE("t trains for a spatial and a flat layer and records its quality measures") {
    at::set_num_threads(1);
    TinyWorkspace tiny;
    tiny.train_classifier();
    tiny.train_autoencoder();

    const CinnTrainingResult spatial = train_cinn(tiny.workspace, *tiny.train, *tiny.test, tiny_cinn("fire3"), {});
    CHECK(spatial.completed);
    CHECK(spatial.model_name == "cinn-fire3");
    CHECK(spatial.quality.half_squared_norm_per_dim > 0.0);
    CHECK_FALSE(spatial.quality.prediction_agreement.has_value());

    const CinnTrainingResult logits = train_cinn(tiny.workspace, *tiny.train, *tiny.test, tiny_cinn("logits"), {});
    REQUIRE(logits.quality.prediction_agreement.has_value());
    CHECK(*logits.quality.prediction_agreement >= 0.0);
    CHECK(*logits.quality.prediction_agreement <= 1.0);

    const CinnTrainingResult input = train_cinn(tiny.workspace, *tiny.train, *tiny.test, tiny_cinn("input"), {});
    CHECK(input.quality.input_sample_error.has_value());

    // The saved t loads on its own and names the layer and classifier checkpoint it belongs to.
    const Workspace reopened = Workspace::open(tiny.dir / "ws");
    const ModelEntry& entry = reopened.manifest().models.at("cinn-fire3");
    CHECK(entry.kind == "cinn");
    CHECK(entry.config["layer"] == "fire3");
    CHECK(entry.config["classifier_step"] == 20);
    ConditionalFlow t = load_conditional_flow(reopened.resolve(entry.checkpoints.back().file), torch::kCPU);
    CHECK(t->config().condition_shape.size() == 3);
    CHECK(t->config().flow.dim == 16);

    CinnTrainingOptions earlier = tiny_cinn("logits");
    earlier.classifier_step = 0;
    CHECK(train_cinn(tiny.workspace, *tiny.train, *tiny.test, earlier, {}).model_name == "cinn-logits@0");
}

TEST_CASE("t refuses to train without its classifier and autoencoder or for an unknown layer") {
    TinyWorkspace tiny;
    CHECK_THROWS_WITH_AS(train_cinn(tiny.workspace, *tiny.train, *tiny.test, tiny_cinn("logits"), {}),
                         doctest::Contains("train classifier"), UserError);
    tiny.train_classifier();
    tiny.train_autoencoder();
    CHECK_THROWS_WITH_AS(train_cinn(tiny.workspace, *tiny.train, *tiny.test, tiny_cinn("fc7"), {}), doctest::Contains("fire5"),
                         UserError);
    CinnTrainingOptions missing_step = tiny_cinn("logits");
    missing_step.classifier_step = 7;
    CHECK_THROWS_WITH_AS(train_cinn(tiny.workspace, *tiny.train, *tiny.test, missing_step, {}),
                         doctest::Contains("no checkpoint at step 7"), UserError);
}

TEST_CASE("e trains on pairs with an estimated factor layout and records the swap measures") {
    at::set_num_threads(1);
    TinyWorkspace tiny;
    tiny.train_classifier();
    tiny.train_autoencoder();
    FactorTrainingOptions options;
    options.flow.blocks = 2;
    options.flow.hidden_width = 32;
    options.estimation_pairs = 300;
    options.schedule.steps = 20;
    options.schedule.batch_size = 16;
    const FactorTrainingResult result = train_factors(tiny.workspace, *tiny.train, *tiny.test, options, {});
    CHECK(result.completed);
    REQUIRE(result.factors.size() == 4);
    CHECK(result.factors[0].name == "residual");
    CHECK(result.factors[1].name == "digit");
    int total = 0;
    for (const NamedFactor& f : result.factors) total += f.size;
    CHECK(total == 16);
    REQUIRE(result.quality.class_swap_accuracy.has_value());
    CHECK(*result.quality.class_swap_accuracy >= 0.0);
    REQUIRE(result.quality.background_swap_error.has_value());
    CHECK(*result.quality.background_swap_error > 0.0);

    const Workspace reopened = Workspace::open(tiny.dir / "ws");
    FactorFlow loaded =
        load_factor_flow(reopened.resolve(reopened.manifest().models.at("factors").checkpoints.back().file), torch::kCPU);
    CHECK(loaded->config().factors.size() == 4);

    // Training again after the model's folder was removed uses the new layout, not the earlier run's.
    std::filesystem::remove_all(tiny.workspace.resolve("factors"));
    FactorTrainingOptions fixed = options;
    fixed.factor_sizes = {10, 2, 2, 2};
    fixed.schedule.steps = 30;
    const FactorTrainingResult again = train_factors(tiny.workspace, *tiny.train, *tiny.test, fixed, {});
    CHECK(again.completed);
    REQUIRE(again.factors.size() == 4);
    CHECK(again.factors[0].size == 10);
    const Workspace reread = Workspace::open(tiny.dir / "ws");
    const ModelEntry& retrained = reread.manifest().models.at("factors");
    CHECK(factor_flow_config_from_json(retrained.config).factors[1].size == 2);
    REQUIRE(retrained.checkpoints.size() == 3);
    CHECK(retrained.checkpoints.back().step == 30);

    TinyWorkspace other;
    other.train_classifier();
    other.train_autoencoder();
    options.factor_sizes = {1, 2};
    CHECK_THROWS_WITH_AS(train_factors(other.workspace, *other.train, *other.test, options, {}),
                         doctest::Contains("expected 4 factor sizes"), UserError);
}

TEST_CASE("Checkpoint measures draw their test images from every class of a split ordered by class") {
    // The npm digits' test split lists its images class by class, so its first 500 are 0s, 1s and
    // a few 2s: measures taken on them would say nothing about the other digits.
    const auto test = make_color_dataset(load_source_images(DatasetKind::ColorMnist, test::data_root()), Split::Test, 0);
    REQUIRE(test->label(0) == 0);
    REQUIRE(test->label(499) <= 2);

    const std::vector<std::size_t> chosen = evaluation_indices(*test, 500);
    CHECK(chosen.size() == 500);
    CHECK(std::is_sorted(chosen.begin(), chosen.end()));
    CHECK(std::adjacent_find(chosen.begin(), chosen.end()) == chosen.end());
    CHECK(chosen.back() < test->size());
    std::vector<int> per_class(10, 0);
    for (std::size_t index : chosen) ++per_class.at(static_cast<std::size_t>(test->label(index)));
    for (int count : per_class) CHECK(count >= 25);
    CHECK(evaluation_indices(*test, 500) == chosen);
    CHECK(evaluation_indices(*test, 100000).size() == test->size());

    // The evaluators take them in batches: every index once, in order.
    const std::vector<std::vector<std::size_t>> batches = in_batches(chosen, 300);
    REQUIRE(batches.size() == 2);
    CHECK(batches[0].size() == 300);
    std::vector<std::size_t> joined = batches[0];
    joined.insert(joined.end(), batches[1].begin(), batches[1].end());
    CHECK(joined == chosen);
}
