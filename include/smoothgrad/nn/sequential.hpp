// SPDX-FileCopyrightText: 2026 The smoothgrad authors
// SPDX-License-Identifier: Apache-2.0
#pragma once
/// @file
/// The reference network: layers applied one after the other, a model for every method of the
/// library (DifferentiableModel and GuidedBackpropModel).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "smoothgrad/core/concepts.hpp"
#include "smoothgrad/core/error.hpp"
#include "smoothgrad/core/parallel.hpp"
#include "smoothgrad/core/random.hpp"
#include "smoothgrad/core/types.hpp"
#include "smoothgrad/nn/layers/cache.hpp"
#include "smoothgrad/nn/layers/layer.hpp"
#include "smoothgrad/nn/parameter.hpp"

namespace smoothgrad::nn {

/// The buffers of one forward and backward pass through a Sequential. Keep one per thread and pass it
/// to every call to reuse its memory; a workspace may be shared by networks, never by threads.
struct Workspace {
    Matrix input;                    ///< copy of the batch given to `forward`
    /// outputs[i]: output of layer i; empty for a ReLU right before a MaxPool2D, which the pooling
    /// applies itself (see Sequential)
    std::vector<Matrix> outputs;
    std::vector<LayerCache> caches;  ///< caches[i]: what layer i keeps for its backward pass
    std::vector<Matrix> gradients;   ///< gradients[i]: gradient with respect to the input of layer i
    Matrix score_gradient;           ///< gradients(): the output weights repeated for every column
    static constexpr std::size_t no_layer = static_cast<std::size_t>(-1);
    /// The layer whose output the last forward() stored even where it fuses (see Sequential::forward), so
    /// that its backward pass splits there too; none by default.
    std::size_t kept_layer = no_layer;
    /// train_epoch: the parameter gradients of the part of a mini-batch that ran through this workspace.
    ParameterGradients parameter_gradients;
    /// directional_parameter_gradients: tangents[i], how the input of layer i moves along the direction.
    std::vector<Matrix> tangents;
};

namespace sequential_detail {

/// Workspaces kept between calls, so that repeated calls (SmoothGrad's batches) do not allocate; each
/// is lent to one thread at a time. It holds as many as were in use at once: one per thread of a call,
/// or one per part of train_epoch's mini-batch (with that part's parameter gradients).
class WorkspacePool {
public:
    [[nodiscard]] std::unique_ptr<Workspace> acquire() {
        const std::lock_guard lock(mutex_);
        if (free_.empty()) return std::make_unique<Workspace>();
        std::unique_ptr<Workspace> workspace = std::move(free_.back());
        free_.pop_back();
        return workspace;
    }
    void release(std::unique_ptr<Workspace> workspace) {
        const std::lock_guard lock(mutex_);
        free_.push_back(std::move(workspace));
    }
    /// Frees the workspaces no call is using.
    void clear() {
        std::vector<std::unique_ptr<Workspace>> dropped;
        const std::lock_guard lock(mutex_);
        dropped.swap(free_);
    }

private:
    std::mutex mutex_;
    std::vector<std::unique_ptr<Workspace>> free_;
};

/// A workspace from the pool for the lifetime of this object (movable, so that a caller can hold several).
/// It shares the pool, so a lease may outlive the network it came from.
class WorkspaceLease {
public:
    explicit WorkspaceLease(std::shared_ptr<WorkspacePool> pool)
        : pool_(std::move(pool)), workspace_(pool_ != nullptr ? pool_->acquire() : std::make_unique<Workspace>()) {}
    WorkspaceLease(const WorkspaceLease&) = delete;
    WorkspaceLease& operator=(const WorkspaceLease&) = delete;
    WorkspaceLease(WorkspaceLease&& other) noexcept = default;
    WorkspaceLease& operator=(WorkspaceLease&&) = delete;
    ~WorkspaceLease() {
        if (pool_ != nullptr && workspace_ != nullptr) pool_->release(std::move(workspace_));
    }
    [[nodiscard]] Workspace& get() noexcept { return *workspace_; }

private:
    std::shared_ptr<WorkspacePool> pool_;
    std::unique_ptr<Workspace> workspace_;
};

}  // namespace sequential_detail

/// Layers applied in order: PyTorch's `nn.Sequential`.
///
/// Data layout: every sample is a column, an image in HWC order (row, column, channel) like the
/// library's images; activations between layers stay HWC (a Conv2D's matrix product yields HWC without
/// a copy) until a Flatten reorders them into PyTorch's CHW feature order. Flat vectors are 1 x 1 x n.
/// The scores are the last layer's output, flattened as it is laid out (CHW after a Flatten or Dense).
///
/// Parameters are named like a PyTorch state dict: the layer's position in the sequence (ReLU, MaxPool2D
/// and Flatten count too), then ".weight" or ".bias"; their memory is PyTorch's row-major layout.
///
///     nn::Sequential net = nn::parse_spec("input 28x28x1; conv 3x3x16 same; relu; maxpool 2; flatten; dense 10");
///     net.initialize(42);
///     Matrix scores = net.scores(images);
///
/// scores() and gradients() are const and reentrant: each call borrows its own workspaces, which stay
/// with the network for the next call (release_workspaces() frees them). They split the batch into one
/// contiguous range of columns per thread (see set_threads), giving a thread at least
/// min_work_per_thread() multiply-adds, and run through each range in chunks whose activations fit in
/// workspace_limit() bytes. Every layer computes each column with the same operations whatever the
/// batch (see kernels.hpp), so a column's result is bit-identical for any batch width, any position in
/// the batch, any chunk and any thread count.
///
/// A ReLU followed by a MaxPool2D runs as one pass of the pooling in both directions (the ReLU's output
/// is never stored, see MaxPool2D::forward_rectified), with bit-identical results; layer_gradients() of
/// such a ReLU runs the two apart.
///
/// Layers are named like an nn.Sequential's modules, "0", "1", ...; load_network names the layers with
/// parameters after the PyTorch module's attributes when given layer names ("conv1", "fc1"), and
/// set_layer_name names any layer.
///
/// No product of the networks goes through Eigen's GEMM: the kernels in kernels.hpp compute them all,
/// forward, backward and the parameter gradients. If you compile with OpenMP, still define
/// EIGEN_DONT_PARALLELIZE, for any other Eigen product in the program.
class Sequential {
public:
    /// The default of set_workspace_limit: the activations and gradients one thread keeps.
    static constexpr std::size_t default_workspace_limit = std::size_t{32} << 20;
    /// The default of set_min_work_per_thread: about 50 microseconds of one core's work, far more than a
    /// pool thread's wake-up.
    static constexpr std::int64_t default_min_work_per_thread = std::int64_t{1} << 20;

