// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The reference network in one include: layers, Sequential, spec strings, loss, optimizers, training.
/// Optional: users who explain their own models never need it. It only includes.

#include "smoothgrad/nn/layers/activation.hpp"
#include "smoothgrad/nn/layers/cache.hpp"
#include "smoothgrad/nn/layers/conv2d.hpp"
#include "smoothgrad/nn/layers/dense.hpp"
#include "smoothgrad/nn/layers/flatten.hpp"
#include "smoothgrad/nn/layers/layer.hpp"
#include "smoothgrad/nn/layers/pooling.hpp"
#include "smoothgrad/nn/loss.hpp"
#include "smoothgrad/nn/optimizers.hpp"
#include "smoothgrad/nn/parameter.hpp"
#include "smoothgrad/nn/sequential.hpp"
#include "smoothgrad/nn/spec.hpp"
#include "smoothgrad/nn/training.hpp"
