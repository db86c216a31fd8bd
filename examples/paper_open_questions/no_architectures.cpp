// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// paper_open_questions built without LibTorch: claim 10 explains a ResNet through the TorchScript adapter, so
// its section says why it is missing instead.
#include "open_questions.hpp"

namespace open_questions {

std::string architectures_section(const ArchitectureInputs& /*in*/, std::vector<std::string>& /*written*/) {
    return "## Claim 10: the de-noising generalizes to other architectures\n\n"
           "Not measured in this run: this paper_open_questions was built without LibTorch, which the ResNet needs "
           "(install libtorch-dev with scripts/install-deps.sh and rebuild).\n\n";
}

}  // namespace open_questions
