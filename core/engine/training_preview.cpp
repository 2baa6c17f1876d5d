#include "core/engine/training_preview.h"

#include "core/analysis/analysis_models.h"
#include "core/analysis/invariance_samples.h"
#include "core/image/image_grid.h"
#include "core/image/sample_grid.h"
#include "core/image/tensor_image.h"
#include "core/workspace/model_names.h"

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
    const std::optional<CinnModelName> t_name = parse_cinn_model_name(model);
    const bool is_t = t_name && !t_name->classifier_step;
    if (!is_t && model != "autoencoder") return std::nullopt;
    const Workspace workspace = Workspace::open(folder);
    AnalysisModels models(workspace, std::nullopt, device);
    if (!is_t) return reconstructions(models, test);
    InvarianceSampleRequest request;
    request.layer = t_name->layer;
    request.inputs = kInputs;
    request.samples = kSamples;
    request.seed = kSeed;
    request.scale = 1;
    return sample_invariances(models, test, request).figure;
}

}  // namespace inv
