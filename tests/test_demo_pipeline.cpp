#include "core/flow/flow_checkpoint.h"
#include "core/runtime/errors.h"
#include "core/training/colour_blind_companion.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/demo_measures.h"
#include "core/workspace/demo_pipeline.h"
#include "core/workspace/workspace_models.h"
#include "tests/test_support.h"
#include "tests/tiny_demo.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>

using namespace inv;

TEST_CASE("the tiny demo pipeline builds a workspace whose every network loads") {
    test::TempDir dir;
    DemoPlan plan = demo_plan(DemoBudget::Tiny);
    plan.cinn_steps_by_layer["logits"] = plan.cinn.schedule.steps + 10;  // one layer trains longer
    std::vector<std::string> started;
    const DemoResult result = prepare_demo(dir / "demo", test::data_root(), plan, {},
                                           [&started](const DemoStage& stage) { started.push_back(stage.name); });
    REQUIRE(result.completed);
    CHECK(started.size() == demo_stages(plan).size());
    CHECK(started.front() == "classifier");
    CHECK(started.back() == "factors");

    const Workspace workspace = Workspace::open(dir / "demo");
    CHECK(load_classifier(workspace).step == plan.classifier.schedule.steps);
    CHECK(load_classifier(workspace, 0).step == 0);
    CHECK(load_autoencoder(workspace)->config().code_dim == plan.autoencoder.model.code_dim);
    for (const std::string& layer : plan.layers) {
        const ModelEntry& entry = workspace.manifest().models.at(cinn_model_name(layer, std::nullopt));
        CHECK(load_conditional_flow(workspace.resolve(entry.checkpoints.back().file), torch::kCPU)->config().flow.dim ==
              plan.autoencoder.model.code_dim);
        CHECK_MESSAGE(entry.checkpoints.back().step == cinn_steps(plan, layer), layer);
    }
    CHECK(cinn_steps(plan, "logits") == plan.cinn.schedule.steps + 10);
    const ModelEntry& factors = workspace.manifest().models.at("factors");
    CHECK(load_factor_flow(workspace.resolve(factors.checkpoints.back().file), torch::kCPU)->config().factors.size() == 4);
    CHECK(result.metrics.contains("classifier"));
    CHECK(result.metrics.contains("cinn-softmax"));

    // Prepared already: running again changes nothing.
    const std::string manifest = read_file(workspace.manifest_path());
    CHECK(prepare_demo(dir / "demo", test::data_root(), plan, {}, {}).completed);
    CHECK(read_file(workspace.manifest_path()) == manifest);

    // Another budget on the same folder is refused.
    CHECK_THROWS_WITH_AS(prepare_demo(dir / "demo", test::data_root(), demo_plan(DemoBudget::Full), {}, {}),
                         doctest::Contains("--budget tiny"), UserError);
}

TEST_CASE(
    "every demo trains t for five layers or more from input to softmax and its colour-blind companion compares layers it has") {
    for (const DemoBudget budget : {DemoBudget::Tiny, DemoBudget::Quick, DemoBudget::Full}) {
        const DemoPlan plan = demo_plan(budget);
        CHECK(plan.layers.size() >= 5);
        CHECK(plan.layers.front() == "input");
        CHECK(plan.layers.back() == "softmax");
        for (const std::string& layer : colour_blind_layers(budget)) {
            CHECK_MESSAGE(std::find(plan.layers.begin(), plan.layers.end(), layer) != plan.layers.end(), layer);
        }
    }
}

TEST_CASE("the full demo gives t at logits and softmax the longest training") {
    const DemoPlan plan = demo_plan(DemoBudget::Full);
    std::int64_t hidden = 0;
    for (const DemoStage& stage : demo_stages(plan)) {
        if (stage.name == "cinn-fire7") hidden = stage.steps;
    }
    CHECK(hidden == plan.cinn.schedule.steps);
    for (const std::string layer : {"logits", "softmax"}) {
        CHECK_MESSAGE(cinn_steps(plan, layer) > hidden, layer);
    }
}

