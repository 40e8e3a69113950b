#pragma once
// Mini-batches of a data set: seeded shuffling per epoch, optional drop-last, an optional
// per-batch transform (e.g. noise for a denoising autoencoder), and optional background
// prefetch (a worker thread gathers batch b+1 while the caller trains on batch b).
//
//   lm::data::ClassificationLoader train(set.images, set.labels, set.sample_size(),
//       {.batch_size = 64, .seed = 1, .prefetch = true});
//   lm::data::RegressionLoader denoise(faces, faces, 4096, lm::make_dims(4096),
//       {.batch_size = 32, .transform = lm::data::transform::uniform_noise(0.4f)});
//   for (std::size_t e = 0; e < epochs; ++e) {
//     loader.start_epoch(e);
//     for (std::size_t b = 0; b < loader.batches(); ++b) { auto batch = loader.batch(b); ... }
//   }
//
// Guarantees:
// - The batches depend only on (data, options, epoch, batch index): prefetching or not, and
//   the order batches are asked for, change nothing, bit for bit. The transform of batch b in
//   epoch e draws from a generator seeded by (seed, e, b) and sees [size, sample_shape...]
//   (sample_shape defaults to [sample_size]); it transforms inputs only, never labels/targets.
// - A batch's pointers stay valid until the next batch() or start_epoch() call.
// - Buffers are allocated when the loader is built (two sets with prefetch), so iterating
//   allocates nothing (the worker thread starts on the first prefetch).
// - An exception thrown while preparing a batch in the background (e.g. by the transform)
//   is rethrown by the batch() call that asks for that batch; the destructor stops the worker.
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../core/config.hpp"
#include "../core/rng.hpp"
#include "../core/tensor.hpp"
#include "split.hpp"
#include "transforms.hpp"

namespace lamina::data {

/// Options of ClassificationLoader and RegressionLoader, like torch.utils.data.DataLoader's.
struct loader_options {
  std::size_t batch_size = 64;  ///< Samples per batch (at least 1).
  bool shuffle = true;  ///< Reshuffle the samples at every start_epoch().
  bool drop_last = false;  ///< Leave out the last batch when it is smaller than batch_size.
  std::uint64_t seed = 0;  ///< Seeds the shuffles and the transform's generators.
  /// Shape of one input as the transform sees it, e.g. [C, H, W]; empty: [sample_size].
  dims sample_shape = {};
  /// Applied in place to each batch's inputs [size, sample_shape...]; empty: none.
  batch_transform transform = {};
  /// Prepare the next batch on a worker thread while the caller uses this one.
  bool prefetch = false;
};

/// A batch of ClassificationLoader: inputs and their labels, valid until the next batch() or
/// start_epoch() call.
struct labelled_batch {
  /// Inputs [size, sample...]: size * sample_size floats.
  std::span<const float> x;
  /// Class labels [size].
  std::span<const std::int32_t> labels;
  std::size_t size;  ///< Samples in this batch (batch_size, or fewer for the last one).
};

/// A batch of RegressionLoader: inputs and their targets, valid until the next batch() or
/// start_epoch() call.
struct regression_batch {
  /// Inputs [size, sample...]: size * sample_size floats.
  std::span<const float> x;
  /// Targets [size, target_shape...].
  ConstTensorView targets;
  std::size_t size;  ///< Samples in this batch (batch_size, or fewer for the last one).
};

namespace detail {

inline constexpr std::size_t no_batch = ~std::size_t{0};

struct batch_slot {
  std::vector<float> x, y;             // inputs; regression targets
  std::vector<std::int32_t> labels;    // classification labels
  std::size_t batch = no_batch, size = 0;
};

// The shared machinery of both loaders: order, slots, transform and the prefetch worker.
// `Source` gathers samples: size(), sample_size(), reserve(slot, batch_size), gather(slot, idx).
// Loaders hold it by unique_ptr, so moving a loader never moves what the worker touches.
template <class Source>
class batch_engine {
 public:
  batch_engine(Source source, loader_options options, const char* who);
  batch_engine(const batch_engine&) = delete;
  batch_engine& operator=(const batch_engine&) = delete;
  ~batch_engine();

  std::size_t size() const { return order_.size(); }
  std::size_t batches() const {
    const std::size_t n = size(), b = options_.batch_size;
    return options_.drop_last ? n / b : (n + b - 1) / b;
  }
  const loader_options& options() const { return options_; }
  const Source& source() const { return source_; }

  // Reshuffles for `epoch` (a permutation that depends only on seed and epoch).
  void start_epoch(std::size_t epoch);

  batch_slot& get(std::size_t b, const char* who);

  // [n, sample_shape...] over a slot's inputs.
  TensorView input_view(batch_slot& slot, std::size_t n) const;

 private:
  void fill(batch_slot& slot, std::size_t b);
  void submit(std::size_t slot, std::size_t b);
  void wait_idle();
  void run();

