# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Flags for smoothgrad's own tests and examples only: a private target they link, never the exported one.
add_library(smoothgrad_development INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(smoothgrad_development INTERFACE -Wall -Wextra -Wpedantic
        $<$<BOOL:${SMOOTHGRAD_WERROR}>:-Werror>)
    if(SMOOTHGRAD_SANITIZE)
        target_compile_options(smoothgrad_development INTERFACE
            -fsanitize=${SMOOTHGRAD_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
        target_link_options(smoothgrad_development INTERFACE -fsanitize=${SMOOTHGRAD_SANITIZE})
    endif()
endif()
