// `invariances-cli compare` and `analyze domain-shift`: two models on the same images, one model on
// images of another domain.
#include "app/cli_commands.h"
#include "app/command_helpers.h"
#include "core/analysis/domain_shift.h"
#include "core/analysis/model_comparison.h"
#include "core/data/dataset_catalog.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"
#include "core/workspace/workspace.h"

#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct CompareOptions {
    std::filesystem::path workspace;
    std::filesystem::path with;
    ComparisonRequest request;
    std::filesystem::path out;
};

struct DomainShiftOptions {
    std::filesystem::path workspace;
    DomainShiftRequest request;
    std::filesystem::path out;
};

void run_compare(CompareOptions options, const GlobalOptions& global) {
    if (options.with.empty()) throw UserError("compare needs the second classifier's workspace: --against FOLDER.");
    apply_thread_profile(ThreadProfile::Figures);
    const Workspace first = Workspace::open(options.workspace);
    const Workspace second = Workspace::open(options.with);
    const auto test = options.request.samples.inputs_from.empty()
                          ? workspace_test_set(first, global)
                          : foreign_test_set(options.request.samples.inputs_from, first, global);
    const ModelComparison comparison = compare_models(first, second, *test, options.request, global.compute_device());
    const std::filesystem::path json = write_figure(options.out, comparison.figure, to_json(comparison), global);
    if (global.json) return;
    std::printf(
        "layer %s, the same %d inputs and the same %d v (digest %s) for both: %s (left) and %s (right) -> %s (numbers in %s)\n",
        options.request.samples.layer.c_str(), options.request.samples.inputs, options.request.samples.samples,
        comparison.first.v_digest.c_str(), options.workspace.c_str(), options.with.c_str(), options.out.c_str(), json.c_str());
    if (comparison.first_explained && comparison.second_explained) {
        std::printf("explained variance at %s:\n  %s: %s\n  %s: %s\n", options.request.samples.layer.c_str(),
                    options.workspace.c_str(), describe_shares(*comparison.first_explained).c_str(), options.with.c_str(),
                    describe_shares(*comparison.second_explained).c_str());
    }
}

void run_domain_shift(DomainShiftOptions options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::Figures);
    const Workspace workspace = Workspace::open(options.workspace);
    const auto native = workspace_test_set(workspace, global);
    const auto foreign = foreign_test_set(options.request.inputs_from, workspace, global);
    const DomainShift shift = analyse_domain_shift(workspace, *native, *foreign, options.request, global.compute_device());
    const std::filesystem::path json = write_figure(options.out, shift.figure, to_json(shift), global);
    if (!shift.warning.empty()) std::fprintf(stderr, "warning: %s.\n", shift.warning.c_str());
    if (global.json) return;
    std::printf("%s through the networks of %s: samples per layer -> %s (numbers in %s)\n", foreign->name().c_str(),
                options.workspace.c_str(), options.out.c_str(), json.c_str());
    std::printf("autoencoder reconstruction error: %.3f on %s, %.3f on %s\n", shift.native_reconstruction_l1,
                native->name().c_str(), shift.foreign_reconstruction_l1, foreign->name().c_str());
    for (const DomainShiftLayer& layer : shift.layers) {
        std::printf("  %-8s", layer.layer.c_str());
        for (std::size_t f = 0; f < layer.native.size() && f < layer.foreign.size(); ++f) {
            std::printf("  %s %.0f %% (own) / %.0f %% (foreign)", layer.native[f].factor.c_str(), 100.0 * layer.native[f].mean,
                        100.0 * layer.foreign[f].mean);
        }
        std::printf("\n");
    }
}

}  // namespace

void add_comparison_commands(CLI::App& app, const GlobalOptions& global) {
    auto compare = std::make_shared<CompareOptions>();
    compare->request.samples.inputs = 3;
    compare->request.samples.samples = 6;
    CLI::App* cmd =
        app.add_subcommand("compare",
                           "Two classifiers side by side: the same inputs, the same invariance samples v, decoded through each "
                           "one's t at a layer, and the explained variance of e's factors there for both");
    cmd->add_option("--workspace", compare->workspace, "Workspace of the first classifier")->required();
    CLI::Option* against = cmd->add_option("--against", compare->with,
                                           "Workspace of the second classifier; it must share the first's autoencoder (the "
                                           "demo's colour-blind companion does: invariances-cli demo colour-blind)");
    // The earlier spelling, kept for scripts; elsewhere --with names a test image, hence the new name.
    CLI::Option* with = cmd->add_option("--with", compare->with)->group("");
    against->excludes(with);
    cmd->add_option("--layer", compare->request.samples.layer, "Layer, with a trained t in both")->required();
    cmd->add_option("--inputs", compare->request.samples.inputs, "Rows: test images")
        ->check(CLI::Range(1, 32))
        ->capture_default_str();
    cmd->add_option("--samples", compare->request.samples.samples, "Columns: invariance samples v")
        ->check(CLI::Range(1, 32))
        ->capture_default_str();
    cmd->add_option("--seed", compare->request.samples.seed, "Picks the inputs and draws the v's (the same for both)")
        ->capture_default_str();
    cmd->add_option("--inputs-from", compare->request.samples.inputs_from, "Test images from another domain")
        ->check(CLI::IsMember(dataset_kind_names()));
    cmd->add_option("--explained-inputs", compare->request.explained_inputs,
                    "Test images per repeat for the explained variance at the layer (0: skip it; needs e)")
        ->check(CLI::Range(0, 10000))
        ->capture_default_str();
    cmd->add_option("--repeats", compare->request.repeats, "Repeats of the explained variance")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    cmd->add_option("--out", compare->out, "PNG of both grids; the JSON goes beside it")->required();
    cmd->callback([compare, &global] { run_compare(*compare, global); });

    CLI::App* analyze = app.get_subcommand("analyze");
    auto shift = std::make_shared<DomainShiftOptions>();
    CLI::App* ds =
        analyze->add_subcommand("domain-shift",
                                "Images of another domain through a workspace's classifier: invariance samples per layer and the "
                                "explained variance of e's factors on both domains, with a check that the autoencoder can "
                                "represent the foreign images");
    ds->add_option("--workspace", shift->workspace, "Workspace folder")->required();
    ds->add_option("--inputs-from", shift->request.inputs_from, "The other domain: colormnist or colorfashion")
        ->check(CLI::IsMember(dataset_kind_names()))
        ->required();
    ds->add_option("--layers", shift->request.layers, "Layers (default: every layer with a trained t)")->delimiter(',');
    ds->add_option("--inputs", shift->request.inputs, "Foreign images per layer")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    ds->add_option("--samples", shift->request.samples, "Invariance samples per image")
        ->check(CLI::Range(1, 32))
        ->capture_default_str();
    ds->add_option("--explained-inputs", shift->request.explained_inputs,
                   "Images per repeat for the explained variance (0: skip)")
        ->check(CLI::Range(0, 10000))
        ->capture_default_str();
    ds->add_option("--repeats", shift->request.repeats, "Repeats of the explained variance")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    ds->add_option("--seed", shift->request.seed, "Picks the images and draws the v's")->capture_default_str();
    ds->add_option("--out", shift->out, "PNG of the samples per layer; the JSON goes beside it")->required();
    ds->callback([shift, &global] { run_domain_shift(*shift, global); });
}

}  // namespace inv
