// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#include "smoothgrad/metrics/metrics.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace smoothgrad;

TEST_CASE("the metrics header brings every family", "[metrics]") {
    // One map through one metric of each family: (0, 1, 0, 1) on a 2x2 grid.
    Vector map(4);
    map << 0, 1, 0, 1;
    metrics::Mask right(4);
    right << false, true, false, true;
    // Half the entries hold all the mass: Gini = 1 - 2 * (1/2)(1.5/4 + 0.5/4) = 1/2; entropy ln 2.
    CHECK(metrics::gini(map) == Approx(0.5));
    CHECK(metrics::entropy(map) == Approx(std::log(2.0)));
    // Columns are constant: only the 2 horizontal pairs differ, by 1/2 each after normalization.
    CHECK(metrics::total_variation(map, {.height = 2, .width = 2}) == Approx(1.0));
    CHECK(metrics::attribution_localization(map, right) == Approx(1.0));
    CHECK(metrics::pointing_game(map, right, {.height = 2, .width = 2}));
    CHECK(metrics::spearman(map, map) == Approx(1.0));
    CHECK(metrics::convergence_distance(map, map).relative_l2 == 0.0);
    CHECK(metrics::completeness(map, 2.0, 0.0).holds);
    CHECK(metrics::area_under_curve(map) == Approx((0.0 + 1.0 + 0.0 + 0.5) / 3.0));
}
