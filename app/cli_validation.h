#pragma once

#include <CLI/CLI.hpp>

namespace inv {

// Every option of `app` and its subcommands checked where it enters: floating-point values must be
// finite (CLI11's ranges let NaN through), unsigned ones must not be negative (they would wrap
// around), options whose meaning needs it must be positive or at least zero, and an --out (or the
// JSON written beside it) must not replace a file a workspace owns. Call after every option is added.
void add_input_checks(CLI::App& app);

// The exit code of a command-line error: 0 for --help and --version, else 2, the code of every
// other refusal of bad input.
int exit_code_of(const CLI::ParseError& error);

}  // namespace inv
