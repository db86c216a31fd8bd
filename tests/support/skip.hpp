// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// A test that cannot run here says so to ctest: every test is registered with SKIP_RETURN_CODE 77, and
// ctest reports the test as skipped, not passed.
#pragma once

#include <cstdlib>
#include <iostream>
#include <string_view>

#include <catch2/catch.hpp>

namespace test_support {

inline constexpr int skip_return_code = 77;

/// Ends the test process as skipped, with the reason on stderr, unless the environment variable
/// `required_by` is set (scripts/test.sh sets it where CI installs what is missing): then the test fails.
inline void skip_unless_required(std::string_view reason, const char* required_by) {
    if (std::getenv(required_by) != nullptr) FAIL(reason << " (and " << required_by << " says it must run)");
    std::cerr << "skipped: " << reason << "\n";
    std::exit(skip_return_code);
}

}  // namespace test_support
