#pragma once

#include <CLI/CLI.hpp>

namespace inv {

// Every option of `app` and its subcommands checked where it enters: floating-point values must be
// finite (CLI11's ranges let NaN through), unsigned ones must not be negative (they would wrap
// around), options whose meaning needs it must be positive or at least zero, and an --out (or the
// JSON written beside it) must not replace a file a workspace owns. Call after every option is added.
void add_input_checks(CLI::App& app);

// When the words before the first option or argument of a leaf command name a subcommand that does
// not exist ("invariances-cli frobnicate"), the message that says so, naming the word and the
// subcommands there are; empty otherwise. CLI11 itself only says "A subcommand is required".
std::string unknown_subcommand_message(const CLI::App& app, int argc, const char* const* argv);

// The exit code of a command-line error: 0 for --help and --version, else 2, the code of every
// other refusal of bad input.
int exit_code_of(const CLI::ParseError& error);

}  // namespace inv
