// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// `smoothgrad-explain merge DIR`: checks that DIR holds every shard of one data-set run, unchanged, and
// indexes them.
#pragma once

namespace explain {

/// `merge DIR [--maps FILE] [--summary]` (argv[0] is "merge"): a whole program, errors turned into one
/// line and an exit code as command_line::run_program does.
[[nodiscard]] int run_merge(int argc, char** argv);

}  // namespace explain
