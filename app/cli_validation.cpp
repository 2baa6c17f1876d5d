#include "app/cli_validation.h"

#include "core/workspace/workspace_lock.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

namespace inv {
namespace {

// Options that only make sense above zero, or at zero and above, whatever command has them.
const std::set<std::string> kPositive = {"--learning-rate", "--fps",      "--width",        "--batch-size",
                                         "--zoom",          "--code-dim", "--embedding-dim"};
const std::set<std::string> kNonNegative = {"--temperature",       "--kl-weight",  "--adversarial-weight",
                                            "--adversarial-start", "--eps",        "--eps-255",
                                            "--pgd-step-size",     "--pgd-steps",  "--index",
                                            "--from-index",        "--max-shift",  "--explained-inputs",
                                            "--fidelity-images",   "--max-frames", "--factor-sizes"};

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

CLI::Validator finite_number(const std::string& name) {
    return CLI::Validator(
        [name](std::string& text) -> std::string {
            const std::string value = trimmed(text);
            if (value.empty()) return "";  // a missing value is CLI11's to report
            char* end = nullptr;
            // Overflow gives ±HUGE_VAL, an infinity; an underflow to (nearly) zero is a number.
            const double number = std::strtod(value.c_str(), &end);
            if (end == value.c_str() || *end != '\0') return "";  // not a number: CLI11's conversion reports it
            if (!std::isfinite(number)) {
                return value + " is not a finite number; give a plain number such as 0.5";
            }
            if (kPositive.count(name) && number <= 0) return value + " is not allowed: it must be above 0";
            if (kNonNegative.count(name) && number < 0) return value + " is not allowed: it must be 0 or more";
            return "";
        },
        "", "finite");
}

CLI::Validator whole_number(const std::string& name, bool is_unsigned) {
    return CLI::Validator(
        [name, is_unsigned](std::string& text) -> std::string {
            const std::string value = trimmed(text);
            if (value.empty()) return "";
            const bool negative = value.front() == '-';
            if (negative && (is_unsigned || kNonNegative.count(name) || kPositive.count(name))) {
                return value + " is not allowed: it must be 0 or more";
            }
            if (kPositive.count(name) && value.find_first_not_of("0+") == std::string::npos)
                return value + " is not allowed: it must be above 0";
            return "";
        },
        "", "whole");
}

// The file an --out names and the JSON that goes beside it.
CLI::Validator free_output() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            const std::filesystem::path target(text);
            for (const std::filesystem::path& written : {target, std::filesystem::path(target).replace_extension(".json")}) {
                const std::string conflict = output_conflict(written);
                if (!conflict.empty()) return conflict;
            }
            return "";
        },
        "", "free output");
}

void check_options_of(CLI::App& app) {
    for (CLI::Option* option : app.get_options()) {
        if (option->get_items_expected_max() == 0) continue;  // a flag
        // Validators append their description ("FLOAT:FLOAT in [0 - 2]"): the type is the first word.
        const std::string full_type = option->get_type_name();
        const std::string type = full_type.substr(0, full_type.find(':'));
        const std::string name = option->get_name();
        if (name == "--out") option->check(free_output());
        if (type == "FLOAT")
            option->check(finite_number(name));
        else if (type == "UINT")
            option->check(whole_number(name, true));
        else if (type == "INT")
            option->check(whole_number(name, false));
    }
    for (CLI::App* subcommand : app.get_subcommands([](CLI::App*) { return true; })) check_options_of(*subcommand);
}

}  // namespace

void add_input_checks(CLI::App& app) {
    check_options_of(app);
}

std::string unknown_subcommand_message(const CLI::App& app, int argc, const char* const* argv) {
    const CLI::App* current = &app;
    std::string path = "invariances-cli";
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (word == "--") break;
        if (word.size() > 1 && word[0] == '-') {
            // An option: its value, when given as the next word, is no subcommand. Options of the
            // commands above count too (--data DIR after the subcommand).
            if (word.find('=') != std::string::npos) continue;
            const CLI::Option* option = nullptr;
            for (const CLI::App* level = current; level != nullptr && option == nullptr; level = level->get_parent()) {
                option = level->get_option_no_throw(word);
            }
            if (option != nullptr && option->get_type_size() != 0) ++i;
            continue;
        }
        const std::vector<const CLI::App*> subcommands = current->get_subcommands([](const CLI::App*) { return true; });
        if (subcommands.empty()) break;  // a leaf command's own argument
        const auto found = std::find_if(subcommands.begin(), subcommands.end(),
                                        [&word](const CLI::App* subcommand) { return subcommand->check_name(word); });
        if (found == subcommands.end()) {
            std::string names;
            for (const CLI::App* subcommand : subcommands) names += (names.empty() ? "" : ", ") + subcommand->get_name();
            return "unknown subcommand \"" + word + "\" of " + path + "; expected one of: " + names + " (see " + path +
                   " --help).";
        }
        current = *found;
        path += " " + current->get_name();
    }
    return "";
}

int exit_code_of(const CLI::ParseError& error) {
    const int code = error.get_exit_code();
    return code == static_cast<int>(CLI::ExitCodes::Success) ? code : 2;
}

}  // namespace inv
