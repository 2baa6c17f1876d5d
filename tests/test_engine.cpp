#include "core/analysis/analysis_models.h"
#include "core/analysis/layer_attack.h"
#include "core/data/color_dataset.h"
#include "core/engine/engine.h"
#include "tests/tiny_demo.h"

#include <doctest/doctest.h>

#include <mutex>

using namespace inv;

namespace {

// Collects events from the worker thread.
struct EventLog {
    std::mutex mutex;
    std::vector<EngineEvent> events;

    void add(const EngineEvent& event) {
        std::lock_guard lock(mutex);
        events.push_back(event);
    }
    std::vector<EngineEvent> of_kind(EventKind kind) {
        std::lock_guard lock(mutex);
        std::vector<EngineEvent> found;
        for (const EngineEvent& e : events) {
            if (e.kind == kind) found.push_back(e);
        }
        return found;
    }
};

ShowSampleGrid grid(std::uint64_t seed, int rows = 2, int columns = 2) {
    ShowSampleGrid command;
    command.sample_seed = seed;
    command.rows = rows;
    command.columns = columns;
    return command;
}

}  // namespace

TEST_CASE("the engine applies commands in the order they were posted") {
    EventLog log;
    Engine engine(EngineConfig{test::data_root(), [&log](const EngineEvent& e) { log.add(e); }});
    const std::uint64_t first = engine.post(grid(1));
    const std::uint64_t second = engine.post(grid(2));
    const std::uint64_t third = engine.post(grid(3));
    engine.wait_until_idle();

    const auto finished = log.of_kind(EventKind::Finished);
    REQUIRE(finished.size() == 3);
    CHECK(finished[0].command_id == first);
    CHECK(finished[1].command_id == second);
    CHECK(finished[2].command_id == third);
    const auto snapshot = engine.snapshot();
    CHECK(snapshot->state == JobState::Finished);
    REQUIRE(snapshot->grid != nullptr);
    CHECK(snapshot->grid->request.seed == 3);
    CHECK(snapshot->grid.version == 3);
    CHECK(snapshot->grid->cells.size() == 4);
}

TEST_CASE("cancellation stops a running command within one unit of work") {
    EventLog log;
    Engine* engine_ptr = nullptr;
    Engine engine(EngineConfig{test::data_root(), [&](const EngineEvent& e) {
                                   log.add(e);
                                   if (e.kind == EventKind::Progress) engine_ptr->cancel();
                               }});
    engine_ptr = &engine;
    const std::uint64_t id = engine.post(grid(5, 64, 64));
    engine.wait_until_idle();

    CHECK(log.of_kind(EventKind::Progress).size() == 1);
    CHECK(log.of_kind(EventKind::Finished).empty());
    const auto cancelled = log.of_kind(EventKind::Cancelled);
    REQUIRE(cancelled.size() == 1);
    CHECK(cancelled[0].command_id == id);
    CHECK(engine.snapshot()->state == JobState::Cancelled);
    CHECK(engine.snapshot()->grid == nullptr);
}

TEST_CASE("cancel drops the queued commands too") {
    EventLog log;
    Engine* engine_ptr = nullptr;
    bool cancelled_once = false;
    Engine engine(EngineConfig{test::data_root(), [&](const EngineEvent& e) {
                                   log.add(e);
                                   if (e.kind == EventKind::Progress && !cancelled_once) {
                                       cancelled_once = true;
                                       engine_ptr->cancel();
                                   }
                               }});
    engine_ptr = &engine;
    engine.post(grid(1, 32, 32));
    engine.post(grid(2));
    engine.post(grid(3));
    engine.wait_until_idle();
    CHECK(log.of_kind(EventKind::Cancelled).size() == 3);
    CHECK(log.of_kind(EventKind::Finished).empty());

    // The engine keeps working after a cancel.
    engine.post(grid(4));
    engine.wait_until_idle();
    CHECK(log.of_kind(EventKind::Finished).size() == 1);
}

