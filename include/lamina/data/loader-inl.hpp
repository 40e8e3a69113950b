#pragma once
// Definitions for loader.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
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

#include "loader.hpp"

namespace lamina::data {

namespace detail {

template <class Source>
LAMINA_INLINE batch_engine<Source>::batch_engine(Source source, loader_options options, const char* who)
    : source_(std::move(source)), options_(std::move(options)), order_(source_.size()) {
  if (options_.batch_size == 0) throw std::invalid_argument(std::string(who) + ": batch_size must be >= 1");
  if (options_.sample_shape.rank != 0 && options_.sample_shape.size() != source_.sample_size())
    throw std::invalid_argument(std::string(who) + ": sample_shape " + to_string(options_.sample_shape) + " holds " +
                                std::to_string(options_.sample_shape.size()) + " values, but samples have " +
                                std::to_string(source_.sample_size()));
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  for (std::size_t s = 0; s < (options_.prefetch ? 2u : 1u); ++s) source_.reserve(slots_[s], options_.batch_size);
}

template <class Source>
LAMINA_INLINE batch_engine<Source>::~batch_engine() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

template <class Source>
LAMINA_INLINE void batch_engine<Source>::start_epoch(std::size_t epoch) {
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

template <class Source>
LAMINA_INLINE batch_slot& batch_engine<Source>::get(std::size_t b, const char* who) {
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

template <class Source>
LAMINA_INLINE TensorView batch_engine<Source>::input_view(batch_slot& slot, std::size_t n) const {
  dims shape{};
  const dims& sample = options_.sample_shape.rank ? options_.sample_shape : make_dims(source_.sample_size());
  shape.rank = sample.rank + 1;
  shape.d[0] = n;
  for (std::size_t i = 0; i < sample.rank; ++i) shape.d[i + 1] = sample[i];
  return {slot.x.data(), shape};
}

template <class Source>
LAMINA_INLINE void batch_engine<Source>::fill(batch_slot& slot, std::size_t b) {
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

template <class Source>
LAMINA_INLINE void batch_engine<Source>::submit(std::size_t slot, std::size_t b) {
  if (!worker_.joinable()) worker_ = std::thread([this] { run(); });
  {
    std::lock_guard lock(mutex_);
    job_slot_ = slot;
    job_batch_ = b;
    busy_ = true;
  }
  wake_.notify_all();
}

template <class Source>
LAMINA_INLINE void batch_engine<Source>::wait_idle() {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return !busy_; });
}

template <class Source>
LAMINA_INLINE void batch_engine<Source>::run() {
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

}  // namespace detail

LAMINA_INLINE labelled_batch ClassificationLoader::batch(std::size_t b) {
  auto& s = engine_->get(b, "lamina::data::ClassificationLoader");
  return {{s.x.data(), s.size * engine_->source().sample_size()}, {s.labels.data(), s.size}, s.size};
}

LAMINA_INLINE std::unique_ptr<ClassificationLoader::engine> ClassificationLoader::make(
    std::span<const float> samples, std::span<const std::int32_t> labels, std::size_t sample_size,
    loader_options options) {
  if (sample_size == 0 || samples.size() != labels.size() * sample_size)
    throw std::invalid_argument("lamina::data::ClassificationLoader: " + std::to_string(samples.size()) +
                                " floats do not hold " + std::to_string(labels.size()) + " samples of " +
                                std::to_string(sample_size));
  return std::make_unique<engine>(detail::classification_source{samples, labels, sample_size}, std::move(options),
                                  "lamina::data::ClassificationLoader");
}

LAMINA_INLINE regression_batch RegressionLoader::batch(std::size_t b) {
  auto& s = engine_->get(b, "lamina::data::RegressionLoader");
  dims shape{};
  shape.rank = target_shape_.rank + 1;
  shape.d[0] = s.size;
  for (std::size_t i = 0; i < target_shape_.rank; ++i) shape.d[i + 1] = target_shape_[i];
  return {{s.x.data(), s.size * engine_->source().sample_size()}, {s.y.data(), shape}, s.size};
}

LAMINA_INLINE std::unique_ptr<RegressionLoader::engine> RegressionLoader::make(
    std::span<const float> samples, std::span<const float> targets, std::size_t sample_size, dims target_shape,
    loader_options options) {
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

}  // namespace lamina::data
