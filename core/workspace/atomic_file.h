#pragma once

#include <filesystem>
#include <string_view>

namespace inv {

// Writes `bytes` to `path` so that readers see either the old file or the complete new one: the
// data goes to a temporary file in the same folder, is flushed to disk, and is renamed over the
// target. A crash or an exception never leaves a half-written file behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Reads a whole file; throws UserError naming the path when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace inv
