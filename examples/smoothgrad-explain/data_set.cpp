// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "data_set.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <smoothgrad/io/safetensors.hpp>

#include "../command_line.hpp"
#include "explanation.hpp"
#include "inputs.hpp"
#include "shard_files.hpp"

namespace explain {
namespace {

using nlohmann::json;

/// An environment variable as a non-negative integer; nullopt when unset.
std::optional<Index> environment_index(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr) return std::nullopt;
    const auto value = command_line::parse_number<Index>(who, std::string("--shard auto: ") + name, text);
    detail::require(value >= 0, who, "--shard auto: ", name, " must be >= 0, got ", value);
    return value;
}

/// The inputs [first, end) of shard K of N among `total`: contiguous, sizes differing by at most one.
std::pair<Index, Index> shard_range(const Shard& shard, Index total) {
    return {shard.index * total / shard.count, (shard.index + 1) * total / shard.count};
}

std::string_view aggregation_name(Aggregation aggregation) {
    switch (aggregation) {
    case Aggregation::mean: return "mean";
    case Aggregation::mean_of_squares: return "square";
    case Aggregation::variance: return "variance";
    }
    return "unknown";
}

/// A file's SHA-256 if `item` names a file, else nothing (black, mean, fashion-mnist-train:A-B, ...).
json file_hash(const std::string& item) {
    return fs::is_regular_file(item) ? json(sha256_of_file(item)) : json(nullptr);
}

/// Everything that decides the maps: what shards of one run must share, and what a checkpoint or a finished
/// shard is checked against before it is trusted. Threads and batch size are not in it: they change no bit.
json run_parameters(const Options& options, const Model& net, const InputCatalog& inputs) {
    std::string names;
    for (Index k = 0; k < inputs.size(); ++k) names += inputs.name(k) + "\n";
    json layer = nullptr;
    if (options.layer)
        layer = std::visit([](const auto& id) { return json(id); }, *options.layer);
    json baselines = json::array();
    for (const auto& item : options.baselines) baselines.push_back({{"item", item}, {"sha256", file_hash(item)}});
    return {
        {"library_version", std::string(smoothgrad::version)},
        {"model",
         {{"file", options.model.file.filename().string()},
          {"sha256", sha256_of_file(options.model.file)},
          {"description", net.description},
          {"spec", options.model.spec},
          {"layer_names", options.model.layer_names},
          {"input", {net.shape.height, net.shape.width, net.shape.channels}},
          {"classes", net.num_classes()},
          {"class_names", net.class_names}}},
        {"inputs", {{"count", inputs.size()}, {"names_sha256", sha256_of(names)}}},
        {"pixels", {{"scale", options.scale}, {"mean", options.model.mean}, {"std", options.model.stddev}, {"resize", options.resize}}},
        {"method", options.method},
        {"class", options.target_class ? json(*options.target_class) : json("predicted")},
        {"smooth_grad",
         {{"samples", options.smooth_samples},
          {"noise_level", options.noise_level},
          {"noise_stddev", options.noise_stddev ? json(*options.noise_stddev) : json(nullptr)},
          {"aggregation", aggregation_name(options.aggregation)},
          {"seed", options.seed}}},
        {"steps", options.steps},
        {"baseline", {{"kind", options.baseline}, {"sha256", file_hash(options.baseline)}}},
        {"blur_ig", {{"max_sigma", options.max_sigma}, {"grad_step", options.grad_step}, {"sqrt_spacing", options.sqrt_spacing}}},
        {"guided_ig", {{"fraction", options.fraction}, {"max_dist", options.max_dist}}},
        {"expected_gradients", {{"baselines", baselines}, {"draws", options.draws}, {"draw_noise", options.draw_noise}}},
        {"grad_cam", {{"layer", layer}, {"upsample", options.upsample}}},
        {"occlusion",
         {{"size", options.occlusion_size},
          {"stride", options.occlusion_stride},
          {"value", options.occlusion_value},
          {"per_channel", options.occlusion_per_channel},
          {"combine", options.occlusion_combine == OcclusionCombine::sum ? "sum" : "mean"}}},
        {"dtype", options.float16 ? "float16" : "float32"},
    };
}

/// One input's line of the manifest.
json manifest_entry(Index index, const Input& input, const Explained& result) {
    return {{"index", index},
            {"name", input.name},
            {"label", input.label ? json(*input.label) : json(nullptr)},
            {"predicted", result.predicted},
            {"explained", result.explained},
            {"score", result.scores[result.predicted]},
            {"probability", result.probability}};
}

/// The checkpoints of a shard: chunk files in its .partial folder, each holding the maps of consecutive
/// inputs, named by the first.
class Checkpoints {
public:
    Checkpoints(fs::path folder, const json& parameters, Index first)
        : folder_(std::move(folder)), parameters_(parameters.dump()), next_(first) {}

