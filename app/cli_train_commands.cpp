// `invariances-cli train …` and `invariances-cli layers`: train the models of a workspace.
#include "app/cli_commands.h"
#include "app/stop_signal.h"
#include "app/terminal_progress.h"
#include "core/dataset_catalog.h"
#include "core/errors.h"
#include "core/thread_settings.h"
#include "core/models/classifier_config.h"
#include "core/training/autoencoder_trainer.h"
#include "core/training/cinn_trainer.h"
#include "core/training/classifier_trainer.h"
#include "core/training/factor_trainer.h"
#include "core/workspace.h"

#include <cstdio>
#include <memory>

namespace inv {
namespace {

struct ClassifierOptions {
    std::filesystem::path workspace;
    std::string architecture = "squeezenet";
    ClassifierTrainingOptions training;
};

struct AutoencoderOptions {
    std::filesystem::path workspace;
    AutoencoderTrainingOptions training;
};

struct CinnOptions {
    std::filesystem::path workspace;
    std::vector<std::string> layers;
    std::int64_t classifier_step = -1;
    CinnTrainingOptions training;
};

struct FactorOptions {
    std::filesystem::path workspace;
    FactorTrainingOptions training;
};

struct WorkspaceData {
    SourceImages source;
    std::shared_ptr<const ColorDataset> train;
    std::shared_ptr<const ColorDataset> test;
};

WorkspaceData load_workspace_data(const Workspace& workspace, const GlobalOptions& global) {
    const DatasetEntry& entry = workspace.manifest().dataset;
    const std::optional<DatasetKind> kind = parse_dataset_kind(entry.kind);
    if (!kind) {
        throw UserError(workspace.manifest_path().string() + " names data set \"" + entry.kind +
                        "\"; this build trains on colormnist or colorfashion.");
    }
    WorkspaceData data;
    data.source = load_source_images(*kind, global.data_root);
    data.train = make_color_dataset(data.source, Split::Train, entry.colour_seed);
    data.test = make_color_dataset(data.source, Split::Test, entry.colour_seed);
    return data;
}

// Progress of a trainer on the terminal: the bar for steps, a line for every event.
TrainingControl terminal_control(TerminalProgress& bar, bool json) {
    TrainingControl control;
    control.stop_requested = [] { return stop_signal_received(); };
    control.on_progress = [&bar, json](const TrainingProgress& p) {
        if (!p.message.empty()) {
            std::fprintf(json ? stderr : stdout, "%s: %s\n", p.model.c_str(), p.message.c_str());
            std::fflush(json ? stderr : stdout);
        }
        bar.update(p.step);
    };
    return control;
}

void run_train_classifier(ClassifierOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::ConvTraining);
    install_stop_signal_handlers();
    Workspace workspace = Workspace::open(options.workspace);
    const WorkspaceData data = load_workspace_data(workspace, global);
    options.training.model.architecture = parse_architecture(options.architecture);
    options.training.model.classes = static_cast<int>(data.train->class_names().size());

    TerminalProgress bar("training classifier", options.training.steps);
    const ClassifierTrainingResult result =
        train_classifier(workspace, *data.train, *data.test, options.training, terminal_control(bar, global.json));
    if (result.completed) bar.finish();
    if (global.json) {
        const nlohmann::json report{{"completed", result.completed}, {"steps", result.steps_done},
                                    {"test_accuracy", result.test_accuracy}, {"rollbacks", result.rollbacks}};
        std::printf("%s\n", report.dump(2).c_str());
    } else if (result.completed) {
        std::printf("classifier trained: %lld steps, test accuracy %.2f %%\n",
                    static_cast<long long>(result.steps_done), 100.0 * result.test_accuracy);
    } else {
        std::printf("stopped at step %lld; the state is saved: run the same command to resume.\n",
                    static_cast<long long>(result.steps_done));
    }
}

void run_train_autoencoder(AutoencoderOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::ConvTraining);
    install_stop_signal_handlers();
    Workspace workspace = Workspace::open(options.workspace);
    const WorkspaceData data = load_workspace_data(workspace, global);

