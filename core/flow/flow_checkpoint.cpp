#include "core/flow/flow_checkpoint.h"

#include "core/workspace/json_file.h"

#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

namespace inv {

void convert_tensors(torch::nn::Module& module, torch::ScalarType from, torch::ScalarType to) {
    torch::NoGradGuard no_grad;
    for (auto& entry : module.named_parameters(/*recurse=*/true)) {
        if (entry.value().scalar_type() == from) entry.value().set_data(entry.value().to(to));
    }
    for (auto& entry : module.named_buffers(/*recurse=*/true)) {
        if (entry.value().scalar_type() == from) entry.value().set_data(entry.value().to(to));
    }
}

std::string fnv1a_hex(const std::string& bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
    return text;
}

namespace {

nlohmann::json read_side_car(const std::filesystem::path& path) {
    const std::filesystem::path side_car = side_car_path(path);
    if (!std::filesystem::exists(side_car)) {
        throw UserError("no configuration beside " + path.string() + " (" + side_car.string() +
                        " is missing); a network file needs its side-car to be loaded.");
    }
    nlohmann::json document = read_json_file(side_car, "");
    if (!document.is_object() || !document.contains("config") || !document.contains("weights_fnv1a64") ||
        !document["weights_fnv1a64"].is_string()) {
        throw UserError(side_car.string() + " lacks \"config\" or a \"weights_fnv1a64\" string; it is not a network side-car.");
    }
    return document;
}

template <typename Flow, typename Config>
Flow load_described(const std::filesystem::path& path, const torch::Device& device,
                    Config (*config_from_json)(const nlohmann::json&), const char* type) {
    const nlohmann::json config = read_saved_config(path);
    if (config.value("type", std::string()) != type) {
        throw UserError(path.string() + " holds a \"" + config.value("type", std::string("?")) + "\" network, not a \"" + type +
                        "\".");
    }
    Flow flow(config_from_json(config));
    load_module(*flow, config, path, device);
    return flow;
}

}  // namespace

std::filesystem::path side_car_path(const std::filesystem::path& path) {
    return path.string() + ".json";
}

void save_module(const torch::nn::Module& module, const nlohmann::json& config, const std::filesystem::path& path) {
    torch::serialize::OutputArchive archive;
    module.save(archive);
    save_archive(archive, config, path);
}

void save_archive(torch::serialize::OutputArchive& archive, const nlohmann::json& config, const std::filesystem::path& path) {
    std::ostringstream bytes;
    archive.save_to(bytes);
    const std::string weights = bytes.str();
    const nlohmann::json side_car{{"config", config},
                                  {"weights_fnv1a64", fnv1a_hex(weights)},
                                  {"written_by", std::string("invariances ") + INVARIANCES_VERSION}};
    write_file_atomically(path, weights);
    write_file_atomically(side_car_path(path), side_car.dump(2) + "\n");
}

nlohmann::json read_saved_config(const std::filesystem::path& path) {
    return read_side_car(path).at("config");
}

namespace {

// Module::load reads the tensors the network has and ignores any others, so weights of a different
// network (batch-norm statistics, a layer the network lacks) would load without a word. Collects the
// tensors and sub-networks in `archive` that `module` has no place for, with their dotted names.
void collect_unused_entries(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::string& prefix,
                            std::vector<std::string>& unused) {
    std::set<std::string> tensors;
    for (const auto& item : module.named_parameters(/*recurse=*/false)) tensors.insert(item.key());
    for (const auto& item : module.named_buffers(/*recurse=*/false)) tensors.insert(item.key());
    std::map<std::string, std::shared_ptr<torch::nn::Module>> children;
    for (const auto& item : module.named_children()) children.emplace(item.key(), item.value());
    for (const std::string& key : archive.keys()) {
        torch::serialize::InputArchive child;
        if (archive.try_read(key, child)) {
            const auto found = children.find(key);
            if (found == children.end())
                unused.push_back(prefix + key);
            else
                collect_unused_entries(*found->second, child, prefix + key + ".", unused);
            continue;
        }
        c10::IValue value;
        // Other attributes (the archive's own "training" flag) carry no weights.
        if (archive.try_read(key, value) && value.isTensor() && tensors.count(key) == 0) unused.push_back(prefix + key);
    }
}

// Gives each tensor of `module` the type of its stored counterpart (16-bit weights of the shipped
// demo): reading a stored tensor into a module's tensor keeps the stored bytes and would read them as
// the module's type.
void take_stored_types(torch::nn::Module& module, torch::serialize::InputArchive& archive) {
    torch::NoGradGuard no_grad;
    for (auto& item : module.named_parameters(/*recurse=*/false)) {
        torch::Tensor stored;
        if (archive.try_read(item.key(), stored) && stored.scalar_type() != item.value().scalar_type()) {
            item.value().set_data(item.value().to(stored.scalar_type()));
        }
    }
    for (auto& item : module.named_buffers(/*recurse=*/false)) {
        torch::Tensor stored;
        if (archive.try_read(item.key(), stored, /*is_buffer=*/true) && stored.scalar_type() != item.value().scalar_type()) {
            item.value().set_data(item.value().to(stored.scalar_type()));
        }
    }
    for (const auto& item : module.named_children()) {
        torch::serialize::InputArchive child;
        if (archive.try_read(item.key(), child)) take_stored_types(*item.value(), child);
    }
}

}  // namespace

namespace {

void require_finite(const std::string& name, const torch::Tensor& tensor, const std::filesystem::path& path) {
    if (!tensor.is_floating_point() || tensor.numel() == 0) return;
    if (torch::isfinite(tensor).all().item<bool>()) return;
    throw UserError(path.string() + " holds NaN or infinite values in \"" + name +
                    "\": the weights are unusable. Train the model again, or restore the file from a backup.");
}

}  // namespace

void load_weights(torch::nn::Module& module, torch::serialize::InputArchive& archive, const std::filesystem::path& path) {
    std::vector<std::string> unused;
    collect_unused_entries(module, archive, "", unused);
    if (!unused.empty()) {
        std::string listed;
        for (std::size_t i = 0; i < unused.size() && i < 5; ++i) listed += (i ? ", " : "") + unused[i];
        if (unused.size() > 5) listed += " and " + std::to_string(unused.size() - 5) + " more";
        throw UserError(path.string() + " holds weights this network has no place for (" + listed +
                        "): it was written by a different network than its configuration describes. Retrain the model, "
                        "or restore the file that belongs with " +
                        side_car_path(path).filename().string() + ".");
    }
    try {
        take_stored_types(module, archive);
        module.load(archive);
    } catch (const c10::Error& e) {
        throw UserError(path.string() + " does not hold the weights this network needs: " + e.what_without_backtrace());
    }
    // Weights stored in 16 bits (the shipped demo's, see store_weights_in_half_precision) are computed
    // with in 32: loading takes the stored tensor as it is, so it is widened here.
    convert_tensors(module, torch::kHalf, torch::kFloat);
    // A file can be whole (its checksum matches) and still hold NaN or infinite weights, written so
    // or edited: every figure made from it would be NaN without a word.
    for (const auto& entry : module.named_parameters(/*recurse=*/true)) require_finite(entry.key(), entry.value(), path);
    for (const auto& entry : module.named_buffers(/*recurse=*/true)) require_finite(entry.key(), entry.value(), path);
}

void load_module(torch::nn::Module& module, const nlohmann::json& expected_config, const std::filesystem::path& path,
                 const torch::Device& device) {
    torch::serialize::InputArchive archive = load_archive(expected_config, path, device);
    load_weights(module, archive, path);
    module.to(device);
}

torch::serialize::InputArchive load_archive(const nlohmann::json& expected_config, const std::filesystem::path& path,
                                            const torch::Device& device, const std::string& mismatch_advice) {
    const nlohmann::json side_car = read_side_car(path);
    if (auto difference = first_difference(side_car.at("config"), expected_config)) {
        throw UserError(path.string() + " was made for another configuration: " + *difference + "." +
                        (mismatch_advice.empty() ? "" : " " + mismatch_advice));
    }
    const std::string weights = read_file(path);
    if (fnv1a_hex(weights) != side_car.at("weights_fnv1a64").get<std::string>()) {
        throw UserError(path.string() +
                        " does not match its side-car checksum: the file is corrupt or was replaced "
                        "without its " +
                        side_car_path(path).filename().string() + ".");
    }
    torch::serialize::InputArchive archive;
    try {
        std::istringstream stream(weights);
        archive.load_from(stream, device);
    } catch (const c10::Error& e) {
        throw UserError(path.string() + " could not be read as a LibTorch archive: " + e.what_without_backtrace());
    }
    return archive;
}

ConditionalFlow load_conditional_flow(const std::filesystem::path& path, const torch::Device& device) {
    return load_described<ConditionalFlow>(path, device, &conditional_flow_config_from_json, "conditional_flow");
}

FactorFlow load_factor_flow(const std::filesystem::path& path, const torch::Device& device) {
    return load_described<FactorFlow>(path, device, &factor_flow_config_from_json, "factor_flow");
}

}  // namespace inv
