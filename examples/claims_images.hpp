// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// The test images that the claims programs (paper_claims, paper_open_questions) measure, with their labels
// and object masks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

#include <smoothgrad/core/error.hpp>
#include <smoothgrad/io/idx.hpp>
#include <smoothgrad/metrics/localization.hpp>

#include "figure_support.hpp"

namespace claims {

/// The test images measured, with their labels and object masks (pixels > 0).
struct Data {
    std::vector<smoothgrad::Vector> images;
    std::vector<smoothgrad::Index> labels;
    std::vector<smoothgrad::metrics::Mask> objects;
};

/// The images of --images, else the first `count` of the test set; argument_error naming `who` for an index
/// outside the test set or fewer than `minimum` images (what the program's statistics need).
inline Data pick_images(const smoothgrad::Dataset& test, const figures::Options& options, smoothgrad::Index count,
                        std::size_t minimum, std::string_view who) {
    using smoothgrad::Index;
    std::vector<Index> indices = options.images;
    if (indices.empty())
        for (Index k = 0; k < std::min<Index>(count, test.images.cols()); ++k) indices.push_back(k);
    Data data;
    for (const Index k : indices) {
        smoothgrad::detail::require(k >= 0 && k < test.images.cols(), who, "--images: index must be in [0, ",
                                    test.images.cols(), "), got ", k);
        data.images.push_back(test.images.col(k));
        data.labels.push_back(test.labels[static_cast<std::size_t>(k)]);
        data.objects.push_back(smoothgrad::metrics::object_mask(data.images.back()));
    }
    smoothgrad::detail::require(data.images.size() >= minimum, who, "needs at least ", minimum, " images, got ",
                                data.images.size());
    return data;
}

}  // namespace claims
