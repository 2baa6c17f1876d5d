// `invariances-cli edit`, `mix` and `attack`: change an image or its representation and look at
// what each layer makes of it.
#include "app/cli_commands.h"
#include "app/command_helpers.h"
#include "core/analysis/epsilon_units.h"
#include "core/analysis/image_mixing.h"
#include "core/analysis/layer_attack.h"
#include "core/analysis/semantic_edit.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"

#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct EditOptions {
    std::filesystem::path workspace;
    SemanticEditRequest request;
    long long index = -1;
    long long from_index = -1;
    std::filesystem::path image;
    std::filesystem::path out;
};

struct MixOptions {
    std::filesystem::path workspace;
    MixRequest request;
    std::filesystem::path out;
};

struct AttackOptions {
    std::filesystem::path workspace;
    LayerAttackRequest request;
    std::filesystem::path image;
    double epsilon = -1;
    double epsilon_255 = -1;
    bool sweep = false;
    int sweep_inputs = 100;
    std::vector<double> sweep_epsilons_255;
    std::filesystem::path out;
};

void run_edit(EditOptions options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::Figures);
    if (options.from_index >= 0) options.request.from_index = static_cast<std::size_t>(options.from_index);
    if ((options.index >= 0) == !options.image.empty())
        throw UserError("give the image to edit: --index N (a test image) or --image FILE.");
    if (options.index >= 0) options.request.index = static_cast<std::size_t>(options.index);
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);
    if (!options.image.empty()) options.request.image = read_user_images({options.image}, *test).front();
    const SemanticEdit edit = edit_semantics(workspace, *test, options.request, global.compute_device());
    write_figure(options.out, edit.figure, to_json(edit), global);
    if (global.json) return;
    const auto& names = test->class_names();
    const std::string target = options.image.empty() ? "image " + std::to_string(options.request.index) : options.image.string();
    std::printf("%s (%s): factor %s edited -> classified %s; mean pixel change %.3f; figure %s\n", target.c_str(),
                names.at(static_cast<std::size_t>(edit.original_prediction)).c_str(), options.request.factor.c_str(),
                names.at(static_cast<std::size_t>(edit.edited_prediction)).c_str(), edit.mean_pixel_change, options.out.c_str());
}

void run_mix(const MixOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::Figures);
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);
    const ImageMix mix = mix_images(workspace, *test, options.request, global.compute_device());
    write_figure(options.out, mix.figure, to_json(mix), global);
    if (global.json) return;
    const auto& names = test->class_names();
    auto name = [&](int c) { return names.at(static_cast<std::size_t>(c)).c_str(); };
    std::printf("layer %s: invariances of %zu (%s) with the representation of %zu (%s) -> %s; the converse -> %s; figure %s\n",
                options.request.layer.c_str(), options.request.index, name(mix.prediction_i), options.request.with,
                name(mix.prediction_j), name(mix.prediction_vi_zj), name(mix.prediction_vj_zi), options.out.c_str());
}

