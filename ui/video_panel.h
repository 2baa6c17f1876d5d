#pragma once

#include "core/engine/commands.h"
#include "core/engine/snapshot.h"
#include "ui/gl_texture.h"

#include <array>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace inv {

// Video-driven invariances (View > Video): a video (or the built-in demo clip) moves a fixed test
// image through the invariances of a layer. The engine writes the MP4 and publishes each frame as
// it is made; the player shows them with play/pause and a frame counter.
class VideoPanel {
public:
    using Post = std::function<void(Command)>;
    explicit VideoPanel(Post post) : m_post(std::move(post)) {}
    void draw(const char* title, bool* open, const EngineSnapshot& snapshot, const std::filesystem::path& workspace,
              const std::vector<std::string>& layers);
    // For scripted sessions: run `video` (or, for "demo", the demo clip) at `layer`.
    void play(const std::filesystem::path& workspace, const std::string& layer, const std::string& video);

private:
    void advance(const EngineSnapshot& snapshot);
    void post_play(const std::filesystem::path& workspace, const std::string& layer, const std::filesystem::path& video);
    void post_demo_clip(const std::filesystem::path& workspace);

    Post m_post;
    std::array<char, 1024> m_video{};
    int m_layer = 0;
    std::string m_layer_name;  // a layer a script asked for, selected at the next draw
    int m_index = 0;
    std::string m_pending_layer;  // a run waiting for the demo clip to be written
    std::filesystem::path m_pending_workspace;
    std::uint64_t m_clip_version = 0;
    bool m_playing = true;
    int m_frame = 0;
    double m_frame_started = 0.0;
    std::uint64_t m_video_version = 0;
    const RgbaImage* m_uploaded = nullptr;
    GlTexture m_texture;
};

}  // namespace inv
