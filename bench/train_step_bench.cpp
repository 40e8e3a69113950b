// lamina_train_bench: samples/s of one training step (forward + loss + backward + optimizer
// update on one batch, float32, or under --precision bf16/fp16 autocast) or of inference (forward
// only) for the reference workloads in bench/workloads.hpp. Threads: OMP_NUM_THREADS (OpenMP's
// default otherwise).
//
//   lamina_train_bench [--workloads W1,W7] [--mode train|infer|both] [--rounds R] [--steps T]
//                      [--round-ms MS] [--warmup-ms MS] [--seed S] [--breakdown] [--quick]
//                      [--backend cpu|cuda] [--precision fp32|bf16|fp16]
//   lamina_train_bench --list
//   lamina_train_bench --serve          (driven over stdin by bench/run.py)
//
// Output: JSON lines on stdout, one per timed round
//   {"event":"round","impl":"lamina","workload":"W1","name":"fmnist-mlp","mode":"train",
//    "threads":2,"batch":64,"round":0,"steps":120,"seconds":0.51,"samples_per_s":15060.2,
//    "loss":2.30}
// then one {"event":"summary",...,"median":...,"min":...,"max":...} per workload and mode.
// bench/pytorch_workloads.py prints the same lines with "impl":"pytorch".
//
// Each round times T back-to-back steps on the same batch; T is --steps, or calibrated during
// warm-up so that a round lasts about --round-ms. --quick (2 short rounds) runs in well under a
// second, for smoke tests.
//
// --backend cuda (lamina_train_bench_cuda only: train_step_bench.cu, this file compiled as CUDA)
// runs the same workloads on lm::cuda; its lines carry "backend":"cuda". A training step ends
// with the loss value on the host, so it is timed complete; --breakdown waits for the GPU
// around each phase.
//
// --serve reads one command per line and answers each with one JSON line:
//   prepare <id> <train|infer> <warmup_ms> <round_ms>  -> {"event":"ready",...,"steps":T}
//   round <id> <train|infer> <steps> <round_index> [max_ms]  -> {"event":"round",...}
//                                  (max_ms > 0: stop early once the round has taken that long)
//   breakdown <id> <steps>                             -> {"event":"breakdown",...}
//   quit
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "workloads.hpp"