void run_attack(AttackOptions options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::Figures);
    if (options.epsilon >= 0 && options.epsilon_255 >= 0) throw UserError("give --eps or --eps-255, not both.");
    if (options.epsilon_255 >= 0)
        options.request.epsilon = epsilon_from_255(options.epsilon_255);
    else if (options.epsilon >= 0)
        options.request.epsilon = options.epsilon;
    const Workspace workspace = Workspace::open(options.workspace);
    const auto test = workspace_test_set(workspace, global);
    const auto& names = test->class_names();
    if (!options.image.empty()) {
        if (options.sweep) throw UserError("--sweep runs over test images; it takes no --image.");
        options.request.image = read_user_images({options.image}, *test).front();
    }
    if (options.sweep) {
        AttackSweepRequest sweep_request{options.request.method,    {},
                                         options.request.pgd_steps, options.request.pgd_step_size,
                                         options.sweep_inputs,      options.request.layers,
                                         options.request.seed};
        for (double k : options.sweep_epsilons_255) sweep_request.epsilons.push_back(epsilon_from_255(k));
        const AttackSweep sweep = sweep_attack(workspace, *test, sweep_request, global.compute_device());
        write_figure(options.out, sweep.figure, to_json(sweep), global);
        if (global.json) return;
        std::printf("%s sweep over %d test images (decode distance: mean |D(t^-1(v|z')) - D(t^-1(v|z))|)\n",
                    options.request.method.c_str(), options.sweep_inputs);
        std::printf("  %8s %8s %10s %10s", "eps", "eps*255", "flips", "ctl flips");
        for (const std::string& layer : sweep.layers) std::printf(" %9s", layer.c_str());
        std::printf("\n");
        for (const AttackSweepPoint& p : sweep.points) {
            std::printf("  %8.4f %8.2f %9.1f%% %9.1f%%", p.epsilon, epsilon_to_255(p.epsilon), 100 * p.flip_rate,
                        100 * p.control_flip_rate);
            for (double d : p.decode_distance) std::printf(" %9.3f", d);
            std::printf("\n");
        }
        std::printf("figure: %s\n", options.out.c_str());
        return;
    }
    const LayerAttack attack = attack_layers(workspace, *test, options.request, global.compute_device());
    write_figure(options.out, attack.figure, to_json(attack), global);
    if (global.json) return;
    const std::string target =
        options.image.empty() ? "test image " + std::to_string(options.request.index) : options.image.string();
    std::printf("%s on %s, eps %.4g (%.2f/255):\n", options.request.method.c_str(), target.c_str(), options.request.epsilon,
                epsilon_to_255(options.request.epsilon));
    for (const AttackRow& row : attack.rows) {
        std::printf("  %-12s prediction %s (%.1f %%), |x'-x|inf %.4f; decodes:", row.name.c_str(),
                    names.at(static_cast<std::size_t>(row.prediction)).c_str(), 100 * row.probability, row.linf);
        for (std::size_t l = 0; l < attack.layers.size(); ++l) {
            std::printf(" %s=%s", attack.layers[l].c_str(),
                        names.at(static_cast<std::size_t>(row.decode_predictions[l])).c_str());
        }
        std::printf("\n");
    }
    std::printf("  variance of z_bar explained by v:");
    for (std::size_t l = 0; l < attack.layers.size(); ++l) {
        std::printf(" %s %.1f%% +- %.1f", attack.layers[l].c_str(), 100 * attack.explained_by_v[l].mean,
                    100 * attack.explained_by_v[l].std);
    }
    std::printf("\nfigure: %s\n", options.out.c_str());
}

}  // namespace

