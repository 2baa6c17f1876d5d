#include "core/analysis/image_mixing.h"

#include "core/analysis/analysis_models.h"
#include "core/image/image_grid.h"
#include "core/image/tensor_image.h"

namespace inv {

ImageMix mix_images(const Workspace& workspace, const ImageDataset& test, const MixRequest& request, ComputeDevice device) {
    AnalysisModels models(workspace, std::nullopt, device);
    return mix_images(models, test, request);
}

ImageMix mix_images(AnalysisModels& models, const ImageDataset& test, const MixRequest& request) {
    torch::NoGradGuard no_grad;
    models.require_layer(request.layer);
    const torch::Tensor x = test_images(test, {request.index, request.with}, models.device());
    const torch::Tensor z = models.classifier()->representation(x, request.layer);
    ConditionalFlow& t = models.t(request.layer);
    const torch::Tensor v = t->forward(models.autoencoder()->encode(x).mean, z).value;
    // Swap the conditions: row 0 keeps I's v under J's z, row 1 J's v under I's z.
    const torch::Tensor mixed = models.autoencoder()->decode(t->inverse(v, z.flip({0})));
    const torch::Tensor shown = torch::cat({x, mixed}, 0);
    const torch::Tensor predictions = models.classifier()->forward(shown).argmax(1);

    ImageMix result;
    result.prediction_i = static_cast<int>(predictions[0].item<std::int64_t>());
    result.prediction_j = static_cast<int>(predictions[1].item<std::int64_t>());
    result.prediction_vi_zj = static_cast<int>(predictions[2].item<std::int64_t>());
    result.prediction_vj_zi = static_cast<int>(predictions[3].item<std::int64_t>());
    const std::vector<std::string> names = models.prediction_names(test);
    GridLayout layout;
    layout.columns = 4;
    layout.scale = request.scale;
    layout.cell_labels = {"x_I: " + names.at(static_cast<std::size_t>(result.prediction_i)),
                          "x_J: " + names.at(static_cast<std::size_t>(result.prediction_j)),
                          "v_I, z_J: " + names.at(static_cast<std::size_t>(result.prediction_vi_zj)),
                          "v_J, z_I: " + names.at(static_cast<std::size_t>(result.prediction_vj_zi))};
    result.figure = compose_grid(rgba_from_batch(shown), layout).image;
    result.provenance = provenance_header("mix", models.workspace(), test);
    result.provenance.update(
        {{"layer", request.layer}, {"index", request.index}, {"with", request.with}, {"models", models.model_records()}});
    return result;
}

nlohmann::json to_json(const ImageMix& mix) {
    return {{"provenance", mix.provenance},
            {"prediction_i", mix.prediction_i},
            {"prediction_j", mix.prediction_j},
            {"prediction_invariances_i_representation_j", mix.prediction_vi_zj},
            {"prediction_invariances_j_representation_i", mix.prediction_vj_zi}};
}

}  // namespace inv
