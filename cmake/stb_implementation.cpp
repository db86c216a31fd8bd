// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// stb's implementations in one translation unit, for smoothgrad::io where stb is installed as headers only
// (vcpkg, Conan, Homebrew) or where SMOOTHGRAD_STB_IMPLEMENTATION=ON asks for it; Debian's libstb-dev has
// them compiled in libstb instead. Built by cmake/smoothgradDependencies.cmake as smoothgrad_stb_implementation.
#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_truetype.h>
#include <stb_image_write.h>
