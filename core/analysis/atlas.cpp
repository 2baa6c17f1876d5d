#include "core/analysis/atlas.h"

#include "core/analysis/analysis_models.h"
#include "core/analysis/epsilon_units.h"
#include "core/analysis/explained_variance.h"
#include "core/analysis/fidelity.h"
#include "core/analysis/image_mixing.h"
#include "core/analysis/invariance_samples.h"
#include "core/analysis/layer_attack.h"
#include "core/analysis/layer_factor_dims.h"
#include "core/analysis/semantic_edit.h"
#include "core/image/png_io.h"
#include "core/models/classifier_config.h"
#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/model_names.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <sstream>
#include <utility>

namespace inv {
namespace {

std::string escape(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string fixed(double value, int digits = 2) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", digits, value);
    return text;
}

std::string percent(double fraction) {
    return fixed(100 * fraction, 1) + " %";
}

// One section of the page, built as its figures are written.
class Page {
public:
    Page(std::filesystem::path folder) : m_folder(std::move(folder)) {}

    void heading(const std::string& title, const std::string& anchor) {
        m_body << "<h2 id=\"" << anchor << "\">" << escape(title) << "</h2>\n";
        m_toc << "<li><a href=\"#" << anchor << "\">" << escape(title) << "</a></li>\n";
    }
    void subheading(const std::string& title) { m_body << "<h3>" << escape(title) << "</h3>\n"; }
    void paragraph(const std::string& html) { m_body << "<p>" << html << "</p>\n"; }
    void raw(const std::string& html) { m_body << html; }

    // Writes name.png and name.json and shows the figure with a link to its numbers.
    void figure(const std::string& name, const RgbaImage& image, const nlohmann::json& numbers, const std::string& caption) {
        write_png(m_folder / (name + ".png"), image);
        write_file_atomically(m_folder / (name + ".json"), numbers.dump(2) + "\n");
        m_body << "<figure><img src=\"" << name << ".png\" alt=\"" << escape(caption) << "\"><figcaption>" << escape(caption)
               << " (<a href=\"" << name << ".json\">numbers and provenance</a>)</figcaption></figure>\n";
    }
    void missing(const UserError& error) { m_body << "<p class=\"missing\">Not available: " << escape(error.what()) << "</p>\n"; }

    void table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
        m_body << "<table><tr>";
        for (const std::string& h : header) m_body << "<th>" << escape(h) << "</th>";
        m_body << "</tr>\n";
        for (const auto& row : rows) {
            m_body << "<tr>";
            for (const std::string& cell : row) m_body << "<td>" << escape(cell) << "</td>";
            m_body << "</tr>\n";
        }
        m_body << "</table>\n";
    }

