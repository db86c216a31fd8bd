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
