// `invariances-cli sample` and `analyze …`: figures and numbers of what a layer keeps.
#include "app/cli_commands.h"
#include "app/command_helpers.h"
#include "core/analysis/atlas.h"
#include "core/analysis/epsilon_units.h"
#include "core/analysis/explained_variance.h"
#include "core/analysis/fidelity.h"
#include "core/analysis/invariance_samples.h"
#include "core/analysis/layer_factor_dims.h"
#include "core/data/dataset_catalog.h"
#include "core/data/workspace_data.h"
#include "core/image/png_io.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"
#include "core/workspace/atomic_file.h"

#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct SampleOptions {
    std::filesystem::path workspace;
    InvarianceSampleRequest request;
    std::vector<std::filesystem::path> images;
    std::filesystem::path out;
};

struct ExplainedOptions {
    std::filesystem::path workspace;
    ExplainedVarianceRequest request;
    std::string checkpoints;  // "", "all" or a comma list of steps
    std::filesystem::path out;
};

struct EvaluateOptions {
    std::filesystem::path workspace;
    FidelityRequest request;
    std::filesystem::path out;
};

struct ReportOptions {
    std::filesystem::path workspace;
    AtlasRequest request;
    double epsilon_255 = -1;
};

struct FactorDimsOptions {
    std::filesystem::path workspace;
    FactorDimsRequest request;
    std::filesystem::path out;
};

void run_explained(ExplainedOptions options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::SmallMlp);
    if (options.checkpoints == "all")
        options.request.all_checkpoints = true;
    else if (!options.checkpoints.empty())
        options.request.classifier_steps = parse_step_list(options.checkpoints, "--checkpoints");
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);
    const ExplainedVarianceReport report = explained_variance(workspace, *test, options.request, global.compute_device());
    const nlohmann::json json = to_json(report);
    if (!options.out.empty()) {
        write_figure(options.out, report.layer_figure, json, global);
        if (!report.training_figure.empty()) {
            std::filesystem::path training = options.out;
            training.replace_filename(options.out.stem().string() + "-training.png");
            write_png(training, report.training_figure);
        }
    } else if (global.json) {
        std::printf("%s\n", json.dump(2).c_str());
    }
    if (global.json) return;
    std::printf(
        "variance of each factor of e explained by z, on normal scores (mean +- std over %d repeats of %d inputs);\n"
        "below each layer the same on e's values themselves, and the samples e maps beyond 10 robust deviations\n",
        options.request.repeats, options.request.inputs);
    for (const LayerShares& layer : report.layers) {
        std::printf("  step %-7lld %-10s", static_cast<long long>(layer.classifier_step), layer.layer.c_str());
        for (const FactorShare& f : layer.factors)
            std::printf("  %s %6.2f %% +- %5.2f", f.factor.c_str(), 100 * f.mean, 100 * f.std);
        std::printf("\n  %-23s", "  moments, far samples");
        for (const FactorShare& f : layer.factors) {
            std::printf("  %s %6.2f %%, %4.1f %%", f.factor.c_str(), 100 * f.moments_mean, 100 * f.far_sample_share);
        }
        std::printf("\n");
    }
    if (!options.out.empty()) std::printf("figure: %s (numbers and provenance beside it)\n", options.out.c_str());
}

void run_factor_dims(const FactorDimsOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::SmallMlp);
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);
    const FactorDimsReport report = estimate_layer_factor_dims(workspace, test, options.request, global.compute_device());
    const nlohmann::json json = to_json(report);
    if (!options.out.empty())
        write_figure(options.out, report.figure, json, global);
    else if (global.json)
        std::printf("%s\n", json.dump(2).c_str());
    if (global.json) return;
    std::printf(
        "factor scores of z per layer over %d pairs (score = share of z's variance shared by pairs with that factor; "
        "dims = softmax(scores) x size of z)\n",
        options.request.pairs);
    for (const LayerFactorDims& layer : report.layers) {
        std::printf("  %-10s %6lld dims:", layer.layer.c_str(), static_cast<long long>(layer.dims));
        for (std::size_t f = 0; f < layer.factors.size(); ++f) {
            std::printf("  %s %.3f (%d)", layer.factors[f].c_str(), layer.scores[f], layer.sizes[f]);
        }
        std::printf("\n");
    }
}

