// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "merge.hpp"

#include <iostream>
#include <regex>
#include <sstream>

#include <smoothgrad/io/safetensors.hpp>
#include <smoothgrad/metrics/coherence.hpp>
#include <smoothgrad/metrics/complexity.hpp>
#include <smoothgrad/metrics/statistics.hpp>
#include <smoothgrad/visualization/reduce.hpp>

#include "../command_line.hpp"
#include "atomic_file.hpp"
#include "maps_file.hpp"
#include "run_parameters.hpp"
#include "sha256.hpp"
#include "shard.hpp"

namespace explain {
namespace {

using nlohmann::json;

constexpr std::string_view merge_usage = R"(Usage: smoothgrad-explain merge DIR [--maps FILE] [--summary]

Checks that DIR holds every shard of one data-set run (made by smoothgrad-explain --out DIR --shard K/N):
the same parameters and model file (by SHA-256), every input in exactly one shard, every shard file
as its manifest recorded it. Then writes DIR/index.json, which gives every input's shard file and row,
and prints the totals.

  --maps FILE   also write every map, in input order, to one safetensors file ("maps", T x H x W x C)
  --summary     also summarize the maps with the metrics module (of |map| summed over channels, mean and
                95 % confidence interval over the inputs): Gini index and entropy (how concentrated), total
                variation (how noisy); printed and written to index.json
  --help        this text
)";

struct MergeOptions {
    fs::path dir;
    std::optional<fs::path> maps;
    bool summary = false;
    bool help = false;
};

MergeOptions parse_merge_arguments(int argc, char** argv) {
    MergeOptions options;
    command_line::for_each_flag(argc, argv, who, [&](std::string_view flag, const command_line::ValueReader& value) {
        if (flag == "--help" || flag == "-h") options.help = true;
        else if (flag == "--maps") options.maps = fs::path(value());
        else if (flag == "--summary") options.summary = true;
        else if (!flag.starts_with("-") && options.dir.empty()) options.dir = flag;
        else throw argument_error(detail::message(who, "merge: unknown argument '", flag, "' (see merge --help)"));
    });
    detail::require(options.help || !options.dir.empty(), who, "merge needs the folder of the shards: merge DIR");
    return options;
}

/// A shard's manifest and where it was found.
struct ShardManifest {
    fs::path file;
    json content;
};

/// Checks that a manifest has every field merge reads, of the right type, so that a hand-edited or foreign
/// file is refused with its name rather than with a JSON library message later.
void check_manifest(const json& content, const fs::path& file, Index index, Index count) {
    const auto refuse = [&](std::string_view what) {
        throw format_error(detail::message(who, "merge: '", file.string(), "' ", what));
    };
    if (!content.is_object() || content.value("format", json()) != shard_format || content.value("format_version", json()) != 1)
        refuse("is not a shard manifest of this version");
    try {
        const json& shard = content.at("shard");
        if (shard.at("index") != index || shard.at("count") != count)
            refuse("says it is shard " + shard.at("index").dump() + " of " + shard.at("count").dump());
        (void)shard.at("first_input").get<Index>();
        (void)shard.at("end_input").get<Index>();
        const json& parameters = content.at("parameters");
        (void)parameters.at("inputs").at("count").get<Index>();
        (void)parameters.at("method").get<std::string>();
        (void)parameters.at("smooth_grad").at("samples").get<Index>();
        const json& maps = content.at("maps");
        const auto maps_file = maps.at("file").get<std::string>();
        if (maps_file.find('/') != std::string::npos) refuse("names a maps file outside its folder");
        (void)maps.at("sha256").get<std::string>();
        (void)maps.at("dtype").get<std::string>();
        const auto shape = maps.at("shape").get<std::vector<std::size_t>>();
        const json& inputs = content.at("inputs");
        if (!inputs.is_array() || shape.empty() || shape[0] != inputs.size()) refuse("lists another number of inputs than its maps hold");
        for (const auto& entry : inputs) {
            (void)entry.at("index").get<Index>();
            (void)entry.at("label");
            (void)entry.at("predicted");
        }
    } catch (const nlohmann::json::exception& e) {
        refuse(std::string("is malformed: ") + e.what());
    }
}

/// Every shard manifest in `dir`, by shard index; all of one shard count, none missing.
std::vector<ShardManifest> read_manifests(const fs::path& dir) {
    detail::require<io_error>(fs::is_directory(dir), who, "merge: '", dir.string(), "' is not a folder");
    const std::regex name(R"(shard-(\d+)-of-(\d+)\.json)");
    std::vector<ShardManifest> found;
    Index count = 0;
    fs::path count_file;
    for (const auto& item : fs::directory_iterator(dir)) {
        std::smatch match;
        const std::string file = item.path().filename().string();
        if (!std::regex_match(file, match, name)) continue;
        const Index shards = command_line::parse_number<Index>(who, "merge: the shard count in " + file, match[2].str());
        detail::require<format_error>(shards >= 1 && shards <= max_shards, who, "merge: '", item.path().string(),
                                      "' names a run of ", shards, " shards; at most ", max_shards);
        if (found.empty()) {
            count = shards;
            count_file = item.path();
            found.resize(static_cast<std::size_t>(count));
        }
        detail::require<format_error>(shards == count, who, "merge: '", item.path().string(), "' and '",
                                      count_file.string(), "' are shards of runs split ", shards, " and ", count,
                                      " ways: one folder holds one run");
        const Index index = command_line::parse_number<Index>(who, "merge: the shard index in " + file, match[1].str());
        detail::require<format_error>(index < count, who, "merge: '", item.path().string(), "' names shard ", index,
                                      " of ", count);
        json content = read_json(item.path());
        check_manifest(content, item.path(), index, count);
        found[static_cast<std::size_t>(index)] = {item.path(), std::move(content)};
    }
    detail::require<io_error>(!found.empty(), who, "merge: no shard manifests (shard-K-of-N.json) in '", dir.string(), "'");
    for (Index k = 0; k < count; ++k)
        detail::require<io_error>(!found[static_cast<std::size_t>(k)].file.empty(), who, "merge: shard ", k, " of ", count,
                                  " is missing ('", (dir / (shard_stem({k, count}) + ".json")).string(),
                                  "'): run it, or wait for it to finish, before merging");
    return found;
}

/// The maps of one shard file, as read from `dir`.
std::vector<float> shard_maps(const fs::path& dir, const ShardManifest& shard) {
    return read_maps_file(dir / shard.content.at("maps").at("file").get<std::string>());
}

/// Model-free metrics of every map, summarized over the inputs: what --summary prints.
json summarize(const fs::path& dir, const std::vector<ShardManifest>& shards, const ImageShape& shape) {
    std::vector<double> gini, entropy, variation;
    Index index = 0;
    for (const auto& shard : shards) {
        const std::vector<float> values = shard_maps(dir, shard);
        for (std::size_t at = 0; at < values.size(); at += static_cast<std::size_t>(shape.size()), ++index) {
            const Vector map = Eigen::Map<const Vector>(values.data() + at, shape.size());
            detail::require<numeric_error>(map.allFinite(), who, "merge: input ", index, "'s map holds NaN or Inf");
            const Image magnitude = reduce_channels(map, shape, ChannelReduction::sum_abs);
            gini.push_back(metrics::gini(magnitude.pixels));
            entropy.push_back(metrics::entropy(magnitude.pixels));
            variation.push_back(metrics::total_variation(magnitude.pixels, magnitude.shape));
        }
    }
    json summary = json::object();
    for (const auto& [name, values] : {std::pair{"gini", &gini}, {"entropy", &entropy}, {"total_variation", &variation}}) {
        if (values->size() < 2) continue;
        const metrics::Summary s = metrics::mean_confidence_interval(*values);
        summary[name] = {{"mean", s.mean}, {"half_width_95", s.half_width}, {"count", s.count}};
    }
    return summary;
}

/// "vanilla with SmoothGrad (n = 50)": the method of a run, as its parameters say.
std::string method_description(const json& parameters) {
    std::string text = parameters.at("method").get<std::string>();
    const Index samples = parameters.at("smooth_grad").at("samples").get<Index>();
    if (samples > 0) text += " with SmoothGrad (n = " + std::to_string(samples) + ")";
    return text;
}

int merge(const MergeOptions& options) {
    const std::vector<ShardManifest> shards = read_manifests(options.dir);
    const json& parameters = shards[0].content.at("parameters");
    for (const auto& shard : shards)
        if (shard.content.at("parameters") != parameters)
            throw format_error(detail::message(who, "merge: '", shard.file.string(), "' was made with other parameters than '",
                                               shards[0].file.string(), "' (",
                                               first_difference(shard.content.at("parameters"), parameters), ")"));

    // Every input exactly once, and the shards in order tile the inputs, so the merged maps are in input order.
    const Index total = parameters.at("inputs").at("count").get<Index>();
    std::vector<std::optional<std::size_t>> owner(static_cast<std::size_t>(total));
    for (std::size_t s = 0; s < shards.size(); ++s)
        for (const auto& entry : shards[s].content.at("inputs")) {
            const Index index = entry.at("index").get<Index>();
            detail::require<format_error>(index >= 0 && index < total, who, "merge: '", shards[s].file.string(),
                                          "' lists input ", index, ", the run has ", total);
            auto& first = owner[static_cast<std::size_t>(index)];
            detail::require<format_error>(!first, who, "merge: input ", index, " is in both '",
                                          shards[first.value_or(0)].file.string(), "' and '", shards[s].file.string(), "'");
            first = s;
        }
    for (Index index = 0; index < total; ++index)
        detail::require<format_error>(owner[static_cast<std::size_t>(index)].has_value(), who, "merge: input ", index,
                                      " is in no shard");

    json map_dims = nullptr;
    std::string dtype;
    json rows = json::array();
    json shard_list = json::array();
    Index expected = 0, labelled = 0, correct = 0;
    for (const auto& shard : shards) {
        const json& maps = shard.content.at("maps");
        const fs::path file = options.dir / maps.at("file").get<std::string>();
        detail::require<io_error>(fs::is_regular_file(file), who, "merge: '", file.string(), "' is missing");
        const std::string sha = sha256_of_file(file);
        detail::require<format_error>(sha == maps.at("sha256").get<std::string>(), who, "merge: '", file.string(),
                                      "' is damaged or was replaced (its SHA-256 is ", sha, ", '", shard.file.string(),
                                      "' recorded ", maps.at("sha256").get<std::string>(), ")");
        dtype = maps.at("dtype").get<std::string>();
        const json& inputs = shard.content.at("inputs");
        json dims = maps.at("shape");
        dims.erase(0);
        if (!inputs.empty()) {
            detail::require<format_error>(map_dims.is_null() || map_dims == dims, who, "merge: '", file.string(),
                                          "' holds maps of shape ", dims.dump(), ", other shards ", map_dims.dump());
            map_dims = dims;
        }
        Index row = 0;
        for (const auto& entry : inputs) {
            detail::require<format_error>(entry.at("index").get<Index>() == expected, who, "merge: '", shard.file.string(),
                                          "' lists input ", entry.at("index").dump(), " where input ", expected,
                                          " was expected: the shards are not in input order");
            json line = entry;
            line["file"] = maps.at("file");
            line["row"] = row++;
            if (!entry.at("label").is_null()) {
                ++labelled;
                correct += entry.at("label") == entry.at("predicted") ? 1 : 0;
            }
            rows.push_back(std::move(line));
            ++expected;
        }
        shard_list.push_back({{"file", maps.at("file")},
                              {"sha256", sha},
                              {"first_input", shard.content.at("shard").at("first_input")},
                              {"end_input", shard.content.at("shard").at("end_input")}});
    }
    json summary = nullptr;
    if (options.summary && !map_dims.is_null()) {
        const auto dims = map_dims.get<std::vector<Index>>();
        detail::require<format_error>(dims.size() == 3, who, "merge: --summary needs H x W x C maps, got ", map_dims.dump());
        summary = summarize(options.dir, shards, {dims[0], dims[1], dims[2]});
    }
    const fs::path index_path = options.dir / "index.json";
    json index = {{"format", "smoothgrad-explain index"},
                  {"format_version", 1},
                  {"parameters", parameters},
                  {"map_shape", map_dims},
                  {"dtype", dtype},
                  {"shards", shard_list},
                  {"inputs", rows}};
    if (!summary.is_null()) index["summary"] = summary;
    write_json(index_path, index);

    if (options.maps) {
        std::vector<std::size_t> dims;
        if (!map_dims.is_null()) dims = map_dims.get<std::vector<std::size_t>>();
        std::size_t next_shard = 0;
        write_maps_file(*options.maps, static_cast<std::size_t>(total), dims, dtype == "F16",
                        {{"format", "smoothgrad-explain maps"}, {"parameters", parameters.dump()}},
                        [&](std::vector<float>& values) {
                            while (shards[next_shard].content.at("inputs").empty()) ++next_shard;
                            values = shard_maps(options.dir, shards[next_shard++]);
                        });
    }

    std::ostringstream line;
    line << "merged " << shards.size() << (shards.size() == 1 ? " shard" : " shards") << " of '" << options.dir.string() << "': " << total << " inputs, "
         << method_description(parameters) << ", maps of shape " << map_dims.dump() << " (" << dtype << ")";
    if (labelled > 0)
        line << "; the predicted class is the label for " << correct << " of " << labelled << " labelled inputs ("
             << 100.0 * static_cast<double>(correct) / static_cast<double>(labelled) << " %)";
    if (!summary.is_null()) {
        line << "\n" << method_description(parameters) << ", |map| summed over channels, mean and 95 % interval over "
             << total << " inputs:";
        for (const auto& [name, value] : summary.items())
            line << "\n  " << name << " " << value.at("mean").get<double>() << " +- " << value.at("half_width_95").get<double>();
    }
    line << "\nwrote '" << index_path.string() << "'";
    if (options.maps) line << " and '" << options.maps->string() << "'";
    std::cout << line.str() << "\n";
    return 0;
}

}  // namespace

int run_merge(int argc, char** argv) {
    return command_line::run_program(who, merge_usage, argc, argv, parse_merge_arguments, merge);
}

}  // namespace explain
