# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Finds the optional file-format part's dependencies (stb, zlib, nlohmann_json); shared by the build and
# the installed package config. Sets SMOOTHGRAD_IO_FOUND when smoothgrad::io can be used.
find_package(stb QUIET)
find_package(ZLIB QUIET)
find_package(nlohmann_json 3.9 QUIET)
if(stb_FOUND AND ZLIB_FOUND AND nlohmann_json_FOUND)
    set(SMOOTHGRAD_IO_FOUND TRUE)
else()
    set(SMOOTHGRAD_IO_FOUND FALSE)
    message(STATUS "smoothgrad: stb, zlib or nlohmann_json not found; smoothgrad::io is not available")
endif()
