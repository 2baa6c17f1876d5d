#pragma once

#include "core/data/dataset_catalog.h"
#include "core/workspace/demo_pipeline.h"
#include "tests/test_support.h"

#include <doctest/doctest.h>

namespace inv::test {

// The `--budget tiny` demo workspace, built once per test process (a few seconds), with its
// ColorMNIST test split. Tests only read it.
struct TinyDemo {
    TempDir dir;
    SourceImages source = load_source_images(DatasetKind::ColorMnist, data_root());
    std::shared_ptr<const ColorDataset> train_set = make_color_dataset(source, Split::Train, 0);
    std::shared_ptr<const ColorDataset> test_set = make_color_dataset(source, Split::Test, 0);

    TinyDemo() { REQUIRE(prepare_demo(dir / "demo", data_root(), demo_plan(DemoBudget::Tiny), {}, {}).completed); }
    std::filesystem::path folder() const { return dir / "demo"; }
    Workspace workspace() const { return Workspace::open(folder()); }
};

inline const TinyDemo& tiny_demo() {
    static const TinyDemo once;
    return once;
}

}  // namespace inv::test
