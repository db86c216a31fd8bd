// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Guided backprop and deconvnet for TorchScript graphs: every ReLU of a frozen, inlined graph is replaced
/// by the custom operator `smoothgrad::relu_rule(Tensor self, int rule) -> Tensor`, whose forward pass is
/// at::relu (so scores stay bit-identical) and whose backward pass applies a ReluRule.

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/remove_mutation.h>
#include <torch/library.h>
#include <torch/torch.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <sstream>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"

namespace smoothgrad::detail {

/// ReLU whose backward step follows a ReluRule, given the incoming gradient g and the output y = relu(x).
struct ReluWithRule : ::torch::autograd::Function<ReluWithRule> {
    static ::torch::Tensor forward(::torch::autograd::AutogradContext* context, const ::torch::Tensor& input,
                                   std::int64_t rule) {
        ::torch::Tensor output = at::relu(input);
        context->save_for_backward({output});
        context->saved_data["rule"] = rule;
        return output;
    }

    static ::torch::autograd::variable_list backward(::torch::autograd::AutogradContext* context,
                                                     ::torch::autograd::variable_list gradients) {
        const ::torch::Tensor output = context->get_saved_variables()[0];
        const ::torch::Tensor& g = gradients[0];
        ::torch::Tensor input_gradient;
        // As PyTorch differentiates relu: the gradient passes where the output is positive.
        switch (static_cast<ReluRule>(context->saved_data["rule"].toInt())) {
            case ReluRule::gradient: input_gradient = at::threshold_backward(g, output, 0); break;
            case ReluRule::guided: input_gradient = at::threshold_backward(g.clamp_min(0), output, 0); break;
            case ReluRule::deconvnet: input_gradient = g.clamp_min(0); break;
        }
        return {input_gradient, ::torch::Tensor()};
    }
};

inline ::torch::Tensor relu_rule_kernel(const ::torch::Tensor& input, std::int64_t rule) {
    return ReluWithRule::apply(input, rule);
}

inline constexpr const char* relu_rule_op = "smoothgrad::relu_rule";

/// Registers `smoothgrad::relu_rule` with PyTorch's dispatcher, once per process. TORCH_LIBRARY cannot be used
/// in a header: it defines a registrar in every translation unit that includes it, and the second one to run
/// aborts. A function-local static in an inline function exists once per program instead; the dispatcher
/// check covers two copies of this header in separately linked shared libraries.
inline void register_relu_rule_op() {
    static const bool registered = [] {
        if (c10::Dispatcher::singleton().findSchema({relu_rule_op, ""}).has_value()) return true;
        // Lives until exit: the registration ends with the Library object.
        static ::torch::Library library(::torch::Library::FRAGMENT, "smoothgrad", c10::nullopt, __FILE__, __LINE__);
        // The kernel is CompositeImplicitAutograd: autograd sees the ReluWithRule node it creates.
        library.def("relu_rule(Tensor self, int rule) -> Tensor", &relu_rule_kernel);
        return true;
    }();
    (void)registered;
}

/// Appends every node of `block` and its sub-blocks (if/loop bodies) whose kind is in `kinds` to `found`.
inline void collect_nodes(::torch::jit::Block* block, const std::vector<c10::Symbol>& kinds,
                          std::vector<::torch::jit::Node*>& found) {
    for (::torch::jit::Node* node : block->nodes()) {
        for (const c10::Symbol kind : kinds)
            if (node->kind() == kind) found.push_back(node);
        for (::torch::jit::Block* sub : node->blocks()) collect_nodes(sub, kinds, found);
    }
}

/// Replaces every aten::relu and aten::relu_ of `graph` (a frozen, inlined forward graph) by
/// smoothgrad::relu_rule with `rule`, and returns how many it replaced. In-place ReLUs are first made
/// functional where PyTorch's alias analysis proves that nothing else sees the mutation; one that cannot be
/// (its input is aliased elsewhere) is an error, since the rewritten graph would compute something else.
inline int rewrite_relus(const std::shared_ptr<::torch::jit::Graph>& graph, ReluRule rule, std::string_view who) {
    register_relu_rule_op();
    const c10::Symbol relu = c10::Symbol::fromQualString("aten::relu");
    const c10::Symbol relu_inplace = c10::Symbol::fromQualString("aten::relu_");
    // In-place additions before a ReLU (a residual `out += identity`) make its input an alias, so all of
    // the graph's removable mutation goes; the functional ops compute the same values.
    ::torch::jit::RemoveTensorMutation(graph);
    std::vector<::torch::jit::Node*> nodes;
    collect_nodes(graph->block(), {relu_inplace}, nodes);
    if (!nodes.empty()) {
        std::ostringstream where;
        nodes.front()->print(where, 0, nullptr);
        throw error(message(who, "an in-place ReLU acts on a tensor that other values alias, so it cannot be ",
                            "rewritten for guided backprop or deconvnet: ", where.str()));
    }
    collect_nodes(graph->block(), {relu}, nodes);
    const c10::Symbol replacement = c10::Symbol::fromQualString(relu_rule_op);
    for (::torch::jit::Node* node : nodes) {
        ::torch::jit::WithInsertPoint insert_before(node);
        ::torch::jit::Value* output =
            graph->insert(replacement, {node->input(0), static_cast<std::int64_t>(rule)});
        node->output()->replaceAllUsesWith(output);
        node->destroy();
    }
    return static_cast<int>(nodes.size());
}

}  // namespace smoothgrad::detail
