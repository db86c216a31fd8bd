// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// What the parts of paper_open_questions share: the experiment's sizes, the test images, and claim 10's part,
// which needs LibTorch (architectures.cpp) or says that it is missing (no_architectures.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <smoothgrad/core/types.hpp>
#include <smoothgrad/io/idx.hpp>
#include <smoothgrad/metrics/localization.hpp>

#include "../claims_images.hpp"
#include "../claims_settings.hpp"

namespace open_questions {

using smoothgrad::ImageShape;
using smoothgrad::Index;
using smoothgrad::Vector;
namespace fs = std::filesystem;

inline constexpr std::string_view who = "paper_open_questions";
inline constexpr ImageShape image_shape{28, 28, 1};

/// The sizes of the experiment; --quick shrinks them. Claim 10 repeats claims 1-3 with the shared sizes.
struct Settings : claims::SharedSettings {
    /// Claim 11: points along the line x + t * eps, t in [0, 1], eps ~ N(0, path_stddev^2) (the paper's Fig. 2).
    int path_steps = 50;
    double path_stddev = 0.01;
    /// Claim 11: a pixel lies in a near-constant region when its 3x3 neighbourhood spans less than this.
    double flat_range = 0.05;
};

using claims::Data;

/// What claim 10 needs: the images, the two networks' files, where its plots go and how the report links them.
struct ArchitectureInputs {
    const Settings& settings;
    const Data& data;
    const smoothgrad::Dataset& test;
    fs::path reference_model;  ///< the clean reference CNN (safetensors)
    fs::path resnet_model;     ///< the small ResNet (TorchScript)
    fs::path out;              ///< the plots' folder
    fs::path figures_link;     ///< that folder as the report links it
    std::uint64_t seed = 0;
};

/// Claim 10's section of the report: claims 1-3 again on the ResNet, beside the reference CNN. Writes its
/// plots and appends their file names to `written`.
[[nodiscard]] std::string architectures_section(const ArchitectureInputs& in, std::vector<std::string>& written);

}  // namespace open_questions
