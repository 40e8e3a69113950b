#!/usr/bin/env bash
# Installs the dependencies, builds the headline example and trains it on Fashion-MNIST.
#   scripts/run-example.sh [example arguments, e.g. --epochs 5]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build --target fashion_mlp
./build/examples/fashion_mlp "$@"
