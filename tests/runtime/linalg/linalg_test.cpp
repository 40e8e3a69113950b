// lamina::linalg: SVD, PCA and principal angles (xtensor-blas + LAPACK). Compiled only when the
// build found LAPACK (target lamina::linalg, which defines LAMINA_TEST_LINALG for this file).
#ifdef LAMINA_TEST_LINALG
#include <catch2/catch.hpp>
#include <lamina/core/rng.hpp>
#include <lamina/linalg/linalg.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

namespace lm = lamina;
namespace la = lamina::linalg;

namespace {

xt::xtensor<double, 2> random_matrix(std::size_t m, std::size_t n, std::uint64_t seed) {
  lm::rng gen(seed);
  xt::xtensor<double, 2> a = xt::zeros<double>({m, n});
  for (double& v : a) v = double(gen.normal());
  return a;
}

// max |a - b| over all entries.
template <class A, class B>
double max_abs_diff(const A& a, const B& b) {
  return xt::amax(xt::abs(xt::xtensor<double, 2>(a) - xt::xtensor<double, 2>(b)))();
}

xt::xtensor<double, 2> identity(std::size_t n) { return xt::eye<double>(n); }

}  // namespace

TEST_CASE("linalg: thin SVD reconstructs tall and wide matrices with orthonormal factors", "[linalg][svd]") {
  for (auto [m, n] : {std::pair<std::size_t, std::size_t>{7, 5}, {5, 7}, {6, 6}, {1, 4}}) {
    CAPTURE(m, n);
    const auto a = random_matrix(m, n, 10 * m + n);
    const auto r = la::svd(a);
    const std::size_t k = std::min(m, n);
    REQUIRE(r.u.shape()[0] == m);
    REQUIRE(r.u.shape()[1] == k);
    REQUIRE(r.s.size() == k);
    REQUIRE(r.vt.shape()[0] == k);
    REQUIRE(r.vt.shape()[1] == n);
    CHECK(max_abs_diff(la::reconstruct(r), a) < 1e-12);
    CHECK(max_abs_diff(xt::linalg::dot(xt::transpose(r.u), r.u), identity(k)) < 1e-12);
    CHECK(max_abs_diff(xt::linalg::dot(r.vt, xt::transpose(r.vt)), identity(k)) < 1e-12);
    for (std::size_t i = 0; i < k; ++i) {
      CHECK(r.s(i) >= 0);
      if (i > 0) CHECK(r.s(i) <= r.s(i - 1));
    }
  }
}

TEST_CASE("linalg: singular values of known matrices", "[linalg][svd]") {
  // A diagonal matrix with permuted, signed entries: singular values are the sorted magnitudes.
  xt::xtensor<double, 2> d = {{0, -3, 0}, {2, 0, 0}, {0, 0, 0.5}, {0, 0, 0}};
  const auto r = la::svd(d);
  CHECK(r.s(0) == Approx(3));
  CHECK(r.s(1) == Approx(2));
  CHECK(r.s(2) == Approx(0.5));
  // A rank-1 outer product u v^T: one singular value |u| |v|, the rest zero.
  xt::xtensor<double, 2> outer = {{1, 2}, {2, 4}, {3, 6}};
  const auto o = la::svd(outer);
  CHECK(o.s(0) == Approx(std::sqrt(14.0) * std::sqrt(5.0)));
  CHECK(o.s(1) == Approx(0).margin(1e-12));
  // The best rank-1 approximation of `d` keeps only its largest singular triplet.
  const auto rank1 = la::reconstruct(la::truncate(r, 1));
  xt::xtensor<double, 2> expected = xt::zeros<double>({4, 3});
  expected(0, 1) = -3;
  CHECK(max_abs_diff(rank1, expected) < 1e-12);
  CHECK_THROWS_AS(la::truncate(r, 4), std::invalid_argument);
}

TEST_CASE("linalg: SVD of a float TensorView, computed in double or float", "[linalg][svd]") {
  std::vector<float> values(6 * 4);
  lm::rng gen(3);
  for (float& v : values) v = gen.uniform();
  const lm::ConstTensorView view{values.data(), lm::make_dims(6, 4)};
  const auto as_matrix = xt::adapt(values, std::vector<std::size_t>{6, 4});
  const auto d = la::svd(view);  // double
  static_assert(std::is_same_v<decltype(d.s)::value_type, double>);
  CHECK(max_abs_diff(la::reconstruct(d), xt::xtensor<double, 2>(xt::cast<double>(as_matrix))) < 1e-6);
  const auto f = la::svd<float>(view);
  static_assert(std::is_same_v<decltype(f.s)::value_type, float>);
  CHECK(max_abs_diff(la::reconstruct(f), xt::xtensor<double, 2>(xt::cast<double>(as_matrix))) < 1e-5);
  for (std::size_t i = 0; i < 4; ++i) CHECK(f.s(i) == Approx(d.s(i)).epsilon(1e-5));
}

