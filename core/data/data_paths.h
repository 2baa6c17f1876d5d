#pragma once

#include <filesystem>

namespace inv {

// Where the offline data sets live: $INVARIANCES_DATA if set, else
// ${XDG_DATA_HOME:-~/.local/share}/invariances. scripts/setup.sh fills the same folder.
std::filesystem::path default_data_root();

// Sub-folders of the data root, as scripts/setup.sh lays them out.
std::filesystem::path mnist_digit_json_folder(const std::filesystem::path& data_root);
std::filesystem::path mnist_idx_folder(const std::filesystem::path& data_root);
std::filesystem::path fashion_mnist_folder(const std::filesystem::path& data_root);
// Where the GUI builds and finds the demo workspace.
std::filesystem::path default_demo_workspace(const std::filesystem::path& data_root);

}  // namespace inv
