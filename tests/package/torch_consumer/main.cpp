// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// A downstream program: a TorchScript model explained with SmoothGrad around guided backprop.
//     consumer MODEL.pt
#include <cstdio>

#include <smoothgrad/smoothgrad.hpp>
#include <smoothgrad/torch/torchscript_model.hpp>

int main(int argc, char** argv) {
    using namespace smoothgrad;
    if (argc != 2) {
        std::fprintf(stderr, "usage: consumer MODEL.pt\n");
        return 2;
    }
    const TorchScriptModel model(argv[1]);
    const Vector image = Vector::Constant(model.input_size(), 0.5f);
    const Vector map = SmoothGrad<GuidedBackprop>{.samples = 4}(model, image, 0);
    const bool ok = map.size() == model.input_size() && map.allFinite() && map.cwiseAbs().maxCoeff() > 0.0f;
    std::printf("torch consumer: %s map of %ld values %s\n", model.input_shape() == ImageShape{16, 16, 3} ? "16x16x3" : "?",
                static_cast<long>(map.size()), ok ? "as expected" : "WRONG");
    return ok ? 0 : 1;
}
