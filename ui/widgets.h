#pragma once

// Small controls that several panels share, so that they look and behave the same everywhere.
#include "core/engine/snapshot.h"

#include <cstddef>
#include <string>
#include <vector>

namespace inv {

// A layer picker over `layers` (not empty); `index` is kept in range. True when the user picked one.
bool layer_combo(const char* label, int* index, const std::vector<std::string>& layers);

// A test image's index, kept within the open workspace's test split. True when the user changed it.
bool image_index_input(const char* label, std::size_t* index, std::size_t test_size);

// What a training job's progress says after its text.
inline constexpr const char* kResumableNote = " (Cancel in the status bar; training resumes where it stopped)";

// While a job of `kind` runs: its progress bar and what it is doing, followed by `note`. True when drawn.
bool draw_job_progress(const EngineSnapshot& snapshot, JobKind kind, const char* note = "");

}  // namespace inv
