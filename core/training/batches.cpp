#include "core/training/batches.h"

#include "core/data/color_dataset.h"
#include "core/image/sample_grid.h"
#include "core/image/tensor_image.h"
#include "core/runtime/data_parallel.h"
#include "core/runtime/random.h"

#include <algorithm>

namespace inv {
namespace {

constexpr std::uint64_t kEvaluationSelectionSeed = 0xE7A1ull;

ImageBatch stack(const ImageDataset& dataset, const std::vector<ImageSample>& samples) {
    std::vector<std::int64_t> labels;
    for (const ImageSample& sample : samples) labels.push_back(sample.label);
    return {tensor_from_samples(samples, dataset.shape()), torch::tensor(labels, torch::kLong)};
}

ImageBatch gather(const ImageDataset& dataset, const std::vector<std::size_t>& indices) {
    std::vector<ImageSample> samples;
    samples.reserve(indices.size());
    for (std::size_t index : indices) samples.push_back(dataset.get(index));
    return stack(dataset, samples);
}

// `first` is the batch row of the tensor's first row.
ImageBatch shifted(ImageBatch batch, std::uint64_t key, int max_shift, std::size_t first) {
    if (max_shift <= 0) return batch;
    const std::uint64_t span = static_cast<std::uint64_t>(2 * max_shift + 1);
    for (std::int64_t i = 0; i < batch.images.size(0); ++i) {
        const std::uint64_t draw = mix64(key ^ 0x5417ull, first + static_cast<std::uint64_t>(i));
        const std::int64_t dx = static_cast<std::int64_t>(draw % span) - max_shift;
        const std::int64_t dy = static_cast<std::int64_t>((draw / span) % span) - max_shift;
        if (dx != 0 || dy != 0) batch.images[i] = batch.images[i].roll({dy, dx}, {1, 2});
    }
    return batch;
}

std::vector<std::size_t> batch_indices(std::size_t dataset_size, std::uint64_t key, std::size_t first, std::size_t rows) {
    std::vector<std::size_t> indices(rows);
    for (std::size_t i = 0; i < rows; ++i) indices[i] = mix64(key, first + i) % dataset_size;
    return indices;
}

}  // namespace

ImageBatch training_batch(const ImageDataset& dataset, std::uint64_t seed, std::int64_t step, int batch_size, bool fresh_colours,
                          int max_shift) {
    // Every row is a function of (seed, step, row), so a rank of a data-parallel run reads only the
    // rows of its share, and they are the rows one process would read.
    const auto [first_row, rows] = share_row_range(batch_size);
    const std::size_t first = static_cast<std::size_t>(first_row);
    const std::uint64_t key = mix64(seed, static_cast<std::uint64_t>(step));
    const std::vector<std::size_t> indices = batch_indices(dataset.size(), key, first, static_cast<std::size_t>(rows));
    const auto* coloured = dynamic_cast<const ColorDataset*>(&dataset);
    if (!fresh_colours || coloured == nullptr) {
        ImageBatch batch = shifted(gather(dataset, indices), key, max_shift, first);
        // A folder read from disk decodes the next step's images while this step computes.
        dataset.prefetch(batch_indices(dataset.size(), mix64(seed, static_cast<std::uint64_t>(step) + 1), first,
                                       static_cast<std::size_t>(rows)));
        return batch;
    }
    std::vector<ImageSample> samples;
    samples.reserve(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const std::uint64_t colours = mix64(key ^ 0xC0102ull, first + i);
        const Rgb foreground = random_rgb(mix64(colours, 0), mix64(colours, 1), mix64(colours, 2));
        const Rgb background = random_rgb(mix64(colours, 3), mix64(colours, 4), mix64(colours, 5));
        samples.push_back(coloured->compose(indices[i], foreground, background));
    }
    return shifted(stack(dataset, samples), key, max_shift, first);
}

ImageBatch dataset_samples(const ImageDataset& dataset, const std::vector<std::size_t>& indices) {
    return gather(dataset, indices);
}

std::vector<std::size_t> evaluation_indices(const ImageDataset& test, std::size_t count) {
    std::vector<std::size_t> indices = pick_sample_indices(test.size(), std::min(count, test.size()), kEvaluationSelectionSeed);
    std::sort(indices.begin(), indices.end());
    return indices;
}

std::vector<std::vector<std::size_t>> in_batches(const std::vector<std::size_t>& indices, std::size_t batch_size) {
    std::vector<std::vector<std::size_t>> batches;
    for (std::size_t start = 0; start < indices.size(); start += batch_size) {
        const std::size_t end = std::min(indices.size(), start + batch_size);
        batches.emplace_back(indices.begin() + static_cast<long>(start), indices.begin() + static_cast<long>(end));
    }
    return batches;
}

ImageBatch dataset_range(const ImageDataset& dataset, std::size_t begin, std::size_t end) {
    std::vector<std::size_t> indices;
    for (std::size_t i = begin; i < end && i < dataset.size(); ++i) indices.push_back(i);
    return gather(dataset, indices);
}

}  // namespace inv
