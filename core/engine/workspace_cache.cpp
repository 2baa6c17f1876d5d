#include "core/engine/workspace_cache.h"

#include "core/data/workspace_data.h"

#include <system_error>

namespace inv {
namespace {

std::filesystem::file_time_type manifest_time(const std::filesystem::path& folder) {
    std::error_code error;
    return std::filesystem::last_write_time(folder / kManifestFileName, error);
}

}  // namespace

AnalysisModels& OpenWorkspace::at_step(std::int64_t classifier_step) {
    if (classifier_step < 0) return *models;
    auto found = earlier.find(classifier_step);
    if (found == earlier.end()) {
        found = earlier.emplace(classifier_step, std::make_unique<AnalysisModels>(*workspace, classifier_step, device)).first;
    }
    return *found->second;
}

WorkspaceCache::WorkspaceCache(std::filesystem::path data_root, Log log)
    : m_data_root(std::move(data_root)), m_log(std::move(log)) {}

const SourceImages& WorkspaceCache::source_images(DatasetKind kind) {
    auto found = m_sources.find(kind);
    if (found == m_sources.end()) {
        m_log("loading " + to_string(kind) + " from " + m_data_root.string(), false);
        found = m_sources.emplace(kind, load_source_images(kind, m_data_root)).first;
    }
    return found->second;
}

const ImageDataset& WorkspaceCache::demo_test_set() {
    if (!m_demo_test) m_demo_test = make_color_dataset(source_images(DatasetKind::ColorMnist), Split::Test, 0);
    return *m_demo_test;
}

OpenWorkspace& WorkspaceCache::open(const std::filesystem::path& folder, ComputeDevice device) {
    std::error_code error;
    const auto time = std::filesystem::last_write_time(folder / kManifestFileName, error);
    if (m_open && m_open->folder == folder && !error && m_open->manifest_time == time && m_open->device == device) {
        return *m_open;
    }
    m_open.reset();
    auto open = std::make_unique<OpenWorkspace>();
    open->folder = folder;
    open->manifest_time = time;
    open->workspace = std::make_unique<Workspace>(Workspace::open(folder));
    const DatasetEntry& dataset = open->workspace->manifest().dataset;
    if (const std::optional<DatasetKind> kind = parse_dataset_kind(dataset.kind)) {
        open->train = make_color_dataset(source_images(*kind), Split::Train, dataset.colour_seed);
        open->test = make_color_dataset(source_images(*kind), Split::Test, dataset.colour_seed);
    } else {
        ImageFolderReport report;
        WorkspaceData data = load_workspace_data(*open->workspace, m_data_root, &report);
        if (!report.skipped.empty()) {
            m_log("skipped " + std::to_string(report.skipped.size()) + " unreadable image(s) of " + data.origin, true);
        }
        open->train = std::move(data.train);
        open->test = std::move(data.test);
    }
    open->device = device;
    open->models = std::make_unique<AnalysisModels>(*open->workspace, std::nullopt, device);
    m_log("opened " + folder.string(), false);
    m_open = std::move(open);
    return *m_open;
}

AnalysisModels& WorkspaceCache::other(const std::filesystem::path& folder, ComputeDevice device) {
    if (!m_other || m_other->workspace->folder() != folder || m_other->device != device ||
        m_other->manifest_time != manifest_time(folder)) {
        m_other.reset();
        auto other = std::make_unique<OtherWorkspace>();
        other->manifest_time = manifest_time(folder);
        other->device = device;
        other->workspace = std::make_unique<Workspace>(Workspace::open(folder));
        other->models = std::make_unique<AnalysisModels>(*other->workspace, std::nullopt, device);
        m_other = std::move(other);
    }
    return *m_other->models;
}

void WorkspaceCache::drop_networks() {
    m_open.reset();
    m_other.reset();
}

}  // namespace inv
