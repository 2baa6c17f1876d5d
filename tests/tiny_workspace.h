#pragma once

#include "core/data/dataset_catalog.h"
#include "core/training/autoencoder_trainer.h"
#include "core/training/classifier_trainer.h"
#include "tests/test_support.h"

namespace inv::test {

// A fresh ColorMNIST workspace in a temporary folder with the smallest networks that train in a
// few seconds, for tests of the stages that build on them.
struct TinyWorkspace {
    TempDir dir;
    SourceImages source = load_source_images(DatasetKind::ColorMnist, data_root());
    std::shared_ptr<const ColorDataset> train = make_color_dataset(source, Split::Train, 0);
    std::shared_ptr<const ColorDataset> test = make_color_dataset(source, Split::Test, 0);
    Workspace workspace = Workspace::create(dir / "ws", DatasetEntry{"colormnist", 0, {}});

    ClassifierTrainingResult train_classifier() {
        ClassifierTrainingOptions classifier;
        classifier.model.width = 0.125;
        classifier.schedule = {20, 16, 1e-3};
        return inv::train_classifier(workspace, *train, *test, classifier, {});
    }

    AutoencoderTrainingResult train_autoencoder(std::int64_t steps = 20) {
        AutoencoderTrainingOptions autoencoder;
        autoencoder.model.code_dim = 16;
        autoencoder.model.width = 0.125;
        autoencoder.schedule = {steps, 8, 1e-3};
        return inv::train_autoencoder(workspace, *train, *test, autoencoder, {});
    }
};

}  // namespace inv::test
