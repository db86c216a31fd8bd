// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The images smoothgrad-explain explains: listed up front from every input flag, in the order given, and
// read one at a time when explained, so that a data set of any size costs the memory of one image.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <smoothgrad/io/idx.hpp>
#include <smoothgrad/io/image.hpp>

#include "options.hpp"

namespace explain {

/// One input to explain: its name, its pixels as the model takes them (8-bit values times --scale), the
/// image for display, and its label if known.
struct Input {
    std::string name;
    Vector values;
    Image display;  // pixels in [0, 1]
    std::optional<int> label;
};

/// Every input of the command line. Listing checks that each exists (files, Fashion-MNIST indices, IDX
/// image sizes), so a long run does not fail at its last image; pixels are read by load().
class InputCatalog {
public:
    InputCatalog(const Options& options, const ImageShape& shape);

    [[nodiscard]] Index size() const { return static_cast<Index>(entries_.size()); }
    [[nodiscard]] const std::string& name(Index k) const { return entries_[static_cast<std::size_t>(k)].name; }
    /// Input k's pixels, read now.
    [[nodiscard]] Input load(Index k) const;
    /// Input k's image file; empty for an image of Fashion-MNIST or an IDX file.
    [[nodiscard]] const fs::path& file(Index k) const { return entries_[static_cast<std::size_t>(k)].file; }
    /// The files that hold many inputs each (IDX files, Fashion-MNIST's test images), in the order read.
    [[nodiscard]] const std::vector<fs::path>& set_files() const { return set_files_; }

private:
    struct Entry {
        std::string name;
        fs::path file;                     // an image file; empty for a row of a loaded set
        const Dataset* set = nullptr;      // Fashion-MNIST's test set or an IDX file
        Index row = 0;
    };
    void add_file(const fs::path& file, std::string_view flag);
    const Dataset& idx_file(const fs::path& file);

    const Options& options_;
    ImageShape shape_;
    std::vector<Entry> entries_;
    std::vector<fs::path> set_files_;
    std::optional<Dataset> fashion_mnist_test_;
    std::vector<std::unique_ptr<Dataset>> idx_files_;  // stable addresses for the entries' pointers
};

/// 8-bit pixel values times --scale, rounded once.
[[nodiscard]] Vector scaled(const Eigen::Ref<const Vector>& pixels, const Options& options);

/// An image file's 8-bit values, brought to `shape` by --resize if asked.
[[nodiscard]] Image read_input_image(const fs::path& file, const ImageShape& shape, const Options& options);

/// Expected gradients' reference set from --baselines (empty without).
[[nodiscard]] Matrix read_references(const Options& options, const ImageShape& shape);

}  // namespace explain