void run_evaluate(const EvaluateOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::SmallMlp);
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);
    const FidelityReport report = evaluate_fidelity(workspace, *test, options.request, global.compute_device());
    const nlohmann::json json = to_json(report);
    if (!options.out.empty())
        write_figure(options.out, report.figure, json, global);
    else if (global.json)
        std::printf("%s\n", json.dump(2).c_str());
    if (global.json) return;
    std::printf(
        "Frechet distance to %d held-out test images in the features of the workspace's evaluation network\n"
        "(global averages of its stages; NOT Inception FID, not comparable with the paper's numbers)\n",
        options.request.images);
    std::printf("  %-10s %12s %14s %8s\n", "layer", "ours", "inversion", "ours <=");
    for (const LayerFidelity& layer : report.layers) {
        std::printf("  %-10s %12.3f %14.3f %8s\n", layer.layer.c_str(), layer.samples, layer.baseline,
                    layer.samples <= layer.baseline ? "yes" : "no");
    }
    std::printf("  references: autoencoder reconstructions %.3f, real vs real %.3f\n", report.reconstructions,
                report.real_to_real);
    if (!options.out.empty()) std::printf("figure: %s (numbers and provenance beside it)\n", options.out.c_str());
}

void run_report(ReportOptions options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::SmallMlp);
    if (options.epsilon_255 >= 0) options.request.epsilon = epsilon_from_255(options.epsilon_255);
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);
    AtlasRequest request = options.request;
    request.device = global.compute_device();
    const std::filesystem::path index =
        write_atlas(workspace, test, request, [&](const std::string& section, int done, int total) {
            std::fprintf(stderr, "atlas [%d/%d] %s\n", done, total, section.c_str());
        });
    if (global.json)
        std::printf("%s\n", nlohmann::json{{"index", index.string()}}.dump(2).c_str());
    else
        std::printf("invariance atlas: %s (open it in a browser; it works offline)\n", index.c_str());
}

void run_sample(SampleOptions options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::Figures);
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = options.request.inputs_from.empty() ? workspace_test_set(workspace, global)
                                                          : foreign_test_set(options.request.inputs_from, workspace, global);
    options.request.extra_inputs = read_user_images(options.images, *test);
    const InvarianceSamples samples = sample_invariances(workspace, *test, options.request, global.compute_device());
    const std::filesystem::path json_path = write_figure(options.out, samples.figure, to_json(samples), global);
    if (global.json) return;
    std::printf("layer %s: %d inputs x %d samples -> %s (numbers and provenance in %s)\n", options.request.layer.c_str(),
                options.request.inputs, options.request.samples, options.out.c_str(), json_path.c_str());
    std::printf("re-encoded samples: cos(Phi(x_bar), z) = %.3f +- %.3f; random pairs of inputs: %.3f +- %.3f\n",
                samples.reencoded_cosine.mean, samples.reencoded_cosine.std, samples.random_pair_cosine.mean,
                samples.random_pair_cosine.std);
}

}  // namespace

