#!/usr/bin/env bash
# Installs the dependencies, builds everything (Release, ccache), runs the robustness checks
# and then the whole test suite (docs/data.md, "Robustness"):
#   - scripts/check-words.sh: no user-facing file refers to anything outside the repository,
#   - the whole runtime suite (tests/runtime, tests/backend) built with ASan + UBSan (and
#     float-cast-overflow) in <build-dir>-asan (option LAMINA_SANITIZE; tests/sanitize),
#   - a short run of each reader's libFuzzer target in <build-dir>-fuzz (scripts/fuzz.sh).
#   scripts/test.sh [build-dir]
# LAMINA_TEST_SANITIZE=0 or LAMINA_TEST_FUZZ=0 skips a robustness step; LAMINA_FUZZ_RUNS sets the
# executions per fuzzer (default 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
# Tests run two at a time on two cores: OpenMP threads that spin while waiting would then steal
# each other's cores (10-100x slowdowns); passive waiting keeps the suite fast. Not for benchmarks.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
scripts/install-deps.sh
scripts/check-words.sh
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$(nproc)"

if [ "${LAMINA_TEST_SANITIZE:-1}" != 0 ]; then
  # -O1 keeps ASan fast and its stack traces readable. Leak checking stays on; should libgomp's
  # never-freed thread pool (OpenMP) ever show up as a leak, run with ASAN_OPTIONS=detect_leaks=0.
  cmake -S . -B "$build-asan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
    -DLAMINA_SANITIZE=ON -DLAMINA_BUILD_TESTS=OFF -DLAMINA_BUILD_EXAMPLES=OFF -DLAMINA_BUILD_BENCH=OFF -DLAMINA_CUDA=OFF
  cmake --build "$build-asan" -j "$(nproc)"
  ASAN_OPTIONS=${ASAN_OPTIONS:-strict_string_checks=1:check_initialization_order=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    ctest --test-dir "$build-asan" -j "$(nproc)" --output-on-failure
fi
if [ "${LAMINA_TEST_FUZZ:-1}" != 0 ]; then
  scripts/fuzz.sh "${LAMINA_FUZZ_RUNS:-100000}" "$build-fuzz"
fi
# The main suite last, so that its summary closes the output.
ctest --test-dir "$build" -j "$(nproc)" --output-on-failure
