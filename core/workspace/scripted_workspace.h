#pragma once

// Torch-free: the command line and the GUI make workspaces around a user's model through this.
#include "core/data/image_dataset.h"
#include "core/workspace/workspace.h"

#include <filesystem>

namespace inv {

// Makes a user's TorchScript classifier (with its card, see core/models/scripted_classifier.h) the
// classifier under study of a workspace: copies both into <workspace>/classifier/ with a side-car
// (checksum), records the layers where z can be taken, and measures its accuracy on the test split
// when its classes match the data set's. From then on the autoencoder, t for any of its layers, e
// and every analysis work as with the built-in classifier. Throws UserError when the workspace
// already has a classifier, or the card's input size is not the data set's.
void adopt_scripted_classifier(Workspace& workspace, const std::filesystem::path& model, const ImageDataset& test);

}  // namespace inv