TEST_CASE("the full demo gives e's colour factors three dimensions each and the digit most of the rest") {
    const DemoPlan plan = demo_plan(DemoBudget::Full);
    const std::vector<int>& sizes = plan.factors.factor_sizes;
    REQUIRE(sizes.size() == 4);  // residual, digit, foreground, background
    CHECK(sizes[2] == 3);
    CHECK(sizes[3] == 3);
    int total = 0;
    for (int size : sizes) total += size;
    CHECK(total == plan.autoencoder.model.code_dim);
    CHECK(sizes[1] > sizes[0]);
    CHECK(sizes[0] >= 8);  // the residual keeps room for what no pair shares
    // The tiny plan keeps estimating the sizes from pairs, so the tests cover that path.
    CHECK(demo_plan(DemoBudget::Tiny).factors.factor_sizes.empty());
}

TEST_CASE("the budgets parse from their names and the full demo trains t for every named layer") {
    for (const std::string& name : demo_budget_names()) CHECK(to_string(parse_demo_budget(name)) == name);
    CHECK_THROWS_WITH_AS(parse_demo_budget("huge"), doctest::Contains("quick"), UserError);
    const std::vector<std::string> every{"input", "conv1", "fire3", "fire5", "fire7", "logits", "softmax"};
    CHECK(demo_plan(DemoBudget::Full).layers == every);
    // The full recipe trains every network at least as long as the quick one.
    const DemoPlan quick = demo_plan(DemoBudget::Quick);
    const DemoPlan full = demo_plan(DemoBudget::Full);
    CHECK(full.classifier.schedule.steps >= quick.classifier.schedule.steps);
    CHECK(full.autoencoder.schedule.steps > quick.autoencoder.schedule.steps);
    for (const std::string& layer : quick.layers) CHECK_MESSAGE(cinn_steps(full, layer) >= cinn_steps(quick, layer), layer);
    CHECK(full.factors.schedule.steps * full.factors.schedule.batch_size >
          quick.factors.schedule.steps * quick.factors.schedule.batch_size);
}

TEST_CASE("the quality bars are measured on the tiny demo for every network it has and judged against their ranges") {
    const Workspace workspace = test::tiny_demo().workspace();
    QualityMeasureOptions options;
    options.images = 40;
    options.pairs = 30;
    std::vector<std::string> told;
    const QualityReport report =
        measure_quality_bars(workspace, test::data_root(), options, [&told](const std::string& model) { told.push_back(model); });
    CHECK(report.missing.empty());
    const std::vector<std::string> expected{"classifier", "autoencoder", "cinn-input",   "cinn-fire3",
                                            "cinn-fire7", "cinn-logits", "cinn-softmax", "factors"};
    CHECK(told == expected);
    std::map<std::string, int> rows;
    for (const QualityBar& bar : report.bars) {
        ++rows[bar.model];
        CHECK_MESSAGE(std::isfinite(bar.value), bar.model, " ", bar.measure);
        CHECK(bar.met() == ((!bar.at_least || bar.value >= *bar.at_least) && (!bar.at_most || bar.value <= *bar.at_most)));
    }
    CHECK(rows["classifier"] == 1);
    CHECK(rows["autoencoder"] == 3);  // the classifier on reconstructions, foreground and background colour
    CHECK(rows["cinn-fire3"] == 1);
    CHECK(rows["cinn-input"] == 2);   // and how far the samples are from x
    CHECK(rows["cinn-logits"] == 2);  // and whether the samples keep the prediction
    CHECK(rows["factors"] == 3);
    // Thirty training steps meet no accuracy bar: the report says so.
    CHECK_FALSE(report.all_met());
    const std::string table = markdown_table(report);
    CHECK(table.find("| classifier | test accuracy |") != std::string::npos);
    CHECK(table.find("**no**") != std::string::npos);
    CHECK(to_json(report)["bars"].size() == report.bars.size());
}

TEST_CASE("the quality report names the networks a workspace lacks") {
    test::TempDir dir;
    const Workspace workspace = Workspace::create(dir / "empty", DatasetEntry{"colormnist", 0, nlohmann::json::object()});
    const QualityReport report = measure_quality_bars(workspace, test::data_root(), {});
    CHECK(report.bars.empty());
    CHECK(report.missing == std::vector<std::string>{"classifier", "autoencoder", "factors"});
    CHECK_FALSE(report.all_met());
}
