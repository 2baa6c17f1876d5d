// A user's TorchScript classifier: layers found without a list, z as Python computes it, and
// clear errors for broken files. The fixture and its expected values come from
// tests/fixtures/make_scripted_fixture.py.
#include "core/analysis/invariance_samples.h"
#include "core/analysis/layer_attack.h"
#include "core/data/dataset_catalog.h"
#include "core/models/scripted_classifier.h"
#include "core/runtime/errors.h"
#include "core/training/autoencoder_trainer.h"
#include "core/training/cinn_trainer.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/demo_pipeline.h"
#include "core/workspace/scripted_workspace.h"
#include "core/workspace/workspace_models.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace inv;

namespace {

const std::filesystem::path kFixtures = INVARIANCES_FIXTURES;

const ScriptedLayer* find_layer(const ScriptedClassifier& model, const std::string& name) {
    for (const ScriptedLayer& layer : model.layers()) {
        if (layer.name == name) return &layer;
    }
    return nullptr;
}

// A copy of the traced fixture in `dir` with another card.
std::filesystem::path fixture_with_card(const test::TempDir& dir, const nlohmann::json& card) {
    const auto model = dir / "model.pt";
    std::filesystem::copy_file(kFixtures / "scripted_fixture_traced.pt", model);
    write_file_atomically(model_card_path(model), card.dump());
    return model;
}

}  // namespace

TEST_CASE("the layers of traced and scripted TorchScript models are found with their shapes") {
    for (const char* file : {"scripted_fixture_traced.pt", "scripted_fixture_scripted.pt"}) {
        CAPTURE(file);
        const ScriptedClassifier model = ScriptedClassifier::load(kFixtures / file);
        const std::vector<std::pair<std::string, std::vector<std::int64_t>>> expected{{"input", {3, 16, 16}},
                                                                                      {"features.0", {8, 16, 16}},
                                                                                      {"features.1", {8, 16, 16}},
                                                                                      {"features.2", {8, 8, 8}},
                                                                                      {"features.3.conv1", {8, 8, 8}},
                                                                                      {"features.3.conv2", {8, 8, 8}},
                                                                                      {"features.3", {8, 8, 8}},
                                                                                      {"features", {8, 8, 8}},
                                                                                      {"pool", {8, 1, 1}},
                                                                                      {"head", {4}},
                                                                                      {"logits", {4}},
                                                                                      {"softmax", {4}}};
        for (const auto& [name, shape] : expected) {
            CAPTURE(name);
            const ScriptedLayer* layer = find_layer(model, name);
            REQUIRE(layer != nullptr);
            CHECK(layer->problem.empty());
            CHECK(layer->shape == shape);
        }
        // Listed, with the reason z cannot be taken there.
        REQUIRE(find_layer(model, "features.3.relu") != nullptr);
        CHECK(find_layer(model, "features.3.relu")->problem.find("more than once") != std::string::npos);
        REQUIRE(find_layer(model, "unused") != nullptr);
        CHECK(find_layer(model, "unused")->problem.find("not called") != std::string::npos);
        CHECK(model.layers().front().name == "input");
        CHECK(model.layers().back().name == "softmax");
        CHECK(model.card().class_names.size() == 4);
    }
}

TEST_CASE("z at a middle layer of a TorchScript model equals the value Python computed") {
    const nlohmann::json expected = nlohmann::json::parse(read_file(kFixtures / "scripted_fixture_expected.json"));
    const torch::Tensor x = torch::linspace(-1.0, 1.0, 3 * 16 * 16).reshape({1, 3, 16, 16});
    for (const char* file : {"scripted_fixture_traced.pt", "scripted_fixture_scripted.pt"}) {
        CAPTURE(file);
        ScriptedClassifier model = ScriptedClassifier::load(kFixtures / file);
        torch::NoGradGuard no_grad;
        const torch::Tensor z = model.representation(x, expected["layer"].get<std::string>()).flatten();
        const torch::Tensor python = torch::tensor(expected["z"].get<std::vector<float>>());
        REQUIRE(z.numel() == python.numel());
        CHECK((z - python).abs().max().item<double>() < 1e-5);
        const torch::Tensor logits = model.forward(x).flatten();
        CHECK((logits - torch::tensor(expected["logits"].get<std::vector<float>>())).abs().max().item<double>() < 1e-5);
        CHECK_THROWS_WITH_AS(model.representation(x, "features.9"), doctest::Contains("features.3.conv1"), UserError);
        CHECK_THROWS_WITH_AS(model.representation(x, "features.3.relu"), doctest::Contains("more than once"), UserError);
    }
}

