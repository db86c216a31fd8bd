// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// Everything but the optional parts (io/, nn/, metrics/): the model concepts, the methods and the
/// visualization utilities. It only includes.

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/function_model.hpp"
#include "smoothgrad/core/random.hpp"
#include "smoothgrad/core/target.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/core/version.hpp"
#include "smoothgrad/methods/blur_integrated_gradients.hpp"
#include "smoothgrad/methods/expected_gradients.hpp"
#include "smoothgrad/methods/explain_batch.hpp"
#include "smoothgrad/methods/grad_cam.hpp"
#include "smoothgrad/methods/guided_backprop.hpp"
#include "smoothgrad/methods/guided_integrated_gradients.hpp"
#include "smoothgrad/methods/integrated_gradients.hpp"
#include "smoothgrad/methods/occlusion.hpp"
#include "smoothgrad/methods/segmentation.hpp"
#include "smoothgrad/methods/smooth_grad.hpp"
#include "smoothgrad/methods/vanilla_gradient.hpp"
#include "smoothgrad/methods/xrai.hpp"
#include "smoothgrad/visualization/colormap.hpp"
#include "smoothgrad/visualization/colour_bar.hpp"
#include "smoothgrad/visualization/discriminativity.hpp"
#include "smoothgrad/visualization/grid.hpp"
#include "smoothgrad/visualization/normalize.hpp"
#include "smoothgrad/visualization/overlay.hpp"
#include "smoothgrad/visualization/reduce.hpp"
