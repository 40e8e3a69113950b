#!/usr/bin/env bash
# Installs lamina's build and test dependencies from Debian/Ubuntu packages.
set -euo pipefail
packages=(
  cmake ninja-build g++ ccache pkg-config
  xtensor-dev libxsimd-dev xtl-dev libxtensor-blas-dev libopenblas-dev liblapack-dev
  zlib1g-dev libstb-dev catch2 dataset-fashion-mnist
  fonts-dejavu-core  # the figures' text (lm::viz::typeface; without it the bitmap font)
  clang libclang-rt-dev  # scripts/fuzz.sh: libFuzzer, ASan and UBSan runtimes for clang
  python3-torch python3-numpy  # PyTorch 1.13 for the checkpoint interop test (tests/interop)
  python3-venv  # the ONNX and TensorBoard tests install onnxruntime, tensorboard into venvs (tests/onnx, tests/tensorboard)
  doxygen  # the API reference (cmake --build build --target lamina_api_docs) and its docs.api_reference test
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
