// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Writing small hand-worked vectors in tests: vec({1, 2, 3}).
#pragma once

#include <initializer_list>

#include "smoothgrad/core/types.hpp"

namespace test_support {

inline smoothgrad::Vector vec(std::initializer_list<float> values) {
    smoothgrad::Vector v(static_cast<smoothgrad::Index>(values.size()));
    smoothgrad::Index i = 0;
    for (const float x : values) v[i++] = x;
    return v;
}

}  // namespace test_support
