// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
// Compile-only tests of the model and method concepts: positive and negative cases.
#include <string>

#include "archetypes.hpp"
#include "smoothgrad/smoothgrad.hpp"

namespace {
using namespace smoothgrad;
namespace a = archetypes;

// DifferentiableModel
static_assert(DifferentiableModel<a::Model>, "type with every requirement models DifferentiableModel");
static_assert(DifferentiableModel<a::GuidedModel>, "a refinement still models the base concept");
static_assert(DifferentiableModel<a::RefModel>, "type that takes MatrixRef batches models DifferentiableModel");
static_assert(AttributionMethodFor<SmoothGrad<IntegratedGradients>, a::RefModel>);
static_assert(!DifferentiableModel<a::WithoutInputSize>, "type without input_size() does not model DifferentiableModel");
static_assert(!DifferentiableModel<a::WithoutNumClasses>, "type without num_classes() does not model DifferentiableModel");
static_assert(!DifferentiableModel<a::WithoutScores>, "type without scores() does not model DifferentiableModel");
static_assert(!DifferentiableModel<a::WithoutGradients>, "type without gradients() does not model DifferentiableModel");
static_assert(!DifferentiableModel<a::WithMutableGradients>, "type with non-const gradients() does not model DifferentiableModel");
static_assert(!DifferentiableModel<a::WithClassIndexGradients>, "type whose gradients() takes no weights does not model DifferentiableModel");
static_assert(!DifferentiableModel<a::WithScalarScores>, "type whose scores() is not a matrix does not model DifferentiableModel");
static_assert(!DifferentiableModel<int>, "int does not model DifferentiableModel");

// GuidedBackpropModel
static_assert(GuidedBackpropModel<a::GuidedModel>, "type with a rule-taking gradients() models GuidedBackpropModel");
static_assert(!GuidedBackpropModel<a::Model>, "type without a rule-taking gradients() does not model GuidedBackpropModel");
static_assert(!GuidedBackpropModel<a::WithMutableGuidedGradients>, "type with a non-const rule-taking gradients() does not model GuidedBackpropModel");

// LayerGradientModel
static_assert(LayerGradientModel<a::LayerModel>, "type with a const layer_gradients() models LayerGradientModel");
static_assert(!LayerGradientModel<a::Model>, "type without layer_gradients() does not model LayerGradientModel");
static_assert(!LayerGradientModel<a::WithMutableLayerGradients>, "type with a non-const layer_gradients() does not model LayerGradientModel");

// AttributionMethodFor
static_assert(AttributionMethodFor<VanillaGradient, a::Model>);
static_assert(AttributionMethodFor<GradientTimesInput, a::Model>);
static_assert(AttributionMethodFor<IntegratedGradients, a::Model>);
static_assert(AttributionMethodFor<Occlusion, a::Model>, "occlusion needs only scores");
static_assert(AttributionMethodFor<SmoothGrad<BlurIntegratedGradients>, a::Model>, "SmoothGrad wraps blur IG");
static_assert(AttributionMethodFor<SmoothGrad<GuidedIntegratedGradients>, a::Model>, "SmoothGrad wraps guided IG");
static_assert(AttributionMethodFor<SmoothGrad<ExpectedGradients>, a::Model>, "SmoothGrad wraps expected gradients");
static_assert(AttributionMethodFor<SmoothGrad<IntegratedGradients>, a::Model>);
static_assert(AttributionMethodFor<GuidedBackprop, a::GuidedModel>);
static_assert(AttributionMethodFor<Deconvnet, a::GuidedModel>);
static_assert(AttributionMethodFor<SmoothGrad<GuidedBackprop>, a::GuidedModel>);
static_assert(!AttributionMethodFor<GuidedBackprop, a::Model>, "guided backprop needs GuidedBackpropModel");
static_assert(!AttributionMethodFor<Deconvnet, a::Model>, "deconvnet needs GuidedBackpropModel");
static_assert(!AttributionMethodFor<SmoothGrad<GuidedBackprop>, a::Model>, "SmoothGrad keeps its method's requirement");
static_assert(!AttributionMethodFor<int, a::Model>, "int is no method");
static_assert(AttributionMethodFor<Xrai, a::Model>, "XRAI needs only gradients");
static_assert(AttributionMethodFor<GradCam, a::LayerModel>);
static_assert(AttributionMethodFor<SmoothGrad<GradCam>, a::LayerModel>, "SmoothGrad wraps Grad-CAM");
static_assert(!AttributionMethodFor<GradCam, a::Model>, "Grad-CAM needs LayerGradientModel");
static_assert(!AttributionMethodFor<SmoothGrad<GradCam>, a::GuidedModel>, "SmoothGrad keeps Grad-CAM's requirement");
static_assert(AttributionMethodFor<SmoothGrad<GuidedGradCam>, a::GuidedLayerModel>, "SmoothGrad wraps Guided Grad-CAM");
static_assert(!AttributionMethodFor<GuidedGradCam, a::LayerModel>, "Guided Grad-CAM also needs GuidedBackpropModel");
static_assert(!AttributionMethodFor<GuidedGradCam, a::GuidedModel>, "Guided Grad-CAM also needs LayerGradientModel");

// The callable adapter is a model, and a guided one only when its gradient callable takes a rule.
constexpr auto scores = [](const Matrix& x) { return Matrix(Matrix::Zero(2, x.cols())); };
constexpr auto plain = [](const Matrix& x, const Vector&) { return x; };
constexpr auto ruled = [](const Matrix& x, const Vector&, ReluRule = ReluRule::gradient) { return x; };
using PlainFunctionModel = decltype(make_model(4, 2, scores, plain));
using GuidedFunctionModel = decltype(make_model(4, 2, scores, ruled));
static_assert(DifferentiableModel<PlainFunctionModel>);
static_assert(!GuidedBackpropModel<PlainFunctionModel>);
static_assert(GuidedBackpropModel<GuidedFunctionModel>);

// Parameter structs are aggregates with designated initializers, and SmoothGrad deduces its method.
static_assert(std::is_aggregate_v<IntegratedGradients> && std::is_aggregate_v<SmoothGrad<>>);
static_assert(std::is_same_v<decltype(SmoothGrad{.method = IntegratedGradients{}}), SmoothGrad<IntegratedGradients>>);
static_assert(std::is_same_v<decltype(SmoothGrad{}), SmoothGrad<VanillaGradient>>);

// A class index is an integer: 2.9 or true as a target does not compile (it used to explain class 2 or 1).
static_assert(std::is_convertible_v<int, Target> && std::is_convertible_v<std::size_t, Target>);
static_assert(!std::is_convertible_v<double, Target>, "a floating-point class index does not convert");
static_assert(!std::is_convertible_v<bool, Target>, "bool does not convert");
static_assert(!std::is_constructible_v<Target, double> && !std::is_constructible_v<Target, bool>);
}  // namespace
