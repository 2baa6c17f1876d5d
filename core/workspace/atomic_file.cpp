#include "core/workspace/atomic_file.h"

#include "core/runtime/errors.h"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace inv {
namespace {

std::filesystem::path temporary_sibling(const std::filesystem::path& path) {
    std::random_device entropy;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp-%d-%08x", static_cast<int>(::getpid()), entropy());
    return path.parent_path() / (path.filename().string() + suffix);
}

std::string system_error_text() {
    return std::strerror(errno);
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    const std::filesystem::path temporary = temporary_sibling(path);

    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw UserError("cannot write " + path.string() + ": " + system_error_text() +
                        ". Check that the folder exists and is writable.");
    }
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string reason = system_error_text();
            ::close(fd);
            std::filesystem::remove(temporary);
            throw UserError("cannot write " + path.string() + ": " + reason +
                            " (is the disk full?). The previous file, if any, is unchanged.");
        }
        written += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string reason = system_error_text();
        std::filesystem::remove(temporary);
        throw UserError("cannot replace " + path.string() + ": " + reason + ". The previous file, if any, is unchanged.");
    }
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UserError("cannot open " + path.string() + ": " + system_error_text() + ".");
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace inv