    TerminalProgress bar("training autoencoder", options.training.steps);
    const AutoencoderTrainingResult result =
        train_autoencoder(workspace, *data.train, *data.test, options.training, terminal_control(bar, global.json));
    if (result.completed) bar.finish();
    const AutoencoderQuality& q = result.quality;
    if (global.json) {
        nlohmann::json report{{"completed", result.completed}, {"steps", result.steps_done},
                              {"reconstruction_l1", q.reconstruction_l1},
                              {"foreground_colour_error", q.foreground_colour_error},
                              {"background_colour_error", q.background_colour_error}, {"rollbacks", result.rollbacks}};
        if (q.classifier_accuracy) report["classifier_accuracy_on_reconstructions"] = *q.classifier_accuracy;
        std::printf("%s\n", report.dump(2).c_str());
    } else if (result.completed) {
        std::printf("autoencoder trained: %lld steps, L1 %.4f, colour error fg %.3f bg %.3f\n",
                    static_cast<long long>(result.steps_done), q.reconstruction_l1, q.foreground_colour_error,
                    q.background_colour_error);
    } else {
        std::printf("stopped at step %lld; the state is saved: run the same command to resume.\n",
                    static_cast<long long>(result.steps_done));
    }
}

std::vector<std::string> resolve_layers(const Workspace& workspace, const std::vector<std::string>& asked) {
    if (asked.size() != 1 || asked[0] != "all") return asked;
    const auto found = workspace.manifest().models.find("classifier");
    if (found == workspace.manifest().models.end()) {
        throw UserError(workspace.folder().string() + " has no classifier yet; train one with `invariances-cli train classifier`.");
    }
    std::vector<std::string> names;
    for (const LayerInfo& layer : classifier_layers(classifier_config_from_json(found->second.config))) {
        names.push_back(layer.name);
    }
    return names;
}

void run_train_cinn(CinnOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::SmallMlp);
    install_stop_signal_handlers();
    Workspace workspace = Workspace::open(options.workspace);
    const WorkspaceData data = load_workspace_data(workspace, global);
    if (options.classifier_step >= 0) options.training.classifier_step = options.classifier_step;
    nlohmann::json reports = nlohmann::json::array();
    for (const std::string& layer : resolve_layers(workspace, options.layers)) {
        if (stop_signal_received()) break;
        options.training.layer = layer;
        TerminalProgress bar("training t for " + layer, options.training.steps);
        const CinnTrainingResult result =
            train_cinn(workspace, *data.train, *data.test, options.training, terminal_control(bar, global.json));
        if (result.completed) bar.finish();
        const CinnQuality& q = result.quality;
        nlohmann::json report{{"model", result.model_name}, {"layer", layer}, {"completed", result.completed},
                              {"steps", result.steps_done}, {"half_squared_norm_per_dim", q.half_squared_norm_per_dim}};
        if (q.prediction_agreement) report["prediction_agreement"] = *q.prediction_agreement;
        if (q.input_sample_error) report["input_sample_error"] = *q.input_sample_error;
        reports.push_back(report);
        if (!global.json) {
            if (result.completed) {
                std::printf("%s trained: %lld steps, held-out 1/2|v|^2 per dim %.3f\n", result.model_name.c_str(),
                            static_cast<long long>(result.steps_done), q.half_squared_norm_per_dim);
            } else {
                std::printf("stopped at step %lld of %s; the state is saved: run the same command to resume.\n",
                            static_cast<long long>(result.steps_done), result.model_name.c_str());
            }
        }
        if (!result.completed) break;
    }
    if (global.json) std::printf("%s\n", reports.dump(2).c_str());
}

