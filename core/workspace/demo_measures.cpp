#include "core/workspace/demo_measures.h"

#include "core/data/workspace_data.h"
#include "core/training/autoencoder_trainer.h"
#include "core/training/cinn_trainer.h"
#include "core/training/classifier_trainer.h"
#include "core/training/factor_trainer.h"

#include <algorithm>
#include <cstdio>

namespace inv {
namespace {

// The bars the demo workspace is held to; percentages as shares.
constexpr double kClassifierAccuracy = 0.97;
constexpr double kReconstructionAccuracy = 0.95;
constexpr double kColourError = 0.05;
constexpr double kHalfSquaredNormLow = 0.4;
constexpr double kHalfSquaredNormHigh = 0.6;
constexpr double kPredictionKept = 0.90;
constexpr double kInputSampleError = 0.1;
constexpr double kSwapAccuracy = 0.90;
constexpr double kBackgroundSwapError = 0.1;

std::string format_value(const QualityBar& bar, double value) {
    char text[48];
    if (bar.share) {
        std::snprintf(text, sizeof text, "%.1f %%", 100.0 * value);
    } else {
        std::snprintf(text, sizeof text, "%.3f", value);
    }
    return text;
}

}  // namespace

bool QualityBar::met() const {
    return (!at_least || value >= *at_least) && (!at_most || value <= *at_most);
}

std::string QualityBar::bar() const {
    if (at_least && at_most) return format_value(*this, *at_least) + " – " + format_value(*this, *at_most);
    if (at_least) return "≥ " + format_value(*this, *at_least);
    if (at_most) return "≤ " + format_value(*this, *at_most);
    return "";
}

bool QualityReport::all_met() const {
    return missing.empty() && std::all_of(bars.begin(), bars.end(), [](const QualityBar& bar) { return bar.met(); });
}

QualityReport measure_quality_bars(const Workspace& workspace, const std::filesystem::path& data_root,
                                   const QualityMeasureOptions& options,
                                   const std::function<void(const std::string&)>& on_model) {
    const auto tell = [&](const std::string& model) {
        if (on_model) on_model(model);
    };
    const WorkspaceData data = load_workspace_data(workspace, data_root);
    const ImageDataset& test = *data.test;
    const std::size_t images = std::min(options.images, test.size());
    const auto& models = workspace.manifest().models;
    const auto trained = [&](const std::string& name) {
        const auto found = models.find(name);
        return found != models.end() && !found->second.checkpoints.empty();
    };
    QualityReport report;
    for (const char* needed : {"classifier", "autoencoder", "factors"}) {
        if (!trained(needed)) report.missing.push_back(needed);
    }
    if (!trained("classifier")) return report;

    tell("classifier");
    report.bars.push_back({"classifier", "test accuracy", measure_classifier(workspace, test, options.device),
                           kClassifierAccuracy, std::nullopt, test.size(), true});
    if (!trained("autoencoder")) return report;

    tell("autoencoder");
    const AutoencoderQuality autoencoder = measure_autoencoder(workspace, test, images, options.device);
    if (autoencoder.classifier_accuracy) {
        report.bars.push_back({"autoencoder", "classifier accuracy on reconstructions", *autoencoder.classifier_accuracy,
                               kReconstructionAccuracy, std::nullopt, images, true});
    }
    if (autoencoder.foreground_colour_error && autoencoder.background_colour_error) {
        report.bars.push_back(
            {"autoencoder", "foreground colour error", *autoencoder.foreground_colour_error, std::nullopt, kColourError, images});
        report.bars.push_back(
            {"autoencoder", "background colour error", *autoencoder.background_colour_error, std::nullopt, kColourError, images});
    }

    for (const std::string& layer : classifier_layer_names(workspace)) {
        const std::string name = cinn_model_name(layer, std::nullopt);
        if (!trained(name)) continue;
        tell(name);
        const CinnQuality t = measure_cinn(workspace, layer, test, images, options.seed, options.device);
        report.bars.push_back({name, "held-out 1/2 |v|^2 per dimension", t.half_squared_norm_per_dim, kHalfSquaredNormLow,
                               kHalfSquaredNormHigh, images});
        if (t.prediction_agreement) {
            report.bars.push_back(
                {name, "samples keep the prediction", *t.prediction_agreement, kPredictionKept, std::nullopt, images, true});
        }
        if (t.input_sample_error) {
            report.bars.push_back({name, "mean |sample - x|", *t.input_sample_error, std::nullopt, kInputSampleError, images});
        }
    }
    if (!trained("factors")) return report;

    tell("factors");
    const FactorQuality e = measure_factors(workspace, test, options.pairs, options.device);
    const auto pairs = static_cast<std::size_t>(options.pairs);
    if (e.class_swap_accuracy) {
        report.bars.push_back({"factors", "taking B's class factor gives B's class", *e.class_swap_accuracy, kSwapAccuracy,
                               std::nullopt, pairs, true});
    }
    if (e.background_swap_error && e.background_swap_class_kept) {
        report.bars.push_back({"factors", "taking B's background factor: background colour error", *e.background_swap_error,
                               std::nullopt, kBackgroundSwapError, pairs});
        report.bars.push_back({"factors", "... while the class stays A's", *e.background_swap_class_kept, kSwapAccuracy,
                               std::nullopt, pairs, true});
    }
    return report;
}

nlohmann::json to_json(const QualityReport& report) {
    nlohmann::json bars = nlohmann::json::array();
    for (const QualityBar& bar : report.bars) {
        nlohmann::json entry{{"model", bar.model},
                             {"measure", bar.measure},
                             {"value", bar.value},
                             {"met", bar.met()},
                             {"samples", bar.sample_count}};
        if (bar.at_least) entry["at_least"] = *bar.at_least;
        if (bar.at_most) entry["at_most"] = *bar.at_most;
        bars.push_back(entry);
    }
    return {{"bars", bars}, {"missing", report.missing}, {"all_met", report.all_met()}};
}

std::string markdown_table(const QualityReport& report) {
    std::string table = "| model | measure | measured | bar | met |\n|---|---|---|---|---|\n";
    for (const QualityBar& bar : report.bars) {
        table += "| " + bar.model + " | " + bar.measure + " | " + format_value(bar, bar.value) + " | " + bar.bar() + " | " +
                 (bar.met() ? "yes" : "**no**") + " |\n";
    }
    for (const std::string& model : report.missing) table += "| " + model + " | not trained | | | **no** |\n";
    return table;
}

}  // namespace inv