    /// Checks that the shapes chain: throws shape_error naming the first layer that cannot take the
    /// output of the one before, argument_error if `layers` is empty or `input_shape` is not positive.
    Sequential(ImageShape input_shape, std::vector<Layer> layers) : layers_(std::move(layers)) {
        constexpr std::string_view who = "Sequential";
        smoothgrad::detail::require(input_shape.height > 0 && input_shape.width > 0 && input_shape.channels > 0, who,
                                    "input shape must be positive, got ", input_shape);
        smoothgrad::detail::require(!layers_.empty(), who, "needs at least one layer");
        names_.reserve(layers_.size());
        for (std::size_t i = 0; i < layers_.size(); ++i) names_.push_back(std::to_string(i));
        shapes_.reserve(layers_.size() + 1);
        shapes_.push_back(input_shape);
        for (std::size_t i = 0; i < layers_.size(); ++i) {
            const ImageShape in = shapes_.back();
            try {
                shapes_.push_back(std::visit([&](const auto& layer) { return layer.output_shape(in); }, layers_[i]));
            } catch (const shape_error& e) {
                throw shape_error(smoothgrad::detail::message(who, "layer ", i, " (", layer_spec(i),
                                                              ") cannot take input ", in, ": ", e.what()));
            }
            smoothgrad::detail::require<shape_error>(shapes_.back().size() > 0, who, "layer ", i, " (", layer_spec(i),
                                                     ") has an empty output ", shapes_.back());
        }
        for (std::size_t i = 0; i < layers_.size(); ++i) {
            const auto out = static_cast<std::int64_t>(shapes_[i + 1].size());
            const auto in = static_cast<std::int64_t>(shapes_[i].size());
            const auto fan_in = std::visit(
                [](const auto& layer) -> std::int64_t {
                    if constexpr (ParameterizedLayer<std::decay_t<decltype(layer)>>) return layer.fan_in();
                    return 1;
                },
                layers_[i]);
            work_per_column_ += out * fan_in;
            // The output, the input's gradient and what a layer keeps (a pooling's winners: one per output).
            bytes_per_column_ += static_cast<std::size_t>(2 * out + in) * sizeof(float);
        }
    }

