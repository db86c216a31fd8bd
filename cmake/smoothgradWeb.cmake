# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Finds what the browser explorer (examples/web) needs: Emscripten's em++ to build it, and Node.js, npm and
# Chromium to test it (tests/web). Sets SMOOTHGRAD_WEB_FOUND and SMOOTHGRAD_WEB_TESTS_FOUND, and says what
# is missing. With the environment variable SMOOTHGRAD_REQUIRE_WEB set (scripts/test.sh sets it), a
# missing piece is an error instead, so that CI cannot skip the browser tests unnoticed.
find_program(SMOOTHGRAD_EMXX NAMES em++ DOC "Emscripten's C++ compiler, for the browser explorer")
find_program(SMOOTHGRAD_NODE NAMES node nodejs DOC "Node.js, for the browser explorer's tests")
find_program(SMOOTHGRAD_NPM NAMES npm DOC "npm, which installs puppeteer-core for the browser explorer's tests")
find_program(SMOOTHGRAD_CHROMIUM NAMES chromium chromium-browser DOC "Chromium, for the browser explorer's tests")
set(SMOOTHGRAD_FASHION_MNIST_DIR /usr/share/datasets/fashion-mnist CACHE PATH
    "Fashion-MNIST's IDX files; the browser explorer ships the test set's")

set(smoothgrad_web_missing "")
if(NOT SMOOTHGRAD_EMXX)
    list(APPEND smoothgrad_web_missing "em++ (Debian: emscripten)")
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
    list(APPEND smoothgrad_web_missing "nlohmann_json")
endif()
set(smoothgrad_web_tests_missing "${smoothgrad_web_missing}")
foreach(tool NODE NPM CHROMIUM)
    if(NOT SMOOTHGRAD_${tool})
        string(TOLOWER "${tool}" name)
        list(APPEND smoothgrad_web_tests_missing "${name}")
    endif()
endforeach()
if(NOT EXISTS "${SMOOTHGRAD_FASHION_MNIST_DIR}/t10k-images-idx3-ubyte.gz")
    list(APPEND smoothgrad_web_tests_missing "Fashion-MNIST in ${SMOOTHGRAD_FASHION_MNIST_DIR}")
endif()

if(smoothgrad_web_missing)
    set(SMOOTHGRAD_WEB_FOUND FALSE)
else()
    set(SMOOTHGRAD_WEB_FOUND TRUE)
endif()
if(smoothgrad_web_tests_missing)
    set(SMOOTHGRAD_WEB_TESTS_FOUND FALSE)
    list(JOIN smoothgrad_web_tests_missing ", " smoothgrad_web_tests_missing)
    set(smoothgrad_web_text "smoothgrad: the browser explorer's build or tests are off: missing ${smoothgrad_web_tests_missing}")
    if(DEFINED ENV{SMOOTHGRAD_REQUIRE_WEB})
        message(FATAL_ERROR "${smoothgrad_web_text} (SMOOTHGRAD_REQUIRE_WEB is set; scripts/install-deps.sh installs them)")
    endif()
    message(STATUS "${smoothgrad_web_text}")
else()
    set(SMOOTHGRAD_WEB_TESTS_FOUND TRUE)
endif()
