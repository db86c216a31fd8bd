// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Eigen's Core module, as every smoothgrad header includes it.
///
/// GCC 12's AVX-512 intrinsics return their "undefined" vectors from a self-initialised variable
/// (`__m512 __Y = __Y;` in _mm512_undefined_ps and its siblings, avx512fintrin.h). Once Eigen's packet code
/// is inlined into a caller built with -O2 or higher and -mavx512f (e.g. -march=native on an AVX-512 CPU),
/// GCC 12 reports -Wmaybe-uninitialized at those lines, which -Werror turns into errors (GCC bug 105593, a
/// false positive: the value is never read, the intrinsic's mask selects every lane). The diagnostic is
/// classified by the location it points at, so switching it off around the first inclusion of
/// <immintrin.h> silences it in the intrinsics headers only; our code and the user's keep the warning.
/// It has no effect when <immintrin.h> was already included before the first smoothgrad header.

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12 && defined(__AVX512F__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#endif

#include <Eigen/Core>