    /// Threads that scores(), gradients() and train_epoch use: 0 (the default) means
    /// std::thread::hardware_concurrency(). Results do not depend on it. Throws argument_error if < 0.
    void set_threads(int threads) {
        smoothgrad::detail::require(threads >= 0, "Sequential::set_threads", "threads must be >= 0, got ", threads);
        threads_ = threads;
    }
    /// The setting of set_threads (0: one per hardware thread).
    [[nodiscard]] int threads() const noexcept { return threads_; }
    /// The number of threads a call on `columns` columns uses: threads(), or the hardware's count for 0,
    /// never more than `columns` and never so many that a thread gets less than min_work_per_thread().
    /// A call on `items` groups of `columns_per_item` columns each gives every thread whole groups.
    [[nodiscard]] Index worker_count(Index columns) const noexcept { return worker_count(columns, 1); }
    [[nodiscard]] Index worker_count(Index items, Index columns_per_item) const noexcept {
        const std::int64_t item_work = std::max<std::int64_t>(1, work_per_column_ * std::max<Index>(1, columns_per_item));
        const std::int64_t min_items = min_work_per_thread_ / item_work + (min_work_per_thread_ % item_work != 0 ? 1 : 0);
        return smoothgrad::detail::worker_count(threads_, items, min_items);
    }

    /// The least work worth a thread, in multiply-adds of forward passes (a layer without weights counts
    /// one per output); 0 lets every column have a thread. Results do not depend on it. Throws
    /// argument_error if < 0.
    void set_min_work_per_thread(std::int64_t multiply_adds) {
        smoothgrad::detail::require(multiply_adds >= 0, "Sequential::set_min_work_per_thread",
                                    "multiply_adds must be >= 0, got ", multiply_adds);
        min_work_per_thread_ = multiply_adds;
    }
    [[nodiscard]] std::int64_t min_work_per_thread() const noexcept { return min_work_per_thread_; }
    /// Multiply-adds of one column's forward pass (a layer without weights: one per output).
    [[nodiscard]] std::int64_t work_per_column() const noexcept { return work_per_column_; }

    /// How every Conv2D layer computes (see ConvolutionAlgorithm; Winograd where it applies by default). A
    /// setting of this object, like set_threads: it is not saved with the network.
    void set_convolution_algorithm(ConvolutionAlgorithm algorithm) noexcept {
        for (Layer& layer : layers_)
            if (auto* conv = std::get_if<Conv2D>(&layer)) conv->set_algorithm(algorithm);
    }

    /// About how many bytes of activations and gradients one thread's workspace may hold: a call runs
    /// through its columns in chunks of chunk_columns() so that memory stays bounded whatever the batch
    /// (at least one column, however large). Results do not depend on it. Throws argument_error for 0.
    void set_workspace_limit(std::size_t bytes) {
        smoothgrad::detail::require(bytes > 0, "Sequential::set_workspace_limit", "bytes must be > 0");
        workspace_limit_ = bytes;
    }
    [[nodiscard]] std::size_t workspace_limit() const noexcept { return workspace_limit_; }
    /// Columns per forward pass of one thread inside scores() and gradients(): as many as fit in
    /// workspace_limit(), at least 1.
    [[nodiscard]] Index chunk_columns() const noexcept {
        return static_cast<Index>(std::max<std::size_t>(1, workspace_limit_ / bytes_per_column_));
    }
    /// Frees the workspaces kept from earlier calls (shared with copies of this network); the next call
    /// allocates anew. Safe while other threads call the network: their workspaces return afterwards.
    void release_workspaces() const {
        if (pool_ != nullptr) pool_->clear();
    }
    /// One of the workspaces the network keeps between calls, lent until the lease is destroyed.
    /// train_epoch keeps its buffers there, its parts' parameter gradients included, so that epochs do
    /// not allocate: call release_workspaces() after training to free them.
    [[nodiscard]] sequential_detail::WorkspaceLease borrow_workspace() const {
        return sequential_detail::WorkspaceLease(pool_);
    }

