#include "ui/figure_export.h"

#include "core/image/png_io.h"
#include "core/workspace/atomic_file.h"

namespace inv {

std::string export_figure(const std::filesystem::path& folder, const std::string& stem, const RgbaImage& figure,
                          nlohmann::json numbers) {
    try {
        std::filesystem::create_directories(folder);
        std::filesystem::path png;
        for (int n = 1;; ++n) {
            png = folder / (stem + "-" + std::to_string(n) + ".png");
            if (!std::filesystem::exists(png)) break;
        }
        nlohmann::json& provenance = numbers["provenance"];
        if (provenance.contains("reproduce")) {
            std::string line = provenance["reproduce"].get<std::string>();
            const std::string placeholder = "FIGURE.png";
            const std::size_t at = line.find(placeholder);
            if (at != std::string::npos) line.replace(at, placeholder.size(), png.string());
            provenance["reproduce"] = line;
        }
        write_png(png, figure);
        std::filesystem::path json = png;
        json.replace_extension(".json");
        write_file_atomically(json, numbers.dump(2) + "\n");
        return "saved " + png.string() + " and its provenance (" + json.filename().string() + ")";
    } catch (const std::exception& error) {
        return std::string("could not export: ") + error.what();
    }
}

}  // namespace inv
