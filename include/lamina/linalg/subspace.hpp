#pragma once
// Comparing linear subspaces of R^d: an orthonormal basis of the span of a matrix's columns,
// and the principal angles between two spans (as scipy.linalg.subspace_angles, in ascending
// order). Used to ask how close a network's weights come to the PCA subspace.
//
//   auto q = lm::linalg::orthonormal_basis(a);              // a [d, p] -> q [d, rank]
//   auto theta = lm::linalg::principal_angles(a, b);        // a [d, p], b [d, q]: min(rank) angles, radians
//   auto rows = lm::linalg::principal_angles(xt::transpose(w1), xt::transpose(p.components));  // row spans
//
// Needs LAPACK (link lamina::linalg); see svd.hpp.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>

#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>
#include <xtensor-blas/xlinalg.hpp>

#include "svd.hpp"

namespace lamina::linalg {

/// An orthonormal basis [d, r] of the span of the columns of a [d, p]: the left singular vectors
/// whose singular value exceeds rtol * the largest (so dependent columns count once; rtol = 0
/// means max(d, p) * machine epsilon, as numpy.linalg.matrix_rank). A zero matrix gives r = 0.
template <class E>
auto orthonormal_basis(const xt::xexpression<E>& a, double rtol = 0) {
  using T = std::remove_cv_t<typename E::value_type>;
  const xt::xtensor<T, 2> m = a.derived_cast();
  const auto r = svd(m);
  if (rtol <= 0) rtol = double(std::max(m.shape()[0], m.shape()[1])) * std::numeric_limits<T>::epsilon();
  std::size_t rank = 0;
  while (rank < r.s.size() && double(r.s(rank)) > rtol * double(r.s(0))) ++rank;
  return xt::xtensor<T, 2>(xt::view(r.u, xt::all(), xt::range(0, rank)));
}

/// The principal angles (radians, ascending, in [0, pi/2]) between span(columns of a) and
/// span(columns of b), both [d, .]: min(rank a, rank b) of them. theta_1 = 0 when the spans
/// share a direction, all are pi/2 when they are orthogonal. Small angles come from sines and
/// large ones from cosines (Bjorck and Golub), so both ends are accurate.
template <class EA, class EB>
auto principal_angles(const xt::xexpression<EA>& a, const xt::xexpression<EB>& b) {
  using T = std::common_type_t<std::remove_cv_t<typename EA::value_type>, std::remove_cv_t<typename EB::value_type>>;
  const xt::xtensor<T, 2> ma = a.derived_cast(), mb = b.derived_cast();
  if (ma.shape()[0] != mb.shape()[0])
    throw std::invalid_argument("lamina::linalg::principal_angles: the bases live in R^" + std::to_string(ma.shape()[0]) +
                                " and R^" + std::to_string(mb.shape()[0]) + "; both need the same number of rows");
  xt::xtensor<T, 2> qa = orthonormal_basis(ma), qb = orthonormal_basis(mb);
  if (qa.shape()[1] < qb.shape()[1]) std::swap(qa, qb);  // qb is the smaller space
  const std::size_t k = qb.shape()[1];
  xt::xtensor<T, 1> angles = xt::zeros<T>({k});
  if (k == 0) return angles;
  // cos theta_i: singular values of qa^T qb (descending -> angles ascending).
  const xt::xtensor<T, 2> c = xt::linalg::dot(xt::transpose(qa), qb);
  const auto cosines = svd(c).s;
  // sin theta_i: singular values of the part of qb outside span(qa) (descending -> angles
  // descending, so read them backwards).
  const xt::xtensor<T, 2> residual = qb - xt::linalg::dot(qa, c);
  const auto sines = svd(residual).s;
  for (std::size_t i = 0; i < k; ++i) {
    const double cs = std::clamp(double(cosines(i)), 0.0, 1.0);
    const double sn = std::clamp(double(sines(sines.size() - 1 - i)), 0.0, 1.0);
    angles(i) = T(cs * cs > 0.5 ? std::asin(sn) : std::acos(cs));
  }
  std::sort(angles.begin(), angles.end());
  return angles;
}

}  // namespace lamina::linalg