    /// Features of one sample (height * width * channels of the input).
    [[nodiscard]] Index input_size() const noexcept { return shapes_.front().size(); }
    /// Number of scores: the size of the last layer's output.
    [[nodiscard]] Index num_classes() const noexcept { return shapes_.back().size(); }
    [[nodiscard]] const ImageShape& input_shape() const noexcept { return shapes_.front(); }
    [[nodiscard]] const ImageShape& output_shape() const noexcept { return shapes_.back(); }

    [[nodiscard]] const std::vector<Layer>& layers() const noexcept { return layers_; }
    /// Input shape of layer i (i < layers().size()); shape i + 1 is its output shape.
    [[nodiscard]] const ImageShape& shape(std::size_t i) const { return shapes_.at(i); }

    /// The name of layer i: its position ("0", "1", ...) unless set_layer_name gave it another.
    [[nodiscard]] const std::string& layer_name(std::size_t i) const {
        check_layer_index(i);
        return names_[i];
    }
    /// Names layer i, e.g. after the PyTorch module's attribute ("conv1"). Throws argument_error for an
    /// empty name or one that another layer has.
    void set_layer_name(std::size_t i, std::string name) {
        constexpr std::string_view who = "Sequential::set_layer_name";
        check_layer_index(i);
        smoothgrad::detail::require(!name.empty(), who, "a layer name must not be empty");
        for (std::size_t j = 0; j < names_.size(); ++j)
            smoothgrad::detail::require(j == i || names_[j] != name, who, "layer ", j, " is already named '", name, "'");
        names_[i] = std::move(name);
    }
    /// The position of `layer`: an index in [0, layers().size()) or a layer's name. Throws argument_error
    /// naming the layers there are otherwise.
    [[nodiscard]] std::size_t layer_index(const LayerId& layer) const {
        constexpr std::string_view who = "Sequential";
        if (const Index* index = std::get_if<Index>(&layer)) {
            smoothgrad::detail::require(*index >= 0 && static_cast<std::size_t>(*index) < layers_.size(), who,
                                        "layer index must be in [0, ", layers_.size(), "), got ", *index, "; layers: ",
                                        layer_list());
            return static_cast<std::size_t>(*index);
        }
        const std::string& name = std::get<std::string>(layer);
        const auto it = std::find(names_.begin(), names_.end(), name);
        smoothgrad::detail::require(it != names_.end(), who, "no layer is named '", name, "'; layers: ", layer_list());
        return static_cast<std::size_t>(it - names_.begin());
    }

    /// Layer i as type L, e.g. to set hand-made weights; throws argument_error if it is another type.
    /// Only the values of a layer can change, not its sizes, so the shapes stay valid.
    template <class L>
    [[nodiscard]] L& layer_as(std::size_t i) {
        check_layer_index(i);
        L* layer = std::get_if<L>(&layers_[i]);
        smoothgrad::detail::require(layer != nullptr, "Sequential::layer_as", "layer ", i, " is '", layer_spec(i),
                                    "', not the requested type");
        return *layer;
    }
    template <class L>
    [[nodiscard]] const L& layer_as(std::size_t i) const {
        return const_cast<Sequential&>(*this).layer_as<L>(i);  // NOLINT: same lookup, const result
    }

    /// Layer i's part of the spec, e.g. "conv 3x3x16 same"; throws argument_error for i out of range.
    [[nodiscard]] std::string layer_spec(std::size_t i) const {
        check_layer_index(i);
        return std::visit([](const auto& layer) { return layer.spec(); }, layers_[i]);
    }

    /// The one-line spec this network was, or could have been, parsed from (see spec.hpp).
    [[nodiscard]] std::string to_spec() const {
        std::string spec = "input " + std::to_string(input_shape().height) + "x" + std::to_string(input_shape().width) +
                           "x" + std::to_string(input_shape().channels);
        for (std::size_t i = 0; i < layers_.size(); ++i) spec += "; " + layer_spec(i);
        return spec;
    }

    /// PyTorch's default initialization of every weight and bias, U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
    /// drawn from NoiseStream(seed, layer index): the same seed gives the same weights everywhere.
    void initialize(std::uint64_t seed) {
        for (std::size_t i = 0; i < layers_.size(); ++i) {
            std::visit(
                [&](auto& layer) {
                    if constexpr (ParameterizedLayer<std::decay_t<decltype(layer)>>) {
                        NoiseStream noise(seed, i);
                        layer.reset_parameters(noise);
                    }
                },
                layers_[i]);
        }
    }

