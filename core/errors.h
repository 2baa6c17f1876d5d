#pragma once

#include <stdexcept>
#include <string>

namespace inv {

// A predictable failure caused by the user's input or environment (missing file, bad flag, wrong
// shape). Its message is written for a person: it names the file or value, what was expected, and
// what to do. Front ends print it as is, without a stack of internal context.
class UserError : public std::runtime_error {
public:
    explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace inv
