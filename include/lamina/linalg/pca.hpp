#pragma once
// Principal component analysis of samples in rows, by the SVD of the mean-subtracted data
// (as sklearn.decomposition.PCA with svd_solver="full"): eigenfaces, for example.
//
//   auto p = lm::linalg::pca(faces_view);                   // float [n, d] -> double PCA, all components
//   p.components;                                           // [k, d] orthonormal rows, by decreasing variance
//   auto z = p.encode(x);                                   // [m, k] coordinates of the rows of x
//   auto y = p.reconstruct(x, 16);                          // x projected on mean + the first 16 components
//
// Sign convention: each component's entry of largest magnitude is positive (deterministic).
// Needs LAPACK (link lamina::linalg); see svd.hpp.
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include <xtensor/xadapt.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>
#include <xtensor-blas/xlinalg.hpp>

#include "../core/tensor.hpp"
#include "svd.hpp"

namespace lamina::linalg {

/// A fitted PCA, with sklearn.decomposition.PCA's attributes (mean_, components_, ...): k
/// components of d-dimensional samples, and the maps between samples and coordinates.
template <class T>
struct pca_result {
  /// The mean sample [d], subtracted before projecting (sklearn's mean_).
  xt::xtensor<T, 1> mean;
  /// The principal axes [k, d], orthonormal rows by decreasing variance (components_).
  xt::xtensor<T, 2> components;
  /// The singular values [k] of the centred data (singular_values_).
  xt::xtensor<T, 1> singular_values;
  /// The sample variance along each component [k], s^2 / (n - 1) (explained_variance_).
  xt::xtensor<T, 1> explained_variance;
  /// Each component's fraction [k] of the data's total variance, summed over all min(n, d)
  /// components, not only the k kept (explained_variance_ratio_).
  xt::xtensor<T, 1> explained_variance_ratio;

  /// k, the number of components kept.
  std::size_t size() const { return components.shape()[0]; }

  /// Coordinates (x - mean) C^T of the rows of x [m, d] on the first `k` components (0: all).
  template <class E>
  xt::xtensor<T, 2> encode(const xt::xexpression<E>& x, std::size_t k = 0) const {
    xt::xtensor<T, 2> centred = x.derived_cast();
    check_width(centred, "encode");
    centred -= xt::view(mean, xt::newaxis(), xt::all());
    return xt::linalg::dot(centred, xt::transpose(first(k)));
  }
  /// mean + z C for coordinates z [m, k'] on the first k' components.
  template <class E>
  xt::xtensor<T, 2> decode(const xt::xexpression<E>& z) const {
    const xt::xtensor<T, 2> zz = z.derived_cast();
    const xt::xtensor<T, 2> y = xt::linalg::dot(zz, first(zz.shape()[1]));
    return y + xt::view(mean, xt::newaxis(), xt::all());
  }
  /// The rows of x projected onto the affine subspace mean + span(first k components): the best
  /// k-dimensional affine approximation of the training data (Eckart-Young).
  template <class E>
  xt::xtensor<T, 2> reconstruct(const xt::xexpression<E>& x, std::size_t k = 0) const {
    return decode(encode(x, k));
  }

 private:
  xt::xtensor<T, 2> first(std::size_t k) const {
    if (k > size())
      throw std::invalid_argument("lamina::linalg::pca_result: " + std::to_string(k) + " components asked, " +
                                  std::to_string(size()) + " computed");
    return xt::view(components, xt::range(0, k == 0 ? size() : k), xt::all());
  }
  void check_width(const xt::xtensor<T, 2>& x, const char* what) const {
    if (x.shape()[1] != mean.size())
      throw std::invalid_argument(std::string("lamina::linalg::pca_result::") + what + ": rows of " +
                                  std::to_string(x.shape()[1]) + " values, the PCA was fitted to " +
                                  std::to_string(mean.size()));
  }
};

/// PCA of the rows of x [n, d] (n >= 2), keeping the first k components (0: all min(n, d)).
template <class E>
auto pca(const xt::xexpression<E>& x, std::size_t k = 0) {
  using T = std::remove_cv_t<typename E::value_type>;
  const xt::xtensor<T, 2> data = x.derived_cast();
  const std::size_t n = data.shape()[0];
  if (n < 2) throw std::invalid_argument("lamina::linalg::pca: needs at least 2 samples (rows), got " + std::to_string(n));
  pca_result<T> p;
  p.mean = xt::mean(data, {0});
  const xt::xtensor<T, 2> centred = data - xt::view(p.mean, xt::newaxis(), xt::all());
  auto r = svd(centred);
  const std::size_t all = r.s.size();
  if (k == 0) k = all;
  if (k > all)
    throw std::invalid_argument("lamina::linalg::pca: " + std::to_string(k) + " components of " + std::to_string(n) +
                                " x " + std::to_string(data.shape()[1]) + " data (at most " + std::to_string(all) + ")");
  const xt::xtensor<T, 1> variance = r.s * r.s / T(n - 1);
  const T total = xt::sum(variance)();
  for (std::size_t i = 0; i < k; ++i) {  // the entry of largest magnitude positive
    auto row = xt::view(r.vt, i, xt::all());
    const std::size_t at = std::size_t(xt::argmax(xt::abs(row))());
    if (row(at) < 0) row *= T(-1);
  }
  p.components = xt::view(r.vt, xt::range(0, k), xt::all());
  p.singular_values = xt::view(r.s, xt::range(0, k));
  p.explained_variance = xt::view(variance, xt::range(0, k));
  p.explained_variance_ratio = total > 0 ? xt::xtensor<T, 1>(p.explained_variance / total) : xt::xtensor<T, 1>(xt::zeros<T>({k}));
  return p;
}

/// PCA of a float view [n, d] (e.g. flattened images), computed in T.
template <class T = double>
pca_result<T> pca(ConstTensorView x, std::size_t k = 0) {
  if (x.shape.rank != 2)
    throw std::invalid_argument("lamina::linalg::pca: expected samples in rows [n, d], got " + to_string(x.shape));
  const auto view = xt::adapt(x.data, x.size(), xt::no_ownership(), std::array<std::size_t, 2>{x.shape[0], x.shape[1]});
  return pca(xt::xtensor<T, 2>(xt::cast<T>(view)), k);
}

}  // namespace lamina::linalg
