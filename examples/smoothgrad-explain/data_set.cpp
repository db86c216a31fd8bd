// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "data_set.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <regex>
#include <sstream>

#include <smoothgrad/io/safetensors.hpp>

#include "atomic_file.hpp"
#include "checkpoints.hpp"
#include "explanation.hpp"
#include "inputs.hpp"
#include "maps_file.hpp"
#include "run_parameters.hpp"
#include "sha256.hpp"
#include "shard.hpp"

namespace explain {
namespace {

using nlohmann::json;

/// "1 input", "2 inputs".
std::string inputs_text(Index count) { return std::to_string(count) + (count == 1 ? " input" : " inputs"); }

/// An exclusive lock on a shard, held while the process lives: a second process on the same shard (a
/// requeued task whose old copy still runs, a replacement pod) stops instead of mixing its files in. The
/// system releases it when the process dies, however it dies.
class ShardLock {
public:
    ShardLock(const fs::path& file, const std::string& shard) {
        descriptor_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        detail::require<io_error>(descriptor_ >= 0, who, "cannot create the lock file '", file.string(), "'");
        if (::flock(descriptor_, LOCK_EX | LOCK_NB) != 0) {
            ::close(descriptor_);
            throw io_error(detail::message(who, shard, " is being explained by another process ('", file.string(),
                                           "' is locked); one process per shard at a time"));
        }
    }
    ShardLock(const ShardLock&) = delete;
    ShardLock& operator=(const ShardLock&) = delete;
    ~ShardLock() { ::close(descriptor_); }

private:
    int descriptor_ = -1;
};

/// Refuses a shard of N where DIR holds shards of another split: a task resubmitted alone without
/// --shard-count would otherwise start a second run of a different shape.
void check_one_split(const fs::path& dir, const Shard& shard) {
    const std::regex name(R"(shard-\d+-of-(\d+)\..*)");
    for (const auto& item : fs::directory_iterator(dir)) {
        std::smatch match;
        const std::string file = item.path().filename().string();
        if (!std::regex_match(file, match, name) || std::stol(match[1].str().substr(0, 9)) == shard.count) continue;
        throw argument_error(detail::message(
            who, "'", dir.string(), "' holds '", file, "', a shard of a run split into ", match[1].str(),
            ", but this is shard ", shard.index, " of ", shard.count, " (a Slurm task resubmitted alone needs ",
            "--shard-count N); give another --out for another run"));
    }
}

/// Removes what killed writers of this shard's files left: temporary files beside them.
void remove_temporary_files(const fs::path& dir, const std::vector<fs::path>& targets) {
    for (const auto& item : fs::directory_iterator(dir))
        for (const auto& target : targets)
            if (AtomicFile::is_temporary_of(item.path(), target)) fs::remove(item.path());
}

/// Whether a finished shard's files are all there and as its manifest says; if its maps file is missing
/// or changed, the manifest is removed (with a warning) and the shard is computed again.
bool finished_and_intact(const fs::path& manifest_path, const fs::path& maps_path, const json& parameters) {
    json done;
    try {
        done = read_json(manifest_path);
    } catch (const smoothgrad::error& e) {
        std::cerr << who << ": warning: " << e.what() << "; the shard is computed again\n";
        fs::remove(manifest_path);
        return false;
    }
    if (!done.is_object() || !done.contains("parameters") || done["parameters"] != parameters)
        throw argument_error(detail::message(
            who, "'", manifest_path.string(), "' is from a run with other parameters (",
            first_difference(parameters, done.is_object() ? done.value("parameters", json::object()) : json::object()),
            "): give another --out, or delete the old run's files"));
    const json* sha = done.contains("maps") && done["maps"].is_object() && done["maps"].contains("sha256")
                          ? &done["maps"]["sha256"] : nullptr;
    if (fs::is_regular_file(maps_path) && sha != nullptr && sha->is_string() && sha256_of_file(maps_path) == *sha)
        return true;
    std::cerr << who << ": warning: '" << maps_path.string() << "' is missing or changed since '"
              << manifest_path.string() << "' was written; the shard is computed again\n";
    fs::remove(manifest_path);
    return false;
}

/// One input's entry in the manifest.
json manifest_entry(Index index, const Input& input, const fs::path& file, const Explained& result) {
    return as_written({{"index", index},
                       {"name", input.name},
                       {"sha256", file.empty() ? json(nullptr) : json(sha256_of_file(file))},
                       {"label", input.label ? json(*input.label) : json(nullptr)},
                       {"predicted", result.predicted},
                       {"explained", result.explained},
                       {"score", result.scores[result.predicted]},
                       {"explained_score", result.scores[result.explained]},
                       {"probability", result.probability}});
}

/// "shard 1/4: 30/50 inputs, 12.5 inputs/s, about 2 s left" on stderr, every few seconds and when asked.
class ProgressLine {
public:
    ProgressLine(std::string shard, Index total, Index done, bool enabled)
        : shard_(std::move(shard)), total_(total), start_done_(done), enabled_(enabled) {}

