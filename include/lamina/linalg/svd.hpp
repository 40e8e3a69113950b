#pragma once
// The thin singular value decomposition A = U diag(S) Vt of a dense m x n matrix, through
// xtensor-blas (LAPACK's gesdd). Results are row-major xtensors.
//
//   auto [u, s, vt] = lm::linalg::svd(a);              // a: any 2-D xtensor expression
//   auto r = lm::linalg::svd(faces_view);              // a float TensorView [m, n], computed in double
//   xt::xtensor<double, 2> back = lm::linalg::reconstruct(r);   // U diag(S) Vt
//
// Needs LAPACK and BLAS at link time: link the CMake target lamina::linalg (defined when they
// are found). That is why lamina.hpp does not include this header; include <lamina/linalg/linalg.hpp>.
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <array>

#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>
#include <xtensor-blas/xlinalg.hpp>

#include "../core/tensor.hpp"

namespace lamina::linalg {

/// A = u diag(s) vt with k = min(m, n): u [m, k] and vt [k, n] have orthonormal columns / rows,
/// s [k] is non-negative and non-increasing.
template <class T>
struct svd_result {
  xt::xtensor<T, 2> u;   ///< Left singular vectors [m, k], one per column.
  xt::xtensor<T, 1> s;   ///< Singular values [k], largest first.
  xt::xtensor<T, 2> vt;  ///< Right singular vectors [k, n], one per row (V transposed).
};

namespace detail {

// LAPACK loops forever or returns garbage on NaN/inf; say where the bad value is instead.
template <class M>
void check_matrix(const M& a, const char* who) {
  if (a.dimension() != 2) throw std::invalid_argument(std::string(who) + ": expected a 2-D matrix");
  const std::size_t rows = a.shape()[0], cols = a.shape()[1];
  if (rows == 0 || cols == 0)
    throw std::invalid_argument(std::string(who) + ": empty matrix (" + std::to_string(rows) + " x " +
                                std::to_string(cols) + ")");
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      if (!std::isfinite(double(a(i, j))))
        throw std::invalid_argument(std::string(who) + ": value " + std::to_string(double(a(i, j))) + " at (" +
                                    std::to_string(i) + ", " + std::to_string(j) + ") is not finite");
}

}  // namespace detail

/// Thin SVD of a real 2-D expression (float or double; the result has its value type).
template <class E>
auto svd(const xt::xexpression<E>& expression) {
  using T = std::remove_cv_t<typename E::value_type>;
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>, "lamina::linalg::svd: float or double matrices");
  const xt::xtensor<T, 2> a = expression.derived_cast();
  detail::check_matrix(a, "lamina::linalg::svd");
  auto [u, s, vt] = xt::linalg::svd(a, /*full_matrices=*/false, /*compute_uv=*/true);
  // gesdd hands back column-major storage; callers index row-major xtensors.
  return svd_result<T>{xt::xtensor<T, 2>(u), xt::xtensor<T, 1>(s), xt::xtensor<T, 2>(vt)};
}

/// Thin SVD of a float view [m, n] (e.g. a data set flattened to rows), computed in T.
template <class T = double>
svd_result<T> svd(ConstTensorView a) {
  if (a.shape.rank != 2)
    throw std::invalid_argument("lamina::linalg::svd: expected a matrix [m, n], got " + to_string(a.shape));
  const auto view = xt::adapt(a.data, a.size(), xt::no_ownership(), std::array<std::size_t, 2>{a.shape[0], a.shape[1]});
  return svd(xt::xtensor<T, 2>(xt::cast<T>(view)));
}

/// U diag(S) Vt, e.g. to check a decomposition or to rebuild a rank-k approximation from a
/// truncated result.
template <class T>
xt::xtensor<T, 2> reconstruct(const svd_result<T>& r) {
  xt::xtensor<T, 2> us = r.u * xt::view(r.s, xt::newaxis(), xt::all());
  return xt::linalg::dot(us, r.vt);
}

/// The best rank-k approximation (Eckart-Young): the first k singular triplets.
template <class T>
svd_result<T> truncate(const svd_result<T>& r, std::size_t k) {
  if (k > r.s.size())
    throw std::invalid_argument("lamina::linalg::truncate: rank " + std::to_string(k) + " of a decomposition with " +
                                std::to_string(r.s.size()) + " singular values");
  return {xt::view(r.u, xt::all(), xt::range(0, k)), xt::view(r.s, xt::range(0, k)),
          xt::view(r.vt, xt::range(0, k), xt::all())};
}

}  // namespace lamina::linalg
