// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The exception hierarchy: every bad input ends in one of these, with a message that names the
/// function, the parameter and the offending value (`smooth_grad: noise_level must be >= 0, got -0.1`).

#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace smoothgrad {

/// Base of every exception the library throws on purpose.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A parameter outside its documented range (n = 0, a negative noise level, a class out of range).
class argument_error : public error {
public:
    using error::error;
};

/// Sizes that do not fit together (an input of the wrong length, a batch with the wrong rows).
class shape_error : public error {
public:
    using error::error;
};

/// A file that cannot be opened, read or written.
class io_error : public error {
public:
    using error::error;
};

/// A file that was read but whose content is not what its format promises.
class format_error : public error {
public:
    using error::error;
};

/// Non-finite numbers where finite ones are needed (NaN in an input, NaN gradients from a model).
class numeric_error : public error {
public:
    using error::error;
};

namespace detail {

/// Builds "who: part part part" from streamable parts, so call sites stay one line.
template <class... Parts>
[[nodiscard]] std::string message(std::string_view who, Parts&&... parts) {
    std::ostringstream out;
    out << who << ": ";
    (out << ... << std::forward<Parts>(parts));
    return out.str();
}

/// Throws `Error` with `message(who, parts...)` unless `condition` holds.
template <class Error = argument_error, class... Parts>
void require(bool condition, std::string_view who, Parts&&... parts) {
    if (!condition) throw Error(message(who, std::forward<Parts>(parts)...));
}

}  // namespace detail
}  // namespace smoothgrad
