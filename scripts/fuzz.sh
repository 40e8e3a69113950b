#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz: idx, npy, image, safetensors readers) with clang,
# ASan and UBSan in their own build dir, and runs each from its seed corpus.
#   scripts/fuzz.sh [RUNS | Ns] [build-dir]
#     RUNS: executions per fuzzer (default 100000, what CI runs); "60s": run each fuzzer for 60 seconds.
# New inputs the fuzzer finds go to <build-dir>/corpus/<reader>/ (the committed seeds in
# tests/fuzz/corpus/ and tests/data/broken/ are only read). A crash leaves its input in
# <build-dir>/artifacts/ and makes this script fail; reproduce with <build-dir>/tests/fuzz/<reader>_fuzz FILE.
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-100000}
build=${2:-build-fuzz}
limit=(-runs="$budget")
if [[ $budget == *s ]]; then limit=(-max_total_time="${budget%s}"); fi

CC=${FUZZ_CC:-clang} CXX=${FUZZ_CXX:-clang++} cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLAMINA_FUZZ=ON -DLAMINA_BUILD_TESTS=OFF -DLAMINA_BUILD_EXAMPLES=OFF -DLAMINA_BUILD_BENCH=OFF > "$build.configure.log" \
  || { cat "$build.configure.log"; exit 1; }
rm -f "$build.configure.log"
readers=(idx npy image safetensors)
cmake --build "$build" -j "$(nproc)" --target "${readers[@]/%/_fuzz}"

mkdir -p "$build/artifacts"
# ASan's leak checker stays on; allocator_may_return_null lets a reader's own size checks (not
# malloc) be what stops absurd sizes, and a failed allocation then surfaces as bad_alloc: a crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:-allocator_may_return_null=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
for r in "${readers[@]}"; do
  mkdir -p "$build/corpus/$r"
  seeds=("tests/fuzz/corpus/$r")
  [ -d "tests/data/broken/$r" ] && seeds+=("tests/data/broken/$r")
  log="$build/$r.log"
  start=$SECONDS
  if ! "$build/tests/fuzz/${r}_fuzz" "${limit[@]}" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$build/artifacts/${r}-" -print_final_stats=1 \
       "$build/corpus/$r" "${seeds[@]}" > "$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz.sh: the $r fuzzer failed; its input is in $build/artifacts/" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz.sh: $r: $runs executions in $((SECONDS - start)) s, no crash ($(ls "$build/corpus/$r" | wc -l) corpus files)"
done