TEST_CASE("linalg: SVD rejects what LAPACK cannot handle, naming the problem", "[linalg][svd]") {
  xt::xtensor<double, 2> bad = {{1, 2}, {3, std::numeric_limits<double>::quiet_NaN()}};
  CHECK_THROWS_WITH(la::svd(bad), Catch::Contains("(1, 1) is not finite"));
  std::vector<float> v(6);
  CHECK_THROWS_WITH(la::svd(lm::ConstTensorView{v.data(), lm::make_dims(1, 2, 3)}), Catch::Contains("expected a matrix"));
  xt::xtensor<double, 2> empty = xt::zeros<double>({0, 3});
  CHECK_THROWS_WITH(la::svd(empty), Catch::Contains("empty matrix"));
}

TEST_CASE("linalg: orthonormal basis of a column span drops dependent columns", "[linalg][subspace]") {
  // Columns: e1, 2 e1 + e2, e1 + e2 (dependent): a 2-D span of R^4.
  xt::xtensor<double, 2> a = {{1, 2, 1}, {0, 1, 1}, {0, 0, 0}, {0, 0, 0}};
  const auto q = la::orthonormal_basis(a);
  REQUIRE(q.shape()[0] == 4);
  REQUIRE(q.shape()[1] == 2);
  CHECK(max_abs_diff(xt::linalg::dot(xt::transpose(q), q), identity(2)) < 1e-12);
  // The projector onto span(q) is diag(1, 1, 0, 0).
  xt::xtensor<double, 2> projector = xt::zeros<double>({4, 4});
  projector(0, 0) = projector(1, 1) = 1;
  CHECK(max_abs_diff(xt::linalg::dot(q, xt::transpose(q)), projector) < 1e-12);
  CHECK(la::orthonormal_basis(xt::xtensor<double, 2>(xt::zeros<double>({3, 2}))).shape()[1] == 0);
}

TEST_CASE("linalg: principal angles of identical, orthogonal and 45-degree subspaces", "[linalg][subspace]") {
  const double pi = std::numbers::pi;
  const auto a = random_matrix(10, 3, 1);
  SECTION("a subspace with itself, given by another basis: all angles 0") {
    xt::xtensor<double, 2> mix = {{1, 2, 0}, {0, 1, 3}, {1, 0, 1}};  // invertible
    const auto angles = la::principal_angles(a, xt::linalg::dot(a, mix));
    REQUIRE(angles.size() == 3);
    for (double t : angles) CHECK(t == Approx(0).margin(1e-7));
  }
  SECTION("orthogonal subspaces: all angles pi/2") {
    xt::xtensor<double, 2> x = xt::zeros<double>({5, 2}), y = xt::zeros<double>({5, 2});
    x(0, 0) = x(1, 1) = 1;
    y(2, 0) = 3, y(3, 1) = -1, y(4, 1) = 2;
    const auto angles = la::principal_angles(x, y);
    REQUIRE(angles.size() == 2);
    for (double t : angles) CHECK(t == Approx(pi / 2));
  }
  SECTION("lines e1 and e1 + e2: pi/4, either order") {
    xt::xtensor<double, 2> e1 = {{1}, {0}, {0}}, diag = {{1}, {1}, {0}};
    CHECK(la::principal_angles(e1, diag)(0) == Approx(pi / 4));
    CHECK(la::principal_angles(diag, e1)(0) == Approx(pi / 4));
  }
  SECTION("planes sharing a line, tilted by t: angles {0, t}, ascending, accurate for tiny t") {
    for (double t : {0.3, 1e-6}) {
      CAPTURE(t);
      xt::xtensor<double, 2> p = {{1, 0}, {0, 1}, {0, 0}, {0, 0}};
      xt::xtensor<double, 2> q = {{0, 2}, {std::cos(t), 0}, {std::sin(t), 0}, {0, 0}};
      const auto angles = la::principal_angles(p, q);
      REQUIRE(angles.size() == 2);
      CHECK(angles(0) == Approx(0).margin(1e-12));
      CHECK(angles(1) == Approx(t).epsilon(1e-9));
    }
  }
  SECTION("a line and a plane: one angle, the line's angle to the plane") {
    xt::xtensor<double, 2> plane = {{1, 0}, {0, 1}, {0, 0}};
    xt::xtensor<double, 2> line = {{1}, {0}, {1}};
    const auto angles = la::principal_angles(plane, line);
    REQUIRE(angles.size() == 1);
    CHECK(angles(0) == Approx(pi / 4));
  }
  CHECK_THROWS_WITH(la::principal_angles(a, random_matrix(9, 2, 2)), Catch::Contains("same number of rows"));
}

