#include "core/workspace/json_file.h"

#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"

namespace inv {

nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& remedy) {
    const std::string tail = remedy.empty() ? std::string(".") : ". " + remedy;
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        throw UserError(path.string() + " is not a regular file" + tail);
    }
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (error || size > kMaxJsonFileBytes) {
        throw UserError(path.string() + " is " + (error ? std::string("unreadable") : std::to_string(size) + " bytes") +
                        ", more than a JSON file of this program can be (at most " + std::to_string(kMaxJsonFileBytes >> 20) +
                        " MiB)" + tail);
    }
    // The depth is checked while parsing, before a deep document is built: nlohmann's copies and
    // destructors recurse, and 100,000 nested arrays overflow the stack.
    const auto limit_depth = [&path, &tail](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        // nlohmann counts the outermost container as depth 0.
        if (depth + 1 > kMaxJsonDepth) {
            throw UserError(path.string() + " is nested more than " + std::to_string(kMaxJsonDepth) +
                            " levels deep; no file this program writes is" + tail);
        }
        return true;
    };
    try {
        return nlohmann::json::parse(read_file(path), limit_depth);
    } catch (const nlohmann::json::exception& e) {
        throw UserError(path.string() + " is not valid JSON (" + e.what() + ")" + tail);
    }
}

}  // namespace inv
