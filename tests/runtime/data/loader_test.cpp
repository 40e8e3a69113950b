// Loaders: splits, transforms per batch, background prefetch (same batches bit for bit,
// exceptions reach the caller, clean shutdown) and no allocation after warm-up.
#include <catch2/catch.hpp>

#include <lamina/data/loader.hpp>
#include <lamina/data/split.hpp>

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <set>
#include <stdexcept>
#include <vector>

namespace lm = lamina;

namespace {
struct toy {
  std::vector<float> x;
  std::vector<std::int32_t> y;
  explicit toy(std::size_t n, std::size_t d) : x(n * d), y(n) {
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = float(i % 1013) / 1013.0f;
    for (std::size_t i = 0; i < n; ++i) y[i] = std::int32_t(i % 7);
  }
};

// Every batch of `epochs` epochs, flattened: inputs and labels.
template <class Loader>
std::vector<float> drain(Loader& l, std::size_t epochs, std::vector<std::int32_t>* labels = nullptr) {
  std::vector<float> out;
  for (std::size_t e = 0; e < epochs; ++e) {
    l.start_epoch(e);
    for (std::size_t b = 0; b < l.batches(); ++b) {
      const auto batch = l.batch(b);
      REQUIRE(batch.x.size() == batch.size * 12);
      out.insert(out.end(), batch.x.begin(), batch.x.end());
      if constexpr (requires { batch.labels; }) {
        if (labels) labels->insert(labels->end(), batch.labels.begin(), batch.labels.end());
      } else {
        out.insert(out.end(), batch.targets.begin(), batch.targets.end());
      }
    }
  }
  return out;
}
}  // namespace

TEST_CASE("split_indices: sizes by fraction, disjoint, seeded", "[data][loader][split]") {
  const auto s = lm::data::split_indices(1000, {.validation = 0.15, .test = 0.1, .seed = 4});
  REQUIRE(s.train.size() == 750);
  REQUIRE(s.validation.size() == 150);
  REQUIRE(s.test.size() == 100);
  std::set<std::size_t> all(s.train.begin(), s.train.end());
  all.insert(s.validation.begin(), s.validation.end());
  all.insert(s.test.begin(), s.test.end());
  REQUIRE(all.size() == 1000);
  REQUIRE(std::is_sorted(s.validation.begin(), s.validation.end()));
  const auto again = lm::data::split_indices(1000, {.validation = 0.15, .test = 0.1, .seed = 4});
  REQUIRE(again.validation == s.validation);
  REQUIRE(lm::data::split_indices(1000, {.validation = 0.15, .test = 0.1, .seed = 5}).validation != s.validation);
  const auto blocks = lm::data::split_indices(10, {.validation = 0.2, .shuffle = false});
  REQUIRE(blocks.validation == std::vector<std::size_t>{8, 9});
  REQUIRE_THROWS(lm::data::split_indices(10, {.validation = 0.6, .test = 0.6}));

  lm::data::image_classification_set set;
  set.size = 4, set.channels = 1, set.height = 1, set.width = 2;
  set.images = {0, 1, 2, 3, 4, 5, 6, 7};
  set.labels = {0, 1, 2, 3};
  const std::vector<std::size_t> idx{1, 3};
  const auto sub = lm::data::subset(set, idx);
  REQUIRE(sub.size == 2);
  REQUIRE(sub.images == std::vector<float>{2, 3, 6, 7});
  REQUIRE(sub.labels == std::vector<std::int32_t>{1, 3});
  lm::Tensor t(lm::make_dims(4, 1, 2));
  std::copy(set.images.begin(), set.images.end(), t.begin());
  const lm::Tensor rows = lm::data::take_rows(t.view(), idx);
  REQUIRE(rows.shape() == lm::make_dims(2, 1, 2));
  REQUIRE(rows[3] == 7.0f);
}

TEST_CASE("Prefetching gives the same batches, bit for bit, with and without a transform", "[data][loader][prefetch]") {
  const toy d(1000, 12);
  for (bool with_transform : {false, true}) {
    lm::data::loader_options o{.batch_size = 64, .seed = 3, .sample_shape = lm::make_dims(1, 3, 4)};
    if (with_transform)
      o.transform = lm::data::transform::compose({lm::data::transform::gaussian_noise(0.1f), lm::data::transform::hflip()});
    auto p = o;
    p.prefetch = true;
    lm::data::ClassificationLoader plain(d.x, d.y, 12, o), fetched(d.x, d.y, 12, p);
    std::vector<std::int32_t> la, lb;
    const auto a = drain(plain, 3, &la);
    const auto b = drain(fetched, 3, &lb);
    REQUIRE(a.size() == 3 * 1000 * 12);
    REQUIRE(a == b);
    REQUIRE(la == lb);
    if (with_transform) REQUIRE(a != drain(plain, 1));  // noise changes per epoch

    lm::data::RegressionLoader rplain(d.x, d.x, 12, lm::make_dims(12), o), rfetched(d.x, d.x, 12, lm::make_dims(12), p);
    REQUIRE(drain(rplain, 2) == drain(rfetched, 2));
  }
}

