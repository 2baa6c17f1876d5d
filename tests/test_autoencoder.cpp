#include "core/dataset_catalog.h"
#include "core/errors.h"
#include "core/models/autoencoder.h"
#include "core/training/autoencoder_trainer.h"
#include "core/training/classifier_trainer.h"
#include "tests/tiny_workspace.h"

#include <doctest/doctest.h>

using namespace inv;

TEST_CASE("the autoencoder encodes to a posterior over the code and decodes to images in [-1 1]") {
    AutoencoderConfig config;
    config.code_dim = 12;
    config.width = 0.125;
    Autoencoder model(config);
    const torch::Tensor images = torch::rand({5, 3, 32, 32}) * 2 - 1;
    const Posterior posterior = model->encode(images);
    CHECK(posterior.mean.sizes() == torch::IntArrayRef{5, 12});
    CHECK(posterior.log_var.sizes() == torch::IntArrayRef{5, 12});
    CHECK(posterior.log_var.max().item<double>() <= 10.0);
    const torch::Tensor decoded = model->decode(posterior.sample());
    CHECK(decoded.sizes() == torch::IntArrayRef{5, 3, 32, 32});
    CHECK(decoded.abs().max().item<double>() <= 1.0);
}

TEST_CASE("both decoders double the resolution and an autoencoder recorded without upsampling is the transposed one") {
    AutoencoderConfig config;
    config.code_dim = 8;
    config.width = 0.125;
    CHECK(config.upsampling == "subpixel");
    for (const std::string upsampling : {"subpixel", "transposed"}) {
        config.upsampling = upsampling;
        const torch::Tensor decoded = build_decoder(config)->forward(torch::randn({2, 8}));
        const std::vector<std::int64_t> expected{2, 3, 32, 32};
        CHECK_MESSAGE(decoded.sizes().vec() == expected, upsampling);
    }
    nlohmann::json recorded = to_json(config);
    CHECK_FALSE(recorded.contains("upsampling"));  // as written before the option existed
    CHECK(autoencoder_config_from_json(recorded).upsampling == "transposed");
    recorded["upsampling"] = "bilinear";
    CHECK_THROWS_WITH_AS(autoencoder_config_from_json(recorded), doctest::Contains("subpixel or transposed"), UserError);
}

TEST_CASE("the KL term is zero for the standard normal and positive otherwise") {
    const Posterior standard{torch::zeros({2, 4}), torch::zeros({2, 4})};
    CHECK(standard.kl().abs().max().item<double>() < 1e-7);
    const Posterior shifted{torch::ones({1, 4}), torch::zeros({1, 4})};
    CHECK(shifted.kl().item<double>() == doctest::Approx(2.0));
}

TEST_CASE("an image size the four stages cannot halve is refused") {
    AutoencoderConfig config;
    config.image_size = 40;
    CHECK_THROWS_WITH_AS(Autoencoder{config}, doctest::Contains("divisible by 16"), UserError);
}

TEST_CASE("autoencoder training records reconstruction and colour quality and the classifier's accuracy on reconstructions") {
    at::set_num_threads(1);
    test::TinyWorkspace tiny;
    tiny.train_classifier();
    const AutoencoderTrainingResult result = tiny.train_autoencoder(25);
    CHECK(result.completed);
    CHECK(result.quality.reconstruction_l1 > 0.0);
    REQUIRE(result.quality.foreground_colour_error.has_value());
    CHECK(*result.quality.foreground_colour_error > 0.0);
    REQUIRE(result.quality.background_colour_error.has_value());
    CHECK(*result.quality.background_colour_error > 0.0);
    REQUIRE(result.quality.classifier_accuracy.has_value());
    const Workspace reopened = Workspace::open(tiny.dir / "ws");
    const ModelEntry& entry = reopened.manifest().models.at("autoencoder");
    CHECK(entry.kind == "autoencoder");
    CHECK(entry.config.at("upsampling") == "subpixel");
    CHECK(entry.config.at("training").at("reconstruction_loss") == "l2");
    REQUIRE(entry.checkpoints.size() == 3);
    CHECK(entry.checkpoints.back().metrics.contains("classifier_accuracy_on_reconstructions"));
    // Training reduces the reconstruction error from the untrained network's.
    CHECK(entry.checkpoints.back().metrics["reconstruction_l1"].get<double>() <
          entry.checkpoints.front().metrics["reconstruction_l1"].get<double>());
}
