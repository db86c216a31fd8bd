# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Finds the stb single-file libraries that smoothgrad::io uses (stb_image, stb_image_write, stb_image_resize,
# stb_truetype) and defines the imported target stb::stb with their include folder. stb_LIBRARY is a
# compiled libstb with their implementations where there is one (Debian's libstb-dev); where stb is
# installed as headers only (vcpkg, Conan, Homebrew) it is empty, and smoothgradDependencies.cmake compiles
# the implementations.
find_path(stb_INCLUDE_DIR NAMES stb_image.h PATH_SUFFIXES stb)
find_library(stb_LIBRARY NAMES stb)
set(stb_HEADERS_FOUND FALSE)
if(stb_INCLUDE_DIR AND EXISTS "${stb_INCLUDE_DIR}/stb_image_write.h" AND EXISTS "${stb_INCLUDE_DIR}/stb_image_resize.h"
   AND EXISTS "${stb_INCLUDE_DIR}/stb_truetype.h")
    set(stb_HEADERS_FOUND TRUE)
endif()
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(stb REQUIRED_VARS stb_INCLUDE_DIR stb_HEADERS_FOUND)
if(stb_FOUND AND NOT TARGET stb::stb)
    add_library(stb::stb INTERFACE IMPORTED)
    set_target_properties(stb::stb PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${stb_INCLUDE_DIR}")
endif()
mark_as_advanced(stb_INCLUDE_DIR stb_LIBRARY)