    /// Every weight and bias, in layer order, weight before bias, with PyTorch's names and shapes.
    [[nodiscard]] std::vector<NamedParameter> parameters() { return collect<float>(*this); }
    [[nodiscard]] std::vector<ConstNamedParameter> parameters() const { return collect<const float>(*this); }

    /// Zero gradients shaped like parameters(), for backward_parameters().
    [[nodiscard]] ParameterGradients zero_gradients() const {
        ParameterGradients gradients;
        for (const auto& parameter : parameters())
            gradients.push_back(Vector::Zero(static_cast<Index>(parameter.size)));
        return gradients;
    }

    /// The network's output for every column of `batch`: num_classes() x N.
    [[nodiscard]] Matrix scores(const MatrixRef& batch) const {
        check_batch(batch, "Sequential::scores");
        Matrix result(num_classes(), batch.cols());
        for_each_chunk(batch.cols(), [&](Index start, Index count, Workspace& workspace) {
            result.middleCols(start, count) = forward(batch.middleCols(start, count), workspace);
        });
        return result;
    }

    /// The gradient of w^T scores with respect to each column of `batch`: input_size() x N.
    [[nodiscard]] Matrix gradients(const MatrixRef& batch, const Vector& output_weights) const {
        return gradients(batch, output_weights, ReluRule::gradient);
    }

    /// As gradients(batch, w), with every ReLU's backward step replaced by `rule`.
    [[nodiscard]] Matrix gradients(const MatrixRef& batch, const Vector& output_weights, ReluRule rule) const {
        constexpr std::string_view who = "Sequential::gradients";
        check_batch(batch, who);
        check_output_weights(output_weights, who);
        Matrix result(input_size(), batch.cols());
        for_each_chunk(batch.cols(), [&](Index start, Index count, Workspace& workspace) {
            (void)forward(batch.middleCols(start, count), workspace);
            workspace.score_gradient = output_weights.replicate(1, count);
            result.middleCols(start, count) = backward_input(workspace.score_gradient, rule, workspace);
        });
        return result;
    }

    /// The output of `layer` for each column of `batch` and the gradient of w^T scores with respect to it
    /// (LayerGradientModel): a ReLU before a MaxPool2D gives its own output, the pair runs apart for it.
    [[nodiscard]] LayerGradients layer_gradients(const MatrixRef& batch, const Vector& output_weights,
                                                 const LayerId& layer) const {
        constexpr std::string_view who = "Sequential::layer_gradients";
        check_batch(batch, who);
        check_output_weights(output_weights, who);
        const std::size_t k = layer_index(layer);
        const ImageShape& shape = shapes_[k + 1];
        LayerGradients result{shape, Matrix(shape.size(), batch.cols()), Matrix(shape.size(), batch.cols())};
        for_each_chunk(batch.cols(), [&](Index start, Index count, Workspace& workspace) {
            (void)forward(batch.middleCols(start, count), workspace, k);
            workspace.score_gradient = output_weights.replicate(1, count);
            result.activations.middleCols(start, count) = workspace.outputs[k];
            if (k + 1 == layers_.size()) {
                result.gradients.middleCols(start, count) = workspace.score_gradient;
            } else {
                backward(workspace.score_gradient, ReluRule::gradient, workspace, nullptr, true, k + 1);
                result.gradients.middleCols(start, count) = workspace.gradients[k + 1];
            }
        });
        return result;
    }

    /// Forward pass over the whole batch, keeping in `workspace` what the backward passes need.
    /// Returns the scores (num_classes() x N), a reference into `workspace`. The output of layer
    /// `kept_layer` is stored even where it is a ReLU that fuses with the pooling after it.
    const Matrix& forward(const Eigen::Ref<const Matrix>& batch, Workspace& workspace,
                          std::size_t kept_layer = Workspace::no_layer) const {
        check_batch(batch, "Sequential::forward");
        workspace.kept_layer = kept_layer;
        workspace.input = batch;
        workspace.outputs.resize(layers_.size());
        workspace.caches.resize(layers_.size());
        for (std::size_t i = 0; i < layers_.size(); ++i) {
            if (i + 1 < layers_.size() && fused(i + 1, workspace)) {
                workspace.outputs[i].resize(0, 0);
                continue;
            }
            if (fused(i, workspace)) {
                std::get<MaxPool2D>(layers_[i]).forward_rectified(layer_input(i - 1, workspace), shapes_[i],
                                                                 workspace.outputs[i], workspace.caches[i]);
                continue;
            }
            std::visit(
                [&](const auto& layer) {
                    layer.forward(layer_input(i, workspace), shapes_[i], workspace.outputs[i], workspace.caches[i]);
                },
                layers_[i]);
        }
        return workspace.outputs.back();
    }

