#include "core/analysis/adversarial.h"
#include "core/analysis/frechet_distance.h"
#include "core/data/dataset_catalog.h"
#include "core/image/tensor_image.h"
#include "core/runtime/errors.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

// A small classifier with fixed random weights and a batch of real test images: the attack's
// guarantees (ε-ball, loss up) hold for any differentiable classifier.
struct Setup {
    Classifier classifier{nullptr};
    torch::Tensor x;
    Setup() {
        torch::manual_seed(5);
        ClassifierConfig config;
        config.width = 0.125;
        classifier = Classifier(config);
        classifier->eval();
        const SourceImages source = load_source_images(DatasetKind::ColorMnist, test::data_root());
        const auto test_set = make_color_dataset(source, Split::Test, 0);
        std::vector<ImageSample> images;
        for (std::size_t i = 0; i < 16; ++i) images.push_back(test_set->get(i));
        x = tensor_from_samples(images, test_set->shape());
    }
    double loss(const torch::Tensor& images) {
        torch::NoGradGuard no_grad;
        const torch::Tensor labels = classifier->forward(x).argmax(1);
        return torch::nn::functional::cross_entropy(classifier->forward(images), labels).item<double>();
    }
};

double linf(const torch::Tensor& a, const torch::Tensor& b) {
    return (a - b).abs().max().item<double>();
}

}  // namespace

TEST_CASE("FGSM stays within epsilon in the L-infinity norm and raises the loss") {
    Setup s;
    const AttackSettings settings{AttackMethod::Fgsm, 0.03, 10, 0.0, 0};
    const torch::Tensor attacked = perturb(s.classifier, s.x, settings);
    CHECK(linf(attacked, s.x) <= 0.03 + 1e-6);
    CHECK(attacked.min().item<double>() >= -1.0);
    CHECK(attacked.max().item<double>() <= 1.0);
    CHECK(s.loss(attacked) > s.loss(s.x));
}

TEST_CASE("PGD stays in the epsilon ball and raises the loss at least as much as the random-sign control") {
    Setup s;
    const AttackSettings pgd{AttackMethod::Pgd, 0.03, 5, 0.0, 1};
    const torch::Tensor attacked = perturb(s.classifier, s.x, pgd);
    CHECK(linf(attacked, s.x) <= 0.03 + 1e-6);
    CHECK(attacked.min().item<double>() >= -1.0);
    CHECK(attacked.max().item<double>() <= 1.0);
    AttackSettings control = pgd;
    control.method = AttackMethod::RandomSign;
    const torch::Tensor noisy = perturb(s.classifier, s.x, control);
    CHECK(s.loss(attacked) > s.loss(s.x));
    CHECK(s.loss(attacked) > s.loss(noisy));
    // The control moves every pixel by exactly ε unless the range clamps it, and it is seeded.
    const torch::Tensor moved = (noisy - s.x).abs();
    const torch::Tensor unclamped = (s.x.abs() < 0.97);
    CHECK(moved.masked_select(unclamped).min().item<double>() == doctest::Approx(0.03).epsilon(1e-4));
    CHECK(torch::equal(noisy, perturb(s.classifier, s.x, control)));
}

TEST_CASE("an attack with a negative epsilon or no PGD steps is refused with the valid range") {
    Setup s;
    CHECK_THROWS_WITH_AS(perturb(s.classifier, s.x, {AttackMethod::Fgsm, -0.1, 10, 0.0, 0}), doctest::Contains("between 0 and 2"),
                         UserError);
    CHECK_THROWS_WITH_AS(perturb(s.classifier, s.x, {AttackMethod::Pgd, 0.1, 0, 0.0, 0}), doctest::Contains("at least one step"),
                         UserError);
    CHECK(epsilon_to_255(epsilon_from_255(4.0)) == doctest::Approx(4.0));
    CHECK(epsilon_from_255(255.0) == doctest::Approx(2.0));
    CHECK(parse_attack_method("pgd") == AttackMethod::Pgd);
    CHECK_FALSE(parse_attack_method("cw").has_value());
}

TEST_CASE("the Frechet distance is zero for identical sets and matches the closed form for Gaussians") {
    torch::manual_seed(2);
    const torch::Tensor a = torch::randn({4000, 4}, torch::kDouble);
    CHECK(std::abs(frechet_distance(a, a)) < 1e-8);
    // Same samples shifted by δ: only the mean term remains, ‖δ‖² = 1 + 4 = 5.
    const torch::Tensor shift = torch::tensor({1.0, 2.0, 0.0, 0.0}, torch::kDouble);
    CHECK(frechet_distance(a, a + shift) == doctest::Approx(5.0).epsilon(1e-6));
    // N(0, I) against N(0, 4 I) in 4 dimensions: 4 (1 + 4 − 2·2) = 4.
    const torch::Tensor wide = 2 * torch::randn({40000, 4}, torch::kDouble);
    const torch::Tensor narrow = torch::randn({40000, 4}, torch::kDouble);
    CHECK(frechet_distance(narrow, wide) == doctest::Approx(4.0).epsilon(0.05));
    CHECK_THROWS_AS(frechet_distance(a, torch::randn({10, 3})), UserError);
}
