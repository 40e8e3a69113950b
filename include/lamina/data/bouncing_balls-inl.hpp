#pragma once
// Definitions for bouncing_balls.hpp (compiled once in lamina::compiled, or inline; see LAMINA_INLINE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "bouncing_balls.hpp"

namespace lamina::data {

LAMINA_INLINE void step_balls(std::span<moving_ball> balls, float size, bool collisions, std::size_t substeps) {
  const float dt = 1.0f / float(std::max<std::size_t>(substeps, 1));
  for (std::size_t s = 0; s < std::max<std::size_t>(substeps, 1); ++s) {
    for (auto& b : balls) {
      b.x += b.vx * dt;
      b.y += b.vy * dt;
      auto reflect = [&](float& p, float& v) {
        const float lo = b.radius, hi = size - b.radius;
        if (p < lo) {
          p = 2 * lo - p;
          v = std::abs(v);
        } else if (p > hi) {
          p = 2 * hi - p;
          v = -std::abs(v);
        }
        p = std::clamp(p, lo, hi);
      };
      reflect(b.x, b.vx);
      reflect(b.y, b.vy);
    }
    if (!collisions) continue;
    for (std::size_t i = 0; i < balls.size(); ++i)
      for (std::size_t j = i + 1; j < balls.size(); ++j) {
        moving_ball &a = balls[i], &b = balls[j];
        const float dx = b.x - a.x, dy = b.y - a.y;
        const float dist = std::sqrt(dx * dx + dy * dy), touch = a.radius + b.radius;
        if (dist >= touch || dist == 0) continue;
        const float nx = dx / dist, ny = dy / dist;
        const float ma = a.radius * a.radius, mb = b.radius * b.radius;
        const float approach = (a.vx - b.vx) * nx + (a.vy - b.vy) * ny;  // > 0: closing in
        if (approach > 0) {
          const float ja = 2 * mb / (ma + mb) * approach, jb = 2 * ma / (ma + mb) * approach;
          a.vx -= ja * nx, a.vy -= ja * ny;
          b.vx += jb * nx, b.vy += jb * ny;
        }
        // Push apart along the centre line (in proportion to the other's mass), then keep
        // both inside the walls.
        const float overlap = touch - dist;
        a.x -= overlap * mb / (ma + mb) * nx, a.y -= overlap * mb / (ma + mb) * ny;
        b.x += overlap * ma / (ma + mb) * nx, b.y += overlap * ma / (ma + mb) * ny;
        for (moving_ball* m : {&a, &b}) {
          m->x = std::clamp(m->x, m->radius, size - m->radius);
          m->y = std::clamp(m->y, m->radius, size - m->radius);
        }
      }
  }
}

LAMINA_INLINE ball_sequences make_bouncing_balls(const bouncing_balls_options& o) {
  balls_options place;  // reuse the count-set placement: balls apart and inside the frame
  place.size = o.size, place.channels = o.channels, place.min_balls = o.min_balls, place.max_balls = o.max_balls;
  place.min_radius = o.min_radius, place.max_radius = o.max_radius;
  place.min_level = o.min_level, place.max_level = o.max_level;
  place.min_gap = o.collisions ? 1.0f : -1e9f;
  detail::check_balls_options(place);
  if (o.frames == 0) throw std::invalid_argument("lamina::data::bouncing_balls_options: frames must be >= 1");
  if (!(o.min_speed >= 0 && o.min_speed <= o.max_speed))
    throw std::invalid_argument("lamina::data::bouncing_balls_options: need 0 <= min_speed <= max_speed");

  ball_sequences out;
  out.frames = Tensor(make_dims(o.sequences, o.frames, o.channels, o.size, o.size));
  out.states.resize(o.sequences);
  const std::size_t per = o.channels * o.size * o.size;
  for (std::size_t s = 0; s < o.sequences; ++s) {
    rng gen = detail::sample_rng(o.seed, 2, s);
    const std::size_t n = o.min_balls + std::size_t(gen.below(o.max_balls - o.min_balls + 1));
    std::vector<moving_ball> balls;
    for (const ball& b : detail::place_balls(n, place, gen)) {
      moving_ball m;
      static_cast<ball&>(m) = b;
      const float speed = gen.uniform(o.min_speed, o.max_speed);
      const double angle = 2 * std::numbers::pi * double(gen.uniform());
      m.vx = float(speed * std::cos(angle));
      m.vy = float(speed * std::sin(angle));
      balls.push_back(m);
    }
    out.states[s].resize(o.frames);
    std::vector<ball> plain(balls.size());
    for (std::size_t t = 0; t < o.frames; ++t) {
      if (t > 0) step_balls(balls, float(o.size), o.collisions, o.substeps);
      out.states[s][t] = balls;
      for (std::size_t i = 0; i < balls.size(); ++i) plain[i] = balls[i];
      render_balls(plain, {out.frames.data() + (s * o.frames + t) * per, make_dims(o.channels, o.size, o.size)});
    }
  }
  return out;
}

LAMINA_INLINE frame_pairs next_frame_pairs(const ball_sequences& seqs, std::size_t k) {
  const dims& d = seqs.frames.shape();  // [S, T, C, H, W]
  const std::size_t S = d[0], T = d[1], C = d[2], H = d[3], W = d[4], per = C * H * W;
  if (k == 0 || k >= T)
    throw std::invalid_argument("lamina::data::next_frame_pairs: need 1 <= k < frames (" + std::to_string(T) +
                                "), got k = " + std::to_string(k));
  const std::size_t n = S * (T - k);
  frame_pairs p{Tensor(make_dims(n, k * C, H, W)), Tensor(make_dims(n, C, H, W))};
  for (std::size_t s = 0; s < S; ++s)
    for (std::size_t t = k; t < T; ++t) {
      const std::size_t i = s * (T - k) + (t - k);
      const float* seq = seqs.frames.data() + s * T * per;
      std::copy_n(seq + (t - k) * per, k * per, p.inputs.data() + i * k * per);
      std::copy_n(seq + t * per, per, p.targets.data() + i * per);
    }
  return p;
}

}  // namespace lamina::data