    /// Input-gradient backward pass after forward(batch, workspace): the gradient of
    /// sum_j score_gradient(:, j)^T scores(:, j) with respect to the batch, input_size() x N, a reference
    /// into `workspace`. Computes no parameter gradient.
    const Matrix& backward_input(const Matrix& score_gradient, ReluRule rule, Workspace& workspace) const {
        backward(score_gradient, rule, workspace, nullptr, true);
        return workspace.gradients.front();
    }

    /// Training backward pass after forward(batch, workspace): writes into `gradients` (shaped like
    /// zero_gradients()) the gradient of sum_j score_gradient(:, j)^T scores(:, j) with respect to
    /// every parameter. Skips the gradient with respect to the input itself.
    void backward_parameters(const Matrix& score_gradient, Workspace& workspace, ParameterGradients& gradients) const {
        check_gradient_shapes(gradients, "Sequential::backward_parameters");
        backward(score_gradient, ReluRule::gradient, workspace, &gradients, false);
    }

    /// After forward(batch, workspace): writes into `gradients` (shaped like zero_gradients()) the derivative
    /// along `directions` (one per column) of the training pass's weight gradient, with every ReLU and
    /// pooling winner held as the forward pass found them:
    ///
    ///     d/dh grad_theta sum_j score_gradient(:, j)^T scores(batch(:, j) + h directions(:, j))   at h = 0.
    ///
    /// For a network of ReLUs and max pooling this is the exact Hessian-vector product wherever no unit sits
    /// on its kink (almost everywhere): held fixed, the network is affine in its input, so a weight's
    /// gradient delta_out * input^T moves only through its input, by delta_out * tangent^T, and a bias's
    /// does not move. The tangents run forward through the linear parts of the layers (no biases; the
    /// recorded ReLU masks and pooling winners), then one backward pass pairs them with the deltas.
    void directional_parameter_gradients(const Matrix& score_gradient, const Matrix& directions, Workspace& workspace,
                                         ParameterGradients& gradients) const {
        constexpr std::string_view who = "Sequential::directional_parameter_gradients";
        smoothgrad::detail::require<shape_error>(
            directions.rows() == input_size() && directions.cols() == workspace.input.cols(), who, "directions are ",
            directions.rows(), " x ", directions.cols(), ", the forward pass's batch is ", input_size(), " x ",
            workspace.input.cols());
        check_gradient_shapes(gradients, who);
        workspace.tangents.resize(layers_.size());
        workspace.tangents[0] = directions;
        for (std::size_t i = 0; i + 1 < layers_.size(); ++i) {
            Matrix& out = workspace.tangents[i + 1];
            if (fused(i + 1, workspace)) continue;  // the pooling takes the tangent of the ReLU's input
            if (fused(i, workspace)) {
                std::get<MaxPool2D>(layers_[i]).tangent(workspace.tangents[i - 1], shapes_[i], workspace.caches[i], out);
                continue;
            }
            const Matrix& in = workspace.tangents[i];
            std::visit(
                [&](const auto& layer) {
                    using L = std::decay_t<decltype(layer)>;
                    if constexpr (std::is_same_v<L, Conv2D> || std::is_same_v<L, Dense>)
                        layer.forward_linear(in, shapes_[i], out, workspace.caches[i]);
                    else if constexpr (std::is_same_v<L, ReLU>)  // the mask of the forward pass's input
                        layer.backward(in, shapes_[i], layer_input(i, workspace), ReluRule::gradient, workspace.caches[i], out);
                    else if constexpr (std::is_same_v<L, MaxPool2D>)
                        layer.tangent(in, shapes_[i], workspace.caches[i], out);
                    else
                        layer.forward(in, shapes_[i], out, workspace.caches[i]);  // Flatten: a permutation
                },
                layers_[i]);
        }
        backward(score_gradient, ReluRule::gradient, workspace, &gradients, false, 0, &workspace.tangents);
        // That pass summed the deltas into the biases' slots (every parameterized layer has a weight, then a
        // bias); a bias's gradient does not move with the input.
        for (std::size_t k = 1; k < gradients.size(); k += 2) gradients[k].setZero();
    }

private:
    /// shape_error naming `who` unless `gradients` has the shapes of zero_gradients().
    void check_gradient_shapes(const ParameterGradients& gradients, std::string_view who) const {
        const auto parameters = this->parameters();
        smoothgrad::detail::require<shape_error>(gradients.size() == parameters.size(), who, "gradients have ",
                                                 gradients.size(), " tensors, the network has ", parameters.size());
        for (std::size_t k = 0; k < parameters.size(); ++k) {
            smoothgrad::detail::require<shape_error>(
                static_cast<std::size_t>(gradients[k].size()) == parameters[k].size, who, "gradient ", k, " (",
                parameters[k].name, ") has ", gradients[k].size(), " values, the parameter has ", parameters[k].size);
        }
    }