TEST_CASE("linalg: PCA of a hand-checked 2-D example", "[linalg][pca]") {
  // Four points on the axes around (10, -5): variances (n - 1 = 3) 8/3 along x and 2/3 along y.
  xt::xtensor<double, 2> x = {{12, -5}, {10, -4}, {8, -5}, {10, -6}};
  const auto p = la::pca(x);
  REQUIRE(p.size() == 2);
  CHECK(p.mean(0) == Approx(10));
  CHECK(p.mean(1) == Approx(-5));
  CHECK(p.explained_variance(0) == Approx(8.0 / 3));
  CHECK(p.explained_variance(1) == Approx(2.0 / 3));
  CHECK(p.explained_variance_ratio(0) == Approx(0.8));
  CHECK(p.explained_variance_ratio(1) == Approx(0.2));
  CHECK(p.singular_values(0) == Approx(std::sqrt(8.0)));
  // Components: +x then +y (largest entry positive).
  CHECK(p.components(0, 0) == Approx(1));
  CHECK(p.components(0, 1) == Approx(0).margin(1e-12));
  CHECK(p.components(1, 1) == Approx(1));
  // Coordinates, and the rank-1 reconstruction drops the y deviation.
  const auto z = p.encode(x);
  CHECK(z(0, 0) == Approx(2));
  CHECK(z(1, 1) == Approx(1));
  const auto y1 = p.reconstruct(x, 1);
  xt::xtensor<double, 2> expected = {{12, -5}, {10, -5}, {8, -5}, {10, -5}};
  CHECK(max_abs_diff(y1, expected) < 1e-12);
  CHECK(max_abs_diff(p.reconstruct(x), x) < 1e-12);
  CHECK_THROWS_WITH(p.encode(xt::xtensor<double, 2>(xt::zeros<double>({1, 3}))), Catch::Contains("fitted to 2"));
  CHECK_THROWS_WITH(la::pca(xt::xtensor<double, 2>({{1, 2}})), Catch::Contains("at least 2 samples"));
}

TEST_CASE("linalg: PCA of a rotated ellipse finds the rotation, its projection is the best rank-k fit",
          "[linalg][pca]") {
  // Points with standard deviations 3 and 1 along the diagonals of the plane, in R^3 (z = 0).
  const double c = std::sqrt(0.5);
  lm::rng gen(5);
  xt::xtensor<double, 2> x = xt::zeros<double>({200, 3});
  for (std::size_t i = 0; i < 200; ++i) {
    const double u = 3 * gen.normal(), v = gen.normal();
    x(i, 0) = 1 + c * (u - v), x(i, 1) = 2 + c * (u + v), x(i, 2) = 0;
  }
  const auto p = la::pca(x, 2);
  REQUIRE(p.size() == 2);
  CHECK(std::abs(p.components(0, 0)) == Approx(c).epsilon(0.02));
  CHECK(p.components(0, 0) * p.components(0, 1) > 0);  // along (1, 1)
  CHECK(p.components(1, 0) * p.components(1, 1) < 0);  // along (1, -1)
  CHECK(p.explained_variance(0) / p.explained_variance(1) == Approx(9).epsilon(0.2));
  CHECK(p.explained_variance_ratio(0) + p.explained_variance_ratio(1) == Approx(1));
  // The rank-1 PCA fit has a smaller error than projecting on any other line through the mean.
  const double pca_error = xt::sum(xt::square(x - p.reconstruct(x, 1)))();
  for (double angle : {0.0, 0.5, 1.0, 2.0}) {
    xt::xtensor<double, 2> dir = {{std::cos(angle), std::sin(angle), 0}};
    const xt::xtensor<double, 2> centred = x - xt::view(p.mean, xt::newaxis(), xt::all());
    const xt::xtensor<double, 2> proj = xt::linalg::dot(xt::linalg::dot(centred, xt::transpose(dir)), dir);
    CHECK(pca_error <= xt::sum(xt::square(centred - proj))() + 1e-9);
  }
  // The float-view overload gives the same components.
  std::vector<float> values(x.begin(), x.end());
  const auto q = la::pca(lm::ConstTensorView{values.data(), lm::make_dims(200, 3)}, 2);
  CHECK(std::abs(q.components(0, 0)) == Approx(std::abs(p.components(0, 0))).epsilon(1e-5));
}
#endif  // LAMINA_TEST_LINALG
