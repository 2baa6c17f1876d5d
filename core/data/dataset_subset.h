#pragma once

// Torch-free: a fixed selection of another data set's samples (a train or test split).
#include "core/data/image_dataset.h"

#include <memory>
#include <string>
#include <vector>

namespace inv {

class DatasetSubset final : public ImageDataset {
public:
    DatasetSubset(std::string name, std::shared_ptr<const ImageDataset> whole, std::vector<std::size_t> indices)
        : m_name(std::move(name)), m_whole(std::move(whole)), m_indices(std::move(indices)) {}

    std::string name() const override { return m_name; }
    std::size_t size() const override { return m_indices.size(); }
    ImageShape shape() const override { return m_whole->shape(); }
    ImageSample get(std::size_t index) const override { return m_whole->get(m_indices.at(index)); }
    const std::vector<std::string>& class_names() const override { return m_whole->class_names(); }
    const std::vector<FactorSpec>& factors() const override { return m_whole->factors(); }
    void prefetch(const std::vector<std::size_t>& indices) const override {
        std::vector<std::size_t> in_whole;
        in_whole.reserve(indices.size());
        for (std::size_t index : indices) in_whole.push_back(m_indices.at(index));
        m_whole->prefetch(in_whole);
    }

    const ImageDataset& whole() const { return *m_whole; }
    std::size_t index_in_whole(std::size_t index) const { return m_indices.at(index); }

private:
    std::string m_name;
    std::shared_ptr<const ImageDataset> m_whole;
    std::vector<std::size_t> m_indices;
};

}  // namespace inv
