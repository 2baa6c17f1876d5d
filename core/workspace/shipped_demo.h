#pragma once

// Torch-free: the trained demo workspace that ships with the application (assets/demo-workspace).
#include <filesystem>
#include <string>
#include <vector>

namespace inv {

// A file in the shipped workspace's folder that marks it as never to be written: commands that
// would write to it refuse and say how to make a copy.
inline constexpr const char* kShippedMarkerFileName = "SHIPPED";
// The checksums of every shipped file, in `sha256sum` format.
inline constexpr const char* kShippedChecksumsFileName = "SHA256SUMS";

bool is_shipped_workspace(const std::filesystem::path& folder);

// Copies the shipped workspace `shipped` to `copy` (which must not exist yet), leaving out the
// marker and the checksums, so the copy is an ordinary workspace its user can train. The copy is
// made beside `copy` and renamed into place, so an interrupted copy never looks like a workspace.
void copy_shipped_workspace(const std::filesystem::path& shipped, const std::filesystem::path& copy);

// Rewrites the last checkpoint of the workspace's autoencoder, every t and e with 16-bit weights,
// halving their files, which is how the shipped demo fits its size limit; loading widens them to
// 32 bits again. The classifier (whose checkpoints are small) and other networks stay as they are.
// Returns the files rewritten. The caller holds the workspace's lock. Defined beside the loaders,
// in core/workspace/workspace_models.cpp.
std::vector<std::string> store_weights_in_half_precision(const std::filesystem::path& folder);

}  // namespace inv
