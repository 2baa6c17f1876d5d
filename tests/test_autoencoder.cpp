#include "core/data/dataset_catalog.h"
#include "core/flow/flow_checkpoint.h"
#include "core/models/autoencoder.h"
#include "core/models/patch_discriminator.h"
#include "core/runtime/errors.h"
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

TEST_CASE("the patch discriminator gives one logit per patch and the hinge losses vanish where the margins hold") {
    torch::manual_seed(6);
    PatchDiscriminator small(3, 8, 2);
    CHECK(small->forward(torch::rand({2, 3, 32, 32}) * 2 - 1).sizes() == torch::IntArrayRef{2, 1, 6, 6});
    PatchDiscriminator large(3, 8, 3);
    CHECK(large->forward(torch::rand({1, 3, 64, 64}) * 2 - 1).sizes() == torch::IntArrayRef{1, 1, 6, 6});
    CHECK_THROWS_AS(PatchDiscriminator(3, 0, 2), UserError);

    const torch::Tensor confident_real = torch::full({2, 1, 3, 3}, 2.0);
    const torch::Tensor confident_fake = torch::full({2, 1, 3, 3}, -2.0);
    CHECK(discriminator_hinge_loss(confident_real, confident_fake).item<double>() == 0.0);
    const torch::Tensor undecided = torch::zeros({2, 1, 3, 3});
    CHECK(discriminator_hinge_loss(undecided, undecided).item<double>() == doctest::Approx(1.0));
    CHECK(generator_hinge_loss(confident_fake).item<double>() == doctest::Approx(2.0));
}

namespace {

AutoencoderTrainingOptions adversarial_options() {
    AutoencoderTrainingOptions options;
    options.model.code_dim = 16;
    options.model.width = 0.125;
    options.schedule = {30, 8, 1e-3};
    options.adversarial_weight = 0.5;
    options.adversarial_start = 10;
    options.discriminator_channels = 8;
    return options;
}

std::vector<torch::Tensor> final_weights(const Workspace& workspace) {
    const ModelEntry& entry = workspace.manifest().models.at("autoencoder");
    Autoencoder model(autoencoder_config_from_json(entry.config));
    load_module(*model, entry.config, workspace.resolve(entry.checkpoints.back().file), torch::kCPU);
    return model->parameters();
}

bool same(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
    if (a.size() != b.size() || a.empty()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!torch::equal(a[i], b[i])) return false;
    }
    return true;
}

}  // namespace

TEST_CASE("the PatchGAN term trains after its warm-up is recorded changes the decoder and resumes to the same weights") {
    at::set_num_threads(1);
    test::TinyWorkspace straight;
    const AutoencoderTrainingResult result =
        inv::train_autoencoder(straight.workspace, *straight.train, *straight.test, adversarial_options(), {});
    CHECK(result.completed);
    const ModelEntry& entry = straight.workspace.manifest().models.at("autoencoder");
    CHECK(entry.config.at("training").at("adversarial").at("weight").get<double>() == doctest::Approx(0.5));
    CHECK(entry.config.at("training").at("adversarial").at("start").get<std::int64_t>() == 10);
    for (const torch::Tensor& p : final_weights(straight.workspace)) CHECK(torch::isfinite(p).all().item<bool>());

    // The same run without the term ends elsewhere: the term reaches the decoder.
    test::TinyWorkspace plain;
    AutoencoderTrainingOptions without = adversarial_options();
    without.adversarial_weight = 0.0;
    inv::train_autoencoder(plain.workspace, *plain.train, *plain.test, without, {});
    CHECK_FALSE(plain.workspace.manifest().models.at("autoencoder").config.at("training").contains("adversarial"));
    CHECK_FALSE(same(final_weights(plain.workspace), final_weights(straight.workspace)));

    // Stopped after the warm-up, then resumed: the discriminator comes back with the state.
    test::TinyWorkspace interrupted;
    int reports = 0;
    TrainingControl stop_early;
    stop_early.on_progress = [&reports](const TrainingProgress&) { ++reports; };
    stop_early.stop_requested = [&reports] { return reports >= 16; };
    const AutoencoderTrainingResult first =
        inv::train_autoencoder(interrupted.workspace, *interrupted.train, *interrupted.test, adversarial_options(), stop_early);
    CHECK_FALSE(first.completed);
    CHECK(first.steps_done > 10);
    const AutoencoderTrainingResult rest =
        inv::train_autoencoder(interrupted.workspace, *interrupted.train, *interrupted.test, adversarial_options(), {});
    CHECK(rest.completed);
    CHECK(same(final_weights(interrupted.workspace), final_weights(straight.workspace)));
}
