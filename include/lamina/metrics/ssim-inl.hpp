#pragma once
// Definitions for ssim.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "ssim.hpp"

namespace lamina::metrics {

namespace detail {

LAMINA_INLINE std::size_t reflect_index(std::ptrdiff_t i, std::size_t n) {
  const std::ptrdiff_t period = 2 * std::ptrdiff_t(n);
  i %= period;
  if (i < 0) i += period;
  return std::size_t(i < std::ptrdiff_t(n) ? i : period - 1 - i);
}

LAMINA_INLINE std::vector<double> gaussian_taps(double sigma, std::size_t radius) {
  std::vector<double> w(2 * radius + 1);
  double sum = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double x = double(std::ptrdiff_t(i) - std::ptrdiff_t(radius));
    w[i] = sigma > 0 ? std::exp(-0.5 / (sigma * sigma) * x * x) : (x == 0 ? 1.0 : 0.0);
    sum += w[i];
  }
  for (double& v : w) v /= sum;
  return w;
}

LAMINA_INLINE ssim_setup::ssim_setup(const ssim_options& o, const image_layout& l, const char* who) {
  check_data_range(o.data_range, who);
  if (!(o.sigma > 0) || !(o.truncate > 0) || !(o.k1 >= 0) || !(o.k2 >= 0))
    throw std::invalid_argument(std::string(who) + ": sigma and truncate must be positive, K1 and K2 non-negative");
  radius = std::size_t(o.truncate * o.sigma + 0.5);
  win = 2 * radius + 1;
  taps = gaussian_taps(o.sigma, radius);
  c1 = (o.k1 * o.data_range) * (o.k1 * o.data_range);
  c2 = (o.k2 * o.data_range) * (o.k2 * o.data_range);
  if (l.n && (l.h < win || l.w < win))
    throw std::invalid_argument(std::string(who) + ": images of " + std::to_string(l.h) + " x " +
                                std::to_string(l.w) + " pixels are smaller than the " + std::to_string(win) + " x " +
                                std::to_string(win) + " Gaussian window (skimage's rule: H and W >= " +
                                std::to_string(win) + ")");
}

LAMINA_INLINE double ssim_plane(const float* x, const float* y, std::size_t h, std::size_t w, const ssim_setup& s,
                                ssim_workspace& ws, float* map) {
  const std::size_t r = s.radius, taps = s.taps.size();
  const std::size_t r0 = map ? 0 : r, r1 = map ? h : h - r;  // output rows
  const std::size_t c0 = map ? 0 : r, c1 = map ? w : w - r;  // output columns
  const std::size_t rows = r1 - r0, cols = c1 - c0, wp = w + 2 * r;
  ws.vert.assign(5 * rows * w, 0.0);
  if (map) ws.row.resize(5 * wp);
  ws.acc.resize(5 * w);
  double* v[5];
  for (int k = 0; k < 5; ++k) v[k] = ws.vert.data() + std::size_t(k) * rows * w;

  // Axis 0 (rows) first, as scipy.ndimage.gaussian_filter does.
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t oi = i * w;
    for (std::size_t t = 0; t < taps; ++t) {
      const std::size_t src = reflect_index(std::ptrdiff_t(r0 + i + t) - std::ptrdiff_t(r), h) * w;
      const double wt = s.taps[t];
      const float* xr = x + src;
      const float* yr = y + src;
      double *vx = v[0] + oi, *vy = v[1] + oi, *vxx = v[2] + oi, *vyy = v[3] + oi, *vxy = v[4] + oi;
      LAMINA_OMP(omp simd)
      for (std::size_t j = 0; j < w; ++j) {
        const double a = xr[j], b = yr[j];
        vx[j] += wt * a;
        vy[j] += wt * b;
        vxx[j] += wt * (a * a);
        vyy[j] += wt * (b * b);
        vxy[j] += wt * (a * b);
      }
    }
  }

