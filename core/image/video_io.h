#pragma once

// Torch-free: reading the user's videos (or image sequences) and writing MP4s, through OpenCV.
#include "core/image/rgba_image.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace inv {

// Frames of a video file OpenCV can read (MP4, AVI, …) or of an image sequence: a folder of
// images (taken in name order) or a printf pattern such as frames/%04d.png.
class VideoReader {
public:
    // Throws UserError naming the path when it cannot be opened or holds no frame.
    explicit VideoReader(const std::filesystem::path& source);
    ~VideoReader();
    VideoReader(const VideoReader&) = delete;
    VideoReader& operator=(const VideoReader&) = delete;

    // The next frame, or nothing at the end.
    std::optional<RgbaImage> next();
    double fps() const { return m_fps; }
    // Frames the source says it has; 0 when it does not say (some streams), a guess for others.
    std::size_t frame_count() const { return m_frame_count; }
    const std::filesystem::path& source() const { return m_source; }

private:
    struct Capture;
    std::filesystem::path m_source;
    std::unique_ptr<Capture> m_capture;          // a video file or pattern
    std::vector<std::filesystem::path> m_files;  // an image folder
    std::size_t m_next_file = 0;
    std::optional<RgbaImage> m_first;  // read at opening to check the source, handed out first
    double m_fps = 25.0;
    std::size_t m_frame_count = 0;
};

// Writes an MP4 (MPEG-4 part 2) of equally sized frames. The file appears only when finish()
// succeeds (written beside it, then renamed); a writer dropped before that leaves nothing behind.
class VideoWriter {
public:
    // Throws UserError when no MP4 encoder is available or the folder cannot be written.
    VideoWriter(const std::filesystem::path& path, double fps, int width, int height);
    ~VideoWriter();
    VideoWriter(const VideoWriter&) = delete;
    VideoWriter& operator=(const VideoWriter&) = delete;

    void write(const RgbaImage& frame);  // throws UserError for a frame of another size
    void finish();
    std::size_t frames_written() const { return m_frames; }

private:
    struct Encoder;
    std::filesystem::path m_path;
    std::filesystem::path m_partial;
    std::unique_ptr<Encoder> m_encoder;
    int m_width = 0;
    int m_height = 0;
    std::size_t m_frames = 0;
    bool m_finished = false;
};

}  // namespace inv
