#include "core/data/dataset_catalog.h"
#include "core/flow/flow_checkpoint.h"
#include "core/models/classifier.h"
#include "core/runtime/errors.h"
#include "core/runtime/thread_settings.h"
#include "core/training/classifier_trainer.h"
#include "core/workspace/atomic_file.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

using namespace inv;

namespace {

struct Data {
    SourceImages source = load_source_images(DatasetKind::ColorMnist, test::data_root());
    std::shared_ptr<const ColorDataset> train = make_color_dataset(source, Split::Train, 0);
    std::shared_ptr<const ColorDataset> test = make_color_dataset(source, Split::Test, 0);
};

const Data& data() {
    static const Data loaded;
    return loaded;
}

ClassifierTrainingOptions tiny_options() {
    ClassifierTrainingOptions options;
    options.model.width = 0.125;
    options.schedule.steps = 30;
    options.schedule.batch_size = 16;
    options.schedule.seed = 5;
    return options;
}

Workspace fresh_workspace(const std::filesystem::path& folder) {
    // One thread: the same arithmetic order in every run, so resumed runs can be compared bit for bit.
    at::set_num_threads(1);
    return Workspace::create(folder, DatasetEntry{"colormnist", 0, {}});
}

Classifier load_checkpoint(const Workspace& workspace, std::int64_t step) {
    const ModelEntry& entry = workspace.manifest().models.at("classifier");
    for (const CheckpointEntry& c : entry.checkpoints) {
        if (c.step == step) {
            Classifier model(classifier_config_from_json(entry.config));
            load_module(*model, entry.config, workspace.resolve(c.file), torch::kCPU);
            return model;
        }
    }
    FAIL("no checkpoint at step ", step);
    return Classifier(ClassifierConfig{});
}

bool same_weights(Classifier& a, Classifier& b) {
    const auto pa = a->parameters();
    const auto pb = b->parameters();
    for (std::size_t i = 0; i < pa.size(); ++i) {
        if (!torch::equal(pa[i], pb[i])) return false;
    }
    return !pa.empty();
}

// A control that keeps every event line (checkpoint, roll-back, fresh start) the trainer reports.
TrainingControl recording_messages(std::vector<std::string>& messages) {
    TrainingControl control;
    control.on_progress = [&messages](const TrainingProgress& p) {
        if (!p.message.empty()) messages.push_back(p.message);
    };
    return control;
}

}  // namespace

TEST_CASE("checkpoints follow a logarithmic schedule") {
    CHECK(logarithmic_schedule(1500) == std::vector<std::int64_t>{0, 20, 50, 100, 200, 500, 1000, 1500});
    CHECK(logarithmic_schedule(30) == std::vector<std::int64_t>{0, 20, 30});
    CHECK(logarithmic_schedule(20) == std::vector<std::int64_t>{0, 20});
}

TEST_CASE("classifier training records its checkpoints with test accuracy and a second run changes nothing") {
    test::TempDir dir;
    Workspace workspace = fresh_workspace(dir / "ws");
    const ClassifierTrainingResult result =
        train_classifier(workspace, *data().train, *data().test, tiny_options(), TrainingControl{});
    CHECK(result.completed);
    CHECK(result.steps_done == 30);
    const Workspace reopened = Workspace::open(dir / "ws");
    const ModelEntry& entry = reopened.manifest().models.at("classifier");
    REQUIRE(entry.checkpoints.size() == 3);
    for (const CheckpointEntry& c : entry.checkpoints) {
        CHECK(std::filesystem::exists(reopened.resolve(c.file)));
        CHECK(c.metrics.contains("test_accuracy"));
    }
    CHECK(entry.checkpoints[2].step == 30);

    const std::string manifest_before = read_file(reopened.manifest_path());
    Workspace again = Workspace::open(dir / "ws");
    const ClassifierTrainingResult second = train_classifier(again, *data().train, *data().test, tiny_options(), {});
    CHECK(second.completed);
    CHECK(second.test_accuracy == doctest::Approx(result.test_accuracy));
    CHECK(read_file(reopened.manifest_path()) == manifest_before);
}

