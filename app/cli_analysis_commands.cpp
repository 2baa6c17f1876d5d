// `invariances-cli sample`: figures of what a layer keeps and what it is blind to.
#include "app/cli_commands.h"
#include "core/analysis/explained_variance.h"
#include "core/analysis/invariance_samples.h"
#include "core/atomic_file.h"
#include "core/dataset_catalog.h"
#include "core/errors.h"
#include "core/png_io.h"
#include "core/thread_settings.h"

#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct SampleOptions {
    std::filesystem::path workspace;
    InvarianceSampleRequest request;
    std::filesystem::path out;
};

struct ExplainedOptions {
    std::filesystem::path workspace;
    ExplainedVarianceRequest request;
    std::filesystem::path out;
};

// The test split of a workspace's data set, as every analysis uses it.
std::shared_ptr<const ColorDataset> workspace_test_set(const Workspace& workspace, const GlobalOptions& global) {
    const std::optional<DatasetKind> kind = parse_dataset_kind(workspace.manifest().dataset.kind);
    if (!kind) throw UserError("this build analyses colormnist or colorfashion workspaces only.");
    const SourceImages source = load_source_images(*kind, global.data_root);
    return make_color_dataset(source, Split::Test, workspace.manifest().dataset.colour_seed);
}

void run_explained(const ExplainedOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::SmallMlp);
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);
    const ExplainedVarianceReport report = explained_variance(workspace, *test, options.request);
    const nlohmann::json json = to_json(report);
    if (!options.out.empty()) write_file_atomically(options.out, json.dump(2) + "\n");
    if (global.json) {
        std::printf("%s\n", json.dump(2).c_str());
        return;
    }
    std::printf("variance of each factor of e explained by z (mean +- std over %d repeats of %d inputs)\n",
                options.request.repeats, options.request.inputs);
    for (const LayerShares& layer : report.layers) {
        std::printf("  %-10s", layer.layer.c_str());
        for (const FactorShare& f : layer.factors) std::printf("  %s %6.2f %% +- %5.2f", f.factor.c_str(), 100 * f.mean, 100 * f.std);
        std::printf("\n");
    }
}

void run_sample(const SampleOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::SmallMlp);
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);

    const InvarianceSamples samples = sample_invariances(workspace, *test, options.request);
    std::filesystem::path json_path = options.out;
    json_path.replace_extension(".json");
    write_png(options.out, samples.figure);
    const nlohmann::json report = to_json(samples);
    write_file_atomically(json_path, report.dump(2) + "\n");
    if (global.json) {
        std::printf("%s\n", report.dump(2).c_str());
        return;
    }
    std::printf("layer %s: %d inputs x %d samples -> %s (numbers and provenance in %s)\n", options.request.layer.c_str(),
                options.request.inputs, options.request.samples, options.out.c_str(), json_path.c_str());
    std::printf("re-encoded samples: cos(Phi(x_bar), z) = %.3f +- %.3f; random pairs of inputs: %.3f +- %.3f\n",
                samples.reencoded_cosine.mean, samples.reencoded_cosine.std, samples.random_pair_cosine.mean,
                samples.random_pair_cosine.std);
}

}  // namespace

void add_analysis_commands(CLI::App& app, const GlobalOptions& global) {
    auto options = std::make_shared<SampleOptions>();
    CLI::App* sample = app.add_subcommand(
        "sample", "The z-by-v grid of a layer: one row per input (its z), one column per invariance sample v "
                  "(the same v in every row), x_bar = D(t^-1(v | z)); writes FILE.png and FILE.json");
    sample->add_option("--workspace", options->workspace, "Workspace folder")->required();
    sample->add_option("--layer", options->request.layer, "Layer (see `invariances-cli layers`)")->required();
    sample->add_option("--inputs", options->request.inputs, "Rows: test images")->check(CLI::Range(1, 64))->capture_default_str();
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
    CLI::App* ev = analyze->add_subcommand(
        "explained-variance", "Variance of each semantic factor of e explained by z, per layer (method.md section 6)");
    ev->add_option("--workspace", explained->workspace, "Workspace folder")->required();
    ev->add_option("--layers", explained->request.layers, "Layers (default: every layer with a trained t)")->delimiter(',');
    ev->add_option("--inputs", explained->request.inputs, "Test images per repeat")->check(CLI::Range(2, 10000))->capture_default_str();
    ev->add_option("--repeats", explained->request.repeats, "Repeats for the spread")->check(CLI::Range(1, 100))->capture_default_str();
    ev->add_option("--seed", explained->request.seed, "Picks the inputs and draws the v's")->capture_default_str();
    ev->add_option("--out", explained->out, "Also write the JSON (numbers and provenance) to this file");
    ev->callback([explained, &global] { run_explained(*explained, global); });
}

}  // namespace inv
