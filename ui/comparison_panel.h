#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "ui/figure_slot.h"
#include "ui/gl_texture.h"

#include <array>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace inv {

// Model comparison (View > Compare models): the open workspace's classifier and another one (by
// default the demo's colour-blind companion), the same inputs and the same v, two grids side by
// side with the explained variance of e's factors at the layer for both.
class ComparisonPanel {
public:
    using Post = std::function<void(Command)>;
    explicit ComparisonPanel(Post post) : m_post(std::move(post)) {}
    void draw(const char* title, bool* open, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
              const std::vector<std::string>& layers);
    // For scripted sessions: compare with `other` at `layer` now.
    void compare(const std::filesystem::path& workspace, const std::filesystem::path& other, const std::string& layer);

private:
    void request(const std::filesystem::path& workspace, const std::vector<std::string>& layers);
    void post_comparison(const std::filesystem::path& workspace, const std::filesystem::path& other, const std::string& layer);

    Post m_post;
    std::filesystem::path m_workspace;
    std::array<char, 1024> m_other{};
    int m_layer = 0;
    std::string m_layer_name;  // a layer a script asked for, selected at the next draw
    std::uint64_t m_seed = 0;
    GlTexture m_texture;
    FigureSlot m_figure;
};

}  // namespace inv
