#include "core/models/classifier.h"

#include "core/models/scripted_classifier.h"
#include "core/runtime/data_parallel.h"
#include "core/runtime/errors.h"

#include <algorithm>
#include <cmath>

namespace inv {
namespace {

std::int64_t scaled(double width, int channels) {
    return std::max<std::int64_t>(4, static_cast<std::int64_t>(std::lround(width * channels)));
}

torch::nn::Conv2d conv(std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride = 1) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

// torch's BatchNorm2d (affine, running statistics, momentum 0.1), except in a data-parallel step:
// there the statistics are the whole batch's, gathered over the ranks (as SyncBatchNorm), so that
// the ranks train what one process would. The parameters and buffers carry BatchNorm2d's names, so
// files load either way. A module of its own rather than a subclass of torch::nn::BatchNorm2dImpl:
// LibTorch does not export that class's printer, which a subclass's construction vtables name (a
// sanitizer build keeps them and fails to link).
class ShareAwareBatchNorm2dImpl : public torch::nn::Module {
public:
    explicit ShareAwareBatchNorm2dImpl(std::int64_t features)
        : weight(register_parameter("weight", torch::ones({features}))),
          bias(register_parameter("bias", torch::zeros({features}))),
          running_mean(register_buffer("running_mean", torch::zeros({features}))),
          running_var(register_buffer("running_var", torch::ones({features}))),
          num_batches_tracked(register_buffer("num_batches_tracked", torch::zeros({}, torch::kLong))) {}

    torch::Tensor forward(const torch::Tensor& x) {
        if (is_training() && current_batch_share()) {
            return batch_norm_over_shares(x, weight, bias, running_mean, running_var, num_batches_tracked, kMomentum, kEps);
        }
        if (is_training()) {
            torch::NoGradGuard no_grad;
            num_batches_tracked.add_(1);
        }
        return torch::batch_norm(x, weight, bias, running_mean, running_var, is_training(), kMomentum, kEps,
                                 at::globalContext().userEnabledCuDNN());
    }

    void pretty_print(std::ostream& stream) const override {
        stream << "ShareAwareBatchNorm2d(" << weight.size(0) << ", eps=" << kEps << ", momentum=" << kMomentum << ")";
    }

    torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;

private:
    static constexpr double kMomentum = 0.1;  // torch's defaults
    static constexpr double kEps = 1e-5;
};
TORCH_MODULE(ShareAwareBatchNorm2d);

// torch's Dropout with a mask drawn for the whole batch in a data-parallel step (the same draws
// otherwise).
class ShareAwareDropoutImpl : public torch::nn::DropoutImpl {
public:
    using torch::nn::DropoutImpl::DropoutImpl;

    torch::Tensor forward(const torch::Tensor& x) { return shared_dropout(x, options.p(), is_training()); }
};
TORCH_MODULE(ShareAwareDropout);

// SqueezeNet's fire module: a 1x1 squeeze, then 1x1 and 3x3 expands side by side.
class FireImpl : public torch::nn::Module {
public:
    FireImpl(std::int64_t in, std::int64_t squeeze, std::int64_t expand, bool batch_norm)
        : m_squeeze(register_module("squeeze", conv(in, squeeze, 1))),
          m_expand1(register_module("expand1x1", conv(squeeze, expand, 1))),
          m_expand3(register_module("expand3x3", conv(squeeze, expand, 3))) {
        // Registered under their own names, so the convolutions keep the names older files use.
        if (batch_norm) {
            m_squeeze_norm = register_module("squeeze_bn", ShareAwareBatchNorm2d(squeeze));
            m_expand1_norm = register_module("expand1x1_bn", ShareAwareBatchNorm2d(expand));
            m_expand3_norm = register_module("expand3x3_bn", ShareAwareBatchNorm2d(expand));
        }
    }

    torch::Tensor forward(const torch::Tensor& x) {
        const torch::Tensor s = torch::relu(normed(m_squeeze_norm, m_squeeze->forward(x)));
        return torch::cat({torch::relu(normed(m_expand1_norm, m_expand1->forward(s))),
                           torch::relu(normed(m_expand3_norm, m_expand3->forward(s)))},
                          1);
    }

private:
    static torch::Tensor normed(ShareAwareBatchNorm2d& norm, const torch::Tensor& x) { return norm ? norm->forward(x) : x; }

