// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// What the example programs share: parsing flag values, and turning exceptions into one line and an exit code.
#pragma once

#include <algorithm>
#include <charconv>
#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <smoothgrad/core/error.hpp>

namespace command_line {

/// The whole of `text` as a number, or an argument_error naming the flag.
template <class Number>
Number parse_number(std::string_view program, std::string_view flag, std::string_view text) {
    Number value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    smoothgrad::detail::require(error == std::errc{} && end == text.data() + text.size(), program, flag,
                                " expects a number, got '", text, "'");
    return value;
}

/// The non-empty pieces of `text` between `separator`s.
inline std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0; start <= text.size();) {
        const std::size_t end = std::min(text.find(separator, start), text.size());
        if (end > start) parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

/// Reads a flag's value and advances past it.
using ValueReader = std::function<std::string_view()>;

/// Calls `handle(flag, value)` for every argument argv[1..] in turn; `value()` consumes the next argument
/// as the flag's value, or throws argument_error ("--flag needs a value") if there is none.
template <class Handle>
void for_each_flag(int argc, char** argv, std::string_view who, Handle&& handle) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        const ValueReader value = [&]() -> std::string_view {
            smoothgrad::detail::require(i + 1 < argc, who, flag, " needs a value");
            return argv[++i];
        };
        handle(flag, value);
    }
}

/// Runs `body` and turns an exception into one line on stderr: exit code 2 for a wrong command line
/// (argument_error), 1 for anything else.
template <class Body>
int guarded_main(std::string_view program, Body&& body) {
    try {
        return body();
    } catch (const std::exception& e) {
        std::string message = e.what();
        std::replace(message.begin(), message.end(), '\n', ' ');
        // Errors raised by the program itself already start with its name.
        if (message.starts_with(std::string(program) + ": ")) message.erase(0, program.size() + 2);
        std::cerr << program << ": error: " << message << "\n";
        return dynamic_cast<const smoothgrad::argument_error*>(&e) != nullptr ? 2 : 1;
    }
}

/// The whole main() of a program with an Options struct that has a `help` flag: parse, print the usage
/// on --help, else run; errors as in guarded_main.
template <class Parse, class Run>
int run_program(std::string_view program, std::string_view usage, int argc, char** argv, Parse&& parse, Run&& run) {
    return guarded_main(program, [&] {
        const auto options = parse(argc, argv);
        if (options.help) {
            std::cout << usage;
            return 0;
        }
        return run(options);
    });
}

}  // namespace command_line
