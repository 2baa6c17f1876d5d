#include "core/data/image_cache.h"

#include <algorithm>

namespace inv {

ImageCache::ImageCache(std::function<std::vector<std::uint8_t>(std::size_t)> decode, std::size_t capacity, int threads)
    : m_decode(std::move(decode)), m_capacity(std::max<std::size_t>(1, capacity)) {
    for (int i = 0; i < std::max(1, threads); ++i) m_workers.emplace_back([this] { work(); });
}

ImageCache::~ImageCache() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_work_ready.notify_all();
    for (std::thread& worker : m_workers) worker.join();
}

std::size_t ImageCache::held() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_images.size();
}

void ImageCache::insert(std::size_t index, DecodedImage image) {
    if (m_images.count(index)) return;
    m_recent.push_front(index);
    m_images[index] = {std::move(image), m_recent.begin()};
    while (m_images.size() > m_capacity) {
        m_images.erase(m_recent.back());
        m_recent.pop_back();
    }
}

DecodedImage ImageCache::get(std::size_t index) {
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_decoded.wait(lock, [&] { return m_in_flight.count(index) == 0; });
        const auto found = m_images.find(index);
        if (found != m_images.end()) {
            m_recent.splice(m_recent.begin(), m_recent, found->second.place);
            return found->second.image;
        }
    }
    // Not cached and nobody decoding it: decode here, outside the lock.
    auto image = std::make_shared<const std::vector<std::uint8_t>>(m_decode(index));
    std::lock_guard<std::mutex> lock(m_mutex);
    insert(index, image);
    return image;
}

void ImageCache::prefetch(const std::vector<std::size_t>& indices) {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        for (std::size_t index : indices) {
            // Never queue more than the cache holds: images decoded ahead would push each other out.
            if (m_queue.size() + m_in_flight.size() >= m_capacity) break;
            if (m_images.count(index) || m_in_flight.count(index)) continue;
            m_in_flight.insert(index);
            m_queue.push_back(index);
        }
    }
    m_work_ready.notify_all();
}

void ImageCache::work() {
    std::unique_lock<std::mutex> lock(m_mutex);
    while (true) {
        m_work_ready.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
        if (m_stopping) return;
        const std::size_t index = m_queue.front();
        m_queue.pop_front();
        lock.unlock();
        DecodedImage image;
        try {
            image = std::make_shared<const std::vector<std::uint8_t>>(m_decode(index));
        } catch (const std::exception&) {
            // Left undecoded: `get` decodes it again and reports the error where it is needed.
        }
        lock.lock();
        if (image) insert(index, std::move(image));
        m_in_flight.erase(index);
        m_decoded.notify_all();
    }
}

}  // namespace inv