    torch::nn::Conv2d m_squeeze, m_expand1, m_expand3;
    ShareAwareBatchNorm2d m_squeeze_norm{nullptr}, m_expand1_norm{nullptr}, m_expand3_norm{nullptr};
};
TORCH_MODULE(Fire);

// A ResNet basic block: two 3x3 convolutions with batch norm and an identity (or 1x1) shortcut.
class BasicBlockImpl : public torch::nn::Module {
public:
    BasicBlockImpl(std::int64_t in, std::int64_t out, std::int64_t stride)
        : m_conv1(register_module("conv1", conv(in, out, 3, stride))),
          m_norm1(register_module("bn1", ShareAwareBatchNorm2d(out))),
          m_conv2(register_module("conv2", conv(out, out, 3))),
          m_norm2(register_module("bn2", ShareAwareBatchNorm2d(out))) {
        if (stride != 1 || in != out) {
            m_shortcut = register_module("shortcut", torch::nn::Sequential(conv(in, out, 1, stride), ShareAwareBatchNorm2d(out)));
        }
    }

    torch::Tensor forward(const torch::Tensor& x) {
        torch::Tensor y = torch::relu(m_norm1->forward(m_conv1->forward(x)));
        y = m_norm2->forward(m_conv2->forward(y));
        return torch::relu(y + (m_shortcut ? m_shortcut->forward(x) : x));
    }

private:
    torch::nn::Conv2d m_conv1;
    ShareAwareBatchNorm2d m_norm1;
    torch::nn::Conv2d m_conv2;
    ShareAwareBatchNorm2d m_norm2;
    torch::nn::Sequential m_shortcut{nullptr};
};
TORCH_MODULE(BasicBlock);

torch::nn::MaxPool2d pool() {
    return torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2));
}

// He initialisation for the ReLU convolutions (LibTorch's default, tuned for linear layers, lets
// the signal of a deep network without batch norm fade, and SqueezeNet then does not learn), and a
// small normal initialisation for the layer that produces the logits, as in torchvision.
void initialise(torch::nn::Module& network, const torch::nn::Module* logits_layer) {
    torch::NoGradGuard no_grad;
    for (const auto& module : network.modules(/*include_self=*/false)) {
        if (auto* convolution = module->as<torch::nn::Conv2d>()) {
            if (module.get() == logits_layer) {
                torch::nn::init::normal_(convolution->weight, 0.0, 0.01);
            } else {
                torch::nn::init::kaiming_uniform_(convolution->weight, 0.0, torch::kFanIn, torch::kReLU);
            }
            if (convolution->bias.defined()) convolution->bias.zero_();
        }
    }
}

}  // namespace

ClassifierImpl::ClassifierImpl(ClassifierConfig config) : m_config(std::move(config)) {
    if (m_config.classes < 2 || m_config.input_channels < 1 || m_config.input_size < 8 || m_config.width <= 0) {
        throw UserError("invalid classifier configuration " + to_json(m_config).dump() + ".");
    }
    const double w = m_config.width;
    const ShareAwareDropout dropout(m_config.dropout);
    if (m_config.architecture == ClassifierArchitecture::SqueezeNet) {
        const std::int64_t c1 = scaled(w, 64);
        const bool bn = m_config.batch_norm;
        torch::nn::Sequential first(conv(m_config.input_channels, c1, 3));
        if (bn) first->push_back(ShareAwareBatchNorm2d(c1));
        first->push_back(torch::nn::ReLU());
        first->push_back(pool());
        add_stage("conv1", first);
        add_stage("fire3", torch::nn::Sequential(Fire(c1, scaled(w, 16), scaled(w, 64), bn),
                                                 Fire(2 * scaled(w, 64), scaled(w, 16), scaled(w, 64), bn), pool()));
        add_stage("fire5", torch::nn::Sequential(Fire(2 * scaled(w, 64), scaled(w, 32), scaled(w, 128), bn),
                                                 Fire(2 * scaled(w, 128), scaled(w, 32), scaled(w, 128), bn), pool()));
        add_stage("fire7", torch::nn::Sequential(Fire(2 * scaled(w, 128), scaled(w, 48), scaled(w, 192), bn),
                                                 Fire(2 * scaled(w, 192), scaled(w, 64), scaled(w, 256), bn)));
        const torch::nn::Conv2d to_logits = conv(2 * scaled(w, 256), m_config.classes, 1);
        add_stage("logits", torch::nn::Sequential(dropout, to_logits, torch::nn::AdaptiveAvgPool2d(1), torch::nn::Flatten()));
        initialise(*this, to_logits.get());
    } else {
        const std::int64_t c1 = scaled(w, 64);
        const std::int64_t c2 = scaled(w, 128);
        const std::int64_t c3 = scaled(w, 256);
        add_stage("stem",
                  torch::nn::Sequential(conv(m_config.input_channels, c1, 3), ShareAwareBatchNorm2d(c1), torch::nn::ReLU()));
        add_stage("layer1", torch::nn::Sequential(BasicBlock(c1, c1, 1), BasicBlock(c1, c1, 1)));
        add_stage("layer2", torch::nn::Sequential(BasicBlock(c1, c2, 2), BasicBlock(c2, c2, 1)));
        add_stage("layer3", torch::nn::Sequential(BasicBlock(c2, c3, 2), BasicBlock(c3, c3, 1)));
        add_stage("avgpool", torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(1), torch::nn::Flatten()));
        add_stage("logits", torch::nn::Sequential(dropout, torch::nn::Linear(c3, m_config.classes)));
        initialise(*this, nullptr);
    }
    probe_layer_shapes();
}

