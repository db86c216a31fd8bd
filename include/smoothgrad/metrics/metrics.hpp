// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Every metric of a map: complexity, coherence, localization, faithfulness, randomization, axioms,
/// convergence. Depends on core/ and Eigen only, so it works with any DifferentiableModel.

#include "smoothgrad/metrics/axiomatic.hpp"
#include "smoothgrad/metrics/coherence.hpp"
#include "smoothgrad/metrics/complexity.hpp"
#include "smoothgrad/metrics/convergence.hpp"
#include "smoothgrad/metrics/faithfulness.hpp"
#include "smoothgrad/metrics/localization.hpp"
#include "smoothgrad/metrics/randomization.hpp"
#include "smoothgrad/metrics/statistics.hpp"
