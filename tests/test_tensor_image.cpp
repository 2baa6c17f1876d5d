#include "core/image/tensor_image.h"
#include "core/runtime/errors.h"

#include <doctest/doctest.h>

using namespace inv;

TEST_CASE("tensor to RGBA maps -1 to 0 and 1 to 255 and clamps outside values") {
    at::Tensor image = at::zeros({3, 1, 4});
    image[0][0][0] = -1.0;
    image[0][0][1] = 1.0;
    image[0][0][2] = 3.0;
    image[0][0][3] = -7.0;
    const RgbaImage rgba = rgba_from_tensor(image);
    REQUIRE(rgba.width == 4);
    REQUIRE(rgba.height == 1);
    CHECK(rgba.at(0, 0)[0] == 0);
    CHECK(rgba.at(1, 0)[0] == 255);
    CHECK(rgba.at(2, 0)[0] == 255);
    CHECK(rgba.at(3, 0)[0] == 0);
    CHECK(rgba.at(0, 0)[1] == 128);  // 0.0 -> 127.5 rounds up
    CHECK(rgba.at(0, 0)[3] == 255);
}

TEST_CASE("RGBA to tensor and back is exact for 8-bit values") {
    RgbaImage image(5, 3, 255);
    for (std::size_t i = 0; i < image.pixels.size(); ++i) {
        if (i % 4 != 3) image.pixels[i] = static_cast<std::uint8_t>((i * 37) % 256);
    }
    const at::Tensor tensor = tensor_from_rgba(image);
    CHECK(tensor.sizes() == at::IntArrayRef{3, 3, 5});
    CHECK(tensor.min().item<float>() >= -1.0f);
    CHECK(tensor.max().item<float>() <= 1.0f);
    CHECK(rgba_from_tensor(tensor).pixels == image.pixels);
}

TEST_CASE("grey tensors are replicated into the three colour channels") {
    const RgbaImage rgba = rgba_from_tensor(at::full({1, 2, 2}, 1.0));
    CHECK(rgba.at(1, 1)[0] == 255);
    CHECK(rgba.at(1, 1)[1] == 255);
    CHECK(rgba.at(1, 1)[2] == 255);
}

TEST_CASE("samples stack into an NCHW batch in order") {
    ImageShape shape{3, 2, 2};
    ImageSample a;
    a.pixels.assign(12, 0.25f);
    ImageSample b;
    b.pixels.assign(12, -0.5f);
    const at::Tensor batch = tensor_from_samples({a, b}, shape);
    CHECK(batch.sizes() == at::IntArrayRef{2, 3, 2, 2});
    CHECK(batch[1][2][1][1].item<float>() == -0.5f);
    CHECK(rgba_from_batch(batch).size() == 2);
}

TEST_CASE("wrong tensor shapes are rejected with the shape in the message") {
    CHECK_THROWS_WITH_AS(rgba_from_tensor(at::zeros({2, 4, 4})), doctest::Contains("[2, 4, 4]"), UserError);
    CHECK_THROWS_WITH_AS(rgba_from_batch(at::zeros({3, 4, 4})), doctest::Contains("[3, 4, 4]"), UserError);
    ImageSample wrong;
    wrong.pixels.assign(5, 0.0f);
    CHECK_THROWS_WITH_AS(tensor_from_samples({wrong}, ImageShape{3, 2, 2}), doctest::Contains("12"), UserError);
}
