#pragma once

#include <string>
#include <string_view>

namespace inv {

inline constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";

// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF):
// names and values that go into a workspace's JSON must be.
bool is_utf8(std::string_view text);

// `text` for a message: its bytes that are not UTF-8 written as \xNN.
std::string printable(std::string_view text);

}  // namespace inv
