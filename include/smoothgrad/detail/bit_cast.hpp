// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// std::bit_cast for every standard library the library builds with: libc++ before 14 (as in Debian's
/// Emscripten 3.1.6, which builds the browser explorer) lacks it, and there the compiler's builtin, which
/// std::bit_cast is made of elsewhere, does the same.

#include <bit>
#include <type_traits>

namespace smoothgrad::detail {

/// The object representation of `from` as a `To` of the same size.
template <class To, class From>
    requires(sizeof(To) == sizeof(From) && std::is_trivially_copyable_v<To> && std::is_trivially_copyable_v<From>)
[[nodiscard]] constexpr To bit_cast(const From& from) noexcept {
#if defined(__cpp_lib_bit_cast)
    return std::bit_cast<To>(from);
#else
    return __builtin_bit_cast(To, from);
#endif
}

}  // namespace smoothgrad::detail
