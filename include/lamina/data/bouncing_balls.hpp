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

/// A ball with a velocity, as simulated by step_balls().
struct moving_ball : ball {
  /// Velocity in pixels per frame, x across the columns and y down the rows.
  ///@{
  float vx = 0, vy = 0;  // pixels per frame
  ///@}
};

/// Options of make_bouncing_balls(): the number, length and size of the sequences, and the
/// balls' sizes, speeds and physics.
struct bouncing_balls_options {
  std::size_t sequences = 100;  ///< Number of sequences S.
  /// Frames per sequence T (at least 1).
  std::size_t frames = 20;
  /// Side of the square frames in pixels (height = width).
  std::size_t size = 32;
  /// Channels C: 1 (grey) or 3 (colour).
  std::size_t channels = 1;
  /// Balls per sequence, drawn uniformly from [min_balls, max_balls]; fixed for the sequence.
  ///@{
  std::size_t min_balls = 1, max_balls = 3;
  ///@}
  /// Radius range in pixels, drawn uniformly per ball.
  ///@{
  float min_radius = 3.0f, max_radius = 5.0f;
  ///@}
  /// Speed range in pixels per frame, drawn uniformly per ball (direction uniform too).
  ///@{
  float min_speed = 0.5f, max_speed = 2.0f;  // pixels per frame
  ///@}
  /// Brightness range in (0, 1]: the grey level, or a colour's brightest channel.
  ///@{
  float min_level = 0.5f, max_level = 1.0f;
  ///@}
  /// Whether balls bounce off each other (elastically); false lets them pass through.
  bool collisions = true;
  std::size_t substeps = 4;  ///< Physics steps per frame; more steps resolve collisions finer.
  std::uint64_t seed = 0;  ///< Seed: sequence s depends only on (seed, s).
};

/// Sequences made by make_bouncing_balls(): the rendered frames and every ball's state.
struct ball_sequences {
  /// Frames [S, T, C, size, size], values in [0, 1].
  Tensor frames;
  /// Each ball's position, velocity, radius and colour [S][T][ball], at every frame.
  std::vector<std::vector<std::vector<moving_ball>>> states;
  /// Number of sequences S.
  std::size_t sequences() const { return frames.shape()[0]; }
  /// Frames per sequence T.
  std::size_t length() const { return frames.shape()[1]; }
};

/// Advances balls by one frame inside a size x size frame.
/// Each frame is `substeps` equal steps; balls reflect off the walls, and off each other with
/// `collisions`.
LAMINA_INLINE void step_balls(std::span<moving_ball> balls, float size, bool collisions, std::size_t substeps = 4);

/// Generates sequences of bouncing balls; throws std::invalid_argument for inconsistent
/// options.
LAMINA_INLINE ball_sequences make_bouncing_balls(const bouncing_balls_options& o);

/// Next-frame prediction samples made by next_frame_pairs(): k frames in, the next frame out.
struct frame_pairs {
  /// Inputs [N, k * C, H, W]: k consecutive frames stacked as channels, oldest first.
  Tensor inputs;
  /// Targets [N, C, H, W]: the frame that follows each input's frames.
  Tensor targets;
};

/// Every window of k frames and the frame that follows it, from every sequence:
/// N = S * (T - k), sample (s, t) at index s * (T - k) + (t - k) for t = k .. T-1.
/// Throws std::invalid_argument unless 1 <= k < T.
LAMINA_INLINE frame_pairs next_frame_pairs(const ball_sequences& seqs, std::size_t k);

}  // namespace lamina::data

#ifndef LAMINA_COMPILED_LIB
#include "bouncing_balls-inl.hpp"
#endif