    std::string html(const std::string& title, const std::string& intro) const {
        std::ostringstream page;
        page << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << escape(title) << "</title>\n"
             << "<style>body{font-family:sans-serif;max-width:1200px;margin:auto;padding:1em;color:#222}"
                "img{image-rendering:pixelated;max-width:100%;border:1px solid #ddd}"
                "table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                "th{background:#f3f3f3}figure{margin:1em 0}figcaption{font-size:90%;color:#555}"
                ".missing{color:#a33}pre{background:#f7f7f7;padding:0.5em;overflow:auto;font-size:80%}</style>\n"
             << "</head><body>\n<h1>" << escape(title) << "</h1>\n"
             << intro << "<ul>" << m_toc.str() << "</ul>\n"
             << m_body.str() << "</body></html>\n";
        return page.str();
    }

private:
    std::filesystem::path m_folder;
    std::ostringstream m_body;
    std::ostringstream m_toc;
};

// The context every section reads: the workspace, its test split and the request.
struct AtlasContext {
    const Workspace& workspace;
    const std::shared_ptr<const ImageDataset>& test;
    const AtlasRequest& request;
};

void add_metrics(Page& page, const AtlasContext& atlas) {
    page.heading("Models and their metrics", "metrics");
    std::vector<std::vector<std::string>> rows;
    for (const auto& [name, entry] : atlas.workspace.manifest().models) {
        if (entry.checkpoints.empty()) continue;
        const CheckpointEntry& last = entry.checkpoints.back();
        std::string metrics;
        for (const auto& [key, value] : last.metrics.items()) {
            metrics +=
                (metrics.empty() ? "" : "; ") + key + " " + (value.is_number() ? fixed(value.get<double>(), 4) : value.dump());
        }
        rows.push_back({name, entry.kind, std::to_string(last.step), last.file, metrics});
    }
    page.table({"model", "kind", "step", "file", "metrics (test split)"}, rows);
}

void add_grids(Page& page, const AtlasContext& atlas, const std::vector<std::string>& layers) {
    const AtlasRequest& request = atlas.request;
    page.heading("What each layer keeps: z-by-v grids", "grids");
    page.paragraph(
        "One row per test image (its z), one column per invariance sample v, the same v in every column; "
        "the first column is the input. What stays fixed along a row is what the layer sees; what varies is "
        "what it is blind to. Captions are the classifier's predictions.");
    std::vector<std::vector<std::string>> cosine_rows;
    for (const std::string& layer : layers) {
        try {
            InvarianceSampleRequest sample;
            sample.layer = layer;
            sample.inputs = 4;
            sample.samples = 8;
            sample.seed = request.seed;
            const InvarianceSamples samples = sample_invariances(atlas.workspace, *atlas.test, sample, request.device);
            page.subheading(layer);
            page.figure("sample-" + layer, samples.figure, to_json(samples), "z-by-v grid at " + layer);
            cosine_rows.push_back({layer,
                                   fixed(samples.reencoded_cosine.mean, 3) + " ± " + fixed(samples.reencoded_cosine.std, 3),
                                   fixed(samples.random_pair_cosine.mean, 3) + " ± " + fixed(samples.random_pair_cosine.std, 3)});
            MixRequest mix_request;
            mix_request.layer = layer;
            mix_request.index = request.example;
            mix_request.with = request.partner;
            mix_request.scale = 3;
            const ImageMix mix = mix_images(atlas.workspace, *atlas.test, mix_request, request.device);
            page.figure("mix-" + layer, mix.figure, to_json(mix),
                        "mixing at " + layer + ": the invariances of one image with the representation of the other");
        } catch (const UserError& error) {
            page.missing(error);
        }
    }
    page.subheading("Re-encoding: cos(Φ(x̄), z) of samples against random pairs of inputs");
    page.table({"layer", "samples vs their z", "random pairs"}, cosine_rows);
}

void add_explained_variance(Page& page, const AtlasContext& atlas) {
    const AtlasRequest& request = atlas.request;
    page.heading("Semantic analysis: variance of each factor explained by z", "explained");
    try {
        ExplainedVarianceRequest explained;
        explained.all_checkpoints = true;
        explained.inputs = request.explained_inputs;
        explained.repeats = request.repeats;
        explained.seed = request.seed;
        const ExplainedVarianceReport report = explained_variance(atlas.workspace, *atlas.test, explained, request.device);
        page.figure("explained-variance", report.layer_figure, to_json(report),
                    "explained variance per layer (on normal scores), mean ± std over repeats");
        if (!report.training_figure.empty()) {
            write_png(request.out / "explained-variance-training.png", report.training_figure);
            page.raw(
                "<figure><img src=\"explained-variance-training.png\" alt=\"over training\"><figcaption>explained variance "
                "over the classifier's training, with its test accuracy</figcaption></figure>\n");
        } else {
            page.paragraph(
                "Over training: train t against earlier classifier checkpoints first (<code>invariances-cli train cinn "
                "--layer logits --classifier-steps all</code>).");
        }
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> header{"step", "layer"};
        for (const FactorShare& f : report.layers.front().factors) header.push_back(f.factor);
        for (const LayerShares& row : report.layers) {
            std::vector<std::string> cells{std::to_string(row.classifier_step), row.layer};
            for (const FactorShare& f : row.factors) {
                cells.push_back(fixed(100 * f.mean, 1) + " ± " + fixed(100 * f.std, 1) + " %");
            }
            rows.push_back(cells);
        }
        page.table(header, rows);
    } catch (const UserError& error) {
        page.missing(error);
    }
}

void add_factor_sizes(Page& page, const AtlasContext& atlas) {
    page.heading("Factor sizes of z (docs/method.md §4 applied to each layer)", "factor-dims");
    try {
        FactorDimsRequest request;
        request.seed = atlas.request.seed;
        const FactorDimsReport dims = estimate_layer_factor_dims(atlas.workspace, atlas.test, request, atlas.request.device);
        std::vector<std::vector<std::string>> rows;
        std::vector<std::string> header{"layer", "size of z"};
        for (const std::string& f : dims.layers.front().factors) header.push_back(f + " score (dims)");
        for (const LayerFactorDims& layer : dims.layers) {
            std::vector<std::string> cells{layer.layer, std::to_string(layer.dims)};
            for (std::size_t f = 0; f < layer.factors.size(); ++f) {
                cells.push_back(fixed(layer.scores[f], 3) + " (" + std::to_string(layer.sizes[f]) + ")");
            }
            rows.push_back(cells);
        }
        page.table(header, rows);
        page.figure("factor-dims", dims.figure, to_json(dims), "factor scores of z per layer");
    } catch (const UserError& error) {
        page.missing(error);
    }
}

void add_edits(Page& page, const AtlasContext& atlas, const std::vector<std::string>& prediction_names) {
    const AtlasRequest& request = atlas.request;
    page.heading("Semantic modification through e", "edits");
    page.paragraph("Each factor of image " + std::to_string(request.example) + " replaced by that of image " +
                   std::to_string(request.partner) + "; all other factors kept.");
    std::vector<std::string> factors{"residual"};
    for (const FactorSpec& spec : atlas.test->factors()) factors.push_back(spec.name);
    for (const std::string& factor : factors) {
        try {
            SemanticEditRequest edit;
            edit.index = request.example;
            edit.factor = factor;
            edit.from_index = request.partner;
            edit.scale = 3;
            const SemanticEdit result = edit_semantics(atlas.workspace, *atlas.test, edit, request.device);
            page.figure("edit-" + factor, result.figure, to_json(result),
                        factor + " taken from the other image: classified " +
                            prediction_names.at(static_cast<std::size_t>(result.edited_prediction)));
        } catch (const UserError& error) {
            page.missing(error);
        }
    }
}

void add_attacks(Page& page, const AtlasContext& atlas) {
    const AtlasRequest& request = atlas.request;
    page.heading("Adversarial attacks, layer by layer", "attacks");
    try {
        LayerAttackRequest attack;
        attack.epsilon = request.epsilon;
        attack.index = request.example;
        attack.explained_inputs = request.explained_inputs;
        attack.repeats = request.repeats;
        attack.seed = request.seed;
        const LayerAttack panel = attack_layers(atlas.workspace, *atlas.test, attack, request.device);
        page.figure("attack-fgsm", panel.figure, to_json(panel),
                    "FGSM, eps " + fixed(request.epsilon, 4) + " (" + fixed(epsilon_to_255(request.epsilon)) +
                        "/255): rows none / random-sign control / attack; decodes D(t^-1(v|z')) with the clean image's v");
        std::vector<std::vector<std::string>> rows;
        for (std::size_t l = 0; l < panel.layers.size(); ++l) {
            rows.push_back(
                {panel.layers[l], percent(panel.explained_by_v[l].mean) + " ± " + fixed(100 * panel.explained_by_v[l].std, 1)});
        }
        page.subheading("Variance of z̄ explained by v, per layer");
        page.table({"layer", "explained by v"}, rows);
        AttackSweepRequest sweep_request;
        sweep_request.inputs = request.sweep_inputs;
        sweep_request.seed = request.seed;
        const AttackSweep sweep = sweep_attack(atlas.workspace, *atlas.test, sweep_request, request.device);
        page.figure("attack-sweep", sweep.figure, to_json(sweep),
                    "FGSM sweep over eps: flip rate and distance of each layer's decode from the clean decode");
    } catch (const UserError& error) {
        page.missing(error);
    }
}

void add_inversion_baseline(Page& page, const AtlasContext& atlas) {
    page.heading("Against the inversion baseline (paper Table 1 on our data)", "evaluate");
    try {
        FidelityRequest fidelity;
        fidelity.images = std::min<int>(atlas.request.fidelity_images, static_cast<int>(atlas.test->size() / 2));
        fidelity.seed = atlas.request.seed;
        const FidelityReport report = evaluate_fidelity(atlas.workspace, *atlas.test, fidelity, atlas.request.device);
        page.figure("evaluate", report.figure, to_json(report),
                    "Frechet distance to held-out images in the evaluation network's features (not Inception FID)");
        std::vector<std::vector<std::string>> rows;
        for (const LayerFidelity& layer : report.layers) {
            rows.push_back(
                {layer.layer, fixed(layer.samples, 3), fixed(layer.baseline, 3), layer.samples <= layer.baseline ? "yes" : "no"});
        }
        page.table({"layer", "ours", "inversion baseline", "ours ≤ baseline"}, rows);
        page.paragraph("References: autoencoder reconstructions " + fixed(report.reconstructions, 3) + ", real against real " +
                       fixed(report.real_to_real, 3) + ".");
    } catch (const UserError& error) {
        page.missing(error);
    }
}

// Layers with a t for the last classifier checkpoint, in the network's order.
std::vector<std::string> layers_with_t(const Workspace& workspace) {
    std::vector<std::string> layers;
    const auto& models = workspace.manifest().models;
    if (!models.count("classifier")) return layers;
    for (const LayerInfo& layer : workspace_classifier_layers(models.at("classifier").config)) {
        const auto found = models.find(cinn_model_name(layer.name));
        if (found != models.end() && !found->second.checkpoints.empty()) layers.push_back(layer.name);
    }
    return layers;
}

}  // namespace

std::filesystem::path write_atlas(const Workspace& workspace, const std::shared_ptr<const ImageDataset>& test,
                                  const AtlasRequest& request, const AtlasProgress& progress) {
    std::filesystem::create_directories(request.out);
    Page page(request.out);
    const AtlasContext atlas{workspace, test, request};
    const std::vector<std::string> prediction_names =
        workspace.manifest().models.count("classifier")
            ? AnalysisModels(workspace, std::nullopt, request.device).prediction_names(*test)
            : test->class_names();
    const std::vector<std::pair<std::string, std::function<void()>>> sections{
        {"metrics", [&] { add_metrics(page, atlas); }},
        {"representations", [&] { add_grids(page, atlas, layers_with_t(workspace)); }},
        {"explained variance", [&] { add_explained_variance(page, atlas); }},
        {"factor sizes", [&] { add_factor_sizes(page, atlas); }},
        {"semantic edits", [&] { add_edits(page, atlas, prediction_names); }},
        {"attacks", [&] { add_attacks(page, atlas); }},
        {"inversion baseline", [&] { add_inversion_baseline(page, atlas); }}};
    const int total = static_cast<int>(sections.size());
    for (int done = 0; done < total; ++done) {
        if (progress) progress(sections[static_cast<std::size_t>(done)].first, done, total);
        sections[static_cast<std::size_t>(done)].second();
    }
    if (progress) progress("done", total, total);

    const std::string intro = "<p>Workspace <code>" + escape(workspace.folder().string()) + "</code>, data set " +
                              escape(test->name()) + ", seed " + std::to_string(request.seed) + ", written by invariances " +
                              INVARIANCES_VERSION +
                              ". Every figure links to a JSON file with its numbers and provenance (model files with "
                              "checksums, settings); the same command reproduces the same files.</p>\n";
    const std::filesystem::path index = request.out / "index.html";
    write_file_atomically(index, page.html("Invariance atlas", intro));
    return index;
}

}  // namespace inv