void add_analysis_commands(CLI::App& app, const GlobalOptions& global) {
    auto options = std::make_shared<SampleOptions>();
    CLI::App* sample =
        app.add_subcommand("sample",
                           "The z-by-v grid of a layer: one row per input (its z), one column per invariance sample v "
                           "(the same v in every row), x_bar = D(t^-1(v | z)); writes FILE.png and FILE.json");
    sample->add_option("--workspace", options->workspace, "Workspace folder")->required();
    sample->add_option("--layer", options->request.layer, "Layer (see `invariances-cli layers`)")->required();
    sample->add_option("--inputs", options->request.inputs, "Rows: test images (0 with --image)")
        ->check(CLI::Range(0, 64))
        ->capture_default_str();
    sample
        ->add_option("--image", options->images,
                     "An image file of your own (PNG, JPEG, ...; centre-cropped and resized to the model's input) "
                     "as a further row; repeatable")
        ->check(CLI::ExistingFile);
    sample
        ->add_option("--inputs-from", options->request.inputs_from,
                     "Take the test images from another domain (colormnist or colorfashion): what the layers keep of "
                     "images the classifier never saw (see also analyze domain-shift)")
        ->check(CLI::IsMember(dataset_kind_names()));
    sample->add_option("--samples", options->request.samples, "Columns: invariance samples v")
        ->check(CLI::Range(1, 64))
        ->capture_default_str();
    sample->add_option("--seed", options->request.seed, "Picks the inputs and draws the v's")->capture_default_str();
    sample->add_option("--temperature", options->request.temperature, "v ~ N(0, T^2 I)")
        ->check(CLI::Range(0.0f, 4.0f))
        ->capture_default_str();
    sample->add_option("--scale", options->request.scale, "Magnification of each 32x32 cell")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    sample->add_option("--out", options->out, "PNG to write; the JSON goes beside it")->required();
    sample->callback([options, &global] { run_sample(*options, global); });

    CLI::App* analyze = app.add_subcommand("analyze", "Numbers about what the layers keep");
    analyze->require_subcommand(1);
    auto explained = std::make_shared<ExplainedOptions>();
    CLI::App* ev = analyze->add_subcommand("explained-variance",
                                           "Variance of each semantic factor of e explained by z, per layer and per classifier "
                                           "checkpoint (docs/method.md, section 6)");
    ev->add_option("--workspace", explained->workspace, "Workspace folder")->required();
    ev->add_option("--layers", explained->request.layers, "Layers (default: every layer with a trained t)")->delimiter(',');
    ev->add_option("--checkpoints", explained->checkpoints,
                   "Classifier steps to analyse: `all` (every checkpoint with a t, see `train cinn --classifier-step`) "
                   "or a comma list (default: the last)");
    ev->add_option("--inputs", explained->request.inputs, "Test images per repeat")
        ->check(CLI::Range(2, 10000))
        ->capture_default_str();
    ev->add_option("--repeats", explained->request.repeats, "Repeats for the spread")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    ev->add_option("--seed", explained->request.seed, "Picks the inputs and draws the v's")->capture_default_str();
    ev->add_option("--out", explained->out,
                   "PNG of the shares per layer; the JSON goes beside it, and FILE-training.png plots the shares over "
                   "the checkpoints when several are analysed");
    ev->callback([explained, &global] { run_explained(*explained, global); });

    auto dims = std::make_shared<FactorDimsOptions>();
    CLI::App* fd =
        analyze->add_subcommand("factor-dims",
                                "The factor-size estimate (docs/method.md, section 4) applied to z at each layer: how much of z "
                                "pairs sharing the digit, the foreground or the background colour have in common");
    fd->add_option("--workspace", dims->workspace, "Workspace folder")->required();
    fd->add_option("--layers", dims->request.layers, "Layers (default: every layer)")->delimiter(',');
    fd->add_option("--pairs", dims->request.pairs, "Test pairs sharing one factor")
        ->check(CLI::Range(10, 100000))
        ->capture_default_str();
    fd->add_option("--seed", dims->request.seed, "Draws the pairs")->capture_default_str();
    fd->add_option("--out", dims->out, "PNG of the scores per layer; the JSON (numbers and provenance) goes beside it");
    fd->callback([dims, &global] { run_factor_dims(*dims, global); });

    auto report = std::make_shared<ReportOptions>();
    CLI::App* rp =
        app.add_subcommand("report",
                           "The invariance atlas: one offline HTML page with every analysis for every layer (grids, mixing, "
                           "explained variance, factor sizes, edits, attacks, the baseline comparison), metrics and provenance");
    rp->add_option("--workspace", report->workspace, "Workspace folder")->required();
    rp->add_option("--out", report->request.out, "Folder for index.html and its figures")->required();
    rp->add_option("--seed", report->request.seed, "Seed of every figure")->capture_default_str();
    rp->add_option("--index", report->request.example, "Test image for the edits, mixing and attack")->capture_default_str();
    rp->add_option("--with", report->request.partner, "Second test image for the edits and mixing")->capture_default_str();
    rp->add_option("--eps-255", report->epsilon_255, "Attack epsilon in 1/255 steps (default 2.55, i.e. 0.02 image units)")
        ->check(CLI::Range(0.0, 255.0));
    rp->add_option("--explained-inputs", report->request.explained_inputs, "Test images per repeat of the explained variance")
        ->check(CLI::Range(2, 10000))
        ->capture_default_str();
    rp->add_option("--repeats", report->request.repeats, "Repeats of the explained variance")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    rp->add_option("--sweep-inputs", report->request.sweep_inputs, "Test images in the attack sweep")
        ->check(CLI::Range(1, 2000))
        ->capture_default_str();
    rp->add_option("--fidelity-images", report->request.fidelity_images, "Images per set for the Frechet distances")
        ->check(CLI::Range(10, 100000))
        ->capture_default_str();
    rp->callback([report, &global] { run_report(*report, global); });

    auto evaluate = std::make_shared<EvaluateOptions>();
    CLI::App* ea =
        app.add_subcommand("evaluate",
                           "The paper's Table 1 on our data: per layer, Frechet distance of samples D(t^-1(v|z)) and of the "
                           "inversion baseline's reconstructions to held-out images, in the evaluation network's features "
                           "(needs `train evaluator` and `train inversion`)");
    ea->add_option("--workspace", evaluate->workspace, "Workspace folder")->required();
    ea->add_option("--layers", evaluate->request.layers, "Layers (default: every layer with t and the baseline)")->delimiter(',');
    ea->add_option("--images", evaluate->request.images, "Images per set (at most half the test split)")
        ->check(CLI::Range(10, 100000))
        ->capture_default_str();
    ea->add_option("--seed", evaluate->request.seed, "Splits the test set and draws the v's")->capture_default_str();
    ea->add_option("--out", evaluate->out, "PNG of the distances per layer; the JSON goes beside it");
    ea->callback([evaluate, &global] { run_evaluate(*evaluate, global); });
}

}  // namespace inv
