#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

namespace inv {

// Limits on the JSON files a workspace keeps (manifest, side-cars, model cards), far above what
// the program writes and far below what would exhaust memory or the stack.
inline constexpr std::uintmax_t kMaxJsonFileBytes = 64ull << 20;
inline constexpr int kMaxJsonDepth = 64;

// Reads and parses a JSON file that a person may have edited or damaged: a regular file of at
// most kMaxJsonFileBytes, nested at most kMaxJsonDepth deep, valid JSON. Throws UserError naming
// the file and the problem, followed by `remedy` (what to do).
nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& remedy);

}  // namespace inv
