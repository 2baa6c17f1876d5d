#include "ui/gui_script.h"

#include "core/runtime/errors.h"
#include "core/workspace/atomic_file.h"

#include <map>
#include <sstream>

namespace inv {

std::vector<ScriptStep> read_gui_script(const std::filesystem::path& path) {
    if (!std::filesystem::exists(path)) throw UserError("GUI script " + path.string() + " does not exist.");
    // Verb -> number of arguments.
    static const std::map<std::string, std::size_t> verbs{
        {"workspace", 1},     {"layer", 1},        {"inputs", 1},      {"samples", 1},
        {"seed", 1},          {"resample", 0},     {"train-layer", 0}, {"train-factors", 0},
        {"checkpoint", 1},    {"image", 1},        {"donor", 1},       {"slider", 2},
        {"attack", 2},        {"attack-image", 1}, {"open", 1},        {"export", 1},
        {"screenshot", 1},    {"open-image", 1},   {"pin-sample", 2},  {"device", 1},
        {"new-workspace", 4}, {"compare", 2},      {"video", 2},       {"inputs-from", 1},
        {"presentation", 1},  {"key", 1}};
    std::istringstream text(read_file(path));
    std::vector<ScriptStep> steps;
    std::string line;
    for (int number = 1; std::getline(text, line); ++number) {
        line = line.substr(0, line.find('#'));
        std::istringstream words(line);
        ScriptStep step;
        step.line = number;
        if (!(words >> step.verb)) continue;
        for (std::string word; words >> word;) step.arguments.push_back(word);
        const auto found = verbs.find(step.verb);
        if (found == verbs.end()) {
            std::string known;
            for (const auto& [verb, count] : verbs) known += (known.empty() ? "" : ", ") + verb;
            throw UserError(path.string() + ":" + std::to_string(number) + ": unknown step '" + step.verb + "'; known: " + known +
                            ".");
        }
        if (step.arguments.size() != found->second) {
            throw UserError(path.string() + ":" + std::to_string(number) + ": '" + step.verb + "' takes " +
                            std::to_string(found->second) + " argument(s), got " + std::to_string(step.arguments.size()) + ".");
        }
        steps.push_back(std::move(step));
    }
    return steps;
}

}  // namespace inv
