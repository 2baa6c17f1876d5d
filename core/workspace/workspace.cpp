#include "core/workspace/workspace.h"

#include "core/workspace/config_values.h"
#include "core/workspace/json_file.h"

#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"

namespace inv {
namespace {

using nlohmann::json;

// Far beyond any run (the command line allows 10 million steps), far below where a step number
// stops being exact or overflows a counter.
constexpr std::int64_t kMaxCheckpointStep = 1'000'000'000'000;

std::string written_by() {
    return std::string("invariances ") + INVARIANCES_VERSION;
}

// Reads a required key with the expected type, or explains what is wrong with the manifest.
template <typename T>
T required(const json& object, const char* key, const std::string& where, const std::string& origin) {
    if (!object.is_object() || !object.contains(key)) {
        throw UserError(origin + ": " + where + " has no \"" + key + "\" entry; the manifest is corrupt.");
    }
    try {
        return object.at(key).get<T>();
    } catch (const json::exception&) {
        throw UserError(origin + ": \"" + key + "\" in " + where + " has the wrong type (found " + object.at(key).type_name() +
                        "); the manifest is corrupt.");
    }
}

// A whole number within [low, high], checked as JSON before any conversion.
std::int64_t required_whole(const json& object, const char* key, const std::string& where, const std::string& origin,
                            std::int64_t low, std::int64_t high) {
    const json value = required<json>(object, key, where, origin);
    const std::optional<std::int64_t> number = whole_in_range(value, low, high);
    if (!number) {
        throw UserError(origin + ": \"" + key + "\" in " + where + " is " + value.dump() + ", not a whole number from " +
                        std::to_string(low) + " to " + std::to_string(high) + "; the manifest is corrupt.");
    }
    return *number;
}

// A model file named by the manifest: a relative path that stays inside the workspace folder.
std::string required_inner_path(const json& object, const char* key, const std::string& where, const std::string& origin) {
    const std::string text = required<std::string>(object, key, where, origin);
    const std::filesystem::path path(text);
    bool climbs = false;
    for (const std::filesystem::path& part : path) climbs = climbs || part == "..";
    if (text.empty() || path.is_absolute() || path.has_root_name() || climbs) {
        throw UserError(
            origin + ": \"" + key + "\" in " + where + " is \"" + text +
            "\", a path outside the workspace folder; a workspace names only its own files. The manifest is corrupt.");
    }
    return text;
}

json checkpoint_to_json(const CheckpointEntry& c) {
    return {{"step", c.step}, {"file", c.file}, {"metrics", c.metrics}};
}

CheckpointEntry checkpoint_from_json(const json& j, const std::string& where, const std::string& origin) {
    CheckpointEntry c;
    c.step = required_whole(j, "step", where, origin, 0, kMaxCheckpointStep);
    c.file = required_inner_path(j, "file", where, origin);
    c.metrics = j.value("metrics", json::object());
    return c;
}

}  // namespace

json to_json(const WorkspaceManifest& m) {
    json models = json::object();
    for (const auto& [name, model] : m.models) {
        json checkpoints = json::array();
        for (const CheckpointEntry& c : model.checkpoints) checkpoints.push_back(checkpoint_to_json(c));
        models[name] = {{"kind", model.kind}, {"config", model.config}, {"checkpoints", checkpoints}};
    }
    return {{"format", kWorkspaceFormatName},
            {"format_version", m.format_version},
            {"written_by", m.written_by},
            {"dataset", {{"kind", m.dataset.kind}, {"colour_seed", m.dataset.colour_seed}, {"settings", m.dataset.settings}}},
            {"models", models},
            {"metrics", m.metrics}};
}

WorkspaceManifest manifest_from_json(const json& document, const std::string& origin) {
    if (!document.is_object() || document.value("format", std::string()) != kWorkspaceFormatName) {
        throw UserError(origin + " is not an Invariances workspace manifest (no \"format\": \"" +
                        std::string(kWorkspaceFormatName) + "\").");
    }
    WorkspaceManifest m;
    m.format_version = static_cast<int>(required_whole(document, "format_version", "the manifest", origin, 0, 1000000));
    m.written_by = document.value("written_by", std::string("unknown"));
    if (m.format_version > kWorkspaceFormatVersion) {
        throw UserError(origin + " was written by " + m.written_by + " in workspace format " + std::to_string(m.format_version) +
                        "; this build (" + written_by() + ") reads formats up to " + std::to_string(kWorkspaceFormatVersion) +
                        ". Update Invariances to open it.");
    }
    if (m.format_version < 1) {
        throw UserError(origin + " declares workspace format " + std::to_string(m.format_version) +
                        ", which never existed; the manifest is corrupt.");
    }
    const json dataset = required<json>(document, "dataset", "the manifest", origin);
    m.dataset.kind = required<std::string>(dataset, "kind", "\"dataset\"", origin);
    const json seed = required<json>(dataset, "colour_seed", "\"dataset\"", origin);
    if (!seed.is_number_unsigned()) {
        throw UserError(origin + ": \"colour_seed\" in \"dataset\" is " + seed.dump() +
                        ", not a whole number of 0 or more; the manifest is corrupt.");
    }
    m.dataset.colour_seed = seed.get<std::uint64_t>();
    m.dataset.settings = dataset.value("settings", json::object());
    const json models = document.value("models", json::object());
    for (const auto& [name, model] : models.items()) {
        const std::string where = "model \"" + name + "\"";
        ModelEntry entry;
        entry.kind = required<std::string>(model, "kind", where, origin);
        entry.config = model.value("config", json::object());
        const json checkpoints = model.value("checkpoints", json::array());
        for (const json& c : checkpoints) {
            entry.checkpoints.push_back(checkpoint_from_json(c, where + " checkpoint", origin));
        }
        m.models.emplace(name, std::move(entry));
    }
    m.metrics = document.value("metrics", json::object());
    return m;
}

Workspace::Workspace(std::filesystem::path folder, WorkspaceManifest manifest)
    : m_folder(std::move(folder)), m_manifest(std::move(manifest)) {}

Workspace Workspace::create(const std::filesystem::path& folder, const DatasetEntry& dataset) {
    if (std::filesystem::exists(folder / kManifestFileName)) {
        throw UserError(folder.string() +
                        " already holds a workspace; open it instead, or choose "
                        "another folder.");
    }
    std::filesystem::create_directories(folder);
    WorkspaceManifest manifest;
    manifest.written_by = written_by();
    manifest.dataset = dataset;
    Workspace workspace(folder, std::move(manifest));
    workspace.save();
    return workspace;
}

Workspace Workspace::open(const std::filesystem::path& folder) {
    const std::filesystem::path path = folder / kManifestFileName;
    if (!std::filesystem::exists(path)) {
        throw UserError("no workspace at " + folder.string() + " (" + path.string() +
                        " is missing). Create one with `invariances-cli workspace create`.");
    }
    const std::string remedy = "Restore it from a backup or create a new workspace.";
    const json document = read_json_file(path, remedy);
    try {
        return Workspace(folder, manifest_from_json(document, path.string()));
    } catch (const json::exception& e) {
        // A value of the wrong type (a string where a number belongs, a number out of range).
        throw UserError(path.string() + " does not have the form of a workspace manifest (" + e.what() + "). " + remedy);
    }
}

void Workspace::save() const {
    WorkspaceManifest manifest = m_manifest;
    manifest.written_by = written_by();
    write_file_atomically(manifest_path(), to_json(manifest).dump(2) + "\n");
}

}  // namespace inv
