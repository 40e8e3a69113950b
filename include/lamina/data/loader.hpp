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

#include "../core/rng.hpp"
#include "../core/tensor.hpp"
#include "split.hpp"
#include "transforms.hpp"

namespace lamina::data {

struct loader_options {
  std::size_t batch_size = 64;
  bool shuffle = true;
  bool drop_last = false;
  std::uint64_t seed = 0;
  dims sample_shape = {};           // shape of one input for the transform; {} = [sample_size]
  batch_transform transform = {};   // applied to each batch's inputs, in place
  bool prefetch = false;            // prepare the next batch on a worker thread
};

struct labelled_batch {
  const float* x;                          // [size, sample...]
  std::span<const std::int32_t> labels;    // [size]
  std::size_t size;
};

struct regression_batch {
  const float* x;           // [size, sample...]
  ConstTensorView targets;  // [size, target...]
  std::size_t size;
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
  batch_engine(Source source, loader_options options, const char* who)
      : source_(std::move(source)), options_(std::move(options)), order_(source_.size()) {
    if (options_.batch_size == 0) throw std::invalid_argument(std::string(who) + ": batch_size must be >= 1");
    if (options_.sample_shape.rank != 0 && options_.sample_shape.size() != source_.sample_size())
      throw std::invalid_argument(std::string(who) + ": sample_shape " + to_string(options_.sample_shape) + " holds " +
                                  std::to_string(options_.sample_shape.size()) + " values, but samples have " +
                                  std::to_string(source_.sample_size()));
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    for (std::size_t s = 0; s < (options_.prefetch ? 2u : 1u); ++s) source_.reserve(slots_[s], options_.batch_size);
  }
  batch_engine(const batch_engine&) = delete;
  batch_engine& operator=(const batch_engine&) = delete;
  ~batch_engine() {
    if (!worker_.joinable()) return;
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    worker_.join();
  }

  std::size_t size() const { return order_.size(); }
  std::size_t batches() const {
    const std::size_t n = size(), b = options_.batch_size;
    return options_.drop_last ? n / b : (n + b - 1) / b;
  }
  const loader_options& options() const { return options_; }
  const Source& source() const { return source_; }

  // Reshuffles for `epoch` (a permutation that depends only on seed and epoch).
  void start_epoch(std::size_t epoch) {
    wait_idle();
    error_ = nullptr;  // belonged to a batch of the previous epoch nobody asked for
    for (auto& s : slots_) s.batch = no_batch;
    epoch_ = epoch;
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    if (options_.shuffle) {
      rng gen(options_.seed * 0x9e3779b97f4a7c15ull + epoch);
      for (std::size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[gen.below(i)]);
    }
    if (options_.prefetch && batches() > 0) submit(0, 0);
  }

  batch_slot& get(std::size_t b, const char* who) {
    if (b >= batches())
      throw std::out_of_range(std::string(who) + ": batch " + std::to_string(b) + " of " + std::to_string(batches()));
    if (!options_.prefetch) {
      fill(slots_[0], b);
      return slots_[0];
    }
    wait_idle();
    if (error_) {
      auto e = std::exchange(error_, nullptr);
      if (error_batch_ == b) std::rethrow_exception(e);
    }
    std::size_t s = slots_[1].batch == b ? 1 : 0;
    if (slots_[s].batch != b) {
      if (slots_[s].batch == b + 1) s = 1 - s;  // keep a prefetched successor
      fill(slots_[s], b);
    }
    if (b + 1 < batches() && slots_[1 - s].batch != b + 1) submit(1 - s, b + 1);
    return slots_[s];
  }

  // [n, sample_shape...] over a slot's inputs.
  TensorView input_view(batch_slot& slot, std::size_t n) const {
    dims shape{};
    const dims& sample = options_.sample_shape.rank ? options_.sample_shape : make_dims(source_.sample_size());
    shape.rank = sample.rank + 1;
    shape.d[0] = n;
    for (std::size_t i = 0; i < sample.rank; ++i) shape.d[i + 1] = sample[i];
    return {slot.x.data(), shape};
  }

 private:
  void fill(batch_slot& slot, std::size_t b) {
    slot.batch = no_batch;
    const std::size_t begin = b * options_.batch_size;
    const std::size_t n = std::min(options_.batch_size, size() - begin);
    source_.gather(slot, std::span<const std::size_t>(order_.data() + begin, n));
    slot.size = n;
    if (options_.transform) {
      rng gen(options_.seed * 0xbf58476d1ce4e5b9ull ^ (epoch_ + 1) * 0x94d049bb133111ebull ^
              (b + 1) * 0x9e3779b97f4a7c15ull);
      options_.transform(input_view(slot, n), gen);
    }
    slot.batch = b;
  }

