#!/usr/bin/env bash
# Installs every Debian 12 package HeadScope needs to build, test and run.
# Idempotent: packages already present are left alone. Runs apt-get as root, or through sudo.
set -euo pipefail

BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-svg-dev
  libtorch-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  libspdlog-dev libfmt-dev nlohmann-json3-dev libsentencepiece-dev libcli11-dev libboost-math-dev
  # Without it libblas.so.3 is netlib's reference BLAS and LibTorch's matmuls run ~50x slower.
  libopenblas0-pthread
)
TEST_PACKAGES=(
  # Offscreen GUI tests need the Qt platform plugins; screenshots need Xvfb.
  qt6-qpa-plugins xvfb xauth imagemagick
  # bench/ compares against the same LibTorch through Python.
  python3 python3-torch python3-numpy
  file dpkg-dev
  # scripts/fuzz.sh: clang with libFuzzer and the sanitizer runtimes (libclang_rt.fuzzer).
  clang libclang-rt-14-dev
)

want=("${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi

echo "install-deps: installing ${#missing[@]} Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: done"
