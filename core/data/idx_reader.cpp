#include "core/data/idx_reader.h"

#include "core/runtime/errors.h"

#include <zlib.h>
#include <array>
#include <memory>

namespace inv {
namespace {

constexpr std::uint32_t kLabelMagic = 0x00000801;
constexpr std::uint32_t kImageMagic = 0x00000803;

struct GzCloser {
    void operator()(gzFile_s* file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

GzFile open_gz(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) {
        throw UserError("missing data file " + path.string() +
                        ". Run scripts/setup.sh to fetch the data sets, or point INVARIANCES_DATA "
                        "at the folder that holds them.");
    }
    GzFile file(gzopen(path.c_str(), "rb"));
    if (!file) throw UserError("cannot open " + path.string() + " for reading.");
    return file;
}

void read_exactly(gzFile_s* file, void* buffer, std::size_t size, const std::filesystem::path& path, const char* what) {
    const int n = gzread(file, buffer, static_cast<unsigned>(size));
    if (n < 0 || static_cast<std::size_t>(n) != size) {
        throw UserError(path.string() + " is truncated or corrupt: could not read the " + what + " (wanted " +
                        std::to_string(size) + " bytes, got " + std::to_string(n < 0 ? 0 : n) +
                        "). Delete it and run scripts/setup.sh.");
    }
}

std::uint32_t read_big_endian(gzFile_s* file, const std::filesystem::path& path, const char* what) {
    std::array<unsigned char, 4> b{};
    read_exactly(file, b.data(), b.size(), path, what);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}

void expect_magic(std::uint32_t found, std::uint32_t expected, const std::filesystem::path& path) {
    if (found != expected) {
        char text[96];
        std::snprintf(text, sizeof text, " (expected magic number 0x%08x, found 0x%08x)", expected, found);
        throw UserError(path.string() + " is not an IDX " + (expected == kImageMagic ? "image" : "label") + " file" + text + ".");
    }
}

void expect_end(gzFile_s* file, const std::filesystem::path& path) {
    char extra = 0;
    if (gzread(file, &extra, 1) != 0) {
        throw UserError(path.string() + " has more data than its header declares; the file is corrupt.");
    }
}

}  // namespace

IdxImages read_idx_images(const std::filesystem::path& path) {
    GzFile file = open_gz(path);
    expect_magic(read_big_endian(file.get(), path, "header"), kImageMagic, path);
    IdxImages images;
    images.count = static_cast<int>(read_big_endian(file.get(), path, "image count"));
    images.rows = static_cast<int>(read_big_endian(file.get(), path, "row count"));
    images.cols = static_cast<int>(read_big_endian(file.get(), path, "column count"));
    if (images.rows <= 0 || images.cols <= 0 || images.rows > 4096 || images.cols > 4096) {
        throw UserError(path.string() + " declares images of " + std::to_string(images.rows) + "x" + std::to_string(images.cols) +
                        " pixels; the file is corrupt.");
    }
    images.pixels.resize(static_cast<std::size_t>(images.count) * images.rows * images.cols);
    read_exactly(file.get(), images.pixels.data(), images.pixels.size(), path, "pixels");
    expect_end(file.get(), path);
    return images;
}

std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path) {
    GzFile file = open_gz(path);
    expect_magic(read_big_endian(file.get(), path, "header"), kLabelMagic, path);
    const std::uint32_t count = read_big_endian(file.get(), path, "label count");
    std::vector<std::uint8_t> labels(count);
    read_exactly(file.get(), labels.data(), labels.size(), path, "labels");
    expect_end(file.get(), path);
    return labels;
}

}  // namespace inv