TEST_CASE("the model card converts the app's images to the model's own pixel units") {
    test::TempDir dir;
    const auto file = fixture_with_card(dir, {{"input_shape", {3, 16, 16}},
                                              {"channel_order", "BGR"},
                                              {"value_range", {0, 255}},
                                              {"mean", {100, 110, 120}},
                                              {"std", {50, 60, 70}}});
    const ScriptedClassifier model = ScriptedClassifier::load(file);
    const torch::Tensor white_red = torch::tensor({1.0f, -1.0f, -1.0f}).view({1, 3, 1, 1}).expand({1, 3, 16, 16});
    const torch::Tensor input = model.to_model_input(white_red);
    // RGB (255, 0, 0) becomes BGR (0, 0, 255), then (value - mean) / std per channel.
    CHECK(input[0][0][0][0].item<double>() == doctest::Approx((0 - 100) / 50.0));
    CHECK(input[0][1][0][0].item<double>() == doctest::Approx((0 - 110) / 60.0));
    CHECK(input[0][2][0][0].item<double>() == doctest::Approx((255 - 120) / 70.0));
}

TEST_CASE("a model whose probe input fails names the expected input shape from its card") {
    test::TempDir dir;
    const auto file = fixture_with_card(dir, {{"input_shape", {1, 16, 16}}});
    CHECK_THROWS_WITH_AS(ScriptedClassifier::load(file), doctest::Contains("[2, 1, 16, 16]"), UserError);
    CHECK_THROWS_WITH_AS(ScriptedClassifier::load(file), doctest::Contains("input_shape"), UserError);
}

TEST_CASE("a corrupt TorchScript file or a missing card gives a clear error") {
    test::TempDir dir;
    const auto corrupt = dir / "corrupt.pt";
    write_file_atomically(corrupt, "this is not a zip archive of TorchScript");
    write_file_atomically(model_card_path(corrupt), R"({"input_shape": [3, 16, 16]})");
    CHECK_THROWS_WITH_AS(ScriptedClassifier::load(corrupt), doctest::Contains("corrupt.pt is not a TorchScript model"),
                         UserError);

    const auto no_card = dir / "no-card.pt";
    std::filesystem::copy_file(kFixtures / "scripted_fixture_traced.pt", no_card);
    CHECK_THROWS_WITH_AS(ScriptedClassifier::load(no_card), doctest::Contains("no-card.pt.card.json does not exist"), UserError);

    write_file_atomically(model_card_path(no_card), R"({"input_shape": [3, 16]})");
    CHECK_THROWS_WITH_AS(ScriptedClassifier::load(no_card), doctest::Contains("input_shape"), UserError);
}