TEST_CASE("Prefetching: out-of-order access, the transform changes inputs only", "[data][loader][prefetch]") {
  const toy d(300, 12);
  lm::data::loader_options o{.batch_size = 32, .seed = 1, .transform = lm::data::transform::uniform_noise(0.3f),
                             .prefetch = true};
  lm::data::RegressionLoader l(d.x, d.x, 12, lm::make_dims(12), o);
  auto q = o;
  q.prefetch = false;
  lm::data::RegressionLoader ref(d.x, d.x, 12, lm::make_dims(12), q);
  l.start_epoch(2);
  ref.start_epoch(2);
  for (std::size_t b : {3u, 4u, 0u, 9u, 9u, 1u}) {
    const auto x = l.batch(b);
    const std::vector<float> got(x.x.begin(), x.x.end()), target(x.targets.begin(), x.targets.end());
    const auto y = ref.batch(b);
    REQUIRE(got == std::vector<float>(y.x.begin(), y.x.end()));
    REQUIRE(target == std::vector<float>(y.targets.begin(), y.targets.end()));
    REQUIRE(got != target);  // noisy inputs, clean targets
    REQUIRE(x.targets.shape == lm::make_dims(x.size, 12));
  }
  REQUIRE(l.batch(9).size == 300 - 9 * 32);
}

TEST_CASE("Exceptions thrown while prefetching reach the caller", "[data][loader][prefetch]") {
  const toy d(100, 12);
  std::atomic<int> calls{0};
  lm::data::loader_options o{.batch_size = 10, .shuffle = false, .prefetch = true};
  o.transform = [&](lm::TensorView x, lm::rng&) {
    ++calls;
    if (x.data[0] == d.x[50 * 12]) throw std::runtime_error("bad batch 5");  // the batch starting at sample 50
  };
  lm::data::ClassificationLoader l(d.x, d.y, 12, o);
  l.start_epoch(0);
  for (std::size_t b = 0; b < 5; ++b) REQUIRE(l.batch(b).size == 10);  // batch 5 failed in the background
  REQUIRE_THROWS_WITH(l.batch(5), "bad batch 5");
  REQUIRE_THROWS_WITH(l.batch(5), "bad batch 5");  // asked again: fails again, synchronously
  REQUIRE(l.batch(6).size == 10);                   // the loader is still usable
  l.start_epoch(1);
  REQUIRE(l.batch(0).labels[0] == 0);
  REQUIRE(calls > 0);
  // Destroyed with a prefetch in flight: the destructor stops and joins the worker.
}

TEST_CASE("Loaders reuse their buffers: no allocation after the first epoch", "[data][loader][prefetch]") {
  const toy d(2000, 12);
  for (bool prefetch : {false, true}) {
    lm::data::ClassificationLoader l(d.x, d.y, 12,
                                     {.batch_size = 100, .seed = 2, .transform = lm::data::transform::gaussian_noise(0.1f),
                                      .prefetch = prefetch});
    std::set<const float*> buffers;
    double checksum = 0;
    auto epoch = [&](std::size_t e) {
      l.start_epoch(e);
      for (std::size_t b = 0; b < l.batches(); ++b) {
        const auto batch = l.batch(b);
        buffers.insert(batch.x.data());
        checksum += batch.x[0];
      }
    };
    epoch(0);  // warm-up: starts the worker thread
    const auto before = mallinfo2();
    for (std::size_t e = 1; e < 4; ++e) epoch(e);
    const auto after = mallinfo2();
    REQUIRE(buffers.size() == (prefetch ? 2u : 1u));     // the same one or two buffers throughout
    REQUIRE(after.uordblks == before.uordblks);          // heap in use unchanged
    REQUIRE(checksum != 0);
  }
}

TEST_CASE("Loader options are checked", "[data][loader]") {
  const toy d(10, 12);
  REQUIRE_THROWS_WITH(lm::data::ClassificationLoader(d.x, d.y, 12, {.batch_size = 0}), Catch::Contains("batch_size"));
  REQUIRE_THROWS_WITH(lm::data::ClassificationLoader(d.x, d.y, 12, {.sample_shape = lm::make_dims(1, 5, 5)}),
                      Catch::Contains("sample_shape [1, 5, 5]"));
  lm::data::ClassificationLoader l(d.x, d.y, 12, {.batch_size = 4, .drop_last = true});
  REQUIRE(l.batches() == 2);
  REQUIRE_THROWS_AS(l.batch(2), std::out_of_range);
  lm::data::ClassificationLoader moved = std::move(l);  // loaders move (the engine stays put)
  REQUIRE(moved.batch(1).size == 4);
}
