#pragma once
// Sequences of balls moving at constant speed, bouncing elastically off the frame's walls and
// (optionally) off each other, rendered like balls.hpp (CSIT6000M task 6: next-frame
// prediction).
//
//   auto seqs = lm::data::make_bouncing_balls({.sequences = 200, .frames = 20, .size = 32, .seed = 1});
//   seqs.frames                                   // [200, 20, 1, 32, 32]
//   auto pairs = lm::data::next_frame_pairs(seqs, 3);
//   pairs.inputs                                  // [200 * 17, 3, 32, 32]: frames t-3, t-2, t-1 as channels
//   pairs.targets                                 // [200 * 17, 1, 32, 32]: frame t
//
// Physics per frame, in `substeps` equal steps: move; reflect at the walls (a ball's edge never
// leaves the frame: position mirrored, velocity component negated); with collisions, pairs
// that overlap and approach exchange momentum along their centre line (masses ~ r^2, perfectly
// elastic) and are pushed apart. Kinetic energy is conserved.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../core/config.hpp"
#include "../core/rng.hpp"
#include "../core/tensor.hpp"
#include "balls.hpp"

namespace lamina::data {

struct moving_ball : ball {
  float vx = 0, vy = 0;  // pixels per frame
};

struct bouncing_balls_options {
  std::size_t sequences = 100;
  std::size_t frames = 20;                  // frames per sequence
  std::size_t size = 32;                    // frame height = width (e.g. 32 or 64)
  std::size_t channels = 1;                 // 1 (grey) or 3 (colour)
  std::size_t min_balls = 1, max_balls = 3;
  float min_radius = 3.0f, max_radius = 5.0f;
  float min_speed = 0.5f, max_speed = 2.0f;  // pixels per frame
  float min_level = 0.5f, max_level = 1.0f;
  bool collisions = true;                   // ball-ball collisions (else balls pass through)
  std::size_t substeps = 4;
  std::uint64_t seed = 0;
};

struct ball_sequences {
  Tensor frames;                                       // [S, T, C, size, size]
  std::vector<std::vector<std::vector<moving_ball>>> states;  // [S][T][ball]: state at each frame
  std::size_t sequences() const { return frames.shape()[0]; }
  std::size_t length() const { return frames.shape()[1]; }
};

// Advances balls by one frame inside a size x size frame.
LAMINA_INLINE void step_balls(std::span<moving_ball> balls, float size, bool collisions, std::size_t substeps = 4);

LAMINA_INLINE ball_sequences make_bouncing_balls(const bouncing_balls_options& o);

struct frame_pairs {
  Tensor inputs;    // [N, k * C, H, W]: k consecutive frames stacked as channels (oldest first)
  Tensor targets;   // [N, C, H, W]: the frame after them
};

// Every window of k frames and the frame that follows it, from every sequence:
// N = S * (T - k), sample (s, t) at index s * (T - k) + (t - k) for t = k .. T-1.
LAMINA_INLINE frame_pairs next_frame_pairs(const ball_sequences& seqs, std::size_t k);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "bouncing_balls-inl.hpp"
#endif
