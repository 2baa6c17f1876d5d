#include "core/analysis/epsilon_units.h"
#include "core/analysis/explained_variance.h"
#include "core/analysis/fidelity.h"
#include "core/analysis/image_mixing.h"
#include "core/analysis/layer_attack.h"
#include "core/analysis/layer_factor_dims.h"
#include "core/analysis/semantic_edit.h"
#include "core/runtime/errors.h"
#include "core/training/cinn_trainer.h"
#include "core/training/classifier_trainer.h"
#include "core/training/inversion_trainer.h"
#include "tests/tiny_demo.h"

#include <doctest/doctest.h>

#include <cmath>

using namespace inv;

namespace {

const test::TinyDemo& demo() {
    return test::tiny_demo();
}

// A writable copy of the tiny demo for tests that train more models into it.
Workspace writable_copy(const test::TempDir& dir) {
    std::filesystem::copy(demo().folder(), dir / "copy", std::filesystem::copy_options::recursive);
    return Workspace::open(dir / "copy");
}

}  // namespace

TEST_CASE("the attack panel shows none / control / attack rows with decodes at every trained layer") {
    LayerAttackRequest request;
    request.epsilon = epsilon_from_255(8);
    request.index = 4;
    request.explained_inputs = 32;
    request.repeats = 2;
    request.scale = 1;
    const LayerAttack attack = attack_layers(demo().workspace(), *demo().test_set, request);
    REQUIRE(attack.rows.size() == 3);
    CHECK(attack.rows[0].name == "none");
    CHECK(attack.rows[2].name == "fgsm");
    CHECK(attack.rows[0].linf == 0.0);
    CHECK(attack.rows[1].linf <= request.epsilon + 1e-6);
    CHECK(attack.rows[2].linf <= request.epsilon + 1e-6);
    CHECK(attack.rows[2].linf > 0.5 * request.epsilon);
    CHECK(attack.layers == demo_plan(DemoBudget::Tiny).layers);
    for (const AttackRow& row : attack.rows) CHECK(row.decode_predictions.size() == attack.layers.size());
    REQUIRE(attack.explained_by_v.size() == attack.layers.size());
    for (const MeanStd& share : attack.explained_by_v) CHECK(std::isfinite(share.mean));
    const nlohmann::json json = to_json(attack);
    CHECK(json["provenance"]["epsilon_in_255ths"].get<double>() == doctest::Approx(8.0));
    CHECK(json["variance_of_code_explained_by_v"].contains("softmax"));
    // Same request, same pixels.
    CHECK(attack_layers(demo().workspace(), *demo().test_set, request).figure.pixels == attack.figure.pixels);
}

TEST_CASE("attack errors name the valid layers and the valid index range") {
    LayerAttackRequest request;
    request.layers = {"fire9"};
    CHECK_THROWS_WITH_AS(attack_layers(demo().workspace(), *demo().test_set, request),
                         doctest::Contains("input, conv1, fire3, fire5, fire7, logits, softmax"), UserError);
    request.layers = {};
    request.index = 999999;
    CHECK_THROWS_WITH_AS(attack_layers(demo().workspace(), *demo().test_set, request), doctest::Contains("indices 0..1999"),
                         UserError);
    request.index = 0;
    request.method = "deepfool";
    CHECK_THROWS_WITH_AS(attack_layers(demo().workspace(), *demo().test_set, request), doctest::Contains("fgsm or pgd"),
                         UserError);
}

TEST_CASE("the epsilon sweep flips nothing at epsilon 0 and reports a distance per layer") {
    AttackSweepRequest request;
    request.method = "pgd";
    request.pgd_steps = 2;
    request.epsilons = {0.0, epsilon_from_255(16)};
    request.inputs = 24;
    request.layers = {"input", "softmax"};
    const AttackSweep sweep = sweep_attack(demo().workspace(), *demo().test_set, request);
    REQUIRE(sweep.points.size() == 2);
    CHECK(sweep.points[0].flip_rate == 0.0);
    CHECK(sweep.points[0].control_flip_rate == 0.0);
    CHECK(sweep.points[0].decode_distance[0] == doctest::Approx(0.0).epsilon(1e-6));
    CHECK(sweep.points[1].decode_distance.size() == 2);
    CHECK(sweep.points[1].decode_distance[0] > 0.0);
    CHECK_FALSE(sweep.figure.empty());
}

TEST_CASE("a semantic edit changes the decoded image and rejects unknown factors and wrong sizes") {
    SemanticEditRequest request;
    request.index = 0;
    request.factor = "background";
    request.from_index = 1;
    request.scale = 1;
    const SemanticEdit edit = edit_semantics(demo().workspace(), *demo().test_set, request);
    CHECK(edit.mean_pixel_change > 0.0);
    CHECK(edit.original_values.size() == edit.edited_values.size());
    CHECK(edit.donor_prediction >= 0);
    CHECK(edit.figure.width > 4 * 32);
    // Taking none of the donor's factor leaves the reconstruction as it was (e is invertible).
    request.amount = 0.0;
    CHECK(edit_semantics(demo().workspace(), *demo().test_set, request).mean_pixel_change < 1e-3);

    request.factor = "shape";
    CHECK_THROWS_WITH_AS(edit_semantics(demo().workspace(), *demo().test_set, request),
                         doctest::Contains("residual, digit, foreground, background"), UserError);
    request.factor = "digit";
    request.from_index.reset();
    request.values = {1.0, 2.0};
    CHECK_THROWS_WITH_AS(edit_semantics(demo().workspace(), *demo().test_set, request), doctest::Contains("dimensions; got 2"),
                         UserError);
}

