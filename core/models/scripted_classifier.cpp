#include "core/models/scripted_classifier.h"

#include "core/runtime/errors.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace inv {
namespace {

using torch::jit::Graph;
using torch::jit::Node;
using torch::jit::Value;

// "features.3" for a value the graph reaches from the model by attribute reads; nullopt otherwise.
std::optional<std::string> module_path(const Value* value, const Value* self) {
    if (value == self) return std::string();
    const Node* node = value->node();
    if (node->kind() != c10::prim::GetAttr) return std::nullopt;
    const std::optional<std::string> parent = module_path(node->input(0), self);
    if (!parent) return std::nullopt;
    const std::string name = node->s(c10::attr::name);
    return parent->empty() ? name : *parent + "." + name;
}

// A call of a module's forward. Tracing records a second call of the same module as "forward1",
// a third as "forward2", ...
bool is_forward_call(const Node* node) {
    if (node->kind() != c10::prim::CallMethod) return false;
    const std::string method = node->s(c10::attr::name);
    return method.rfind("forward", 0) == 0 &&
           std::all_of(method.begin() + 7, method.end(), [](char c) { return c >= '0' && c <= '9'; });
}

torch::jit::GraphFunction* called_function(const Node* call) {
    const auto type = call->input(0)->type()->cast<c10::ClassType>();
    if (!type) return nullptr;
    torch::jit::Function* method = type->findMethod(call->s(c10::attr::name));
    torch::jit::GraphFunction* function = method ? torch::jit::tryToGraphFunction(*method) : nullptr;
    if (function) function->ensure_defined();  // methods of a loaded module are compiled on first use
    return function;
}

// A container's forward calls forward on its own submodules (nn.Sequential, a ResNet block).
bool is_container(torch::jit::GraphFunction& function) {
    const std::shared_ptr<Graph> graph = function.graph();
    const Value* self = graph->inputs().at(0);
    for (const Node* node : graph->nodes()) {
        if (is_forward_call(node) && node->input(0)->node()->kind() == c10::prim::GetAttr &&
            node->input(0)->node()->input(0) == self) {
            return true;
        }
    }
    return false;
}

bool is_tensor(const Value* value) {
    return value->type()->isSubtypeOf(*c10::TensorType::get());
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
    std::string text;
    for (std::int64_t d : shape) text += (text.empty() ? "" : ", ") + std::to_string(d);
    return "[" + text + "]";
}

// The forward graph with every container inlined, and for each value of a submodule's output the
// qualified names that produce it (a container's output is also its last child's).
struct LayerGraph {
    std::shared_ptr<Graph> graph;
    std::map<Value*, std::vector<std::string>> names;
    std::map<std::string, int> calls;  // forward calls per qualified name
};

LayerGraph inline_containers(const torch::jit::Module& module) {
    LayerGraph result;
    result.graph = module.get_method("forward").graph()->copy();
    Graph& graph = *result.graph;
    const Value* self = graph.inputs().at(0);
    for (bool inlined = true; inlined;) {
        inlined = false;
        for (Node* node : graph.nodes()) {
            if (!is_forward_call(node)) continue;
            const std::optional<std::string> path = module_path(node->input(0), self);
            torch::jit::GraphFunction* callee = path ? called_function(node) : nullptr;
            if (!callee || !is_container(*callee)) continue;
            std::vector<std::string> carried;
            if (node->outputs().size() == 1) {
                const auto found = result.names.find(node->output());
                if (found != result.names.end()) carried = found->second, result.names.erase(found);
            }
            ++result.calls[*path];
            // The callee's own graph, not its optimised one: that has its children inlined already.
            const std::vector<Value*> outputs = torch::jit::inlineCallTo(node, callee, callee->graph().get());
            if (outputs.size() == 1) {
                auto& names = result.names[outputs[0]];
                names.push_back(*path);  // the inner name first: "features.3", then "features"
                names.insert(names.end(), carried.begin(), carried.end());
            }
            inlined = true;
            break;  // the node list changed
        }
    }
    for (Node* node : graph.nodes()) {
        if (!is_forward_call(node)) continue;
        if (const std::optional<std::string> path = module_path(node->input(0), self)) {
            ++result.calls[*path];
            if (node->outputs().size() == 1) result.names[node->output()].push_back(*path);
        }
    }
    return result;
}

// The values of the inlined graph that are some submodule's output, with the names under which
// each can be taken as a layer (the logits first, under none), and the submodules that cannot be.
struct LayerOutputs {
    std::vector<Value*> values;
    std::vector<std::vector<std::string>> names;
    std::set<std::string> listed;  // every submodule forward calls
    std::vector<ScriptedLayer> problems;
};

// Which of `names`, all produced by `value`, can be layers; the others go into `outputs.problems`.
std::vector<std::string> usable_names(const std::vector<std::string>& names, const Value* value,
                                      std::map<std::string, int>& calls, LayerOutputs& outputs) {
    std::vector<std::string> usable;
    for (const std::string& name : names) {
        outputs.listed.insert(name);
        if (calls[name] > 1) {
            const auto same = [&](const ScriptedLayer& problem) { return problem.name == name; };
            if (std::none_of(outputs.problems.begin(), outputs.problems.end(), same)) {
                outputs.problems.push_back({name, {}, "called more than once in forward: which call's output is z is ambiguous"});
            }
        } else if (!is_tensor(value)) {
            outputs.problems.push_back({name, {}, "its output is a " + value->type()->repr_str() + ", not a tensor"});
        } else {
            usable.push_back(name);
        }
    }
    return usable;
}

LayerOutputs find_layer_outputs(LayerGraph& layers) {
    LayerOutputs outputs;
    outputs.values.push_back(layers.graph->outputs()[0]);
    outputs.names.push_back({});
    for (Node* node : layers.graph->nodes()) {
        for (Value* value : node->outputs()) {
            const auto found = layers.names.find(value);
            if (found == layers.names.end()) continue;
            std::vector<std::string> usable = usable_names(found->second, value, layers.calls, outputs);
            if (usable.empty()) continue;
            outputs.values.push_back(value);
            outputs.names.push_back(std::move(usable));
        }
    }
    return outputs;
}

// The graph returns every layer's value as one tuple instead of the logits alone.
void return_all(Graph& graph, const std::vector<Value*>& values) {
    graph.eraseOutput(0);
    torch::jit::WithInsertPoint at_end(graph.return_node());
    graph.registerOutput(graph.insertNode(graph.createTuple(values))->output());
}

torch::jit::Module load_module(const std::filesystem::path& file, const torch::Device& device) {
    torch::jit::Module module;
    try {
        module = torch::jit::load(file.string(), device);
    } catch (const c10::Error& error) {
        throw UserError(file.string() +
                        " is not a TorchScript model this program can load (export it with torch.jit.trace "
                        "or torch.jit.script, e.g. tools/export_classifier.py): " +
                        error.what_without_backtrace());
    }
    module.eval();
    if (!module.find_method("forward")) {
        throw UserError(file.string() +
                        " has no forward method: a classifier for this program is a module whose forward "
                        "takes an image batch and returns logits (export it with tools/export_classifier.py).");
    }
    return module;
}

}  // namespace

