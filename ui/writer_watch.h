#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace inv {

// Whether another process (a command-line trainer, a second GUI) writes the open workspace. Checked
// at most once a second; the check asks who holds the workspace's writer lock without taking it,
// so it never delays that process.
class WriterWatch {
public:
    // A line for the status bar, or empty when nobody else writes `workspace`.
    const std::string& poll(const std::filesystem::path& workspace);

private:
    std::filesystem::path m_folder;
    std::string m_text;
    std::chrono::steady_clock::time_point m_checked{};
};

}  // namespace inv
