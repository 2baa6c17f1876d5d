#pragma once

// Torch-including (through the analysis models): the engine's worker only.
#include "core/analysis/analysis_models.h"
#include "core/analysis/mean_std.h"
#include "core/data/dataset_catalog.h"
#include "core/data/image_dataset.h"
#include "core/runtime/compute_device.h"
#include "core/workspace/workspace.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

namespace inv {

// The networks of the workspace the front end shows, loaded once and kept until the workspace's
// manifest changes (a finished training run, a new model) or the device does.
struct OpenWorkspace {
    std::filesystem::path folder;
    std::filesystem::file_time_type manifest_time;
    std::unique_ptr<Workspace> workspace;
    std::shared_ptr<const ImageDataset> train;
    std::shared_ptr<const ImageDataset> test;
    std::unique_ptr<AnalysisModels> models;
    std::map<std::int64_t, std::unique_ptr<AnalysisModels>> earlier;  // other classifier checkpoints
    // The attack panel's variance of z̄ explained by v, by classifier step (-1: the last) and layer.
    std::map<std::pair<std::int64_t, std::string>, MeanStd> explained_by_v;
    ComputeDevice device = ComputeDevice::Cpu;

    // The networks at a classifier checkpoint: the last one for a negative step.
    AnalysisModels& at_step(std::int64_t classifier_step);
};

// What the worker keeps loaded between commands: the built-in data sets' source images (read once
// per process and shared by every workspace), the open workspace, and the second workspace of a
// comparison. Used on the worker thread only.
class WorkspaceCache {
public:
    using Log = std::function<void(const std::string& text, bool is_error)>;
    WorkspaceCache(std::filesystem::path data_root, Log log);

    const SourceImages& source_images(DatasetKind kind);
    // The demo's test split, for previews while the demo workspace builds.
    const ImageDataset& demo_test_set();
    // `folder` opened on `device`; reloaded when its manifest changed since.
    OpenWorkspace& open(const std::filesystem::path& folder, ComputeDevice device);
    // The networks of a comparison's second workspace, kept while the same one is compared.
    AnalysisModels& other(const std::filesystem::path& folder, ComputeDevice device);
    // Drops every loaded network (a new device); the source images stay.
    void drop_networks();

private:
    struct OtherWorkspace {
        std::filesystem::file_time_type manifest_time;
        ComputeDevice device = ComputeDevice::Cpu;
        std::unique_ptr<Workspace> workspace;
        std::unique_ptr<AnalysisModels> models;
    };

    std::filesystem::path m_data_root;
    Log m_log;
    std::map<DatasetKind, SourceImages> m_sources;
    std::shared_ptr<const ImageDataset> m_demo_test;
    std::unique_ptr<OpenWorkspace> m_open;
    std::unique_ptr<OtherWorkspace> m_other;
};

}  // namespace inv
