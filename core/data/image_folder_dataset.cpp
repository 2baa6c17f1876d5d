#include "core/data/image_folder_dataset.h"

#include "core/data/image_cache.h"
#include "core/image/image_fit.h"
#include "core/runtime/errors.h"
#include "core/runtime/utf8.h"
#include "core/workspace/atomic_file.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace inv {
namespace {

bool is_image_file(const std::filesystem::path& path) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
    return extension == ".png" || extension == ".jpg" || extension == ".jpeg" || extension == ".bmp";
}

std::vector<std::filesystem::path> sorted_entries(const std::filesystem::path& folder, bool folders) {
    std::vector<std::filesystem::path> entries;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (folders ? entry.is_directory() : (entry.is_regular_file() && is_image_file(entry.path())))
            entries.push_back(entry.path());
    }
    std::sort(entries.begin(), entries.end());
    return entries;
}

std::string trimmed(std::string text) {
    const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    text.erase(text.begin(), std::find_if_not(text.begin(), text.end(), space));
    text.erase(std::find_if_not(text.rbegin(), text.rend(), space).base(), text.end());
    return text;
}

// One CSV line: comma-separated, fields optionally in double quotes ("" inside quotes is a quote).
std::vector<std::string> csv_fields(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"')
                fields.back() += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                fields.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    for (std::string& field : fields) field = trimmed(field);
    return fields;
}

struct Attributes {
    std::vector<std::string> names;
    std::map<std::string, std::vector<std::string>> of_file;  // file -> one value per attribute
};

Attributes read_attributes(const std::filesystem::path& csv, const std::filesystem::path& folder,
                           const std::set<std::string>& images, const std::set<std::string>& skipped) {
    if (!std::filesystem::exists(csv)) throw UserError("attributes file " + csv.string() + " does not exist.");
    std::string content = read_file(csv);
    // Spreadsheet programs often save UTF-8 with a byte-order mark; the header's first name must
    // still read "file".
    if (content.compare(0, kUtf8ByteOrderMark.size(), kUtf8ByteOrderMark) == 0) content.erase(0, kUtf8ByteOrderMark.size());
    if (!is_utf8(content)) {
        int bad_row = 1;
        std::istringstream lines(content);
        std::string candidate;
        while (std::getline(lines, candidate) && is_utf8(candidate)) ++bad_row;
        throw UserError(csv.string() + ": row " + std::to_string(bad_row) + " is not UTF-8 text (" + printable(candidate) +
                        "). Save the file as UTF-8 (with or without a byte-order mark).");
    }
    std::istringstream text(content);
    std::string line;
    std::vector<std::string> header;
    int row = 0;
    while (header.empty() && std::getline(text, line)) {
        ++row;
        if (!trimmed(line).empty()) header = csv_fields(line);
    }
    const auto file_column = std::find(header.begin(), header.end(), "file");
    if (file_column == header.end()) {
        throw UserError(csv.string() + ": row " + std::to_string(row) +
                        " (the header) has no \"file\" column; it has: " + (header.empty() ? "nothing" : joined(header)) +
                        ". The first line names the columns: file, then one per attribute.");
    }
    if (header.size() < 2) throw UserError(csv.string() + ": the header names no attribute besides \"file\".");
    Attributes attributes;
    const std::size_t file_index = static_cast<std::size_t>(file_column - header.begin());
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (c != file_index) attributes.names.push_back(header[c]);
    }
    while (std::getline(text, line)) {
        ++row;
        if (trimmed(line).empty()) continue;
        const std::vector<std::string> fields = csv_fields(line);
        const std::string where = csv.string() + ": row " + std::to_string(row);
        if (fields.size() != header.size()) {
            throw UserError(where + " has " + std::to_string(fields.size()) + " values, the header " +
                            std::to_string(header.size()) + " columns (" + joined(header) + "): a column is missing or extra.");
        }
        const std::string& file = fields[file_index];
        if (skipped.count(file)) continue;  // unreadable, already reported
        if (!images.count(file)) {
            throw UserError(where + " names \"" + file + "\", which is not an image in " + folder.string() +
                            " (paths are relative to it, e.g. cats/001.jpg).");
        }
        if (attributes.of_file.count(file)) throw UserError(where + " names \"" + file + "\" a second time.");
        std::vector<std::string> values;
        for (std::size_t c = 0; c < fields.size(); ++c) {
            if (c == file_index) continue;
            if (fields[c].empty()) throw UserError(where + " has no value for column \"" + header[c] + "\".");
            values.push_back(fields[c]);
        }
        attributes.of_file[file] = values;
    }
    for (const std::string& image : images) {
        if (!attributes.of_file.count(image)) {
            throw UserError(csv.string() + " has no row for image \"" + image + "\": every image needs its attributes.");
        }
    }
    return attributes;
}

