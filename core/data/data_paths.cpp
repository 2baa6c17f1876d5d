#include "core/data/data_paths.h"

#include <cstdlib>

namespace inv {

std::filesystem::path default_data_root() {
    if (const char* explicit_root = std::getenv("INVARIANCES_DATA"); explicit_root && *explicit_root) {
        return explicit_root;
    }
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
        return std::filesystem::path(xdg) / "invariances";
    }
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local" / "share" / "invariances";
}

std::filesystem::path mnist_digit_json_folder(const std::filesystem::path& data_root) {
    return data_root / "mnist-digits";
}

std::filesystem::path mnist_idx_folder(const std::filesystem::path& data_root) {
    return data_root / "mnist";
}

std::filesystem::path fashion_mnist_folder(const std::filesystem::path& data_root) {
    return data_root / "fashion-mnist";
}

std::filesystem::path default_demo_workspace(const std::filesystem::path& data_root) {
    return data_root / "workspaces" / "demo";
}

}  // namespace inv
