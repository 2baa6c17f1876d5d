#include "core/flow/flow_checkpoint.h"
#include "core/models/classifier.h"
#include "core/runtime/errors.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace inv;

namespace {

void check_layers_follow_the_network(ClassifierArchitecture architecture, const std::vector<std::string>& expected) {
    ClassifierConfig config;
    config.architecture = architecture;
    config.width = 0.25;
    Classifier model(config);
    model->eval();
    std::vector<std::string> names;
    for (const LayerInfo& layer : model->layers()) names.push_back(layer.name);
    CHECK(names == expected);

    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::randn({3, 3, 32, 32});
    for (const LayerInfo& layer : model->layers()) {
        const torch::Tensor z = model->representation(x, layer.name);
        std::vector<std::int64_t> want{3};
        want.insert(want.end(), layer.shape.begin(), layer.shape.end());
        CHECK_MESSAGE(z.sizes().vec() == want, layer.name);
    }
    CHECK(torch::allclose(model->representation(x, "logits"), model->forward(x)));
    CHECK(torch::allclose(model->representation(x, "softmax").sum(1), torch::ones({3})));
    CHECK(model->layers().front().shape == std::vector<long>{3, 32, 32});
    CHECK(model->layers().back().shape == std::vector<long>{10});
}

}  // namespace

TEST_CASE("the SqueezeNet classifier lists its layers from input to softmax with the shape of z") {
    check_layers_follow_the_network(ClassifierArchitecture::SqueezeNet,
                                    {"input", "conv1", "fire3", "fire5", "fire7", "logits", "softmax"});
}

TEST_CASE("the ResNet classifier lists its layers from input to softmax with the shape of z") {
    check_layers_follow_the_network(ClassifierArchitecture::ResNet,
                                    {"input", "stem", "layer1", "layer2", "layer3", "avgpool", "logits", "softmax"});
}

TEST_CASE("an unknown layer is refused with the list of known layers") {
    Classifier model(ClassifierConfig{});
    CHECK_THROWS_WITH_AS(model->representation(torch::zeros({1, 3, 32, 32}), "fc7"), doctest::Contains("fire5"), UserError);
    CHECK_THROWS_WITH_AS(parse_architecture("alexnet"), doctest::Contains("squeezenet or resnet"), UserError);
}

TEST_CASE("a classifier configuration round-trips through JSON") {
    ClassifierConfig config;
    config.architecture = ClassifierArchitecture::ResNet;
    config.width = 0.75;
    const ClassifierConfig back = classifier_config_from_json(to_json(config));
    CHECK(back.architecture == ClassifierArchitecture::ResNet);
    CHECK(back.width == 0.75);
    CHECK(to_json(back) == to_json(config));
}

TEST_CASE("a SqueezeNet with batch norm keeps the convolution names of the network without it") {
    ClassifierConfig plain;
    plain.width = 0.25;
    plain.batch_norm = false;
    ClassifierConfig normed = plain;
    normed.batch_norm = true;
    std::vector<std::string> plain_names;
    for (const auto& item : Classifier(plain)->named_parameters()) plain_names.push_back(item.key());
    std::vector<std::string> normed_names;
    for (const auto& item : Classifier(normed)->named_parameters()) normed_names.push_back(item.key());
    // Every parameter of the plain network is found under the same name in the normed one, so files
    // of workspaces made before the option load into the network their configuration describes.
    for (const std::string& name : plain_names) {
        CHECK_MESSAGE(std::find(normed_names.begin(), normed_names.end(), name) != normed_names.end(), name);
    }
    CHECK(std::find(normed_names.begin(), normed_names.end(), "fire3.0.squeeze_bn.weight") != normed_names.end());
    CHECK(normed_names.size() > plain_names.size());
}

TEST_CASE("a classifier configuration without batch norm recorded is the network without it") {
    ClassifierConfig config;
    nlohmann::json recorded = to_json(config);
    CHECK(recorded.at("batch_norm") == true);
    CHECK(classifier_config_from_json(recorded).batch_norm);
    recorded.erase("batch_norm");  // as written before the option existed
    CHECK_FALSE(classifier_config_from_json(recorded).batch_norm);
    config.batch_norm = false;
    CHECK_FALSE(to_json(config).contains("batch_norm"));
}

TEST_CASE("weights of a batch-norm network under a configuration without it are refused by name") {
    test::TempDir dir;
    ClassifierConfig plain;
    plain.width = 0.25;
    plain.batch_norm = false;
    ClassifierConfig normed = plain;
    normed.batch_norm = true;
    // The side-car says "no batch norm" but the archive was written by the network with it: every
    // tensor the plain network needs is there, so only the extra ones give the mismatch away.
    save_module(*Classifier(normed), to_json(plain), dir / "classifier.pt");
    Classifier target(plain);
    const torch::Tensor before = target->parameters().front().clone();
    CHECK_THROWS_WITH_AS(load_module(*target, to_json(plain), dir / "classifier.pt", torch::kCPU),
                         doctest::Contains("no place for (conv1.1.weight"), UserError);
    CHECK(torch::equal(target->parameters().front(), before));

    save_module(*Classifier(plain), to_json(plain), dir / "matching.pt");
    CHECK_NOTHROW(load_module(*target, to_json(plain), dir / "matching.pt", torch::kCPU));
}