TEST_CASE("an interrupted classifier run resumes to the same final weights") {
    test::TempDir dir;
    Workspace straight = fresh_workspace(dir / "straight");
    train_classifier(straight, *data().train, *data().test, tiny_options(), {});

    Workspace interrupted = fresh_workspace(dir / "interrupted");
    int reports = 0;
    TrainingControl stop_early;
    stop_early.on_progress = [&reports](const TrainingProgress&) { ++reports; };
    stop_early.stop_requested = [&reports] { return reports >= 12; };
    const ClassifierTrainingResult first = train_classifier(interrupted, *data().train, *data().test, tiny_options(), stop_early);
    CHECK_FALSE(first.completed);
    CHECK(first.steps_done < 30);
    const ClassifierTrainingResult rest = train_classifier(interrupted, *data().train, *data().test, tiny_options(), {});
    CHECK(rest.completed);

    Classifier a = load_checkpoint(straight, 30);
    Classifier b = load_checkpoint(interrupted, 30);
    CHECK(same_weights(a, b));
}

TEST_CASE("a classifier whose folder was removed trains afresh and the manifest forgets the earlier run") {
    test::TempDir dir;
    Workspace workspace = fresh_workspace(dir / "ws");
    train_classifier(workspace, *data().train, *data().test, tiny_options(), {});
    REQUIRE(workspace.manifest().models.at("classifier").checkpoints.size() == 3);
    std::filesystem::remove_all(workspace.resolve("classifier"));

    ClassifierTrainingOptions shorter = tiny_options();
    shorter.schedule.steps = 20;
    shorter.schedule.learning_rate = 2e-3;
    std::vector<std::string> messages;
    const TrainingControl control = recording_messages(messages);
    const ClassifierTrainingResult result = train_classifier(workspace, *data().train, *data().test, shorter, control);
    CHECK(result.completed);
    const Workspace reread = Workspace::open(dir / "ws");
    const ModelEntry& entry = reread.manifest().models.at("classifier");
    REQUIRE(entry.checkpoints.size() == 2);  // steps 0 and 20 of the new run, nothing of the old
    CHECK(entry.checkpoints.back().step == 20);
    for (const CheckpointEntry& c : entry.checkpoints) CHECK(std::filesystem::exists(workspace.resolve(c.file)));
    CHECK(entry.config.at("training").at("learning_rate").get<double>() == doctest::Approx(2e-3));
    CHECK(entry.checkpoints.back().metrics.at("test_accuracy").get<double>() == doctest::Approx(result.test_accuracy));
    const bool told = std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
        return m.find("starts afresh") != std::string::npos && m.find("3 checkpoint(s)") != std::string::npos;
    });
    CHECK(told);
}

TEST_CASE("an injected NaN rolls the classifier back with a lower learning rate") {
    test::TempDir dir;
    Workspace workspace = fresh_workspace(dir / "ws");
    ClassifierTrainingOptions options = tiny_options();
    options.schedule.inject_nan_at = 7;
    std::vector<std::string> messages;
    const TrainingControl control = recording_messages(messages);
    const ClassifierTrainingResult result = train_classifier(workspace, *data().train, *data().test, options, control);
    CHECK(result.completed);
    CHECK(result.rollbacks == 1);
    const bool reported = std::any_of(messages.begin(), messages.end(), [](const std::string& m) {
        return m.find("rolled back to step 0") != std::string::npos && m.find("learning rate lowered") != std::string::npos;
    });
    CHECK(reported);

    options.schedule.max_rollbacks = 0;
    Workspace other = fresh_workspace(dir / "other");
    CHECK_THROWS_WITH_AS(train_classifier(other, *data().train, *data().test, options, {}), doctest::Contains("diverged"),
                         UserError);
}

TEST_CASE("a training state for another configuration is refused and nothing on disk changes") {
    test::TempDir dir;
    Workspace workspace = fresh_workspace(dir / "ws");
    TrainingControl stop_now;
    stop_now.stop_requested = [] { return true; };
    train_classifier(workspace, *data().train, *data().test, tiny_options(), stop_now);
    const auto state = workspace.resolve("classifier/train-state.pt");
    const std::string before = read_file(state);

    ClassifierTrainingOptions wider = tiny_options();
    wider.model.width = 0.25;
    CHECK_THROWS_WITH_AS(train_classifier(workspace, *data().train, *data().test, wider, {}),
                         doctest::Contains("model.width: found 0.125, expected 0.25"), UserError);
    CHECK_THROWS_WITH_AS(train_classifier(workspace, *data().train, *data().test, wider, {}),
                         doctest::Contains("give the settings it was made with"), UserError);
    CHECK(read_file(state) == before);
}