void run_train_factors(FactorOptions& options, const GlobalOptions& global) {
    apply_thread_profile(ThreadProfile::SmallMlp);
    install_stop_signal_handlers();
    Workspace workspace = Workspace::open(options.workspace);
    const WorkspaceData data = load_workspace_data(workspace, global);
    TerminalProgress bar("training e", options.training.steps);
    const FactorTrainingResult result =
        train_factors(workspace, *data.train, *data.test, options.training, terminal_control(bar, global.json));
    if (result.completed) bar.finish();
    const FactorQuality& q = result.quality;
    nlohmann::json factors = nlohmann::json::array();
    std::string layout;
    for (const NamedFactor& f : result.factors) {
        factors.push_back({{"name", f.name}, {"size", f.size}});
        layout += (layout.empty() ? "" : ", ") + f.name + " " + std::to_string(f.size);
    }
    if (global.json) {
        const nlohmann::json report{{"completed", result.completed}, {"steps", result.steps_done}, {"factors", factors},
                                    {"class_swap_accuracy", q.class_swap_accuracy},
                                    {"background_swap_error", q.background_swap_error},
                                    {"background_swap_class_kept", q.background_swap_class_kept}};
        std::printf("%s\n", report.dump(2).c_str());
    } else if (result.completed) {
        std::printf("e trained: %lld steps; factors %s\n", static_cast<long long>(result.steps_done), layout.c_str());
    } else {
        std::printf("stopped at step %lld; the state is saved: run the same command to resume.\n",
                    static_cast<long long>(result.steps_done));
    }
}

void run_layers(const std::filesystem::path& folder, const GlobalOptions& global) {
    const Workspace workspace = Workspace::open(folder);
    const auto found = workspace.manifest().models.find("classifier");
    if (found == workspace.manifest().models.end()) {
        throw UserError(folder.string() + " has no classifier yet; train one with `invariances-cli train classifier`.");
    }
    const std::vector<LayerInfo> layers = classifier_layers(classifier_config_from_json(found->second.config));
    if (global.json) {
        nlohmann::json list = nlohmann::json::array();
        for (const LayerInfo& layer : layers) list.push_back({{"name", layer.name}, {"shape", layer.shape}});
        std::printf("%s\n", list.dump(2).c_str());
        return;
    }
    for (const LayerInfo& layer : layers) std::printf("%s\n", describe(layer).c_str());
}

}  // namespace