ScriptedClassifier ScriptedClassifier::load(const std::filesystem::path& file, const torch::Device& device) {
    if (!std::filesystem::exists(file)) throw UserError("model file " + file.string() + " does not exist.");
    ScriptedClassifier model;
    model.m_file = file;
    model.m_device = device;
    model.m_card = read_model_card(model_card_path(file));
    model.m_module = load_module(file, device);
    const auto per_channel = [&](const std::vector<double>& values) {
        return values.empty()
                   ? torch::Tensor()
                   : torch::tensor(values, torch::kDouble).to(device, torch::kFloat).view({1, model.m_card.channels, 1, 1});
    };
    model.m_mean = per_channel(model.m_card.mean);
    model.m_std = per_channel(model.m_card.std);

    LayerGraph layers = inline_containers(model.m_module);
    Graph& graph = *layers.graph;
    if (graph.outputs().size() != 1 || !is_tensor(graph.outputs()[0])) {
        throw UserError(file.string() + ": forward returns " + graph.outputs()[0]->type()->repr_str() +
                        "; a classifier for this program returns one tensor of logits.");
    }
    // Outputs: the logits, then each value that is some submodule's output, in the graph's order.
    const LayerOutputs outputs = find_layer_outputs(layers);
    return_all(graph, outputs.values);
    model.m_function = std::make_shared<torch::jit::GraphFunction>("invariances_layers", layers.graph, nullptr);

    // One probe input of the card's shape gives every layer's shape.
    const ModelCard& card = model.m_card;
    std::vector<torch::Tensor> probe;
    try {
        torch::NoGradGuard no_grad;
        probe = model.run(model.to_model_input(torch::zeros({2, 3, card.height, card.width}, torch::TensorOptions(device))));
    } catch (const std::exception& error) {
        throw UserError(file.string() + " fails on a probe input of shape " +
                        shape_text({2, card.channels, card.height, card.width}) + " (from its card, " +
                        model_card_path(file).filename().string() + "): check \"input_shape\". The model said: " +
                        (dynamic_cast<const c10::Error*>(&error) ? static_cast<const c10::Error&>(error).what_without_backtrace()
                                                                 : error.what()));
    }
    const auto shape_of = [](const torch::Tensor& t) {
        return std::vector<std::int64_t>(t.sizes().begin() + 1, t.sizes().end());
    };
    if (probe[0].dim() != 2) {
        throw UserError(file.string() + " returns a tensor of shape " + shape_text(probe[0].sizes().vec()) +
                        "; a classifier returns logits of shape [batch, classes].");
    }
    model.m_layers.push_back({"input", {card.channels, card.height, card.width}, {}});
    for (std::size_t i = 1; i < outputs.values.size(); ++i) {
        for (const std::string& name : outputs.names[i]) {
            model.m_output_of[name] = i;
            model.m_layers.push_back({name, shape_of(probe[i]), {}});
        }
    }
    model.m_layers.insert(model.m_layers.end(), outputs.problems.begin(), outputs.problems.end());
    for (const auto& named : model.m_module.named_modules()) {
        if (named.name.empty() || outputs.listed.count(named.name)) continue;
        model.m_layers.push_back({named.name,
                                  {},
                                  "not called directly by forward (inside a branch or a loop, or through "
                                  "another method): its output cannot be taken"});
    }
    model.m_output_of["logits"] = 0;
    model.m_layers.push_back({"logits", shape_of(probe[0]), {}});
    model.m_layers.push_back({"softmax", shape_of(probe[0]), {}});
    if (!card.class_names.empty() && static_cast<std::int64_t>(card.class_names.size()) != probe[0].size(1)) {
        throw UserError(model_card_path(file).string() + " names " + std::to_string(card.class_names.size()) +
                        " classes but the model gives " + std::to_string(probe[0].size(1)) + " logits.");
    }
    return model;
}