TEST_CASE("the export helper writes a model and a card whose layers the command line lists") {
    test::TempDir dir;
    const auto model = dir / "exported.pt";
    const test::CommandResult exported = test::run_command(
        "/usr/bin/python3 " + (kFixtures.parent_path().parent_path() / "tools" / "export_classifier.py").string() + " --source " +
        (kFixtures / "make_scripted_fixture.py").string() + ":Fixture --input-shape 3 16 16 --value-range -1 1 " +
        "--class-names north,east,south,west --out " + model.string());
    REQUIRE_MESSAGE(exported.exit_code == 0, exported.output);
    CHECK(read_model_card(model_card_path(model)).class_names.size() == 4);

    const test::CommandResult listed = test::run_command(
        std::string(INVARIANCES_CLI_PATH) + " --json layers --model " + model.string(), test::Streams::StdoutOnly);
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.output);
    const nlohmann::json layers = nlohmann::json::parse(listed.output);
    bool found = false;
    for (const auto& layer : layers) {
        if (layer["name"] == "features.2") found = layer["shape"] == nlohmann::json{8, 8, 8} && layer["usable"] == true;
    }
    CHECK(found);

    // A model for 16x16 images cannot study ColorMNIST's 32x32: refused, and no workspace is left.
    const test::CommandResult wrong_size =
        test::run_command(std::string(INVARIANCES_CLI_PATH) + " workspace create --workspace " + (dir / "ws").string() +
                          " --model " + model.string());
    CHECK(wrong_size.exit_code == 2);
    CHECK(wrong_size.output.find("takes 16x16") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "ws"));

    const test::CommandResult corrupt = test::run_command(std::string(INVARIANCES_CLI_PATH) + " layers --model " +
                                                          (kFixtures / "make_scripted_fixture.py").string());
    CHECK(corrupt.exit_code == 2);
}

TEST_CASE("a workspace around a TorchScript classifier trains t at one of its layers and the analyses run on it") {
    test::TempDir dir;
    // The fixture pools globally, so it takes ColorMNIST's 32x32 images as well.
    const auto model = fixture_with_card(dir, {{"input_shape", {3, 32, 32}}, {"value_range", {-1, 1}}});
    const SourceImages source = load_source_images(DatasetKind::ColorMnist, test::data_root());
    const auto train = make_color_dataset(source, Split::Train, 0);
    const auto test_set = make_color_dataset(source, Split::Test, 0);
    Workspace workspace = Workspace::create(dir / "ws", {"colormnist", 0, {}});
    adopt_scripted_classifier(workspace, model, *test_set);
    const auto layers = workspace_classifier_layers(workspace.manifest().models.at("classifier").config);
    CHECK(std::any_of(layers.begin(), layers.end(), [](const LayerInfo& l) {
        return l.name == "features.2" && l.shape == std::vector<long>{8, 16, 16};
    }));

    const DemoPlan plan = demo_plan(DemoBudget::Tiny);
    REQUIRE(train_autoencoder(workspace, *train, *test_set, plan.autoencoder, {}).completed);
    // The user's 4 classes are not ColorMNIST's 10: no accuracy on reconstructions is claimed.
    CHECK_FALSE(workspace.manifest()
                    .models.at("autoencoder")
                    .checkpoints.back()
                    .metrics.contains("classifier_accuracy_on_reconstructions"));
    CinnTrainingOptions cinn = plan.cinn;
    cinn.layer = "features.2";
    REQUIRE(train_cinn(workspace, *train, *test_set, cinn, {}).completed);

    InvarianceSampleRequest sample;
    sample.layer = "features.2";
    sample.inputs = 2;
    sample.samples = 3;
    const InvarianceSamples samples = sample_invariances(workspace, *test_set, sample);
    CHECK(samples.sample_predictions.size() == 2);
    LayerAttackRequest attack;
    attack.epsilon = 0.05;
    attack.explained_inputs = 8;
    attack.repeats = 1;
    const LayerAttack attacked = attack_layers(workspace, *test_set, attack);
    REQUIRE(attacked.rows.size() == 3);
    CHECK(attacked.rows[2].linf <= 0.05 + 1e-6);
    CHECK(attacked.layers == std::vector<std::string>{"features.2"});

    // A model replaced behind the workspace's back is refused, naming the file.
    write_file_atomically(workspace.resolve("classifier/model.pt"), read_file(kFixtures / "scripted_fixture_scripted.pt"));
    CHECK_THROWS_WITH_AS(load_classifier(workspace), doctest::Contains("does not match its side-car checksum"), UserError);
    // A second model for the same workspace is refused too.
    CHECK_THROWS_WITH_AS(adopt_scripted_classifier(workspace, model, *test_set), doctest::Contains("already has a classifier"),
                         UserError);
}
