# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# libFuzzer targets for smoothgrad's file readers (tests/fuzz, scripts/fuzz.sh): clang only. Each target is
# instrumented for coverage and built with AddressSanitizer and UndefinedBehaviorSanitizer, which abort on
# the first finding so that libFuzzer records it as a crash.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "SMOOTHGRAD_BUILD_FUZZERS needs clang (libFuzzer), got ${CMAKE_CXX_COMPILER_ID}; "
        "configure with -DCMAKE_CXX_COMPILER=clang++ or use scripts/fuzz.sh")
endif()

set(smoothgrad_fuzz_flags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

# smoothgrad_add_fuzzer(<target> <source>): a libFuzzer executable that links smoothgrad::io.
function(smoothgrad_add_fuzzer target source)
    add_executable(${target} ${source})
    target_link_libraries(${target} PRIVATE smoothgrad::io)
    target_compile_options(${target} PRIVATE ${smoothgrad_fuzz_flags} -g -Wall -Wextra -Wpedantic
        $<$<BOOL:${SMOOTHGRAD_WERROR}>:-Werror>)
    target_link_options(${target} PRIVATE ${smoothgrad_fuzz_flags})
endfunction()