    /// Takes every chunk that continues the chain from the shard's first input; a damaged chunk (which
    /// atomic writes make unlikely, but a disk can do) and everything after it is dropped and recomputed.
    /// Chunks from other parameters are an error: another run's work is never thrown away.
    void load() {
        fs::create_directories(folder_);
        for (;;) {
            const fs::path file = chunk_path(next_);
            if (!fs::exists(file)) break;
            SafetensorsFile chunk;
            try {
                chunk = read_safetensors(file);
            } catch (const smoothgrad::error& e) {
                std::cerr << who << ": warning: checkpoint '" << file.string() << "' is damaged (" << e.what()
                          << "); input " << next_ << " onwards is computed again\n";
                break;
            }
            const auto parameters = chunk.metadata.find("parameters");
            if (parameters == chunk.metadata.end() || parameters->second != parameters_)
                throw argument_error(detail::message(
                    who, "checkpoint '", file.string(), "' was made with other parameters (",
                    first_difference(json::parse(parameters_),
                                     parameters != chunk.metadata.end() ? json::parse(parameters->second) : json::object()),
                    "): delete '", folder_.string(), "' or give another --out"));
            const json inputs = json::parse(chunk.metadata.at("inputs"));
            const Tensor& maps = chunk.tensors.at(std::string(maps_tensor));
            detail::require<format_error>(!maps.shape.empty() && maps.shape[0] == inputs.size() && !inputs.empty() &&
                                              inputs.front().at("index").get<Index>() == next_,
                                          who, "checkpoint '", file.string(), "' does not hold what its name says");
            map_dims_.assign(maps.shape.begin() + 1, maps.shape.end());
            for (const auto& entry : inputs) entries_.push_back(entry);
            chunks_.push_back(file);
            next_ += static_cast<Index>(inputs.size());
        }
        resumed_ = static_cast<Index>(entries_.size());
        // Anything else in the folder (a damaged chunk and what followed it, a killed writer's temporary
        // file) is not part of the chain.
        for (const auto& item : fs::directory_iterator(folder_))
            if (std::find(chunks_.begin(), chunks_.end(), item.path()) == chunks_.end()) fs::remove_all(item.path());
    }

    /// Saves the maps of inputs [next, next + entries.size()).
    void save(const std::vector<float>& maps, const std::vector<std::size_t>& map_dims, const json& entries) {
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

    [[nodiscard]] Index next() const { return next_; }
    [[nodiscard]] Index resumed() const { return resumed_; }
    [[nodiscard]] const json& entries() const { return entries_; }
    [[nodiscard]] const std::vector<fs::path>& chunks() const { return chunks_; }
    [[nodiscard]] const std::vector<std::size_t>& map_dims() const { return map_dims_; }
    [[nodiscard]] const fs::path& folder() const { return folder_; }

private:
    [[nodiscard]] fs::path chunk_path(Index first) const {
        std::array<char, 48> name{};
        std::snprintf(name.data(), name.size(), "chunk-%010ld.safetensors", static_cast<long>(first));
        return folder_ / name.data();
    }

    fs::path folder_;
    std::string parameters_;
    Index next_;
    Index resumed_ = 0;
    json entries_ = json::array();
    std::vector<fs::path> chunks_;
    std::vector<std::size_t> map_dims_;
};

/// "shard 1/4: 30/50 inputs, 12.5 inputs/s, about 2 s left" on stderr, at most every few seconds.
class ProgressLine {
public:
    ProgressLine(const Shard& shard, Index total, Index done, bool enabled)
        : shard_(shard), total_(total), start_done_(done), enabled_(enabled) {}

