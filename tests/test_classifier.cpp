#include "core/errors.h"
#include "core/models/classifier.h"

#include <doctest/doctest.h>

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
    CHECK_THROWS_WITH_AS(model->representation(torch::zeros({1, 3, 32, 32}), "fc7"), doctest::Contains("fire5"),
                         UserError);
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
