#pragma once

// Debian's libtorch-dev 1.13 ships c10d's reducer.hpp, which includes this header of the
// distributed autograd engine, without the header itself. The Reducer only names the context's
// callback type and holds the context by pointer, so these two declarations are all it needs.
// CMake adds this folder to the include path only where the real header is missing.

#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>

namespace torch::distributed::autograd {

class DistAutogradContext {
public:
    using GradCallback = std::function<bool(at::Tensor&)>;
};

using ContextPtr = std::shared_ptr<DistAutogradContext>;

}  // namespace torch::distributed::autograd