    /// Calls work(start, count, workspace) on chunks of at most chunk_columns() columns that cover
    /// [0, columns), each worker thread on its own contiguous range with its own workspace.
    template <class Work>
    void for_each_chunk(Index columns, const Work& work) const {
        const Index workers = worker_count(columns);
        const Index chunk = chunk_columns();
        smoothgrad::detail::run_workers(workers, [&](Index worker) {
            const Index first = columns * worker / workers;
            const Index last = columns * (worker + 1) / workers;
            sequential_detail::WorkspaceLease lease(pool_);
            for (Index start = first; start < last; start += chunk)
                work(start, std::min(chunk, last - start), lease.get());
        });
    }

    void check_output_weights(const Vector& output_weights, std::string_view who) const {
        smoothgrad::detail::require<shape_error>(output_weights.size() == num_classes(), who, "output weights have ",
                                                 output_weights.size(), " entries, the network has ", num_classes(),
                                                 " outputs");
    }

    /// "0 conv1 (conv 3x3x16 same), 1 (relu), ...": the layers, for messages.
    [[nodiscard]] std::string layer_list() const {
        std::string list;
        for (std::size_t i = 0; i < layers_.size(); ++i) {
            if (i > 0) list += ", ";
            list += std::to_string(i);
            if (names_[i] != std::to_string(i)) list += " " + names_[i];
            list += " (" + layer_spec(i) + ")";
        }
        return list;
    }

    void check_layer_index(std::size_t i) const {
        smoothgrad::detail::require(i < layers_.size(), "Sequential", "layer index must be < ", layers_.size(),
                                    ", got ", i);
    }

    template <class Batch>
    void check_batch(const Batch& batch, std::string_view who) const {
        smoothgrad::detail::require<shape_error>(batch.rows() == input_size(), who, "batch has ", batch.rows(),
                                                 " rows, the network expects ", input_size(), " (", input_shape(), ")");
        smoothgrad::detail::require<shape_error>(batch.cols() > 0, who, "batch is empty");
    }

    [[nodiscard]] std::size_t parameter_count() const {
        std::size_t count = 0;
        for (const auto& layer : layers_)
            std::visit([&](const auto& l) { count += ParameterizedLayer<std::decay_t<decltype(l)>> ? 2 : 0; }, layer);
        return count;
    }

    template <class T, class Self>
    static std::vector<BasicNamedParameter<T>> collect(Self& self) {
        std::vector<BasicNamedParameter<T>> result;
        for (std::size_t i = 0; i < self.layers_.size(); ++i) {
            std::visit(
                [&](auto& layer) {
                    if constexpr (ParameterizedLayer<std::decay_t<decltype(layer)>>) {
                        const std::string index = std::to_string(i);
                        // A reference for a const layer, a Map into the layer for a mutable one: no copy.
                        auto&& weight = layer.weight();
                        auto&& bias = layer.bias();
                        result.push_back({index + ".weight", layer.weight_shape(), weight.data(),
                                          static_cast<std::size_t>(weight.size())});
                        result.push_back(
                            {index + ".bias", layer.bias_shape(), bias.data(), static_cast<std::size_t>(bias.size())});
                    }
                },
                self.layers_[i]);
        }
        return result;
    }

