#include "core/analysis/layer_attack.h"

#include "core/analysis/adversarial.h"
#include "core/analysis/analysis_models.h"
#include "core/analysis/explained_variance_statistic.h"
#include "core/image/image_grid.h"
#include "core/image/line_plot.h"
#include "core/image/sample_grid.h"
#include "core/image/tensor_image.h"
#include "core/runtime/errors.h"
#include "core/runtime/random.h"

#include <ATen/CPUGeneratorImpl.h>
#include <cstdio>

namespace inv {
namespace {

AttackMethod attack_method(const std::string& name) {
    const std::optional<AttackMethod> method = parse_attack_method(name);
    if (!method || *method == AttackMethod::RandomSign) {
        throw UserError("unknown attack method '" + name + "'; use fgsm or pgd (the random-sign control is always shown).");
    }
    return *method;
}

AttackSettings settings_for(AttackMethod method, double epsilon, int pgd_steps, double pgd_step_size, std::uint64_t seed) {
    return {method, epsilon, pgd_steps, pgd_step_size, seed};
}

std::vector<std::string> chosen_layers(AnalysisModels& models, const std::vector<std::string>& requested) {
    if (requested.empty()) {
        std::vector<std::string> layers = models.layers_with_t();
        if (layers.empty()) {
            throw UserError(models.workspace().folder().string() +
                            " has no trained t yet; run `invariances-cli train cinn --workspace " +
                            models.workspace().folder().string() + " --layers all` first.");
        }
        return layers;
    }
    for (const std::string& layer : requested) models.require_layer(layer);
    return requested;
}

// The clean images' own invariances at a layer: v = t(E(x) | Φ(x)), E's posterior mean.
torch::Tensor invariances_of(AnalysisModels& models, const std::string& layer, const torch::Tensor& x) {
    const torch::Tensor code = models.autoencoder()->encode(x).mean;
    return models.t(layer)->forward(code, models.classifier()->representation(x, layer)).value;
}

torch::Tensor decode_with(AnalysisModels& models, const std::string& layer, const torch::Tensor& v, const torch::Tensor& x) {
    return models.autoencoder()->decode(models.t(layer)->inverse(v, models.classifier()->representation(x, layer)));
}

RgbaImage perturbation_image(const torch::Tensor& delta, double epsilon) {
    // ±ε maps to the ends of the range, so the perturbation is visible at any ε; zero is grey.
    return rgba_from_tensor(epsilon > 0 ? (delta / epsilon).clamp(-1.0, 1.0) : torch::zeros_like(delta));
}

std::string percent(double fraction) {
    char text[16];
    std::snprintf(text, sizeof text, "%.0f%%", 100 * fraction);
    return text;
}

std::vector<double> default_epsilons() {
    std::vector<double> epsilons;
    for (double k : {0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0}) epsilons.push_back(epsilon_from_255(k));
    return epsilons;
}

}  // namespace

MeanStd explained_by_v(AnalysisModels& models, const ImageDataset& test, const std::string& layer, int inputs, int repeats,
                       std::uint64_t seed) {
    std::vector<double> shares;
    for (int repeat = 0; repeat < repeats; ++repeat) {
        const std::uint64_t repeat_seed = mix64(seed, static_cast<std::uint64_t>(repeat) + 101);
        const auto indices = pick_sample_indices(test.size(), static_cast<std::size_t>(2 * inputs), repeat_seed);
        const torch::Tensor x = test_images(test, indices, models.device());
        const torch::Tensor z = models.classifier()->representation(x, layer);
        torch::Generator generator = at::detail::createCPUGenerator(repeat_seed);
        const torch::Tensor v =
            torch::randn({inputs, models.t(layer)->config().flow.dim}, generator, torch::kFloat).to(models.device());
        const torch::Tensor a = models.t(layer)->inverse(v, z.narrow(0, 0, inputs));
        const torch::Tensor b = models.t(layer)->inverse(v, z.narrow(0, inputs, inputs));
        shares.push_back(explained_fraction(a, b));
    }
    return mean_std(shares);
}

LayerAttack attack_layers(const Workspace& workspace, const ImageDataset& test, const LayerAttackRequest& request,
                          ComputeDevice device) {
    AnalysisModels models(workspace, std::nullopt, device);
    return attack_layers(models, test, request);
}

LayerAttack attack_layers(AnalysisModels& models, const ImageDataset& test, const LayerAttackRequest& request) {
    const AttackMethod method = attack_method(request.method);
    if (request.explained_inputs < 2 || request.repeats < 1) {
        throw UserError("the explained-by-v statistic needs at least 2 inputs and 1 repeat.");
    }
    LayerAttack result;
    result.layers = chosen_layers(models, request.layers);
    const torch::Tensor x = request.image ? user_images(test, {request.image->image}, models.device())
                                          : test_images(test, {request.index}, models.device());

    const AttackSettings attack = settings_for(method, request.epsilon, request.pgd_steps, request.pgd_step_size, request.seed);
    AttackSettings control = attack;
    control.method = AttackMethod::RandomSign;
    const torch::Tensor inputs =
        torch::cat({x, perturb(models.classifier(), x, control), perturb(models.classifier(), x, attack)}, 0);

    torch::NoGradGuard no_grad;
    const torch::Tensor probabilities = torch::softmax(models.classifier()->forward(inputs), 1);
    const torch::Tensor predictions = probabilities.argmax(1);
    const char* row_names[] = {"none", "random sign", nullptr};
    for (std::int64_t r = 0; r < 3; ++r) {
        AttackRow row;
        row.name = row_names[r] ? row_names[r] : request.method;
        row.prediction = static_cast<int>(predictions[r].item<std::int64_t>());
        row.probability = probabilities[r][row.prediction].item<double>();
        row.linf = (inputs[r] - x[0]).abs().max().item<double>();
        result.rows.push_back(row);
    }

    std::vector<std::vector<RgbaImage>> decodes(3);
    for (const std::string& layer : result.layers) {
        const torch::Tensor v = invariances_of(models, layer, x).expand({3, -1});
        const torch::Tensor decoded = decode_with(models, layer, v, inputs);
        const torch::Tensor decoded_predictions = models.classifier()->forward(decoded).argmax(1);
        const std::vector<RgbaImage> images = rgba_from_batch(decoded);
        for (std::size_t r = 0; r < 3; ++r) {
            result.rows[r].decode_predictions.push_back(
                static_cast<int>(decoded_predictions[static_cast<std::int64_t>(r)].item<std::int64_t>()));
            decodes[r].push_back(images[r]);
        }
        if (!request.defer_explained) {
            result.explained_by_v.push_back(
                explained_by_v(models, test, layer, request.explained_inputs, request.repeats, request.seed));
        }
    }

    const std::vector<std::string> names = models.prediction_names(test);
    std::vector<RgbaImage> cells;
    std::vector<std::string> captions;
    char eps_text[64];
    std::snprintf(eps_text, sizeof eps_text, "eps %.4g = %.3g/255", request.epsilon, epsilon_to_255(request.epsilon));
    for (std::size_t r = 0; r < 3; ++r) {
        cells.push_back(perturbation_image(inputs[static_cast<std::int64_t>(r)] - x[0], request.epsilon));
        captions.push_back(r == 0 ? "no perturbation" : eps_text);
        cells.push_back(rgba_from_tensor(inputs[static_cast<std::int64_t>(r)]));
        captions.push_back("x: " + names.at(static_cast<std::size_t>(result.rows[r].prediction)) + " " +
                           percent(result.rows[r].probability));
        for (std::size_t l = 0; l < result.layers.size(); ++l) {
            cells.push_back(decodes[r][l]);
            captions.push_back(result.layers[l] + ": " +
                               names.at(static_cast<std::size_t>(result.rows[r].decode_predictions[l])));
        }
    }
    GridLayout layout;
    layout.columns = static_cast<int>(result.layers.size() + 2);
    layout.scale = request.scale;
    layout.cell_labels = captions;
    for (const AttackRow& row : result.rows) layout.row_labels.push_back(row.name);
    result.figure = compose_grid(cells, layout).image;

    result.provenance = provenance_header("attack", models.workspace(), test);
    result.provenance.update({{"method", request.method},
                              {"epsilon", request.epsilon},
                              {"epsilon_in_255ths", epsilon_to_255(request.epsilon)},
                              {"layers", result.layers},
                              {"seed", request.seed},
                              {"explained_inputs", request.explained_inputs},
                              {"repeats", request.repeats},
                              {"models", models.model_records()}});
    char epsilon[32];
    std::snprintf(epsilon, sizeof epsilon, "%.17g", request.epsilon);
    std::string layers;
    for (const std::string& layer : result.layers) layers += (layers.empty() ? "" : ",") + layer;
    result.provenance["reproduce"] =
        "invariances-cli attack --workspace " + models.workspace().folder().string() + " --method " + request.method + " --eps " +
        epsilon + (request.image ? " --image " + request.image->name : " --index " + std::to_string(request.index)) +
        " --layers " + layers + " --seed " + std::to_string(request.seed) + " --explained-inputs " +
        std::to_string(request.explained_inputs) + " --repeats " + std::to_string(request.repeats) + " --pgd-steps " +
        std::to_string(request.pgd_steps) + " --scale " + std::to_string(request.scale) + " --out FIGURE.png";
    if (request.image)
        result.provenance["image"] = request.image->name;
    else
        result.provenance["index"] = request.index;
    if (method == AttackMethod::Pgd) {
        result.provenance["pgd_steps"] = request.pgd_steps;
        result.provenance["pgd_step_size"] =
            request.pgd_step_size > 0 ? request.pgd_step_size : 2.5 * request.epsilon / request.pgd_steps;
    }
    return result;
}

nlohmann::json to_json(const LayerAttack& attack) {
    nlohmann::json rows = nlohmann::json::array();
    for (const AttackRow& row : attack.rows) {
        nlohmann::json decodes = nlohmann::json::object();
        for (std::size_t l = 0; l < attack.layers.size(); ++l) decodes[attack.layers[l]] = row.decode_predictions[l];
        rows.push_back({{"row", row.name},
                        {"prediction", row.prediction},
                        {"probability", row.probability},
                        {"linf_distance", row.linf},
                        {"decode_predictions", decodes}});
    }
    nlohmann::json explained = nlohmann::json::object();
    for (std::size_t l = 0; l < attack.layers.size() && l < attack.explained_by_v.size(); ++l) {
        explained[attack.layers[l]] = {{"mean", attack.explained_by_v[l].mean}, {"std", attack.explained_by_v[l].std}};
    }
    return {{"provenance", attack.provenance}, {"rows", rows}, {"variance_of_code_explained_by_v", explained}};
}

AttackSweep sweep_attack(const Workspace& workspace, const ImageDataset& test, const AttackSweepRequest& request,
                         ComputeDevice device) {
    const AttackMethod method = attack_method(request.method);
    if (request.inputs < 1) throw UserError("the sweep needs at least one input image.");
    AnalysisModels models(workspace, std::nullopt, device);
    AttackSweep sweep;
    sweep.layers = chosen_layers(models, request.layers);
    const std::vector<double> epsilons = request.epsilons.empty() ? default_epsilons() : request.epsilons;
    const torch::Tensor x = test_images(
        test, pick_sample_indices(test.size(), static_cast<std::size_t>(request.inputs), request.seed), models.device());

    torch::Tensor clean_predictions;
    std::vector<torch::Tensor> v_per_layer, clean_decodes;
    {
        torch::NoGradGuard no_grad;
        clean_predictions = models.classifier()->forward(x).argmax(1);
        for (const std::string& layer : sweep.layers) {
            v_per_layer.push_back(invariances_of(models, layer, x));
            clean_decodes.push_back(decode_with(models, layer, v_per_layer.back(), x));
        }
    }
    for (double epsilon : epsilons) {
        const AttackSettings attack = settings_for(method, epsilon, request.pgd_steps, request.pgd_step_size, request.seed);
        AttackSettings control = attack;
        control.method = AttackMethod::RandomSign;
        const torch::Tensor attacked = perturb(models.classifier(), x, attack);
        const torch::Tensor noisy = perturb(models.classifier(), x, control);
        torch::NoGradGuard no_grad;
        AttackSweepPoint point;
        point.epsilon = epsilon;
        point.flip_rate =
            (models.classifier()->forward(attacked).argmax(1) != clean_predictions).to(torch::kDouble).mean().item<double>();
        point.control_flip_rate =
            (models.classifier()->forward(noisy).argmax(1) != clean_predictions).to(torch::kDouble).mean().item<double>();
        for (std::size_t l = 0; l < sweep.layers.size(); ++l) {
            const std::string& layer = sweep.layers[l];
            point.decode_distance.push_back(
                (decode_with(models, layer, v_per_layer[l], attacked) - clean_decodes[l]).abs().mean().item<double>());
            point.control_decode_distance.push_back(
                (decode_with(models, layer, v_per_layer[l], noisy) - clean_decodes[l]).abs().mean().item<double>());
        }
        sweep.points.push_back(point);
    }

    LinePlot plot;
    plot.title = request.method + " sweep over " + std::to_string(request.inputs) + " test images";
    plot.x_label = "epsilon (1/255 of the pixel range)";
    plot.y_label = "mean |decode(x') - decode(x)|";
    plot.secondary_y_label = "prediction flip rate";
    for (std::size_t l = 0; l < sweep.layers.size(); ++l) {
        PlotSeries series{sweep.layers[l], {}, {}, {}, {}, false};
        for (const AttackSweepPoint& p : sweep.points) {
            series.x.push_back(epsilon_to_255(p.epsilon));
            series.y.push_back(p.decode_distance[l]);
        }
        plot.series.push_back(series);
    }
    PlotSeries flips{"flip rate, " + request.method, {}, {}, {}, {}, true};
    PlotSeries control_flips{"flip rate, random sign", {}, {}, {}, {}, true};
    for (const AttackSweepPoint& p : sweep.points) {
        flips.x.push_back(epsilon_to_255(p.epsilon));
        flips.y.push_back(p.flip_rate);
        control_flips.x.push_back(epsilon_to_255(p.epsilon));
        control_flips.y.push_back(p.control_flip_rate);
    }
    plot.series.push_back(flips);
    plot.series.push_back(control_flips);
    plot.height = 480;
    sweep.figure = render_line_plot(plot);

    sweep.provenance = provenance_header("attack --sweep", workspace, test);
    sweep.provenance.update({{"method", request.method},
                             {"epsilons", epsilons},
                             {"inputs", request.inputs},
                             {"layers", sweep.layers},
                             {"seed", request.seed},
                             {"models", models.model_records()}});
    if (method == AttackMethod::Pgd) sweep.provenance["pgd_steps"] = request.pgd_steps;
    return sweep;
}

nlohmann::json to_json(const AttackSweep& sweep) {
    nlohmann::json points = nlohmann::json::array();
    for (const AttackSweepPoint& p : sweep.points) {
        nlohmann::json distance = nlohmann::json::object(), control = nlohmann::json::object();
        for (std::size_t l = 0; l < sweep.layers.size(); ++l) {
            distance[sweep.layers[l]] = p.decode_distance[l];
            control[sweep.layers[l]] = p.control_decode_distance[l];
        }
        points.push_back({{"epsilon", p.epsilon},
                          {"epsilon_in_255ths", epsilon_to_255(p.epsilon)},
                          {"flip_rate", p.flip_rate},
                          {"control_flip_rate", p.control_flip_rate},
                          {"decode_distance", distance},
                          {"control_decode_distance", control}});
    }
    return {{"provenance", sweep.provenance}, {"points", points}};
}

}  // namespace inv