  // Axis 1 (columns), then the SSIM formula, row by row.
  double total = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    for (int k = 0; k < 5; ++k) {
      const double* src = v[k] + i * w;
      // Output column c0 + j reads input columns c0 + j - r .. c0 + j + r: inside the row for the
      // cropped region; the full map reads a reflect-padded copy ([r | W | r]).
      const double* base = src + (c0 - (map ? 0 : r));  // crop: c0 == r, so the row itself
      if (map) {
        double* pad = ws.row.data() + std::size_t(k) * wp;
        std::copy(src, src + w, pad + r);
        for (std::size_t e = 0; e < r; ++e) {
          pad[e] = src[reflect_index(std::ptrdiff_t(e) - std::ptrdiff_t(r), w)];
          pad[r + w + e] = src[reflect_index(std::ptrdiff_t(w + e), w)];
        }
        base = pad + c0;
      }
      double* acc = ws.acc.data() + std::size_t(k) * w;
      std::fill(acc, acc + cols, 0.0);
      for (std::size_t t = 0; t < taps; ++t) {
        const double wt = s.taps[t];
        const double* in = base + t;
        LAMINA_OMP(omp simd)
        for (std::size_t j = 0; j < cols; ++j) acc[j] += wt * in[j];
      }
    }
    const double *ux = ws.acc.data(), *uy = ux + w, *uxx = uy + w, *uyy = uxx + w, *uxy = uyy + w;
    double row_sum = 0;
    const bool in_crop = r0 + i >= r && r0 + i < h - r;
    for (std::size_t j = 0; j < cols; ++j) {
      const double vx = uxx[j] - ux[j] * ux[j];
      const double vy = uyy[j] - uy[j] * uy[j];
      const double vxy = uxy[j] - ux[j] * uy[j];
      const double a1 = 2 * ux[j] * uy[j] + s.c1, a2 = 2 * vxy + s.c2;
      // b1 = ux^2 + uy^2 + C1 and b2 = vx + vy + C2, written as a1 and a2 plus what they lack, so
      // that identical images give exactly 1 whether or not the compiler fuses multiply-adds.
      const double d = ux[j] - uy[j];
      const double b1 = a1 + d * d, b2 = a2 + ((vx - vxy) + (vy - vxy));
      const double sv = (a1 * a2) / (b1 * b2);
      if (map) map[(r0 + i) * w + c0 + j] = float(sv);
      const std::size_t cj = c0 + j;
      if (in_crop && cj >= r && cj < w - r) row_sum += sv;
    }
    total += row_sum;
  }
  return total / double((h - 2 * r) * (w - 2 * r));
}

LAMINA_INLINE std::vector<double> ssim_planes(ConstTensorView a, ConstTensorView b, const image_layout& l,
                                              const ssim_setup& s, float* maps) {
  std::vector<double> out(l.planes());
  const std::ptrdiff_t planes = std::ptrdiff_t(l.planes());
  const std::size_t hw = l.plane();
  LAMINA_OMP(omp parallel if (planes > 1 && l.planes() * hw > (1u << 13)))
  {
    ssim_workspace ws;
    LAMINA_OMP(omp for schedule(dynamic, 1))
    for (std::ptrdiff_t p = 0; p < planes; ++p) {
      const std::size_t off = std::size_t(p) * hw;
      out[std::size_t(p)] = ssim_plane(a.data + off, b.data + off, l.h, l.w, s, ws, maps ? maps + off : nullptr);
    }
  }
  return out;
}

LAMINA_INLINE std::vector<double> per_image_means(const std::vector<double>& planes, const image_layout& l) {
  std::vector<double> out(l.n);
  for (std::size_t i = 0; i < l.n; ++i) {
    double sum = 0;
    for (std::size_t c = 0; c < l.c; ++c) sum += planes[i * l.c + c];
    out[i] = sum / double(l.c);
  }
  return out;
}

}  // namespace detail

LAMINA_INLINE std::vector<double> ssim_per_image(ConstTensorView a, ConstTensorView b, const ssim_options& o) {
  const auto l = detail::image_pair_layout(a, b, "metrics::ssim");
  const detail::ssim_setup s(o, l, "metrics::ssim");
  return detail::per_image_means(detail::ssim_planes(a, b, l, s), l);
}
LAMINA_INLINE std::vector<double> ssim_per_image(ConstTensorView a, ConstTensorView b, double data_range) {
  return ssim_per_image(a, b, ssim_options{.data_range = data_range});
}

LAMINA_INLINE double ssim(ConstTensorView a, ConstTensorView b, const ssim_options& o) {
  const auto per = ssim_per_image(a, b, o);
  double sum = 0;
  for (double v : per) sum += v;
  return per.empty() ? 0.0 : sum / double(per.size());
}
LAMINA_INLINE double ssim(ConstTensorView a, ConstTensorView b, double data_range) {
  return ssim(a, b, ssim_options{.data_range = data_range});
}

LAMINA_INLINE Tensor ssim_map(ConstTensorView a, ConstTensorView b, const ssim_options& o) {
  const auto l = detail::image_pair_layout(a, b, "metrics::ssim_map");
  const detail::ssim_setup s(o, l, "metrics::ssim_map");
  Tensor map(a.shape);
  detail::ssim_planes(a, b, l, s, map.data());
  return map;
}

}  // namespace lamina::metrics
