#include "core/image/video_io.h"

#include "core/image/png_io.h"
#include "core/runtime/errors.h"

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>

namespace inv {
namespace {

RgbaImage rgba_from_bgr(const cv::Mat& frame) {
    cv::Mat rgba;
    if (frame.channels() == 1)
        cv::cvtColor(frame, rgba, cv::COLOR_GRAY2RGBA);
    else if (frame.channels() == 4)
        cv::cvtColor(frame, rgba, cv::COLOR_BGRA2RGBA);
    else
        cv::cvtColor(frame, rgba, cv::COLOR_BGR2RGBA);
    RgbaImage image(rgba.cols, rgba.rows, 255);
    for (int y = 0; y < rgba.rows; ++y) std::copy_n(rgba.ptr<std::uint8_t>(y), 4 * rgba.cols, image.at(0, y));
    return image;
}

bool is_image_file(const std::filesystem::path& path) {
    static const std::set<std::string> extensions{".png", ".jpg", ".jpeg", ".bmp"};
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
    return extensions.count(extension) > 0;
}

}  // namespace

struct VideoReader::Capture {
    cv::VideoCapture capture;
};

struct VideoWriter::Encoder {
    cv::VideoWriter writer;
};

VideoReader::VideoReader(const std::filesystem::path& source) : m_source(source) {
    const bool pattern = source.string().find('%') != std::string::npos;
    if (std::filesystem::is_directory(source)) {
        for (const auto& entry : std::filesystem::directory_iterator(source)) {
            if (entry.is_regular_file() && is_image_file(entry.path())) m_files.push_back(entry.path());
        }
        std::sort(m_files.begin(), m_files.end());
        if (m_files.empty()) throw UserError("video folder " + source.string() + " holds no PNG, JPEG or BMP frames.");
        m_frame_count = m_files.size();
    } else {
        if (!pattern && !std::filesystem::exists(source)) throw UserError("video " + source.string() + " does not exist.");
        m_capture = std::make_unique<Capture>();
        // Image sequences go through OpenCV's image reader; files through whatever backend opens them.
        if (!m_capture->capture.open(source.string(), pattern ? cv::CAP_IMAGES : cv::CAP_ANY)) {
            throw UserError("cannot read " + source.string() +
                            " as a video: OpenCV found no decoder for it (MP4, AVI and "
                            "image sequences such as frames/%04d.png work; a folder of images too).");
        }
        const double fps = m_capture->capture.get(cv::CAP_PROP_FPS);
        if (std::isfinite(fps) && fps > 0.5 && fps < 1000) m_fps = fps;
        const double count = m_capture->capture.get(cv::CAP_PROP_FRAME_COUNT);
        if (std::isfinite(count) && count > 0) m_frame_count = static_cast<std::size_t>(count);
    }
    m_first = next();
    if (!m_first) throw UserError(source.string() + " holds no frame that could be decoded.");
}

VideoReader::~VideoReader() = default;

std::optional<RgbaImage> VideoReader::next() {
    if (m_first) {
        std::optional<RgbaImage> first = std::move(m_first);
        m_first.reset();
        return first;
    }
    if (m_capture) {
        cv::Mat frame;
        if (!m_capture->capture.read(frame) || frame.empty()) return std::nullopt;
        return rgba_from_bgr(frame);
    }
    if (m_next_file >= m_files.size()) return std::nullopt;
    const std::filesystem::path& file = m_files[m_next_file++];
    try {
        return read_image_rgba(file);
    } catch (const std::exception& error) {
        throw UserError("frame " + file.string() + " of the video folder cannot be read: " + error.what());
    }
}

VideoWriter::VideoWriter(const std::filesystem::path& path, double fps, int width, int height)
    : m_path(path), m_encoder(std::make_unique<Encoder>()), m_width(width), m_height(height) {
    if (path.extension() != ".mp4") throw UserError("the video to write must be an .mp4 file; got " + path.string() + ".");
    if (width < 1 || height < 1)
        throw UserError("cannot write a video of " + std::to_string(width) + "x" + std::to_string(height) + " frames.");
    m_partial = path;
    m_partial += ".partial.mp4";  // the container is chosen by the extension, so it stays .mp4
    if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path());
    // OpenCV reports only that it could not open the file; a folder that cannot be written to would
    // then read as a missing encoder. Creating the file first tells the two apart.
    if (std::FILE* probe = std::fopen(m_partial.c_str(), "wb")) {
        std::fclose(probe);
    } else {
        const int error = errno;
        throw UserError("cannot write " + path.string() + ": " + std::strerror(error) + " (creating " + m_partial.string() +
                        "). Choose a folder you can write to.");
    }
    if (!m_encoder->writer.open(m_partial.string(), cv::CAP_ANY, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps,
                                cv::Size(width, height), true)) {
        std::filesystem::remove(m_partial);
        throw UserError("cannot write " + path.string() + ": this OpenCV has no MP4 encoder (it needs its FFmpeg backend).");
    }
}

VideoWriter::~VideoWriter() {
    if (m_finished) return;
    m_encoder->writer.release();
    std::error_code ignored;
    std::filesystem::remove(m_partial, ignored);
}

void VideoWriter::write(const RgbaImage& frame) {
    if (frame.width != m_width || frame.height != m_height) {
        throw UserError("video frame of " + std::to_string(frame.width) + "x" + std::to_string(frame.height) + " in a video of " +
                        std::to_string(m_width) + "x" + std::to_string(m_height) + ".");
    }
    const cv::Mat rgba(frame.height, frame.width, CV_8UC4, const_cast<std::uint8_t*>(frame.pixels.data()));
    cv::Mat bgr;
    cv::cvtColor(rgba, bgr, cv::COLOR_RGBA2BGR);
    m_encoder->writer.write(bgr);
    ++m_frames;
}

void VideoWriter::finish() {
    m_encoder->writer.release();
    std::filesystem::rename(m_partial, m_path);
    m_finished = true;
}

}  // namespace inv
