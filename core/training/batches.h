#pragma once

// Torch-including: core, tests and benchmarks only.
#include "core/data/image_dataset.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace inv {

struct ImageBatch {
    torch::Tensor images;  // [N, C, H, W] in [-1, 1]
    torch::Tensor labels;  // [N] class indices

    // Batches are assembled on the CPU (where the data set lives) and moved once per step.
    ImageBatch to(const torch::Device& device) const { return {images.to(device), labels.to(device)}; }
};

// The batch of a training step is a pure function of (seed, step), so a resumed run sees exactly
// the batches an uninterrupted one would.
// With `fresh_colours` every image of a ColorMNIST/ColorFashion set gets new foreground and
// background colours, drawn from the same uniform distribution as the data set's: the grey images
// are few (8000 digits), the colours unlimited, and recolouring keeps the models from memorising
// colour-image pairs. Other data sets (the user's images) keep their own colours.
// With `max_shift` > 0 every image also moves by up to that many pixels in x and y (a roll: the
// canvas' margins are background, so nothing of the object wraps around for shifts within them).
ImageBatch training_batch(const ImageDataset& dataset, std::uint64_t seed, std::int64_t step, int batch_size,
                          bool fresh_colours = true, int max_shift = 0);
// Samples [begin, end) of a data set, in order.
ImageBatch dataset_range(const ImageDataset& dataset, std::size_t begin, std::size_t end);
// The samples at `indices`, in that order.
ImageBatch dataset_samples(const ImageDataset& dataset, const std::vector<std::size_t>& indices);
// The test images a trainer measures its checkpoints on when the whole split would cost too much:
// `count` of them (or all, if fewer), drawn across the split with a fixed seed, the same ones at
// every checkpoint. A split may be ordered by class (the npm digits' test split is), so its first
// images would be a few classes only.
std::vector<std::size_t> evaluation_indices(const ImageDataset& test, std::size_t count);
// `indices` cut into consecutive runs of at most `batch_size`, in order.
std::vector<std::vector<std::size_t>> in_batches(const std::vector<std::size_t>& indices, std::size_t batch_size);

}  // namespace inv
