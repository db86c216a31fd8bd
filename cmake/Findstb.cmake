# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Finds the stb single-file libraries as Debian packages them (libstb-dev: headers under include/stb and
# a compiled libstb holding the implementations), and defines the imported target stb::stb.
find_path(stb_INCLUDE_DIR NAMES stb_image.h PATH_SUFFIXES stb)
find_library(stb_LIBRARY NAMES stb)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(stb REQUIRED_VARS stb_INCLUDE_DIR stb_LIBRARY)
if(stb_FOUND AND NOT TARGET stb::stb)
    add_library(stb::stb UNKNOWN IMPORTED)
    set_target_properties(stb::stb PROPERTIES
        IMPORTED_LOCATION "${stb_LIBRARY}"
        INTERFACE_INCLUDE_DIRECTORIES "${stb_INCLUDE_DIR}")
endif()
mark_as_advanced(stb_INCLUDE_DIR stb_LIBRARY)