    void update(Index done, bool now_anyway = false) {
        const auto now = std::chrono::steady_clock::now();
        if (!enabled_ || (!now_anyway && now - last_ < std::chrono::seconds(5))) return;
        last_ = now;
        const double rate = rate_at(done);
        std::fprintf(stderr, "%s: %ld/%ld inputs, %.1f inputs/s", shard_.c_str(), static_cast<long>(done),
                     static_cast<long>(total_), rate);
        if (rate > 0.0 && done < total_) std::fprintf(stderr, ", about %.0f s left", static_cast<double>(total_ - done) / rate);
        std::fprintf(stderr, "\n");
    }
    [[nodiscard]] double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    /// Inputs per second explained by this process (not counting those resumed from checkpoints).
    [[nodiscard]] double rate_at(Index done) const {
        const double elapsed = seconds();
        return elapsed > 0.0 ? static_cast<double>(done - start_done_) / elapsed : 0.0;
    }

private:
    std::string shard_;
    Index total_, start_done_;
    bool enabled_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
};

}  // namespace

int run_data_set(const Options& options) {
    const Shard shard = resolve_shard(options);
    const Run explainer = start_run(options);
    const InputCatalog inputs(options, explainer.net.shape);
    const json parameters = run_parameters(options, explainer.net, inputs);
    const auto [first, end] = shard_range(shard, inputs.size());
    const Index count = end - first;

    const fs::path dir = *options.out;
    fs::create_directories(dir);
    const std::string stem = shard_stem(shard);
    const std::string name = "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count);
    const ShardLock lock(dir / (stem + ".lock"), name);
    check_one_split(dir, shard);
    const fs::path manifest_path = dir / (stem + ".json"), maps_path = dir / (stem + ".safetensors");
    remove_temporary_files(dir, {manifest_path, maps_path});
    Checkpoints checkpoints(dir / (stem + ".partial"), parameters, first);
    if (fs::exists(manifest_path) && finished_and_intact(manifest_path, maps_path, parameters)) {
        fs::remove_all(checkpoints.folder());  // left by a task killed between its manifest and the cleanup
        std::cout << name << ": already complete (" << inputs_text(count) << " in '" << maps_path.string()
                  << "'); nothing to do" << std::endl;
        return 0;
    }

    checkpoints.load();
    if (checkpoints.resumed() > 0)
        std::cout << name << ": resuming after input " << checkpoints.next() - 1 << " (" << checkpoints.resumed()
                  << " of " << inputs_text(count) << " from checkpoints)" << std::endl;
    ProgressLine progress(name, count, checkpoints.resumed(), !options.quiet);

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
        pending.push_back(manifest_entry(i, input, inputs.file(i), result));
        const Index done = i + 1 - first;
        const bool save = static_cast<Index>(pending.size()) == options.checkpoint_every || i + 1 == end;
        if (save) {
            checkpoints.save(pending_maps, map_dims, pending);
            pending_maps.clear();
            pending = json::array();
        }
        progress.update(done, save);
    }

    // The shard's file, assembled from its checkpoints one at a time; then the manifest, whose presence says
    // that the shard is complete; then the checkpoints go.
    if (map_dims.empty())
        map_dims = {static_cast<std::size_t>(explainer.net.shape.height), static_cast<std::size_t>(explainer.net.shape.width),
                    static_cast<std::size_t>(explainer.net.shape.channels)};
    std::size_t chunk = 0;
    write_maps_file(maps_path, static_cast<std::size_t>(count), map_dims, options.float16,
                    {{"format", std::string(shard_format)}, {"shard", stem}},
                    [&](std::vector<float>& values) { values = read_maps_file(checkpoints.chunks().at(chunk++)); });
    std::vector<std::size_t> shape{static_cast<std::size_t>(count)};
    shape.insert(shape.end(), map_dims.begin(), map_dims.end());
    write_json(manifest_path, {
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
    });
    fs::remove_all(checkpoints.folder());

    std::ostringstream line;
    line << std::fixed << std::setprecision(1) << name << ": " << inputs_text(count) << " ("
         << count - checkpoints.resumed() << " explained in " << progress.seconds() << " s, " << progress.rate_at(count)
         << " inputs/s";
    if (checkpoints.resumed() > 0) line << "; " << checkpoints.resumed() << " from checkpoints";
    line << "); wrote '" << maps_path.string() << "' and '" << manifest_path.string() << "'\n";
    std::cout << line.str();
    return 0;
}

}  // namespace explain