void ClassifierImpl::add_stage(const std::string& name, torch::nn::Sequential stage) {
    m_stages.emplace_back(name, register_module(name, std::move(stage)));
}

void ClassifierImpl::probe_layer_shapes() {
    const bool was_training = is_training();
    eval();
    torch::NoGradGuard no_grad;
    torch::Tensor x = torch::zeros({1, m_config.input_channels, m_config.input_size, m_config.input_size});
    const auto shape_of = [](const torch::Tensor& t) { return std::vector<long>(t.sizes().begin() + 1, t.sizes().end()); };
    m_layers.push_back({"input", shape_of(x)});
    for (auto& [name, stage] : m_stages) {
        x = stage->forward(x);
        m_layers.push_back({name, shape_of(x)});
    }
    m_layers.push_back({"softmax", shape_of(x)});
    train(was_training);
}

ClassifierImpl::ClassifierImpl(std::shared_ptr<ScriptedClassifier> scripted) : m_scripted(std::move(scripted)) {
    for (const ScriptedLayer& layer : m_scripted->layers()) {
        if (layer.problem.empty()) m_layers.push_back({layer.name, std::vector<long>(layer.shape.begin(), layer.shape.end())});
    }
}

// A colour-blind classifier sees only each pixel's luminance (Rec. 601 weights), in all channels:
// it cannot tell two images apart that differ in hue alone, whatever it learns.
torch::Tensor ClassifierImpl::what_the_first_stage_sees(const torch::Tensor& x) const {
    if (!m_config.colour_blind || x.size(1) != 3) return x;
    const torch::Tensor grey = 0.299 * x.select(1, 0) + 0.587 * x.select(1, 1) + 0.114 * x.select(1, 2);
    return grey.unsqueeze(1).expand_as(x);
}

torch::Tensor ClassifierImpl::forward(const torch::Tensor& x) {
    if (m_scripted) return m_scripted->forward(x);
    torch::Tensor y = what_the_first_stage_sees(x);
    for (auto& [name, stage] : m_stages) y = stage->forward(y);
    return y;
}

const LayerInfo& ClassifierImpl::layer(const std::string& name) const {
    for (const LayerInfo& info : m_layers) {
        if (info.name == name) return info;
    }
    throw UserError("unknown layer \"" + name + "\"; this " +
                    (m_scripted ? std::string("model") : to_string(m_config.architecture)) +
                    " has: " + joined(m_layers, [](const LayerInfo& info) { return info.name; }) + ".");
}

torch::Tensor ClassifierImpl::representation(const torch::Tensor& x, const std::string& layer) {
    this->layer(layer);  // an unknown name fails before any work
    if (m_scripted) return m_scripted->representation(x, layer);
    if (layer == "input") return x;
    if (layer == "softmax") return torch::softmax(forward(x), 1);
    torch::Tensor y = what_the_first_stage_sees(x);
    for (auto& [name, stage] : m_stages) {
        y = stage->forward(y);
        if (name == layer) return y;
    }
    return y;  // not reached: every named layer other than input and softmax is a stage
}

}  // namespace inv

namespace inv {

std::vector<LayerInfo> classifier_layers(const ClassifierConfig& config) {
    return Classifier(config)->layers();
}

std::vector<LayerInfo> workspace_classifier_layers(const nlohmann::json& config) {
    if (config.value("type", std::string()) != kScriptedClassifierType)
        return classifier_layers(classifier_config_from_json(config));
    std::vector<LayerInfo> layers;
    for (const auto& layer : config.at("layers"))
        layers.push_back({layer.at("name"), layer.at("shape").get<std::vector<long>>()});
    return layers;
}

}  // namespace inv
