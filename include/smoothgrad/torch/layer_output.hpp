// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// A submodule's output in a frozen, inlined TorchScript graph: inlining keeps, on every node, the call
/// stack of module instances it came from ("layer4", "1", "conv2"), so the value that a submodule hands to
/// the rest of the graph can be found by name and made an extra output of the graph.

#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/passes/remove_mutation.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "smoothgrad/core/error.hpp"

namespace smoothgrad::detail {

/// The module instances a node of an inlined graph was called through, outermost first ("layer4", "1",
/// "conv2"): the call stack's module entries, without the "SELF" of methods called on the same module.
[[nodiscard]] inline std::vector<std::string> module_path(const ::torch::jit::Node* node) {
    std::vector<std::string> path;
    const auto callstack = node->callstack();
    if (!callstack) return path;
    for (const auto& entry : (*callstack)->vec()) {
        const auto& instance = std::get<2>(entry);
        if (instance && instance->instance_name() != "SELF") path.push_back(instance->instance_name());
    }
    return path;
}

/// "layer4.1.conv2" as {"layer4", "1", "conv2"}.
[[nodiscard]] inline std::vector<std::string> split_module_name(std::string_view name) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = name.find('.', start);
        parts.emplace_back(name.substr(start, dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

/// Makes the output of submodule `name` an extra output of `graph` (a frozen, inlined forward graph) after
/// removing what tensor mutation can be removed, so that the value is the submodule's own. Throws
/// argument_error, listing the submodules there are, when no submodule has that name, and when it runs more
/// than once or hands more than one tensor on.
inline void add_layer_output(const std::shared_ptr<::torch::jit::Graph>& graph, std::string_view name,
                             std::string_view who) {
    ::torch::jit::RemoveTensorMutation(graph);
    const std::vector<std::string> wanted = split_module_name(name);
    const auto inside = [&](const ::torch::jit::Node* node) {
        const std::vector<std::string> path = module_path(node);
        return path.size() >= wanted.size() && std::equal(wanted.begin(), wanted.end(), path.begin());
    };
    std::vector<::torch::jit::Value*> handed_on;
    std::set<std::string> names;
    for (::torch::jit::Node* node : graph->nodes()) {
        const std::vector<std::string> path = module_path(node);
        for (std::size_t depth = 1; depth <= path.size(); ++depth) {
            std::string prefix = path[0];
            for (std::size_t i = 1; i < depth; ++i) prefix += "." + path[i];
            names.insert(std::move(prefix));
        }
        if (!inside(node)) continue;
        for (::torch::jit::Value* output : node->outputs()) {
            if (!output->type()->isSubtypeOf(*::torch::jit::TensorType::get())) continue;
            const bool leaves = std::any_of(output->uses().begin(), output->uses().end(), [&](const ::torch::jit::Use& use) {
                return use.user == graph->return_node() || !inside(use.user);
            });
            if (leaves) handed_on.push_back(output);
        }
    }
    const auto listing = [&] {
        std::string list;
        std::size_t shown = 0;
        for (const std::string& n : names) {
            if (shown++ == 40) return list + ", ...";
            list += (list.empty() ? "" : ", ") + n;
        }
        return list;
    };
    require(!handed_on.empty(), who, "no submodule named '", name, "' runs in forward(); submodules: ", listing());
    require(handed_on.size() == 1, who, "submodule '", name, "' hands ", handed_on.size(),
            " tensors to the rest of forward() (it runs more than once, or returns several); name one that runs ",
            "once and returns one tensor");
    graph->registerOutput(handed_on.front());
}

}  // namespace smoothgrad::detail