std::vector<std::uint8_t> rgb_of(const RgbaImage& image, int size) {
    std::vector<std::uint8_t> rgb;
    rgb.reserve(static_cast<std::size_t>(size) * size * 3);
    for (std::size_t p = 0; p < image.pixels.size(); p += 4)
        rgb.insert(rgb.end(), image.pixels.begin() + p, image.pixels.begin() + p + 3);
    return rgb;
}

int decoding_threads() {
    return static_cast<int>(std::clamp(std::thread::hardware_concurrency() / 2, 1u, 8u));
}

}  // namespace

std::size_t image_memory_budget() {
    constexpr std::size_t kMiB = 1u << 20;
    if (const char* text = std::getenv("INVARIANCES_IMAGE_MEMORY_MB")) {
        const long long value = std::atoll(text);
        if (value <= 0) {
            throw UserError(std::string("INVARIANCES_IMAGE_MEMORY_MB=\"") + text +
                            "\" is not a positive number of MiB; unset it for the default of 2048.");
        }
        return static_cast<std::size_t>(value) * kMiB;
    }
    return 2048 * kMiB;
}

ImageFolderDataset::~ImageFolderDataset() = default;

std::vector<std::uint8_t> ImageFolderDataset::decode(std::size_t index) const {
    const std::filesystem::path path = m_folder / m_files.at(index);
    try {
        return rgb_of(read_model_input(path, m_size), m_size);
    } catch (const std::exception& error) {
        throw UserError(path.string() + " could not be read while training (" + std::string(error.what()) +
                        "); it was readable when the folder was indexed. Restore or remove it, then run the same "
                        "command to resume from the last saved state.");
    }
}

void ImageFolderDataset::prefetch(const std::vector<std::size_t>& indices) const {
    if (m_cache) m_cache->prefetch(indices);
}

