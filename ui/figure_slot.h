#pragma once

#include "core/engine/published.h"

#include <cstdint>

namespace inv {

// Keeps a panel's textures in step with one figure the engine publishes: `follow` calls `upload`
// with the figure only when its version changed since the last one followed.
class FigureSlot {
public:
    template <typename T, typename Upload>
    bool follow(const Published<T>& figure, Upload&& upload) {
        if (!figure || figure.version == m_version) return false;
        upload(*figure);
        m_version = figure.version;
        return true;
    }

private:
    std::uint64_t m_version = 0;
};

}  // namespace inv
