#include "core/analysis/semantic_edit.h"

#include "core/analysis/analysis_models.h"
#include "core/image/image_grid.h"
#include "core/image/tensor_image.h"
#include "core/runtime/errors.h"

namespace inv {

SemanticEdit edit_semantics(const Workspace& workspace, const ImageDataset& test, const SemanticEditRequest& request,
                            ComputeDevice device) {
    if (!request.from_index && request.values.empty()) {
        throw UserError("say what the factor becomes: take it from another image (--from-index) or give its values (--value).");
    }
    if (request.from_index && !request.values.empty()) {
        throw UserError("give either --from-index or --value, not both.");
    }
    torch::NoGradGuard no_grad;
    AnalysisModels models(workspace, std::nullopt, device);
    const std::size_t factor = models.factor_index(request.factor);
    const int factor_size = models.e()->config().factors[factor].size;
    if (!request.values.empty() && static_cast<int>(request.values.size()) != factor_size) {
        throw UserError("factor '" + request.factor + "' has " + std::to_string(factor_size) + " dimensions; got " +
                        std::to_string(request.values.size()) + " values.");
    }

    std::vector<std::size_t> indices{request.index};
    if (request.from_index) indices.push_back(*request.from_index);
    torch::Tensor x = test_images(test, indices, models.device());
    if (request.image) x[0] = user_images(test, {request.image->image}, models.device())[0];
    const torch::Tensor codes = models.autoencoder()->encode(x).mean;
    std::vector<torch::Tensor> parts = models.e()->split(models.e()->forward(codes).value);
    for (torch::Tensor& part : parts) part = part.clone();

    const torch::Tensor original = parts[factor][0].clone();
    torch::Tensor target;
    if (request.from_index)
        target = (1.0 - request.amount) * original + request.amount * parts[factor][1];
    else
        target = torch::tensor(request.values, torch::kDouble).to(models.device(), torch::kFloat);
    for (torch::Tensor& part : parts) part = part.narrow(0, 0, 1).clone();
    parts[factor][0] = target;

    const torch::Tensor reconstruction = models.autoencoder()->decode(codes.narrow(0, 0, 1));
    const torch::Tensor edited = models.autoencoder()->decode(models.e()->inverse(models.e()->join(parts)));
    const torch::Tensor shown = torch::cat({x.narrow(0, 0, 1), reconstruction, edited, x.narrow(0, 1, x.size(0) - 1)}, 0);
    const torch::Tensor predictions = models.classifier()->forward(shown).argmax(1);

    SemanticEdit result;
    result.original_prediction = static_cast<int>(predictions[0].item<std::int64_t>());
    result.reconstruction_prediction = static_cast<int>(predictions[1].item<std::int64_t>());
    result.edited_prediction = static_cast<int>(predictions[2].item<std::int64_t>());
    if (request.from_index) result.donor_prediction = static_cast<int>(predictions[3].item<std::int64_t>());
    const torch::Tensor original_double = original.to(torch::kCPU, torch::kDouble).contiguous();
    const torch::Tensor target_double = target.to(torch::kCPU, torch::kDouble).contiguous();
    result.original_values.assign(original_double.data_ptr<double>(), original_double.data_ptr<double>() + factor_size);
    result.edited_values.assign(target_double.data_ptr<double>(), target_double.data_ptr<double>() + factor_size);
    result.mean_pixel_change = (edited - reconstruction).abs().mean().item<double>();

    const std::vector<std::string> names = models.prediction_names(test);
    std::vector<std::string> captions{
        "x: " + names.at(static_cast<std::size_t>(result.original_prediction)),
        "D(E(x)): " + names.at(static_cast<std::size_t>(result.reconstruction_prediction)),
        request.factor + " edited: " + names.at(static_cast<std::size_t>(result.edited_prediction))};
    if (request.from_index) captions.push_back("donor: " + names.at(static_cast<std::size_t>(result.donor_prediction)));
    GridLayout layout;
    layout.columns = static_cast<int>(shown.size(0));
    layout.scale = request.scale;
    layout.cell_labels = captions;
    result.figure = compose_grid(rgba_from_batch(shown), layout).image;

    result.provenance = provenance_header("edit", workspace, test);
    result.provenance.update({{"index", request.index}, {"factor", request.factor}, {"models", models.model_records()}});
    if (request.image) result.provenance["image"] = request.image->name;
    if (request.from_index) {
        result.provenance["from_index"] = *request.from_index;
        result.provenance["amount"] = request.amount;
    } else {
        result.provenance["values"] = request.values;
    }
    return result;
}

FactorBlend blend_factors(AnalysisModels& models, const ImageDataset& test, const FactorBlendRequest& request) {
    torch::NoGradGuard no_grad;
    const std::vector<std::string> factors = models.factor_names();
    if (request.amounts.size() > factors.size()) {
        throw UserError("e has " + std::to_string(factors.size()) + " factors; got " + std::to_string(request.amounts.size()) +
                        " amounts.");
    }
    torch::Tensor x = test_images(test, {request.index, request.donor}, models.device());
    if (request.image) x[0] = user_images(test, {*request.image}, models.device())[0];
    const torch::Tensor codes = models.autoencoder()->encode(x).mean;
    const std::vector<torch::Tensor> parts = models.e()->split(models.e()->forward(codes).value);
    std::vector<torch::Tensor> edited_parts;
    for (std::size_t f = 0; f < parts.size(); ++f) {
        const double amount = f < request.amounts.size() ? request.amounts[f] : 0.0;
        edited_parts.push_back(parts[f].narrow(0, 0, 1) + amount * (parts[f].narrow(0, 1, 1) - parts[f].narrow(0, 0, 1)));
    }
    const torch::Tensor reconstruction = models.autoencoder()->decode(codes.narrow(0, 0, 1));
    const torch::Tensor edited = models.autoencoder()->decode(models.e()->inverse(models.e()->join(edited_parts)));
    const torch::Tensor probabilities = torch::softmax(models.classifier()->forward(torch::cat({x, edited}, 0)), 1);
    const torch::Tensor predictions = probabilities.argmax(1);

    FactorBlend blend;
    blend.factors = factors;
    blend.image = rgba_from_tensor(x[0]);
    blend.donor = rgba_from_tensor(x[1]);
    blend.reconstruction = rgba_from_tensor(reconstruction[0]);
    blend.edited = rgba_from_tensor(edited[0]);
    blend.image_prediction = static_cast<int>(predictions[0].item<std::int64_t>());
    blend.donor_prediction = static_cast<int>(predictions[1].item<std::int64_t>());
    blend.edited_prediction = static_cast<int>(predictions[2].item<std::int64_t>());
    blend.edited_probability = probabilities[2][blend.edited_prediction].item<double>();
    blend.mean_pixel_change = (edited - reconstruction).abs().mean().item<double>();
    return blend;
}

nlohmann::json to_json(const SemanticEdit& edit) {
    nlohmann::json j{{"provenance", edit.provenance},
                     {"original_prediction", edit.original_prediction},
                     {"reconstruction_prediction", edit.reconstruction_prediction},
                     {"edited_prediction", edit.edited_prediction},
                     {"original_factor_values", edit.original_values},
                     {"edited_factor_values", edit.edited_values},
                     {"mean_pixel_change", edit.mean_pixel_change}};
    if (edit.donor_prediction >= 0) j["donor_prediction"] = edit.donor_prediction;
    return j;
}

}  // namespace inv