    void update(Index done, bool force = false) {
        const auto now = std::chrono::steady_clock::now();
        if (!enabled_ || (!force && now - last_ < std::chrono::seconds(5))) return;
        last_ = now;
        const double rate = rate_at(done, now);
        std::fprintf(stderr, "shard %ld/%ld: %ld/%ld inputs, %.1f inputs/s", static_cast<long>(shard_.index),
                     static_cast<long>(shard_.count), static_cast<long>(done), static_cast<long>(total_), rate);
        if (rate > 0.0 && done < total_) std::fprintf(stderr, ", about %.0f s left", static_cast<double>(total_ - done) / rate);
        std::fprintf(stderr, "\n");
    }
    [[nodiscard]] double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    [[nodiscard]] double rate_at(Index done, std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) const {
        const double elapsed = std::chrono::duration<double>(now - start_).count();
        return elapsed > 0.0 ? static_cast<double>(done - start_done_) / elapsed : 0.0;
    }

private:
    Shard shard_;
    Index total_, start_done_;
    bool enabled_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
};

}  // namespace

Shard resolve_shard(const Options& options) {
    if (!options.shard_auto) return options.shard.value_or(Shard{});
    if (const auto task = environment_index("SLURM_ARRAY_TASK_ID")) {
        // With --shard-count, array indices are shard indices: a failed task resubmitted alone
        // (sbatch --array=2) is still shard 2 of N.
        if (options.shard_count) {
            detail::require(*task < *options.shard_count, who, "--shard auto: SLURM_ARRAY_TASK_ID=", *task,
                            " is not below --shard-count ", *options.shard_count);
            return {*task, *options.shard_count};
        }
        const auto count = environment_index("SLURM_ARRAY_TASK_COUNT");
        const Index min = environment_index("SLURM_ARRAY_TASK_MIN").value_or(0);
        const auto max = environment_index("SLURM_ARRAY_TASK_MAX");
        detail::require(count.has_value(), who, "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not");
        detail::require(!max || *max - min + 1 == *count, who, "--shard auto: the Slurm array must be one range without ",
                        "steps, such as --array=0-3 (tasks ", min, " to ", max.value_or(0), " are ", *count,
                        " tasks), or give --shard-count N");
        detail::require(*task >= min && *task - min < *count, who, "--shard auto: SLURM_ARRAY_TASK_ID=", *task,
                        " is outside the array's ", min, " to ", min + *count - 1);
        return {*task - min, *count};
    }
    if (const auto index = environment_index("JOB_COMPLETION_INDEX")) {
        detail::require(options.shard_count.has_value(), who, "--shard auto with Kubernetes' JOB_COMPLETION_INDEX needs ",
                        "--shard-count N (the Job's completions)");
        detail::require(*index < *options.shard_count, who, "--shard auto: JOB_COMPLETION_INDEX=", *index,
                        " is not below --shard-count ", *options.shard_count);
        return {*index, *options.shard_count};
    }
    throw argument_error(detail::message(who, "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm array task) nor ",
                                         "JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard K/N"));
}

int run_data_set(const Options& options) {
    const Shard shard = resolve_shard(options);
    const Run explainer = start_run(options);
    const InputCatalog inputs(options, explainer.net.shape);
    const json parameters = run_parameters(options, explainer.net, inputs);
    const auto [first, end] = shard_range(shard, inputs.size());

    const fs::path dir = *options.out;
    fs::create_directories(dir);
    const std::string stem = shard_stem(shard);
    const fs::path manifest_path = dir / (stem + ".json"), maps_path = dir / (stem + ".safetensors");
    const std::string name = "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count);
    if (fs::exists(manifest_path)) {
        const json done = read_json(manifest_path);
        if (!done.contains("parameters") || done["parameters"] != parameters)
            throw argument_error(detail::message(who, "'", manifest_path.string(), "' is from a run with other parameters (",
                                                 first_difference(parameters, done.value("parameters", json::object())),
                                                 "): give another --out, or delete the old run's files"));
        std::cout << name << ": already complete (" << end - first << " inputs in '" << maps_path.string()
                  << "'); nothing to do\n";
        return 0;
    }

    Checkpoints checkpoints(dir / (stem + ".partial"), parameters, first);
    checkpoints.load();
    if (checkpoints.resumed() > 0)
        std::cout << name << ": resuming after input " << checkpoints.next() - 1 << " (" << checkpoints.resumed()
                  << " of " << end - first << " inputs from checkpoints)\n";
    ProgressLine progress(shard, end - first, checkpoints.resumed(), !options.quiet);

    std::vector<float> pending_maps;
    json pending = json::array();
    std::vector<std::size_t> map_dims = checkpoints.map_dims();
    for (Index i = checkpoints.next(); i < end; ++i) {
        const Input input = inputs.load(i);
        const Explained result = explain_input(explainer, options, input, i, {});
        const Explanation& map = result.explanation;
        const std::vector<std::size_t> dims{static_cast<std::size_t>(map.shape.height),
                                            static_cast<std::size_t>(map.shape.width),
                                            static_cast<std::size_t>(map.shape.channels)};
        detail::require<shape_error>(map_dims.empty() || map_dims == dims, who, "input ", i, "'s map is ", map.shape,
                                     ", the others' are ", detail::format_shape(map_dims));
        map_dims = dims;
        pending_maps.insert(pending_maps.end(), map.map.data(), map.map.data() + map.map.size());
        pending.push_back(manifest_entry(i, input, result));
        const Index done = i + 1 - first;
        if (static_cast<Index>(pending.size()) == options.checkpoint_every || i + 1 == end) {
            checkpoints.save(pending_maps, map_dims, pending);
            pending_maps.clear();
            pending = json::array();
            progress.update(done, true);
        } else {
            progress.update(done);
        }
    }

    // The shard's file, assembled from its checkpoints one at a time; then the manifest, whose presence says
    // that the shard is complete.
    const Index count = end - first;
    if (map_dims.empty()) map_dims = {static_cast<std::size_t>(explainer.net.shape.height),
                                      static_cast<std::size_t>(explainer.net.shape.width),
                                      static_cast<std::size_t>(explainer.net.shape.channels)};
    std::size_t chunk = 0;
    write_maps_file(maps_path, static_cast<std::size_t>(count), map_dims, options.float16,
                    {{"format", std::string(shard_format)}, {"shard", stem}}, [&](std::vector<float>& values) {
                        SafetensorsFile file = read_safetensors(checkpoints.chunks().at(chunk++));
                        values = std::move(file.tensors.at(std::string(maps_tensor)).values);
                    });
    std::vector<std::size_t> shape{static_cast<std::size_t>(count)};
    shape.insert(shape.end(), map_dims.begin(), map_dims.end());
    const json manifest = {
        {"format", shard_format},
        {"format_version", 1},
        {"shard", {{"index", shard.index}, {"count", shard.count}, {"first_input", first}, {"end_input", end}}},
        {"parameters", parameters},
        {"maps",
         {{"file", maps_path.filename().string()},
          {"tensor", maps_tensor},
          {"dtype", options.float16 ? "F16" : "F32"},
          {"shape", shape},
          {"sha256", sha256_of_file(maps_path)}}},
        {"inputs", checkpoints.entries()},
    };
    write_json(manifest_path, manifest);
    fs::remove_all(checkpoints.folder());

    const Index computed = count - checkpoints.resumed();
    std::ostringstream line;
    line << std::fixed << std::setprecision(1) << name << ": " << count << " inputs (" << computed << " explained in "
         << progress.seconds() << " s, " << progress.rate_at(count) << " inputs/s";
    if (checkpoints.resumed() > 0) line << "; " << checkpoints.resumed() << " from checkpoints";
    line << "); wrote '" << maps_path.string() << "' and '" << manifest_path.string() << "'\n";
    std::cout << line.str();
    return 0;
}

}  // namespace explain
