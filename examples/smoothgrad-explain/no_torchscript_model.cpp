// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// smoothgrad-explain built without LibTorch: a TorchScript file gets a clear error instead of a model.
#include <smoothgrad/core/error.hpp>

#include "explain_model.hpp"

namespace explain {

Model load_torchscript_model(const ModelOptions& options) {
    throw smoothgrad::argument_error(smoothgrad::detail::message(
        "smoothgrad-explain", "'", options.file.string(), "' is a zip archive, as TorchScript files are, but this ",
        "smoothgrad-explain was built without LibTorch; install libtorch-dev (scripts/install-deps.sh) and rebuild"));
}

}  // namespace explain