  void submit(std::size_t slot, std::size_t b) {
    if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
    {
      std::lock_guard lock(mutex_);
      job_slot_ = slot;
      job_batch_ = b;
      busy_ = true;
    }
    wake_.notify_all();
  }
  void wait_idle() {
    std::unique_lock lock(mutex_);
    done_.wait(lock, [this] { return !busy_; });
  }
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stop_ || busy_; });
      if (stop_) return;
      const std::size_t slot = job_slot_, b = job_batch_;
      lock.unlock();
      std::exception_ptr error;
      try {
        fill(slots_[slot], b);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      if (error) error_ = error, error_batch_ = b;
      busy_ = false;
      done_.notify_all();
    }
  }

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

}  // namespace detail

// Mini-batches of (input, class label) pairs.
class ClassificationLoader {
 public:
  // `samples` holds labels.size() samples of `sample_size` floats each; both must outlive the loader.
  ClassificationLoader(std::span<const float> samples, std::span<const std::int32_t> labels,
                       std::size_t sample_size, loader_options options)
      : engine_(make(samples, labels, sample_size, std::move(options))) {}

  std::size_t size() const { return engine_->size(); }
  std::size_t batches() const { return engine_->batches(); }
  const loader_options& options() const { return engine_->options(); }
  // Reshuffles for `epoch` (a permutation that depends only on seed and epoch).
  void start_epoch(std::size_t epoch) { engine_->start_epoch(epoch); }
  labelled_batch batch(std::size_t b) {
    auto& s = engine_->get(b, "lamina::data::ClassificationLoader");
    return {s.x.data(), {s.labels.data(), s.size}, s.size};
  }

 private:
  using engine = detail::batch_engine<detail::classification_source>;
  static std::unique_ptr<engine> make(std::span<const float> samples, std::span<const std::int32_t> labels,
                                      std::size_t sample_size, loader_options options) {
    if (sample_size == 0 || samples.size() != labels.size() * sample_size)
      throw std::invalid_argument("lamina::data::ClassificationLoader: " + std::to_string(samples.size()) +
                                  " floats do not hold " + std::to_string(labels.size()) + " samples of " +
                                  std::to_string(sample_size));
    return std::make_unique<engine>(detail::classification_source{samples, labels, sample_size}, std::move(options),
                                    "lamina::data::ClassificationLoader");
  }
  std::unique_ptr<engine> engine_;
};

// Mini-batches of (input, target) float pairs, e.g. images and their clean versions, or
// coordinates and colours. Shuffling, transform and prefetch as in ClassificationLoader; the
// transform changes inputs only (noisy inputs, clean targets).
class RegressionLoader {
 public:
  // `samples`: N inputs of `sample_size` floats; `targets`: N targets of shape `target_shape`.
  RegressionLoader(std::span<const float> samples, std::span<const float> targets, std::size_t sample_size,
                   dims target_shape, loader_options options)
      : target_shape_(target_shape), engine_(make(samples, targets, sample_size, target_shape, std::move(options))) {}

  std::size_t size() const { return engine_->size(); }
  std::size_t batches() const { return engine_->batches(); }
  const loader_options& options() const { return engine_->options(); }
  void start_epoch(std::size_t epoch) { engine_->start_epoch(epoch); }
  regression_batch batch(std::size_t b) {
    auto& s = engine_->get(b, "lamina::data::RegressionLoader");
    dims shape{};
    shape.rank = target_shape_.rank + 1;
    shape.d[0] = s.size;
    for (std::size_t i = 0; i < target_shape_.rank; ++i) shape.d[i + 1] = target_shape_[i];
    return {s.x.data(), {s.y.data(), shape}, s.size};
  }

 private:
  using engine = detail::batch_engine<detail::regression_source>;
  static std::unique_ptr<engine> make(std::span<const float> samples, std::span<const float> targets,
                                      std::size_t sample_size, dims target_shape, loader_options options) {
    const std::size_t target_size = target_shape.size();
    const std::size_t n = sample_size ? samples.size() / sample_size : 0;
    if (sample_size == 0 || samples.size() % sample_size != 0 || targets.size() != n * target_size)
      throw std::invalid_argument("lamina::data::RegressionLoader: " + std::to_string(samples.size()) + " input and " +
                                  std::to_string(targets.size()) +
                                  " target floats do not hold the same number of samples of " +
                                  std::to_string(sample_size) + " and " + std::to_string(target_size) + " floats");
    return std::make_unique<engine>(detail::regression_source{samples, targets, sample_size, target_size},
                                    std::move(options), "lamina::data::RegressionLoader");
  }
  dims target_shape_;
  std::unique_ptr<engine> engine_;
};

}  // namespace lamina::data
