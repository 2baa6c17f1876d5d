// The trained demo workspace that ships in assets/demo-workspace, and how the application keeps it
// unwritten.
#include "core/data/workspace_data.h"
#include "core/runtime/errors.h"
#include "core/training/autoencoder_trainer.h"
#include "core/training/classifier_trainer.h"
#include "core/workspace/shipped_demo.h"
#include "core/workspace/workspace.h"
#include "core/workspace/workspace_lock.h"
#include "tests/test_support.h"
#include "tests/tiny_demo.h"

#include <doctest/doctest.h>

#include <fstream>

using namespace inv;
namespace fs = std::filesystem;

namespace {

const fs::path kShipped = fs::path(INVARIANCES_ASSET_DIR) / "demo-workspace";

}  // namespace

TEST_CASE("a shipped workspace refuses every writer and is copied into an ordinary workspace") {
    test::TempDir dir;
    const fs::path shipped = dir / "shipped";
    fs::copy(test::tiny_demo().folder(), shipped, fs::copy_options::recursive);
    std::ofstream(shipped / kShippedMarkerFileName) << "shipped\n";
    std::ofstream(shipped / kShippedChecksumsFileName) << "0  workspace.json\n";
    REQUIRE(is_shipped_workspace(shipped));
    CHECK_THROWS_WITH_AS(WorkspaceLock::acquire(shipped, "test"), doctest::Contains("never written"), UserError);
    CHECK_FALSE(fs::exists(shipped / kWriterLockFileName));

    const fs::path copy = dir / "data" / "workspaces" / "demo";
    copy_shipped_workspace(shipped, copy);
    CHECK_FALSE(is_shipped_workspace(copy));
    CHECK_FALSE(fs::exists(copy / kShippedChecksumsFileName));
    CHECK(Workspace::open(copy).manifest().models.size() == Workspace::open(shipped).manifest().models.size());
    CHECK_NOTHROW(WorkspaceLock::acquire(copy, "test"));
    // Nothing but the copy is left beside it, and a second copy never replaces the first.
    CHECK(std::distance(fs::directory_iterator(copy.parent_path()), fs::directory_iterator()) == 1);
    CHECK_THROWS_WITH_AS(copy_shipped_workspace(shipped, copy), doctest::Contains("exists already"), UserError);
}

TEST_CASE("the shipped demo workspace meets the classifier and reconstruction bars measured from its weights") {
    REQUIRE_MESSAGE(fs::exists(kShipped / kManifestFileName), kShipped.string());
    CHECK(is_shipped_workspace(kShipped));
    const Workspace workspace = Workspace::open(kShipped);
    CHECK(workspace.manifest().dataset.settings.value("demo_budget", std::string()) == "full");
    const WorkspaceData data = load_workspace_data(workspace, test::data_root());
    REQUIRE(data.test->size() == 2000);
    // Loading checks every file against the checksum in its side-car.
    CHECK(measure_classifier(workspace, *data.test, ComputeDevice::Cpu) >= 0.97);
    const AutoencoderQuality reconstructions = measure_autoencoder(workspace, *data.test, data.test->size(), ComputeDevice::Cpu);
    REQUIRE(reconstructions.classifier_accuracy.has_value());
    CHECK(*reconstructions.classifier_accuracy >= 0.95);
    CHECK(*reconstructions.foreground_colour_error <= 0.05);
    CHECK(*reconstructions.background_colour_error <= 0.05);
}
