// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Fuzzes the visualization entry points with hostile shapes, scales, percentiles and values: each call
// either throws a smoothgrad::error or returns a result of the size its documentation gives. The input is
// read as parameters (FuzzedDataProvider): a shape of any three 64-bit sizes, up to 4096 float values of any
// bits (NaN and Inf included), a percentile, grid parameters and a blend factor.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "smoothgrad/smoothgrad.hpp"

namespace {
using namespace smoothgrad;

/// Runs `call`; smoothgrad's own exceptions are an expected outcome.
template <class Call>
void guarded(Call&& call) {
    try {
        call();
    } catch (const error&) {
    }
}

/// A size: mostly small, sometimes any 64-bit value (negative, huge, wrapping).
Index size_from(FuzzedDataProvider& input) {
    return input.ConsumeBool() ? input.ConsumeIntegralInRange<Index>(0, 64) : input.ConsumeIntegral<Index>();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const ImageShape shape{size_from(input), size_from(input), size_from(input)};
    const double p = input.ConsumeBool() ? input.ConsumeFloatingPointInRange<double>(0.0, 100.0)
                                         : input.ConsumeFloatingPoint<double>();
    const GridParams grid{.columns = size_from(input),
                          .padding = size_from(input),
                          .background = input.ConsumeFloatingPoint<float>(),
                          .cell_scale = input.ConsumeBool() ? input.ConsumeIntegralInRange<Index>(1, 4)
                                                            : input.ConsumeIntegral<Index>()};
    const float alpha = input.ConsumeFloatingPoint<float>();
    std::vector<float> values;
    while (input.remaining_bytes() >= sizeof(float) && values.size() < 4096)
        values.push_back(input.ConsumeBool() ? input.ConsumeFloatingPointInRange<float>(-10.0f, 10.0f)
                                             : input.ConsumeFloatingPoint<float>());
    const Vector map = Eigen::Map<const Vector>(values.data(), static_cast<Index>(values.size()));
    const Image image{map, shape};

    guarded([&] { (void)percentile(map, p); });
    guarded([&] { fuzz::expect(normalize_unit(map, {.clip_percentile = p}).size() == map.size()); });
    guarded([&] { fuzz::expect(normalize_signed(map, {.clip_percentile = p}).size() == map.size()); });
    guarded([&] {
        const Image unit = normalize_unit(image, {.clip_percentile = p});
        fuzz::expect(unit.shape == shape && (unit.pixels.array() >= 0.0f).all() && (unit.pixels.array() <= 1.0f).all());
    });
    guarded([&] {
        const Image reduced = reduce_channels(image);
        fuzz::expect(reduced.shape.channels == 1 && reduced.pixels.size() == shape.pixels());
        const Image coloured = apply_colormap(normalize_unit(reduced, {.clip_percentile = p}), Colormap::heat);
        fuzz::expect(coloured.pixels.size() == 3 * shape.pixels());
        const Image blended = blend(coloured, reduced, alpha);
        fuzz::expect(blended.shape == coloured.shape);
        const Image figure = make_grid({coloured, coloured, coloured}, grid);
        fuzz::expect(figure.shape.channels == 3 && figure.pixels.size() == figure.shape.size());
    });
    guarded([&] {
        const Image figure = make_grid({image}, grid);
        fuzz::expect(figure.pixels.size() == figure.shape.size() && figure.pixels.size() <= max_grid_values);
    });
    guarded([&] { (void)discriminativity(image, image, {.clip_percentile = p}); });
    guarded([&] { (void)apply_colormap(image, Colormap::diverging); });
    return 0;
}
