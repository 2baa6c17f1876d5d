#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/model_names.h"
#include "core/workspace/workspace.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

using namespace inv;

TEST_CASE("a new workspace round-trips its manifest") {
    test::TempDir dir;
    DatasetEntry dataset;
    dataset.kind = "colormnist";
    dataset.colour_seed = 17;
    Workspace created = Workspace::create(dir / "ws", dataset);
    ModelEntry classifier;
    classifier.kind = "classifier";
    classifier.config = {{"architecture", "squeezenet"}};
    classifier.checkpoints.push_back({2000, "classifier/step-2000.pt", {{"test_accuracy", 0.97}}});
    created.manifest().models["classifier"] = classifier;
    created.manifest().metrics["note"] = "hello";
    created.save();

    const Workspace opened = Workspace::open(dir / "ws");
    const WorkspaceManifest& m = opened.manifest();
    CHECK(m.format_version == kWorkspaceFormatVersion);
    CHECK(m.dataset.kind == "colormnist");
    CHECK(m.dataset.colour_seed == 17);
    REQUIRE(m.models.count("classifier") == 1);
    CHECK(m.models.at("classifier").config["architecture"] == "squeezenet");
    REQUIRE(m.models.at("classifier").checkpoints.size() == 1);
    CHECK(m.models.at("classifier").checkpoints[0].step == 2000);
    CHECK(m.models.at("classifier").checkpoints[0].metrics["test_accuracy"] == 0.97);
    CHECK(m.metrics["note"] == "hello");
}

TEST_CASE("a workspace from a newer format version fails naming both versions") {
    test::TempDir dir;
    Workspace::create(dir.path(), DatasetEntry{"colormnist", 0, {}});
    nlohmann::json document = nlohmann::json::parse(read_file(dir / kManifestFileName));
    document["format_version"] = kWorkspaceFormatVersion + 1;
    document["written_by"] = "invariances 9.0.0";
    write_file_atomically(dir / kManifestFileName, document.dump());
    try {
        Workspace::open(dir.path());
        FAIL("expected an error");
    } catch (const UserError& e) {
        const std::string message = e.what();
        CHECK(message.find("invariances 9.0.0") != std::string::npos);
        CHECK(message.find("format " + std::to_string(kWorkspaceFormatVersion + 1)) != std::string::npos);
        CHECK(message.find("up to " + std::to_string(kWorkspaceFormatVersion)) != std::string::npos);
    }
}

TEST_CASE("a corrupt workspace manifest fails with a message naming the file") {
    test::TempDir dir;
    write_file_atomically(dir / kManifestFileName, "{\"format\": \"invariances-workspace\", ");
    CHECK_THROWS_WITH_AS(Workspace::open(dir.path()), doctest::Contains("not valid JSON"), UserError);

    write_file_atomically(dir / kManifestFileName,
                          R"({"format": "invariances-workspace", "format_version": 1, "dataset": {"kind": 3}})");
    CHECK_THROWS_WITH_AS(Workspace::open(dir.path()), doctest::Contains("\"kind\""), UserError);

    write_file_atomically(dir / kManifestFileName, R"({"something": "else"})");
    CHECK_THROWS_WITH_AS(Workspace::open(dir.path()), doctest::Contains("not an Invariances workspace"), UserError);
}

TEST_CASE("opening a folder without a workspace says how to create one") {
    test::TempDir dir;
    CHECK_THROWS_WITH_AS(Workspace::open(dir.path()), doctest::Contains("workspace create"), UserError);
}

TEST_CASE("creating a workspace over an existing one is refused") {
    test::TempDir dir;
    Workspace::create(dir.path(), DatasetEntry{"colormnist", 0, {}});
    CHECK_THROWS_AS(Workspace::create(dir.path(), DatasetEntry{"colorfashion", 1, {}}), UserError);
    CHECK(Workspace::open(dir.path()).manifest().dataset.kind == "colormnist");
}

TEST_CASE("t's model names are built and read in one place") {
    CHECK(cinn_model_name("fire7") == "cinn-fire7");
    CHECK(cinn_model_name("logits", 200) == "cinn-logits@200");
    const auto last = parse_cinn_model_name("cinn-fire7");
    REQUIRE(last);
    CHECK(last->layer == "fire7");
    CHECK_FALSE(last->classifier_step);
    const auto earlier = parse_cinn_model_name(cinn_model_name("logits", 200));
    REQUIRE(earlier);
    CHECK(earlier->layer == "logits");
    CHECK(earlier->classifier_step == 200);
    for (const char* other :
         {"classifier", "autoencoder", "factors", "cinn-", "cinn-@5", "cinn-conv1@", "cinn-conv1@x", "cinn-conv1@-3"}) {
        CHECK_MESSAGE(!parse_cinn_model_name(other), other);
    }
}
