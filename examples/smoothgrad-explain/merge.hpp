// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// `smoothgrad-explain merge DIR`: checks that DIR holds every shard of one data-set run, unchanged, and
// indexes them.
#pragma once

namespace explain {

/// `merge DIR [--maps FILE] [--summary]` (argv[0] is "merge"); returns the exit code.
[[nodiscard]] int run_merge(int argc, char** argv);

}  // namespace explain
