#pragma once

#include "core/data/data_paths.h"

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

namespace inv::test {

// A fresh folder under the system temp dir, removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() {
        std::random_device entropy;
        m_path = std::filesystem::temp_directory_path() /
                 ("invariances-test-" + std::to_string(entropy()) + std::to_string(entropy()));
        std::filesystem::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout, and stderr unless the command was run for its stdout alone
};

enum class Streams { Both, StdoutOnly };

inline CommandResult run_command(const std::string& command, Streams streams = Streams::Both) {
    CommandResult result;
    const std::string redirect = streams == Streams::Both ? " 2>&1" : " 2>/dev/null";
    std::FILE* pipe = ::popen((command + redirect).c_str(), "r");
    if (!pipe) return result;
    char buffer[4096];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

// The data sets as scripts/setup.sh installs them (tests run after the set-up).
inline std::filesystem::path data_root() {
    return default_data_root();
}

}  // namespace inv::test