std::shared_ptr<const ImageFolderDataset> ImageFolderDataset::load(const ImageFolderOptions& options, ImageFolderReport* report) {
    const std::filesystem::path& folder = options.folder;
    if (!std::filesystem::is_directory(folder))
        throw UserError("image folder " + folder.string() + " does not exist or is not a folder.");
    // The folder, class names and file names go into the workspace's JSON, which holds UTF-8 only.
    if (!is_utf8(folder.string())) {
        throw UserError("the image folder's path " + printable(folder.string()) +
                        " is not UTF-8 text; rename it (or move the "
                        "images to a folder whose path is) and try again.");
    }
    if (options.size < 8 || options.size > 512)
        throw UserError("image size must be between 8 and 512; got " + std::to_string(options.size) + ".");
    std::shared_ptr<ImageFolderDataset> dataset(new ImageFolderDataset());
    dataset->m_name = folder.filename().empty() ? folder.parent_path().filename().string() : folder.filename().string();
    dataset->m_size = options.size;
    dataset->m_folder = folder;

    std::vector<std::pair<std::filesystem::path, int>> candidates;
    for (const auto& file : sorted_entries(folder, false)) candidates.emplace_back(file, -1);
    for (const auto& class_folder : sorted_entries(folder, true)) {
        const std::vector<std::filesystem::path> files = sorted_entries(class_folder, false);
        if (files.empty()) continue;
        if (!is_utf8(class_folder.filename().string())) {
            throw UserError("the class folder " + printable(class_folder.string()) +
                            " has a name that is not UTF-8 text; class "
                            "names become captions and workspace entries, so rename it and try again.");
        }
        dataset->m_classes.push_back(class_folder.filename().string());
        for (const auto& file : files) candidates.emplace_back(file, static_cast<int>(dataset->m_classes.size()) - 1);
    }
    ImageFolderReport local;
    ImageFolderReport& found = report ? *report : local;
    std::set<std::string> skipped;
    const std::size_t image_bytes = static_cast<std::size_t>(options.size) * options.size * 3;
    const bool streamed = options.residence == ImageResidence::Streamed ||
                          (options.residence == ImageResidence::Auto && candidates.size() * image_bytes > options.memory_budget);
    for (const auto& [path, label] : candidates) {
        const std::string relative = std::filesystem::relative(path, folder).generic_string();
        if (!is_utf8(relative)) {
            found.skipped.push_back(printable(relative) + ": the name is not UTF-8 text; rename the file to use it");
            skipped.insert(relative);
            continue;
        }
        if (streamed) {
            // Indexed only: the images are decoded when training asks for them.
            dataset->m_files.push_back(relative);
            dataset->m_labels.push_back(label);
            continue;
        }
        try {
            dataset->m_pixels.push_back(rgb_of(read_model_input(path, options.size), options.size));
            dataset->m_files.push_back(relative);
            dataset->m_labels.push_back(label);
        } catch (const std::exception& error) {
            found.skipped.push_back(relative + ": " + error.what());
            skipped.insert(relative);
        }
    }
    if (dataset->m_files.empty()) {
        throw UserError(
            folder.string() + " holds no readable images (PNG, JPEG or BMP, at the top or in one sub-folder per class)" +
            (skipped.empty() ? std::string(".") : "; " + std::to_string(skipped.size()) + " file(s) could not be read."));
    }
    if (streamed) {
        const ImageFolderDataset* self = dataset.get();
        dataset->m_cache = std::make_unique<ImageCache>([self](std::size_t index) { return self->decode(index); },
                                                        options.memory_budget / image_bytes, decoding_threads());
    }
    const bool labelled = !dataset->m_classes.empty();
    if (labelled) dataset->m_factors.push_back({"class", FactorKind::Categorical, dataset->m_classes});
    for (int label : dataset->m_labels) dataset->m_values.push_back(labelled ? std::vector<int>{label} : std::vector<int>{});
    if (!options.attributes_csv.empty()) {
        const std::set<std::string> images(dataset->m_files.begin(), dataset->m_files.end());
        const Attributes attributes = read_attributes(options.attributes_csv, folder, images, skipped);
        for (std::size_t a = 0; a < attributes.names.size(); ++a) {
            FactorSpec spec{attributes.names[a], FactorKind::Categorical, {}};
            for (std::size_t i = 0; i < dataset->m_files.size(); ++i) {
                const std::string& value = attributes.of_file.at(dataset->m_files[i])[a];
                auto known = std::find(spec.categories.begin(), spec.categories.end(), value);
                if (known == spec.categories.end()) known = spec.categories.insert(spec.categories.end(), value);
                dataset->m_values[i].push_back(static_cast<int>(known - spec.categories.begin()));
            }
            dataset->m_factors.push_back(std::move(spec));
        }
    }
    return dataset;
}

ImageSample ImageFolderDataset::get(std::size_t index) const {
    if (index >= m_files.size()) {
        throw std::out_of_range("image " + std::to_string(index) + " of a folder of " + std::to_string(m_files.size()));
    }
    const DecodedImage decoded = m_cache ? m_cache->get(index) : nullptr;
    const std::vector<std::uint8_t>& rgb = m_cache ? *decoded : m_pixels.at(index);
    const std::size_t plane = static_cast<std::size_t>(m_size) * m_size;
    ImageSample sample;
    sample.pixels.resize(plane * 3);
    for (std::size_t p = 0; p < plane; ++p) {
        for (std::size_t c = 0; c < 3; ++c) sample.pixels[c * plane + p] = rgb[p * 3 + c] / 127.5f - 1.0f;
    }
    sample.label = m_labels[index];
    for (int value : m_values[index]) sample.factor_values.push_back({static_cast<float>(value)});
    return sample;
}

}  // namespace inv
