// `invariances-cli sample`: figures of what a layer keeps and what it is blind to.
#include "app/cli_commands.h"
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

void run_sample(const SampleOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::SmallMlp);
    const Workspace workspace = Workspace::open(options.workspace);
    const std::optional<DatasetKind> kind = parse_dataset_kind(workspace.manifest().dataset.kind);
    if (!kind) throw UserError("this build samples colormnist or colorfashion workspaces only.");
    const SourceImages source = load_source_images(*kind, global.data_root);
    const auto test = make_color_dataset(source, Split::Test, workspace.manifest().dataset.colour_seed);

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
}

}  // namespace inv
