// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Argument checks shared by the metrics: every metric refuses empty maps, NaN and mismatched sizes the
/// same way, so a caller sees one kind of message whichever metric caught the problem.

#include "smoothgrad/detail/eigen_core.hpp"

#include <string_view>

#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/types.hpp"

namespace smoothgrad::metrics {

/// One flag per element of a map (true = inside the region), e.g. the object of a localization test.
using Mask = Eigen::Array<bool, Eigen::Dynamic, 1>;

namespace detail {

using smoothgrad::detail::require;

/// Throws shape_error if `values` is empty and numeric_error if it holds NaN or Inf.
inline void check_map(const Vector& values, std::string_view who, std::string_view name = "map") {
    require<shape_error>(values.size() > 0, who, name, " is empty");
    require<numeric_error>(values.allFinite(), who, name, " contains NaN or Inf");
}

/// Throws shape_error unless `a` and `b` have the same number of entries.
inline void check_same_size(Index a, Index b, std::string_view who, std::string_view name_a,
                            std::string_view name_b) {
    require<shape_error>(a == b, who, name_a, " has ", a, " entries but ", name_b, " has ", b);
}

}  // namespace detail
}  // namespace smoothgrad::metrics