  Source source_;
  loader_options options_;
  std::vector<std::size_t> order_;
  std::size_t epoch_ = 0;
  batch_slot slots_[2];
  // Prefetch worker: one job at a time (slot, batch); busy_ until it finishes.
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  bool busy_ = false, stop_ = false;
  std::size_t job_slot_ = 0, job_batch_ = 0, error_batch_ = no_batch;
  std::exception_ptr error_;
};

struct classification_source {
  std::span<const float> samples;
  std::span<const std::int32_t> labels;
  std::size_t sample_size_;
  std::size_t size() const { return labels.size(); }
  std::size_t sample_size() const { return sample_size_; }
  void reserve(batch_slot& s, std::size_t batch) const {
    s.x.resize(batch * sample_size_);
    s.labels.resize(batch);
  }
  void gather(batch_slot& s, std::span<const std::size_t> idx) const {
    for (std::size_t i = 0; i < idx.size(); ++i) {
      std::memcpy(s.x.data() + i * sample_size_, samples.data() + idx[i] * sample_size_, sample_size_ * sizeof(float));
      s.labels[i] = labels[idx[i]];
    }
  }
};

struct regression_source {
  std::span<const float> samples, targets;
  std::size_t sample_size_, target_size;
  std::size_t size() const { return sample_size_ ? samples.size() / sample_size_ : 0; }
  std::size_t sample_size() const { return sample_size_; }
  void reserve(batch_slot& s, std::size_t batch) const {
    s.x.resize(batch * sample_size_);
    s.y.resize(batch * target_size);
  }
  void gather(batch_slot& s, std::span<const std::size_t> idx) const {
    for (std::size_t i = 0; i < idx.size(); ++i) {
      std::memcpy(s.x.data() + i * sample_size_, samples.data() + idx[i] * sample_size_, sample_size_ * sizeof(float));
      std::memcpy(s.y.data() + i * target_size, targets.data() + idx[i] * target_size, target_size * sizeof(float));
    }
  }
};

#ifdef LAMINA_COMPILED_LIB
// The loaders' two engines are compiled once, in lamina::compiled (src/data.cpp).
extern template class batch_engine<classification_source>;
extern template class batch_engine<regression_source>;
#endif

}  // namespace detail

/// Mini-batches of (input, class label) pairs.
/// Like torch.utils.data.DataLoader over a TensorDataset of inputs and int32 labels.
class ClassificationLoader {
 public:
  /// A loader over labels.size() samples of sample_size floats each; both spans must outlive it.
  // `samples` holds labels.size() samples of `sample_size` floats each; both must outlive the loader.
  ClassificationLoader(std::span<const float> samples, std::span<const std::int32_t> labels,
                       std::size_t sample_size, loader_options options)
      : engine_(make(samples, labels, sample_size, std::move(options))) {}

  /// Number of samples.
  std::size_t size() const { return engine_->size(); }
  /// Floats per input.
  std::size_t sample_size() const { return engine_->source().sample_size(); }  // floats per input
  /// Batches per epoch (the last one may be smaller, unless drop_last).
  std::size_t batches() const { return engine_->batches(); }
  /// The options it was built with.
  const loader_options& options() const { return engine_->options(); }
  /// Reshuffles for `epoch` (a permutation that depends only on seed and epoch).
  void start_epoch(std::size_t epoch) { engine_->start_epoch(epoch); }
  /// Batch b of the current epoch (b < batches()); throws std::out_of_range otherwise.
  labelled_batch batch(std::size_t b);

 private:
  using engine = detail::batch_engine<detail::classification_source>;
  static std::unique_ptr<engine> make(std::span<const float> samples, std::span<const std::int32_t> labels,
                                      std::size_t sample_size, loader_options options);
  std::unique_ptr<engine> engine_;
};

/// Mini-batches of (input, target) float pairs, e.g. images and their clean versions, or
/// coordinates and colours. Shuffling, transform and prefetch as in ClassificationLoader; the
/// transform changes inputs only (noisy inputs, clean targets).
class RegressionLoader {
 public:
  /// `samples`: N inputs of `sample_size` floats; `targets`: N targets of shape `target_shape`.
  RegressionLoader(std::span<const float> samples, std::span<const float> targets, std::size_t sample_size,
                   dims target_shape, loader_options options)
      : target_shape_(target_shape), engine_(make(samples, targets, sample_size, target_shape, std::move(options))) {}

  /// Number of samples.
  std::size_t size() const { return engine_->size(); }
  /// Floats per input.
  std::size_t sample_size() const { return engine_->source().sample_size(); }  // floats per input
  /// Batches per epoch (the last one may be smaller, unless drop_last).
  std::size_t batches() const { return engine_->batches(); }
  /// The options it was built with.
  const loader_options& options() const { return engine_->options(); }
  /// Reshuffles for `epoch` (a permutation that depends only on seed and epoch).
  void start_epoch(std::size_t epoch) { engine_->start_epoch(epoch); }
  /// Batch b of the current epoch (b < batches()); throws std::out_of_range otherwise.
  regression_batch batch(std::size_t b);

 private:
  using engine = detail::batch_engine<detail::regression_source>;
  static std::unique_ptr<engine> make(std::span<const float> samples, std::span<const float> targets,
                                      std::size_t sample_size, dims target_shape, loader_options options);
  dims target_shape_;
  std::unique_ptr<engine> engine_;
};

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "loader-inl.hpp"
#endif
