#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "ui/figure_slot.h"
#include "ui/gl_texture.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace inv {

// Image mixing: two test images, their invariances swapped at the chosen layer.
class MixingPanel {
public:
    using Post = std::function<void(Command)>;
    explicit MixingPanel(Post post);
    void draw(const char* title, bool* open, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
              const std::vector<std::string>& layers);

private:
    Post m_post;
    MixImages m_request;
    int m_layer = 0;
    bool m_requested = false;
    GlTexture m_texture;
    FigureSlot m_figure;
};

}  // namespace inv