TEST_CASE("a failing command becomes an error in the snapshot and the engine goes on") {
    test::TempDir empty;
    Engine engine(EngineConfig{empty.path(), {}});
    engine.post(grid(1));
    engine.wait_until_idle();
    auto snapshot = engine.snapshot();
    CHECK(snapshot->state == JobState::Failed);
    CHECK(snapshot->error_count == 1);
    CHECK(snapshot->last_error.find("scripts/setup.sh") != std::string::npos);
    CHECK(snapshot->last_error.find(empty.path().string()) != std::string::npos);

    engine.post(grid(2));
    engine.wait_until_idle();
    CHECK(engine.snapshot()->error_count == 2);
}

TEST_CASE("shutdown with work queued joins cleanly and is idempotent") {
    EventLog log;
    Engine engine(EngineConfig{test::data_root(), [&log](const EngineEvent& e) { log.add(e); }});
    for (int i = 0; i < 20; ++i) engine.post(grid(static_cast<std::uint64_t>(i), 16, 16));
    engine.shutdown();
    engine.shutdown();
    CHECK(log.of_kind(EventKind::Finished).size() < 20);
    CHECK(engine.idle());
}

TEST_CASE("snapshots are immutable and their version increases") {
    Engine engine(EngineConfig{test::data_root(), {}});
    const auto before = engine.snapshot();
    // The worker may already have published once (its start-up state): whichever snapshot was read,
    // it stays as it was while newer ones are published.
    const std::uint64_t version_read = before->version;
    engine.post(grid(1));
    engine.wait_until_idle();
    const auto after = engine.snapshot();
    CHECK(after->version > before->version);
    CHECK(before->grid == nullptr);
    CHECK(before->version == version_read);
    CHECK(after->grid != nullptr);
}

TEST_CASE("the engine builds the demo workspace and a cancelled build resumes") {
    test::TempDir dir;
    EventLog log;
    Engine* engine_ptr = nullptr;
    bool cancel_once = true;
    Engine engine(EngineConfig{test::data_root(), [&](const EngineEvent& e) {
                                   log.add(e);
                                   if (e.kind == EventKind::Progress && cancel_once) {
                                       cancel_once = false;
                                       engine_ptr->cancel();
                                   }
                               }});
    engine_ptr = &engine;
    engine.post(PrepareDemo{dir / "demo", "tiny"});
    engine.wait_until_idle();
    CHECK(log.of_kind(EventKind::Cancelled).size() == 1);
    CHECK(engine.snapshot()->prepared_version == 0);

    engine.post(PrepareDemo{dir / "demo", "tiny"});
    engine.wait_until_idle();
    CHECK(log.of_kind(EventKind::Finished).size() == 1);
    const auto snapshot = engine.snapshot();
    CHECK(snapshot->prepared_version == 1);
    CHECK(snapshot->prepared_workspace == dir / "demo");
    CHECK(std::filesystem::exists(dir / "demo" / "factors"));
    // The live loss curve follows the model being trained (the last stage: e).
    CHECK(snapshot->training_model == "factors");
    CHECK(snapshot->training_loss.size() > 1);
}

TEST_CASE("rapid slider updates coalesce and the newest value is the one shown") {
    const test::TinyDemo& demo = test::tiny_demo();
    EventLog log;
    Engine engine(EngineConfig{test::data_root(), [&log](const EngineEvent& e) { log.add(e); }});
    EditFactors edit;
    edit.workspace = demo.folder();
    edit.index = 3;
    edit.donor = 8;
    const int updates = 40;
    for (int i = 0; i < updates; ++i) {
        edit.amounts = {0.0, 0.0, 0.0, static_cast<double>(i) / (updates - 1)};
        engine.post(edit);
    }
    engine.wait_until_idle();
    const auto snapshot = engine.snapshot();
    CHECK(snapshot->error_count == 0);
    CHECK(snapshot->superseded > 0);
    CHECK(log.of_kind(EventKind::Finished).size() + snapshot->superseded == updates);
    REQUIRE(snapshot->edit != nullptr);

    // What is shown is the edit for the last slider value (background fully from the donor).
    const Workspace workspace = demo.workspace();
    AnalysisModels models(workspace);
    const FactorBlend expected = blend_factors(models, *demo.test_set, {3, 8, {0.0, 0.0, 0.0, 1.0}, {}});
    CHECK(snapshot->edit->edited.pixels == expected.edited.pixels);
    CHECK(snapshot->edit->factors == std::vector<std::string>{"residual", "digit", "foreground", "background"});
}