TEST_CASE("mixing swaps the invariances of two images at a layer") {
    MixRequest request{"fire7", 0, 1, 1};
    const ImageMix mix = mix_images(demo().workspace(), *demo().test_set, request);
    CHECK(mix.figure.width > 4 * 32);
    CHECK(mix.prediction_vi_zj >= 0);
    CHECK(to_json(mix)["provenance"]["with"] == 1);
    request.layer = "fire9";
    CHECK_THROWS_WITH_AS(mix_images(demo().workspace(), *demo().test_set, request), doctest::Contains("layers are: input"),
                         UserError);
}

TEST_CASE("factor sizes of z at the input layer put background colour far above digit") {
    // Robust at any training budget: at `input`, z is the image itself, whose pixels are mostly
    // background; it does not depend on the tiny classifier's training.
    FactorDimsRequest request;
    request.layers = {"input", "softmax"};
    request.pairs = 400;
    const FactorDimsReport report = estimate_layer_factor_dims(demo().workspace(), demo().test_set, request);
    REQUIRE(report.layers.size() == 2);
    const LayerFactorDims& input = report.layers[0];
    REQUIRE(input.factors == std::vector<std::string>{"residual", "digit", "foreground", "background"});
    CHECK(input.scores[3] > 0.5);
    CHECK(input.scores[3] > input.scores[1] + 0.3);
    int total = 0;
    for (int size : input.sizes) total += size;
    CHECK(total == 3072);
    CHECK(report.layers[1].dims == 10);
}

TEST_CASE("explained variance across classifier checkpoints adds a curve over training") {
    test::TempDir dir;
    Workspace workspace = writable_copy(dir);
    const std::int64_t early = workspace.manifest().models.at("classifier").checkpoints.front().step;
    CinnTrainingOptions options;
    options.layer = "softmax";
    options.classifier_step = early;
    options.flow = {0, 2, 32, 2, 0};
    options.embedding_dim = 16;
    options.schedule = {10, 16, 1e-3};
    REQUIRE(train_cinn(workspace, *demo().train_set, *demo().test_set, options, {}).completed);

    ExplainedVarianceRequest request;
    request.layers = {"softmax"};
    request.all_checkpoints = true;
    request.inputs = 32;
    request.repeats = 2;
    const ExplainedVarianceReport report = explained_variance(workspace, *demo().test_set, request);
    REQUIRE(report.layers.size() == 2);
    CHECK(report.layers[0].classifier_step == early);
    CHECK(report.layers[1].classifier_step > early);
    CHECK(report.layers[0].classifier_accuracy.has_value());
    CHECK_FALSE(report.training_figure.empty());
    CHECK_FALSE(report.layer_figure.empty());
    CHECK(to_json(report)["provenance"]["models"].contains(std::to_string(early)));

    request.all_checkpoints = false;
    request.classifier_steps = {12345};
    CHECK_THROWS_WITH_AS(explained_variance(workspace, *demo().test_set, request), doctest::Contains("it has: "), UserError);
}

TEST_CASE("evaluate compares samples and the inversion baseline and names what is missing") {
    test::TempDir dir;
    Workspace workspace = writable_copy(dir);
    FidelityRequest request;
    request.layers = {"fire7"};
    request.images = 100;
    CHECK_THROWS_WITH_AS(evaluate_fidelity(workspace, *demo().test_set, request), doctest::Contains("train evaluator"),
                         UserError);

    ClassifierTrainingOptions evaluator;
    evaluator.model_name = "evaluator";
    evaluator.model.width = 0.125;
    evaluator.schedule = {10, 16, 1e-3};
    evaluator.schedule.seed = 1;
    REQUIRE(train_classifier(workspace, *demo().train_set, *demo().test_set, evaluator, {}).completed);
    CHECK_THROWS_WITH_AS(evaluate_fidelity(workspace, *demo().test_set, request),
                         doctest::Contains("train inversion --layer fire7"), UserError);

    InversionTrainingOptions inversion;
    inversion.layer = "fire7";
    inversion.schedule = {10, 16, 1e-3};
    REQUIRE(train_inversion(workspace, *demo().train_set, *demo().test_set, inversion, {}).completed);
    const FidelityReport report = evaluate_fidelity(workspace, *demo().test_set, request);
    REQUIRE(report.layers.size() == 1);
    CHECK(std::isfinite(report.layers[0].samples));
    CHECK(std::isfinite(report.layers[0].baseline));
    CHECK(report.layers[0].samples >= 0.0);
    CHECK(report.real_to_real >= 0.0);
    CHECK(report.real_to_real < report.layers[0].baseline);
    CHECK(to_json(report)["provenance"]["features"].get<std::string>().find("not Inception") != std::string::npos);
}
