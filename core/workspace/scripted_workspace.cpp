#include "core/workspace/scripted_workspace.h"

#include "core/flow/flow_checkpoint.h"
#include "core/models/classifier.h"
#include "core/models/classifier_config.h"
#include "core/models/scripted_classifier.h"
#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/workspace_models.h"

namespace inv {
namespace {

constexpr const char* kModelFile = "classifier/model.pt";

}  // namespace

void adopt_scripted_classifier(Workspace& workspace, const std::filesystem::path& model_file, const ImageDataset& test) {
    if (workspace.manifest().models.count("classifier")) {
        throw UserError(workspace.folder().string() + " already has a classifier; make a new workspace for " +
                        model_file.string() + ".");
    }
    auto scripted = std::make_shared<ScriptedClassifier>(ScriptedClassifier::load(model_file));
    const ScriptedClassifier& model = *scripted;
    const ModelCard& card = model.card();
    if (card.height != test.shape().height || card.width != test.shape().width) {
        throw UserError(model_file.string() + " takes " + std::to_string(card.height) + "x" + std::to_string(card.width) +
                        " images (its card) but the workspace's data set " + test.name() + " has " +
                        std::to_string(test.shape().height) + "x" + std::to_string(test.shape().width) + ".");
    }
    nlohmann::json layers = nlohmann::json::array();
    for (const ScriptedLayer& layer : model.layers()) {
        if (layer.problem.empty()) layers.push_back({{"name", layer.name}, {"shape", layer.shape}});
    }
    const nlohmann::json config{{"type", kScriptedClassifierType},
                                {"source", std::filesystem::absolute(model_file).string()},
                                {"card", to_json(card)},
                                {"layers", layers}};
    nlohmann::json metrics = nlohmann::json::object();
    const std::int64_t classes = model.layers().back().shape.empty() ? 0 : model.layers().back().shape[0];
    if (classes == static_cast<std::int64_t>(test.class_names().size())) {
        Classifier classifier(std::make_shared<ClassifierImpl>(scripted));
        metrics["test_accuracy"] = test_accuracy(classifier, test, torch::kCPU);
    }

    // Card and side-car first, the model last: the manifest names the model only once all are there.
    const std::filesystem::path target = workspace.resolve(kModelFile);
    std::filesystem::create_directories(target.parent_path());
    const std::string bytes = read_file(model_file);
    write_file_atomically(model_card_path(target), to_json(card).dump(2) + "\n");
    write_file_atomically(side_car_path(target), nlohmann::json{{"config", config},
                                                                {"weights_fnv1a64", fnv1a_hex(bytes)},
                                                                {"written_by", std::string("invariances ") + INVARIANCES_VERSION}}
                                                         .dump(2) +
                                                     "\n");
    write_file_atomically(target, bytes);
    ModelEntry& entry = workspace.manifest().models["classifier"];
    entry.kind = "classifier";
    entry.config = config;
    entry.checkpoints = {{0, kModelFile, metrics}};
    workspace.save();
}

}  // namespace inv
