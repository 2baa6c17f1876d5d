#include "app/command_helpers.h"

#include "core/data/dataset_catalog.h"
#include "core/data/workspace_data.h"
#include "core/image/png_io.h"
#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"
#include "core/workspace/workspace.h"

#include <algorithm>
#include <cstdio>

namespace inv {

std::vector<std::int64_t> parse_step_list(const std::string& text, const std::string& option) {
    std::vector<std::int64_t> steps;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find(',', start), text.size());
        const std::string item = text.substr(start, end - start);
        if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos) {
            throw UserError(option + " takes `all` or classifier steps separated by commas (e.g. 0,200,2000); got '" + text +
                            "'.");
        }
        steps.push_back(std::stoll(item));
        start = end + 1;
    }
    return steps;
}

std::shared_ptr<const ImageDataset> workspace_test_set(const Workspace& workspace, const GlobalOptions& global) {
    return load_workspace_data(workspace, global.data_root).test;
}

std::shared_ptr<const ImageDataset> foreign_test_set(const std::string& name, const Workspace& workspace,
                                                     const GlobalOptions& global) {
    return foreign_test_set(name, "--inputs-from", workspace, *workspace_test_set(workspace, global),
                            [&](DatasetKind kind) { return load_source_images(kind, global.data_root); });
}

std::vector<NamedImage> read_user_images(const std::vector<std::filesystem::path>& files, const ImageDataset& test) {
    std::vector<NamedImage> images;
    for (const std::filesystem::path& file : files) images.push_back({read_model_input(file, test.shape().width), file.string()});
    return images;
}

std::filesystem::path write_figure(const std::filesystem::path& png, const RgbaImage& figure, const nlohmann::json& numbers,
                                   const GlobalOptions& global) {
    if (png.extension() != ".png") throw UserError("--out must name a .png file; got " + png.string() + ".");
    std::filesystem::path json_path = png;
    json_path.replace_extension(".json");
    write_png(png, figure);
    nlohmann::json recorded = numbers;
    // The same seeds give the same figure on one device; across devices float rounding may differ.
    if (recorded.contains("provenance")) recorded["provenance"]["device"] = device_name(global.compute_device());
    write_file_atomically(json_path, recorded.dump(2) + "\n");
    if (global.json) std::printf("%s\n", recorded.dump(2).c_str());
    return json_path;
}

}  // namespace inv