void add_intervention_commands(CLI::App& app, const GlobalOptions& global) {
    auto edit = std::make_shared<EditOptions>();
    CLI::App* e =
        app.add_subcommand("edit",
                           "Semantic modification through e: replace one factor of an image (from another image, or by value), "
                           "keep the others, decode; writes FILE.png and FILE.json");
    e->add_option("--workspace", edit->workspace, "Workspace folder")->required();
    e->add_option("--index", edit->index, "Test image to edit (or --image)");
    e->add_option("--image", edit->image, "An image file of your own to edit instead (resized to the model's input)")
        ->check(CLI::ExistingFile);
    e->add_option("--factor", edit->request.factor, "Factor of e: residual, digit (or garment), foreground, background")
        ->required();
    e->add_option("--from-index", edit->from_index, "Take the factor from this test image");
    e->add_option("--amount", edit->request.amount, "How far towards the other image's factor (0: none, 1: all of it)")
        ->check(CLI::Range(-2.0, 3.0))
        ->capture_default_str();
    e->add_option("--value", edit->request.values, "Set the factor to these values, one per dimension (comma list)")
        ->delimiter(',');
    e->add_option("--scale", edit->request.scale, "Magnification of each 32x32 cell")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    e->add_option("--out", edit->out, "PNG to write; the JSON goes beside it")->required();
    e->callback([edit, &global] { run_edit(*edit, global); });

    auto mix = std::make_shared<MixOptions>();
    CLI::App* m = app.add_subcommand(
        "mix",
        "Image mixing at a layer: D(t^-1(v_I | z_J)), the invariances of image I with the representation of J, "
        "and the converse; writes FILE.png and FILE.json");
    m->add_option("--workspace", mix->workspace, "Workspace folder")->required();
    m->add_option("--layer", mix->request.layer, "Layer (see `invariances-cli layers`)")->required();
    m->add_option("--index", mix->request.index, "Test image I")->required();
    m->add_option("--with", mix->request.with, "Test image J")->required();
    m->add_option("--scale", mix->request.scale, "Magnification of each 32x32 cell")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    m->add_option("--out", mix->out, "PNG to write; the JSON goes beside it")->required();
    m->callback([mix, &global] { run_mix(*mix, global); });

    auto attack = std::make_shared<AttackOptions>();
    CLI::App* a = app.add_subcommand(
        "attack",
        "Adversarial attack, layer by layer: rows none / random-sign control / attack; the perturbation, the "
        "input and D(t^-1(v | Phi(x'))) at each layer with the clean image's v; writes FILE.png and FILE.json");
    a->add_option("--workspace", attack->workspace, "Workspace folder")->required();
    a->add_option("--method", attack->request.method, "fgsm or pgd")
        ->check(CLI::IsMember({"fgsm", "pgd"}))
        ->capture_default_str();
    a->add_option("--eps", attack->epsilon, "Epsilon in image units, [-1, 1] range (default 0.02, about 2.55/255)")
        ->check(CLI::Range(0.0, 2.0));
    a->add_option("--eps-255", attack->epsilon_255, "Epsilon in 1/255 steps of the 8-bit range (2/255 image units each)")
        ->check(CLI::Range(0.0, 255.0));
    a->add_option("--index", attack->request.index, "Test image to attack")->capture_default_str();
    a->add_option("--image", attack->image, "An image file of your own to attack instead (resized to the model's input)")
        ->check(CLI::ExistingFile);
    a->add_option("--layers", attack->request.layers, "Layers (default: every layer with a trained t)")->delimiter(',');
    a->add_option("--pgd-steps", attack->request.pgd_steps, "PGD iterations")->check(CLI::Range(1, 1000))->capture_default_str();
    a->add_option("--pgd-step-size", attack->request.pgd_step_size, "PGD step in image units (0: 2.5 eps / steps)")
        ->check(CLI::Range(0.0, 2.0))
        ->capture_default_str();
    a->add_option("--seed", attack->request.seed, "Control noise, PGD start, the explained-by-v inputs")->capture_default_str();
    a->add_option("--explained-inputs", attack->request.explained_inputs, "Pairs for the variance of z_bar explained by v")
        ->check(CLI::Range(2, 10000))
        ->capture_default_str();
    a->add_option("--repeats", attack->request.repeats, "Repeats for its spread")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    a->add_option("--scale", attack->request.scale, "Magnification of each 32x32 cell")
        ->check(CLI::Range(1, 16))
        ->capture_default_str();
    a->add_flag("--sweep", attack->sweep, "Instead: flip rate and per-layer decode distance as curves over epsilon");
    a->add_option("--sweep-inputs", attack->sweep_inputs, "Test images in the sweep")
        ->check(CLI::Range(1, 2000))
        ->capture_default_str();
    a->add_option("--sweep-eps-255", attack->sweep_epsilons_255, "Epsilons of the sweep in 1/255 steps (default 0,1,2,4,8,16,32)")
        ->delimiter(',');
    a->add_option("--out", attack->out, "PNG to write; the JSON goes beside it")->required();
    a->callback([attack, &global] { run_attack(*attack, global); });
}

}  // namespace inv
