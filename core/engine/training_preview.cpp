#include "core/engine/training_preview.h"

#include "core/analysis/analysis_models.h"
#include "core/analysis/invariance_samples.h"
#include "core/image_grid.h"
#include "core/sample_grid.h"
#include "core/tensor_image.h"

namespace inv {
namespace {

constexpr int kInputs = 4;
constexpr int kSamples = 6;
constexpr std::uint64_t kSeed = 7;

RgbaImage reconstructions(AnalysisModels& models, const ImageDataset& test) {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = test_images(test, pick_sample_indices(test.size(), kSamples, kSeed), models.device());
    const torch::Tensor decoded = models.autoencoder()->decode(models.autoencoder()->encode(x).mean);
    std::vector<RgbaImage> cells = rgba_from_batch(x);
    for (RgbaImage& image : rgba_from_batch(decoded)) cells.push_back(std::move(image));
    GridLayout layout;
    layout.columns = kSamples;
    layout.row_labels = {"x", "D(E(x))"};
    return compose_grid(cells, layout).image;
}

}  // namespace

std::optional<RgbaImage> render_training_preview(const std::filesystem::path& folder, const std::string& model,
                                                 const ImageDataset& test, ComputeDevice device) {
    const bool is_t = model.rfind("cinn-", 0) == 0 && model.find('@') == std::string::npos;
    if (!is_t && model != "autoencoder") return std::nullopt;
    const Workspace workspace = Workspace::open(folder);
    AnalysisModels models(workspace, std::nullopt, device);
    if (!is_t) return reconstructions(models, test);
    InvarianceSampleRequest request;
    request.layer = model.substr(std::string("cinn-").size());
    request.inputs = kInputs;
    request.samples = kSamples;
    request.seed = kSeed;
    request.scale = 1;
    return sample_invariances(models, test, request).figure;
}

}  // namespace inv