torch::Tensor ScriptedClassifier::to_model_input(const torch::Tensor& images) const {
    if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != m_card.height || images.size(3) != m_card.width) {
        throw UserError("images of shape " + shape_text(images.sizes().vec()) + " given to " + m_file.filename().string() +
                        ", which takes [N, 3, " + std::to_string(m_card.height) + ", " + std::to_string(m_card.width) + "].");
    }
    torch::Tensor x = (images.to(m_device) + 1.0) * 0.5;
    if (m_card.channels == 1)
        x = x.mean(1, true);
    else if (m_card.channel_order == "BGR")
        x = x.flip(1);
    x = m_card.value_range[0] + x * (m_card.value_range[1] - m_card.value_range[0]);
    if (m_mean.defined()) x = x - m_mean;
    if (m_std.defined()) x = x / m_std;
    return x;
}

std::vector<torch::Tensor> ScriptedClassifier::run(const torch::Tensor& model_input) {
    torch::jit::Stack stack{m_module._ivalue(), model_input};
    m_function->run(stack);
    std::vector<torch::Tensor> outputs;
    for (const c10::IValue& value : stack.back().toTupleRef().elements()) outputs.push_back(value.toTensor());
    return outputs;
}

torch::Tensor ScriptedClassifier::forward(const torch::Tensor& images) {
    return run(to_model_input(images))[0];
}

torch::Tensor ScriptedClassifier::representation(const torch::Tensor& images, const std::string& layer) {
    if (layer == "input") return to_model_input(images);
    if (layer == "softmax") return torch::softmax(forward(images), 1);
    const auto found = m_output_of.find(layer);
    if (found == m_output_of.end()) {
        for (const ScriptedLayer& known : m_layers) {
            if (known.name == layer) throw UserError("z cannot be taken at layer '" + layer + "': " + known.problem + ".");
        }
        throw UserError("unknown layer '" + layer + "'; " + m_file.filename().string() +
                        " has: " + joined(m_layers, [](const ScriptedLayer& l) { return l.name; }) + ".");
    }
    return run(to_model_input(images))[found->second];
}

std::vector<ScriptedLayer> list_scripted_layers(const std::filesystem::path& model) {
    return ScriptedClassifier::load(model).layers();
}

}  // namespace inv
