#pragma once

// Torch-free: part of the engine's snapshot.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace inv {

// A figure the engine publishes, with a version that changes exactly when the figure does: a panel
// compares versions to know when to upload new textures. Reads like the pointer it holds.
template <typename T>
struct Published {
    std::shared_ptr<const T> value;
    std::uint64_t version = 0;

    void publish(std::shared_ptr<const T> next) {
        value = std::move(next);
        ++version;
    }

    const T* get() const { return value.get(); }
    const T* operator->() const { return value.get(); }
    const T& operator*() const { return *value; }
    explicit operator bool() const { return static_cast<bool>(value); }
    bool operator==(std::nullptr_t) const { return value == nullptr; }
    bool operator!=(std::nullptr_t) const { return value != nullptr; }
};

}  // namespace inv