void add_train_commands(CLI::App& app, const GlobalOptions& global) {
    CLI::App* train = app.add_subcommand("train", "Train the models of a workspace (Ctrl-C saves; re-run resumes)");
    train->require_subcommand(1);

    auto options = std::make_shared<ClassifierOptions>();
    CLI::App* cmd = train->add_subcommand("classifier", "Train the classifier under study, with checkpoints along the way");
    cmd->add_option("--workspace", options->workspace, "Workspace folder")->required();
    cmd->add_option("--architecture", options->architecture, "squeezenet or resnet")
        ->check(CLI::IsMember({"squeezenet", "resnet"}))
        ->capture_default_str();
    cmd->add_option("--width", options->training.model.width, "Channel multiplier of the reference widths")
        ->check(CLI::Range(0.05, 4.0))
        ->capture_default_str();
    cmd->add_option("--steps", options->training.steps, "Training steps")->check(CLI::Range(1, 10000000))->capture_default_str();
    cmd->add_option("--batch-size", options->training.batch_size, "Images per step")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    cmd->add_option("--learning-rate", options->training.learning_rate, "Adam learning rate")->capture_default_str();
    cmd->add_option("--seed", options->training.seed, "Seed of the initialisation and the batches")->capture_default_str();
    cmd->callback([options, &global] { run_train_classifier(*options, global); });

    auto autoencoder = std::make_shared<AutoencoderOptions>();
    CLI::App* ae = train->add_subcommand("autoencoder", "Train the autoencoder (E, D) that gives every image its code");
    ae->add_option("--workspace", autoencoder->workspace, "Workspace folder")->required();
    ae->add_option("--code-dim", autoencoder->training.model.code_dim, "Size of the code z")->capture_default_str();
    ae->add_option("--width", autoencoder->training.model.width, "Channel multiplier of (64, 128, 256, 512)")
        ->check(CLI::Range(0.05, 4.0))
        ->capture_default_str();
    ae->add_option("--steps", autoencoder->training.steps, "Training steps")->check(CLI::Range(1, 10000000))->capture_default_str();
    ae->add_option("--batch-size", autoencoder->training.batch_size, "Images per step")
        ->check(CLI::Range(1, 4096))
        ->capture_default_str();
    ae->add_option("--learning-rate", autoencoder->training.learning_rate, "Adam learning rate at step 0")
        ->capture_default_str();
    ae->add_option("--kl-weight", autoencoder->training.kl_weight, "Weight of the KL term")->capture_default_str();
    ae->add_option("--seed", autoencoder->training.seed, "Seed of the initialisation and the batches")->capture_default_str();
    ae->callback([autoencoder, &global] { run_train_autoencoder(*autoencoder, global); });

    auto cinn = std::make_shared<CinnOptions>();
    CLI::App* t = train->add_subcommand("cinn", "Train t, the conditional INN that recovers a layer's invariances");
    t->add_option("--workspace", cinn->workspace, "Workspace folder")->required();
    t->add_option("--layer,--layers", cinn->layers, "Layer name(s), or 'all' (see `invariances-cli layers`)")
        ->required()
        ->delimiter(',');
    t->add_option("--classifier-step", cinn->classifier_step,
                  "Train against this classifier checkpoint instead of the last (for training dynamics)");
    t->add_option("--blocks", cinn->training.flow.blocks, "Flow blocks")->check(CLI::Range(1, 64))->capture_default_str();
    t->add_option("--hidden-width", cinn->training.flow.hidden_width, "Width of the coupling MLPs")
        ->check(CLI::Range(1, 8192))
        ->capture_default_str();
    t->add_option("--hidden-depth", cinn->training.flow.hidden_depth, "Hidden layers of the coupling MLPs")
        ->check(CLI::Range(1, 8))
        ->capture_default_str();
    t->add_option("--embedding-dim", cinn->training.embedding_dim, "Size of the embedding of z")->capture_default_str();
    t->add_option("--steps", cinn->training.steps, "Training steps per layer")->check(CLI::Range(1, 10000000))->capture_default_str();
    t->add_option("--batch-size", cinn->training.batch_size, "Images per step")->check(CLI::Range(1, 4096))->capture_default_str();
    t->add_option("--learning-rate", cinn->training.learning_rate, "Adam learning rate at step 0")->capture_default_str();
    t->add_option("--seed", cinn->training.seed, "Seed of the initialisation and the batches")->capture_default_str();
    t->callback([cinn, &global] { run_train_cinn(*cinn, global); });

    auto factors = std::make_shared<FactorOptions>();
    CLI::App* e = train->add_subcommand("factors", "Train e, the INN that splits the code into semantic factors");
    e->add_option("--workspace", factors->workspace, "Workspace folder")->required();
    e->add_option("--factor-sizes", factors->training.factor_sizes,
                  "Sizes of residual, class, foreground, background (default: estimated from pairs)")
        ->delimiter(',');
    e->add_option("--blocks", factors->training.flow.blocks, "Flow blocks")->check(CLI::Range(1, 64))->capture_default_str();
    e->add_option("--hidden-width", factors->training.flow.hidden_width, "Width of the coupling MLPs")
        ->check(CLI::Range(1, 8192))
        ->capture_default_str();
    e->add_option("--steps", factors->training.steps, "Training steps")->check(CLI::Range(1, 10000000))->capture_default_str();
    e->add_option("--batch-size", factors->training.batch_size, "Pairs per step")->check(CLI::Range(1, 4096))->capture_default_str();
    e->add_option("--learning-rate", factors->training.learning_rate, "Adam learning rate at step 0")->capture_default_str();
    e->add_option("--seed", factors->training.seed, "Seed of the initialisation and the pairs")->capture_default_str();
    e->callback([factors, &global] { run_train_factors(*factors, global); });

    auto layers_folder = std::make_shared<std::filesystem::path>();
    CLI::App* layers = app.add_subcommand("layers", "List the classifier's layers with the shape of z at each");
    layers->add_option("--workspace", *layers_folder, "Workspace folder")->required();
    layers->callback([layers_folder, &global] { run_layers(*layers_folder, global); });
}

}  // namespace inv