namespace {

namespace lb = lamina::bench;
using clk = std::chrono::steady_clock;

std::string backend = "cpu";                          // --backend
lamina::precision precision = lamina::precision::fp32;  // --precision (the models' autocast)

// A runner for workload `id` on the chosen backend (null when unknown).
std::unique_ptr<lb::runner> make_runner(std::string_view id, std::uint64_t seed) {
#if defined(__CUDACC__)
  if (backend == "cuda") return lb::make_runner<lamina::cuda>(id, seed, precision);
#endif
  return lb::make_runner<lamina::cpu>(id, seed, precision);
}

int threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

const char* mode_name(lb::mode m) { return m == lb::mode::train ? "train" : "infer"; }

bool parse_mode(std::string_view s, lb::mode& m) {
  if (s == "train") m = lb::mode::train;
  else if (s == "infer") m = lb::mode::infer;
  else return false;
  return true;
}

double seconds_since(clk::time_point t0) {
  return std::chrono::duration<double>(clk::now() - t0).count();
}

// Warms `r` up for about warmup_ms (at least 3 steps) and returns the steps that make a round
// of about round_ms.
std::size_t warm_up(lb::runner& r, lb::mode m, double warmup_ms, double round_ms) {
  r.step(m);  // first touch of every buffer, thread pool start
  std::size_t n = 0;
  const auto t0 = clk::now();
  double s = 0;
  do {
    r.step(m);
    ++n;
    s = seconds_since(t0);
  } while (n < 2 || s * 1e3 < warmup_ms);
  const double step_s = s / double(n);
  return std::max<std::size_t>(1, std::size_t(std::llround(round_ms * 1e-3 / step_s)));
}

std::string head(const lb::runner& r, lb::mode m, const char* event) {
  std::ostringstream o;
  o << "{\"event\":\"" << event << "\",\"impl\":\"lamina\",\"workload\":\"" << r.id()
    << "\",\"name\":\"" << r.name() << "\",\"mode\":\"" << mode_name(m)
    << "\",\"threads\":" << threads() << ",\"batch\":" << r.batch();
  if (backend != "cpu") o << ",\"backend\":\"" << backend << '"';
  return o.str();
}

void emit(const std::string& line) {
  std::fputs(line.c_str(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// Times `steps` steps (fewer if the round passes max_ms > 0, as on a contended machine);
// returns samples/s and prints the round line.
double run_round(lb::runner& r, lb::mode m, std::size_t steps, int round_index, double max_ms = 0) {
  float last = 0;
  const auto t0 = clk::now();
  for (std::size_t i = 0; i < steps; ++i) {
    last = r.step(m);
    if (max_ms > 0 && seconds_since(t0) * 1e3 > max_ms) steps = i + 1;
  }
  const double s = seconds_since(t0);
  const double sps = double(steps * r.batch()) / s;
  std::ostringstream o;
  o.precision(7);
  o << head(r, m, "round") << ",\"round\":" << round_index << ",\"steps\":" << steps
    << ",\"seconds\":" << s << ",\"samples_per_s\":" << sps << ",\""
    << (m == lb::mode::train ? "loss" : "out0") << "\":" << last << "}";
  emit(o.str());
  return sps;
}

void run_breakdown(lb::runner& r, std::size_t steps) {
  lb::phase_times t;
  for (std::size_t i = 0; i < steps; ++i) r.timed_train_step(t);
  const double total = t.forward + t.loss + t.backward + t.optimizer;
  const auto us = [&](double s) { return s * 1e6 / double(steps); };
  std::ostringstream o;
  o.precision(5);
  o << head(r, lb::mode::train, "breakdown") << ",\"steps\":" << steps
    << ",\"us_per_step\":{\"forward\":" << us(t.forward) << ",\"loss\":" << us(t.loss)
    << ",\"backward\":" << us(t.backward) << ",\"optimizer\":" << us(t.optimizer)
    << ",\"total\":" << us(total) << "},\"samples_per_s\":" << double(steps * r.batch()) / total
    << "}";
  emit(o.str());
}

double median_of_sorted(const std::vector<double>& v) {
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void emit_error(const std::string& msg) {
  std::string esc;
  for (char c : msg) esc += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  emit("{\"event\":\"error\",\"impl\":\"lamina\",\"message\":\"" + esc + "\"}");
}

std::string hello() {
  std::ostringstream o;
  o << "{\"event\":\"hello\",\"impl\":\"lamina\",\"version\":\"" << LAMINA_VERSION_MAJOR << '.'
    << LAMINA_VERSION_MINOR << '.' << LAMINA_VERSION_PATCH << "\",\"threads\":" << threads()
    << ",\"precision\":\"" << lamina::to_string(precision) << "\",\"workloads\":[";
  const auto ids = lb::workload_ids();
  for (std::size_t i = 0; i < ids.size(); ++i) o << (i ? "," : "") << '"' << ids[i] << '"';
  o << "]}";
  return o.str();
}

int serve(std::uint64_t seed) {
  std::map<std::string, std::unique_ptr<lb::runner>, std::less<>> runners;
  const auto get = [&](const std::string& id) -> lb::runner* {
    auto it = runners.find(id);
    if (it != runners.end()) return it->second.get();
    auto r = make_runner(id, seed);
    if (!r) return nullptr;
    return runners.emplace(id, std::move(r)).first->second.get();
  };
  emit(hello());
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string cmd, id, mstr;
    in >> cmd;
    if (cmd.empty()) continue;
    if (cmd == "quit") break;
    if (cmd == "breakdown") {
      std::size_t steps = 0;
      in >> id >> steps;
      lb::runner* r = get(id);
      if (!r || steps == 0) { emit_error("bad command: " + line); continue; }
      run_breakdown(*r, steps);
      continue;
    }
    lb::mode m{};
    in >> id >> mstr;
    lb::runner* r = get(id);
    if (!r || !parse_mode(mstr, m)) { emit_error("bad command: " + line); continue; }
    if (cmd == "prepare") {
      double warmup_ms = 300, round_ms = 500;
      in >> warmup_ms >> round_ms;
      const std::size_t steps = warm_up(*r, m, warmup_ms, round_ms);
      emit(head(*r, m, "ready") + ",\"params\":" + std::to_string(r->param_count()) +
           ",\"steps\":" + std::to_string(steps) + "}");
    } else if (cmd == "round") {
      std::size_t steps = 0;
      int round_index = 0;
      double max_ms = 0;
      in >> steps >> round_index >> max_ms;
      if (steps == 0) { emit_error("bad command: " + line); continue; }
      run_round(*r, m, steps, round_index, max_ms);
    } else {
      emit_error("unknown command: " + line);
    }
  }
  return 0;
}

[[noreturn]] void usage(int code) {
  std::fputs(
      "usage: lamina_train_bench [--workloads W1,W7] [--mode train|infer|both] [--rounds R]\n"
      "                          [--steps T] [--round-ms MS] [--warmup-ms MS] [--seed S]\n"
      "                          [--breakdown] [--quick] [--backend cpu|cuda]\n"
      "                          [--precision fp32|bf16|fp16] | --list | --serve\n"
      "Threads come from OMP_NUM_THREADS. Prints JSON lines (one per round, then a summary).\n",
      code ? stderr : stdout);
  std::exit(code);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> ids;
  std::vector<lb::mode> modes{lb::mode::train};
  int rounds = 7;
  std::size_t fixed_steps = 0;
  double round_ms = 500, warmup_ms = 300;
  std::uint64_t seed = 42;
  bool breakdown = false, do_serve = false;

  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(2);
      return argv[++i];
    };
    if (a == "--help" || a == "-h") usage(0);
    else if (a == "--list") {
      emit(hello());
      return 0;
    } else if (a == "--serve") do_serve = true;
    else if (a == "--quick") {
      rounds = 2;
      round_ms = 40;
      warmup_ms = 20;
    } else if (a == "--workloads") {
      std::stringstream s(value());
      for (std::string id; std::getline(s, id, ',');)
        if (!id.empty()) ids.push_back(id);
    } else if (a == "--mode") {
      const std::string m = value();
      if (m == "both") modes = {lb::mode::train, lb::mode::infer};
      else if (lb::mode mm; parse_mode(m, mm)) modes = {mm};
      else usage(2);
    } else if (a == "--rounds") rounds = std::max(1, std::atoi(value().c_str()));
    else if (a == "--steps") fixed_steps = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--round-ms") round_ms = std::atof(value().c_str());
    else if (a == "--warmup-ms") warmup_ms = std::atof(value().c_str());
    else if (a == "--seed") seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--breakdown") breakdown = true;
    else if (a == "--precision") {
      try {
        precision = lamina::parse_precision(value(), "--precision");
      } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "lamina_train_bench: %s\n", e.what());
        return 2;
      }
    } else if (a == "--backend") {
      backend = value();
#if defined(__CUDACC__)
      const bool known = backend == "cpu" || backend == "cuda";
#else
      const bool known = backend == "cpu";
#endif
      if (!known) {
        std::fprintf(stderr, "lamina_train_bench: backend '%s' is not in this build (cpu%s)\n", backend.c_str(),
#if defined(__CUDACC__)
                     ", cuda"
#else
                     "; for cuda use lamina_train_bench_cuda"
#endif
        );
        return 2;
      }
#if defined(__CUDACC__)
      if (backend == "cuda" && !lamina::cuda_device_available()) {
        std::fprintf(stderr, "lamina_train_bench: no CUDA device found\n");
        return 2;
      }
#endif
    }
    else usage(2);
  }
  if (do_serve) return serve(seed);
  if (ids.empty())
    for (auto id : lb::workload_ids()) ids.emplace_back(id);

  for (const auto& id : ids) {
    auto r = make_runner(id, seed);
    if (!r) {
      emit_error("unknown workload " + id);
      return 1;
    }
    for (lb::mode m : modes) {
      const std::size_t auto_steps = warm_up(*r, m, warmup_ms, round_ms);
      const std::size_t steps = fixed_steps ? fixed_steps : auto_steps;
      std::vector<double> sps;
      for (int k = 0; k < rounds; ++k) sps.push_back(run_round(*r, m, steps, k));
      std::sort(sps.begin(), sps.end());
      std::ostringstream o;
      o.precision(7);
      o << head(*r, m, "summary") << ",\"rounds\":" << rounds << ",\"steps\":" << steps
        << ",\"median\":" << median_of_sorted(sps) << ",\"min\":" << sps.front()
        << ",\"max\":" << sps.back() << "}";
      emit(o.str());
      if (breakdown && m == lb::mode::train) run_breakdown(*r, steps);
    }
  }
  return 0;
}