TEST_CASE("the attack command shows three rows with both predictions") {
    const test::TinyDemo& demo = test::tiny_demo();
    Engine engine(EngineConfig{test::data_root(), {}});
    AttackImage attack;
    attack.workspace = demo.folder();
    attack.epsilon = 0.05;
    attack.index = 2;
    engine.post(attack);
    engine.wait_until_idle();
    const auto snapshot = engine.snapshot();
    REQUIRE_MESSAGE(snapshot->attack != nullptr, snapshot->last_error);
    REQUIRE(snapshot->attack->rows.size() == 3);
    CHECK(snapshot->attack->rows[2].linf <= 0.05 + 1e-6);
    CHECK(snapshot->attack->rows[2].probability > 0.0);
    // The figure is shown first (two versions), then the variance explained by v at every layer,
    // the same as the command line's statistic; another ε reuses it (one version).
    CHECK(snapshot->attack.version == 2);
    REQUIRE(snapshot->attack->explained_by_v.size() == snapshot->attack->layers.size());
    const Workspace workspace = demo.workspace();
    AnalysisModels models(workspace);
    const MeanStd expected = explained_by_v(models, *demo.test_set, snapshot->attack->layers[0], 100, 2, 0);
    CHECK(snapshot->attack->explained_by_v[0].mean == doctest::Approx(expected.mean));
    attack.epsilon = 0.1;
    engine.post(attack);
    engine.wait_until_idle();
    CHECK(engine.snapshot()->attack.version == 3);
    CHECK(engine.snapshot()->attack->explained_by_v.size() == snapshot->attack->layers.size());
}

TEST_CASE("an edit without a donor takes a test image unlike the image in every factor") {
    const test::TinyDemo& demo = test::tiny_demo();
    Engine engine(EngineConfig{test::data_root(), {}});
    EditFactors edit;
    edit.workspace = demo.folder();
    edit.index = 5;
    engine.post(edit);
    engine.wait_until_idle();
    const auto snapshot = engine.snapshot();
    REQUIRE_MESSAGE(snapshot->edit != nullptr, snapshot->last_error);
    CHECK(snapshot->edit_donor == contrasting_sample(*demo.test_set, 5));
    CHECK(snapshot->edit_donor != 5);
}

TEST_CASE("training a layer from the engine shows the samples of each checkpoint as it goes") {
    const test::TinyDemo& demo = test::tiny_demo();
    test::TempDir dir;
    std::filesystem::copy(demo.folder(), dir / "demo", std::filesystem::copy_options::recursive);
    Engine engine(EngineConfig{test::data_root(), {}});
    engine.post(TrainLayer{dir / "demo", "conv1"});
    engine.wait_until_idle();
    const auto snapshot = engine.snapshot();
    REQUIRE_MESSAGE(snapshot->error_count == 0, snapshot->last_error);
    REQUIRE(snapshot->training_preview != nullptr);
    CHECK(snapshot->training_preview.version >= 2);  // the checkpoints at step 0 and at the end
    CHECK(snapshot->training_preview_caption == "cinn-conv1 at step 20");
    CHECK(snapshot->training_preview->width > 6 * 32);
    CHECK(snapshot->training_preview->height > 4 * 32);
}
