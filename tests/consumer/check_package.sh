#!/usr/bin/env bash
# The Debian package as a user gets it: configures lamina for /usr without -march=native, builds
# liblamina-dev with `cpack -G DEB`, checks its fields and files, extracts it (no root needed)
# and builds the consumer project against the extracted files, through find_package(lamina) and
# through pkg-config (lamina-compiled, whose Requires bring lamina, xtensor, xsimd and zlib).
#   check_package.sh SOURCE_DIR WORK_DIR CXX [GENERATOR]
set -euo pipefail
src=$1 work=$2 cxx=$3 generator=${4:-Ninja}
mkdir -p "$work"
work=$(cd "$work" && pwd)
rm -rf "$work/root" "$work/consumer-find" "$work"/*.deb

cmake -S "$src" -B "$work/build" -G "$generator" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_INSTALL_PREFIX=/usr -DLAMINA_NATIVE=OFF -DLAMINA_CUDA=OFF \
  -DLAMINA_BUILD_TESTS=OFF -DLAMINA_BUILD_EXAMPLES=OFF -DLAMINA_BUILD_BENCH=OFF
cmake --build "$work/build"
(cd "$work/build" && cpack -G DEB -B "$work")
debs=("$work"/liblamina-dev_*.deb)
deb=${debs[0]}
echo "package: $deb"
dpkg-deb --field "$deb" Package Version Architecture Depends Recommends Suggests

fail() { echo "check_package: $*" >&2; exit 1; }
[ "$(dpkg-deb --field "$deb" Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is not $(dpkg --print-architecture)"
dpkg-deb --field "$deb" Depends | grep -q "xtensor-dev" || fail "Depends does not declare xtensor-dev"

dpkg-deb -x "$deb" "$work/root"
multiarch=$(cd "$work/root/usr/lib" && ls -d */ | head -1)
libdir="$work/root/usr/lib/${multiarch%/}"
for f in usr/include/lamina/lamina.hpp usr/share/cmake/lamina/laminaConfig.cmake \
         usr/share/lamina/data/images/camera.png usr/share/lamina/data/faces/olivetti_faces.npy \
         "usr/lib/${multiarch%/}/liblamina_compiled.a" \
         "usr/lib/${multiarch%/}/pkgconfig/lamina.pc" "usr/lib/${multiarch%/}/pkgconfig/lamina-compiled.pc"; do
  [ -f "$work/root/$f" ] || fail "the package lacks /$f"
done
# A portable package: the static library holds no instruction beyond the compiler's default target.
if objdump -d --no-show-raw-insn "$libdir/liblamina_compiled.a" | grep -qE '%[yz]mm[0-9]'; then
  fail "liblamina_compiled.a holds AVX instructions: the package was built with -march=native"
fi

# 1. find_package(lamina) from the extracted /usr.
cmake -S "$src/tests/consumer" -B "$work/consumer-find" -G "$generator" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$work/root/usr"
cmake --build "$work/consumer-find"
"$work/consumer-find/consumer"
"$work/consumer-find/consumer_compiled"

# 2. pkg-config: the .pc files say prefix=/usr; point that prefix at the extracted tree.
export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
pc=(pkg-config --define-variable=prefix="$work/root/usr")
"${pc[@]}" --modversion lamina-compiled
cflags=$("${pc[@]}" --cflags lamina-compiled)
libs=$("${pc[@]}" --libs lamina-compiled)
echo "pkg-config: $cflags $libs"
# shellcheck disable=SC2086  # (flags are words)
"$cxx" -O2 $cflags "$src/tests/consumer/main.cpp" -o "$work/consumer-pkg-config" $libs
"$work/consumer-pkg-config"
echo "check_package: the package installs, and builds a consumer with find_package and with pkg-config"
