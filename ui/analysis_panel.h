#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "ui/figure_slot.h"
#include "ui/gl_texture.h"

#include <filesystem>
#include <functional>

namespace inv {

// The semantic analysis: the share of each factor of e explained by z, per layer, and over the
// classifier's training where t's were trained for its checkpoints; plus the table of numbers.
class AnalysisPanel {
public:
    using Post = std::function<void(Command)>;
    explicit AnalysisPanel(Post post);
    void draw(const char* title, bool* open, const EngineSnapshot& snapshot, const std::filesystem::path& workspace);

private:
    Post m_post;
    std::filesystem::path m_requested_for;
    GlTexture m_layers_texture;
    GlTexture m_training_texture;
    FigureSlot m_figure;
};

}  // namespace inv
