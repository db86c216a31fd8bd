// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// A downstream program that needs all three stb parts: writes a PNG, reads it back, resizes it.
#include <cstdio>
#include <filesystem>

#include <smoothgrad/io/image.hpp>
#include <smoothgrad/io/resize.hpp>

int main(int argc, char** argv) {
    using namespace smoothgrad;
    const std::filesystem::path file = std::filesystem::path(argc > 1 ? argv[1] : ".") / "io_consumer.png";
    Image image{Vector(4 * 6 * 3), {4, 6, 3}};
    for (Index i = 0; i < image.pixels.size(); ++i) image.pixels[i] = static_cast<float>(i % 5) / 4.0f;
    write_png(file, image);
    const Image loaded = load_image(file);
    const Image small = resize_and_center_crop(loaded, 2, 2);
    // 8-bit PNG round trip: within half a step of 1/255.
    const bool ok = loaded.shape.height == 4 && loaded.shape.width == 6 && loaded.shape.channels == 3 &&
                    (loaded.pixels - image.pixels).cwiseAbs().maxCoeff() <= 0.5f / 255.0f + 1e-6f &&
                    small.shape.height == 2 && small.shape.width == 2 && small.pixels.allFinite();
    std::printf("io consumer: PNG round trip and resize %s\n", ok ? "as expected" : "WRONG");
    return ok ? 0 : 1;
}