    /// The backward pass through layers stop, stop + 1, ..., last: gradients[i] for i >= stop (not 0 unless
    /// input_gradient). With `parameter_inputs`, the parameter gradients pair each layer's output gradient
    /// with parameter_inputs[i] instead of the layer's input (see directional_parameter_gradients).
    void backward(const Matrix& score_gradient, ReluRule rule, Workspace& workspace, ParameterGradients* gradients,
                  bool input_gradient, std::size_t stop = 0,
                  const std::vector<Matrix>* parameter_inputs = nullptr) const {
        constexpr std::string_view who = "Sequential::backward";
        smoothgrad::detail::require<shape_error>(
            workspace.outputs.size() == layers_.size() && workspace.outputs.back().cols() == score_gradient.cols(), who,
            "run forward on a batch of ", score_gradient.cols(), " columns first");
        smoothgrad::detail::require<shape_error>(score_gradient.rows() == num_classes(), who, "score gradient has ",
                                                 score_gradient.rows(), " rows, the network has ", num_classes(),
                                                 " outputs");
        workspace.gradients.resize(layers_.size());
        std::size_t slot = parameter_count();
        for (std::size_t i = layers_.size(); i-- > stop;) {
            const Matrix& out_gradient = i + 1 == layers_.size() ? score_gradient : workspace.gradients[i + 1];
            if (fused(i, workspace)) {
                // The pooling and the ReLU before it (no parameters) in one pass, into the ReLU's input
                // gradient.
                --i;
                if (i > 0 || input_gradient) {
                    std::get<MaxPool2D>(layers_[i + 1])
                        .backward_rectified(out_gradient, shapes_[i], rule, workspace.caches[i + 1],
                                            workspace.gradients[i]);
                }
                continue;
            }
            const Matrix& in = layer_input(i, workspace);
            std::visit(
                [&](const auto& layer) {
                    if constexpr (ParameterizedLayer<std::decay_t<decltype(layer)>>) {
                        slot -= 2;
                        if (gradients != nullptr) {
                            layer.parameter_gradients(out_gradient, shapes_[i],
                                                      parameter_inputs != nullptr ? (*parameter_inputs)[i] : in,
                                                      workspace.caches[i], (*gradients)[slot].data(),
                                                      (*gradients)[slot + 1].data());
                        }
                    }
                    // The training pass needs no gradient with respect to the batch itself.
                    if (i > 0 || input_gradient) {
                        layer.backward(out_gradient, shapes_[i], in, rule, workspace.caches[i], workspace.gradients[i]);
                    }
                },
                layers_[i]);
        }
    }

    /// Whether layer i is a MaxPool2D right after a ReLU: the two run as one pass, unless the forward pass
    /// through `workspace` keeps the ReLU's output.
    [[nodiscard]] bool fused(std::size_t i, const Workspace& workspace) const noexcept {
        return i > 0 && std::holds_alternative<MaxPool2D>(layers_[i]) && std::holds_alternative<ReLU>(layers_[i - 1]) &&
               workspace.kept_layer != i - 1;
    }

    /// The input of layer i in a forward pass through `workspace`.
    [[nodiscard]] static const Matrix& layer_input(std::size_t i, const Workspace& workspace) noexcept {
        return i == 0 ? workspace.input : workspace.outputs[i - 1];
    }

    std::vector<Layer> layers_;
    std::vector<ImageShape> shapes_;  ///< shapes_[i]: input of layer i; shapes_.back(): the output
    std::vector<std::string> names_;  ///< names_[i]: layer i's name (see set_layer_name)
    int threads_ = 0;                 ///< see set_threads
    std::int64_t min_work_per_thread_ = default_min_work_per_thread;  ///< see set_min_work_per_thread
    std::size_t workspace_limit_ = default_workspace_limit;            ///< see set_workspace_limit
    std::int64_t work_per_column_ = 0;   ///< multiply-adds of one column's forward pass
    std::size_t bytes_per_column_ = 0;   ///< about what one column takes in a workspace
    /// Workspaces reused across calls; copies of a network share it (it is thread-safe).
    std::shared_ptr<sequential_detail::WorkspacePool> pool_ = std::make_shared<sequential_detail::WorkspacePool>();
};

static_assert(GuidedBackpropModel<Sequential> && LayerGradientModel<Sequential>);

}  // namespace smoothgrad::nn
