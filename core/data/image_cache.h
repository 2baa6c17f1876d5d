#pragma once

// Torch-free: decoded images kept within a memory budget, decoded ahead on a pool of threads.
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace inv {

using DecodedImage = std::shared_ptr<const std::vector<std::uint8_t>>;

// A bounded least-recently-used cache of decoded images by index. `get` returns the image at
// once when cached, waits for it when a worker is decoding it, and else decodes it itself;
// `prefetch` queues images for the workers, so that the next training step's images are decoded
// while this step computes. Safe to use from any thread.
class ImageCache {
public:
    // `decode(index)` turns an index into its pixels (it may throw; the error reaches `get`).
    // At most `capacity` images are kept; `threads` workers decode ahead.
    ImageCache(std::function<std::vector<std::uint8_t>(std::size_t)> decode, std::size_t capacity, int threads);
    ~ImageCache();
    ImageCache(const ImageCache&) = delete;
    ImageCache& operator=(const ImageCache&) = delete;

    DecodedImage get(std::size_t index);
    void prefetch(const std::vector<std::size_t>& indices);

    std::size_t capacity() const { return m_capacity; }
    // How many images are held now (for tests and the memory measurement).
    std::size_t held() const;

private:
    void work();
    void insert(std::size_t index, DecodedImage image);  // with m_mutex held

    std::function<std::vector<std::uint8_t>(std::size_t)> m_decode;
    std::size_t m_capacity;
    mutable std::mutex m_mutex;
    std::condition_variable m_work_ready;
    std::condition_variable m_decoded;
    std::list<std::size_t> m_recent;  // most recently used first
    struct Entry {
        DecodedImage image;
        std::list<std::size_t>::iterator place;
    };
    std::unordered_map<std::size_t, Entry> m_images;
    std::set<std::size_t> m_in_flight;
    std::deque<std::size_t> m_queue;
    bool m_stopping = false;
    std::vector<std::thread> m_workers;
};

}  // namespace inv
