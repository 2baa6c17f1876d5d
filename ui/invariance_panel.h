#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "ui/gl_texture.h"
#include "ui/image_view_program.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace inv {

// The z-by-v grid of a workspace: a layer selector (layers whose t is trained), rows of inputs,
// columns of shared invariance samples v, seed, temperature, and the re-encoding statistic.
class InvariancePanel {
public:
    using Post = std::function<void(Command)>;

    InvariancePanel(std::filesystem::path workspace, Post post);

    void start();
    void draw(const char* title, const EngineSnapshot& snapshot);
    void resample();

private:
    void load_layers();
    void request();
    void draw_controls();
    void draw_figure(const InvarianceSamples& samples);

    std::filesystem::path m_workspace;
    Post m_post;
    std::vector<std::string> m_layers;
    std::string m_problem;  // why there is nothing to show, for people
    int m_layer = 0;
    ShowInvariances m_request;
    GlTexture m_texture;
    ImageViewProgram m_view;
    std::uint64_t m_uploaded_version = 0;
    float m_zoom = 2.0f;
};

}  // namespace inv
