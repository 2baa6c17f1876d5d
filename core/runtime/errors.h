#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace inv {

// A predictable failure caused by the user's input or environment (missing file, bad flag, wrong
// shape). Its message is written for a person: it names the file or value, what was expected, and
// what to do. Front ends print it as is, without a stack of internal context.
class UserError : public std::runtime_error {
public:
    explicit UserError(const std::string& message) : std::runtime_error(message) {}
};

// The message of an exception that reached a front end, fit to show a person: the text of a
// library's exception without the C++ stack trace some of them (torch's) carry.
std::string exception_text(const std::exception& error);

// "a, b, c": the valid values an error message lists.
template <typename Range, typename Name>
std::string joined(const Range& items, Name name) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + name(item);
    return text;
}

inline std::string joined(const std::vector<std::string>& names) {
    return joined(names, [](const std::string& n) { return n; });
}

}  // namespace inv
