// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "checkpoints.hpp"

#include <array>
#include <cstdio>
#include <iostream>
#include <set>

#include <smoothgrad/io/safetensors.hpp>

#include "atomic_file.hpp"
#include "maps_file.hpp"
#include "run_parameters.hpp"

namespace explain {

using nlohmann::json;

Checkpoints::Checkpoints(fs::path folder, const json& parameters, Index first)
    : folder_(std::move(folder)), parameters_(parameters.dump()), next_(first) {}

fs::path Checkpoints::chunk_path(Index first) const {
    std::array<char, 48> name{};
    std::snprintf(name.data(), name.size(), "chunk-%010ld.safetensors", static_cast<long>(first));
    return folder_ / name.data();
}

void Checkpoints::load() {
    fs::create_directories(folder_);
    for (;;) {
        const fs::path file = chunk_path(next_);
        if (!fs::exists(file)) break;
        SafetensorsFile chunk;
        json inputs;
        try {
            chunk = read_safetensors(file);
            inputs = json::parse(chunk.metadata.at("inputs"));
            const Tensor& maps = chunk.tensors.at(std::string(maps_tensor));
            detail::require<format_error>(inputs.is_array() && !inputs.empty() && maps.shape.size() == 4 &&
                                              maps.shape[0] == inputs.size() && inputs.front().at("index") == next_,
                                          who, "it does not hold what its name says");
            map_dims_.assign(maps.shape.begin() + 1, maps.shape.end());
        } catch (const std::exception& e) {  // the reader's errors, and a missing or malformed metadata entry
            std::cerr << who << ": warning: checkpoint '" << file.string() << "' is damaged (" << e.what()
                      << "); input " << next_ << " onwards is computed again\n";
            break;
        }
        const auto parameters = chunk.metadata.find("parameters");
        if (parameters == chunk.metadata.end() || parameters->second != parameters_) {
            json theirs = json::object();
            if (parameters != chunk.metadata.end()) theirs = json::parse(parameters->second, nullptr, false);
            throw argument_error(detail::message(who, "checkpoint '", file.string(), "' was made with other parameters (",
                                                 first_difference(json::parse(parameters_), theirs), "): delete '",
                                                 folder_.string(), "' or give another --out"));
        }
        for (const auto& entry : inputs) entries_.push_back(entry);
        chunks_.push_back(file);
        next_ += static_cast<Index>(inputs.size());
    }
    resumed_ = static_cast<Index>(entries_.size());
    const std::set<fs::path> chain(chunks_.begin(), chunks_.end());
    for (const auto& item : fs::directory_iterator(folder_))
        if (!chain.contains(item.path())) fs::remove_all(item.path());
}

void Checkpoints::save(const std::vector<float>& maps, const std::vector<std::size_t>& map_dims, const json& entries) {
    std::vector<std::size_t> shape{entries.size()};
    shape.insert(shape.end(), map_dims.begin(), map_dims.end());
    const SafetensorsFile chunk{.tensors = {{std::string(maps_tensor), {.shape = shape, .values = maps}}},
                                .metadata = {{"parameters", parameters_}, {"inputs", entries.dump()}}};
    const fs::path file = chunk_path(next_);
    AtomicFile out(file);
    out.write(write_safetensors_to_memory(chunk));
    out.commit();
    chunks_.push_back(file);
    for (const auto& entry : entries) entries_.push_back(entry);
    map_dims_ = map_dims;
    next_ += static_cast<Index>(entries.size());
}

}  // namespace explain
