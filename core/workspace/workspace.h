#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace inv {

// The manifest format this build writes and the newest it reads.
constexpr int kWorkspaceFormatVersion = 1;
constexpr const char* kWorkspaceFormatName = "invariances-workspace";
constexpr const char* kManifestFileName = "workspace.json";

struct CheckpointEntry {
    std::int64_t step = 0;
    std::string file;  // relative to the workspace folder
    nlohmann::json metrics = nlohmann::json::object();
};

// One trained network: what it is, the configuration it was built from, and its checkpoints.
struct ModelEntry {
    std::string kind;  // "classifier", "autoencoder", "cinn", "factors", …
    nlohmann::json config = nlohmann::json::object();
    std::vector<CheckpointEntry> checkpoints;
};

struct DatasetEntry {
    std::string kind;  // "colormnist", "colorfashion", later "image-folder"
    std::uint64_t colour_seed = 0;
    nlohmann::json settings = nlohmann::json::object();
};

struct WorkspaceManifest {
    int format_version = kWorkspaceFormatVersion;
    std::string written_by;  // "invariances 0.1.0"
    DatasetEntry dataset;
    std::map<std::string, ModelEntry> models;
    nlohmann::json metrics = nlohmann::json::object();
};

nlohmann::json to_json(const WorkspaceManifest& manifest);
// Throws UserError naming `origin` for a corrupt manifest or one from a newer version.
WorkspaceManifest manifest_from_json(const nlohmann::json& document, const std::string& origin);

// A folder holding everything about one analysed classifier, described by workspace.json.
class Workspace {
public:
    // Creates the folder and its manifest; refuses to overwrite an existing workspace.
    static Workspace create(const std::filesystem::path& folder, const DatasetEntry& dataset);
    static Workspace open(const std::filesystem::path& folder);

    const std::filesystem::path& folder() const { return m_folder; }
    std::filesystem::path manifest_path() const { return m_folder / kManifestFileName; }
    std::filesystem::path resolve(const std::string& relative) const { return m_folder / relative; }

    const WorkspaceManifest& manifest() const { return m_manifest; }
    WorkspaceManifest& manifest() { return m_manifest; }

    // Writes workspace.json atomically.
    void save() const;

private:
    Workspace(std::filesystem::path folder, WorkspaceManifest manifest);

    std::filesystem::path m_folder;
    WorkspaceManifest m_manifest;
};

}  // namespace inv
