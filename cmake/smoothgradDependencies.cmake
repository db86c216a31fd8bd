# SPDX-FileCopyrightText: 2026 The smoothgrad authors
# SPDX-License-Identifier: Apache-2.0
# Finds the optional file-format part's dependencies (stb, zlib, nlohmann_json); shared by the build and
# the installed package config. Sets SMOOTHGRAD_IO_FOUND when smoothgrad::io can be used, and says why not.
# stb comes with its implementations compiled (Debian's libstb) or as headers only (vcpkg, Conan, Homebrew);
# for the latter, smoothgrad compiles them in one translation unit of its own (cmake/stb_implementation.cpp).
set(SMOOTHGRAD_STB_IMPLEMENTATION AUTO CACHE STRING
    "Compile stb's implementations for smoothgrad::io: AUTO (where no compiled libstb is found), ON or OFF")
set_property(CACHE SMOOTHGRAD_STB_IMPLEMENTATION PROPERTY STRINGS AUTO ON OFF)
find_package(stb QUIET)
find_package(ZLIB QUIET)
find_package(nlohmann_json 3.9 QUIET)
set(smoothgrad_io_missing "")
if(stb_FOUND)
    if(SMOOTHGRAD_STB_IMPLEMENTATION STREQUAL "ON" OR (SMOOTHGRAD_STB_IMPLEMENTATION STREQUAL "AUTO" AND NOT stb_LIBRARY))
        if(NOT TARGET smoothgrad_stb_implementation)
            add_library(smoothgrad_stb_implementation STATIC "${CMAKE_CURRENT_LIST_DIR}/stb_implementation.cpp")
            target_include_directories(smoothgrad_stb_implementation PRIVATE "${stb_INCLUDE_DIR}")
            set_target_properties(smoothgrad_stb_implementation PROPERTIES POSITION_INDEPENDENT_CODE ON)
        endif()
        set(smoothgrad_stb_link smoothgrad_stb_implementation)
        string(CONCAT smoothgrad_stb_text "headers in ${stb_INCLUDE_DIR}, implementations compiled by smoothgrad "
                                          "(SMOOTHGRAD_STB_IMPLEMENTATION=${SMOOTHGRAD_STB_IMPLEMENTATION})")
    elseif(stb_LIBRARY)
        set(smoothgrad_stb_link "${stb_LIBRARY}")
        set(smoothgrad_stb_text "headers in ${stb_INCLUDE_DIR}, implementations from ${stb_LIBRARY}")
    else()
        list(APPEND smoothgrad_io_missing "stb's implementations (headers only, and SMOOTHGRAD_STB_IMPLEMENTATION=OFF)")
    endif()
    get_target_property(smoothgrad_stb_linked stb::stb SMOOTHGRAD_STB_LINKED)
    if(smoothgrad_stb_link AND NOT smoothgrad_stb_linked)
        set_property(TARGET stb::stb APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${smoothgrad_stb_link})
        set_property(TARGET stb::stb PROPERTY SMOOTHGRAD_STB_LINKED TRUE)
    endif()
else()
    list(APPEND smoothgrad_io_missing "stb (stb_image.h, stb_image_write.h, stb_image_resize.h)")
endif()
if(NOT ZLIB_FOUND)
    list(APPEND smoothgrad_io_missing "zlib")
endif()
if(NOT nlohmann_json_FOUND)
    list(APPEND smoothgrad_io_missing "nlohmann_json 3.9")
endif()
if(smoothgrad_io_missing)
    set(SMOOTHGRAD_IO_FOUND FALSE)
    list(JOIN smoothgrad_io_missing ", " smoothgrad_io_missing)
    message(STATUS "smoothgrad: smoothgrad::io is off: missing ${smoothgrad_io_missing}")
else()
    set(SMOOTHGRAD_IO_FOUND TRUE)
    message(STATUS "smoothgrad: smoothgrad::io is on; stb: ${smoothgrad_stb_text}")
endif()

# The optional LibTorch adapter (smoothgrad::torch, Debian's libtorch-dev) reads the metadata of TorchScript
# files with nlohmann_json. Sets SMOOTHGRAD_TORCH_FOUND when smoothgrad::torch can be used.
get_directory_property(smoothgrad_targets_before IMPORTED_TARGETS)
find_package(Torch QUIET)
# LibTorch's targets refer to each other in generator expressions that are evaluated where a consumer links
# them: made global, they resolve also when smoothgrad is pulled in with add_subdirectory.
get_directory_property(smoothgrad_targets_after IMPORTED_TARGETS)
list(REMOVE_ITEM smoothgrad_targets_after ${smoothgrad_targets_before})
foreach(target IN LISTS smoothgrad_targets_after)
    set_target_properties(${target} PROPERTIES IMPORTED_GLOBAL TRUE)
endforeach()
if(Torch_FOUND AND nlohmann_json_FOUND)
    set(SMOOTHGRAD_TORCH_FOUND TRUE)
else()
    set(SMOOTHGRAD_TORCH_FOUND FALSE)
    message(STATUS "smoothgrad: LibTorch (Torch) or nlohmann_json not found; smoothgrad::torch is not available")
endif()
