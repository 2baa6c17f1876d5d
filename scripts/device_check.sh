#!/usr/bin/env bash
# The GPU check, run on a lent CUDA machine (the project never depends on one): builds the torch
# part (core, command-line tool, tests, benchmarks; no GUI) against that machine's CUDA LibTorch,
# runs the CUDA tests, then CPU-vs-CUDA benchmarks on the same machine, and writes every log to
# $OUT (summary.txt holds the figures for docs/benchmarks.md). The machine has no Debian packages:
# .devdeps/deps.tar.xz (scripts/make_device_deps.sh) brings OpenCV, the header-only libraries and
# the data sets. Each stage is skipped once the time budget (seconds, first argument) runs low.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
budget=${1:-540}
OUT=${OUT:-/tmp/device-check}
logs=/tmp/device-check-logs  # packed into $OUT/logs.tar.gz at the end (few files come back)
mkdir -p "$OUT" "$logs"
start=$(date +%s)
elapsed() { echo $(($(date +%s) - start)); }
note() { echo "[$(elapsed) s] $*" | tee -a "$OUT/summary.txt"; }
left() { echo $((budget - $(elapsed))); }
timed() {  # timed LABEL SECONDS_LIMIT COMMAND...: runs, logs to $logs/LABEL.log, notes the wall time
  local label=$1 limit=$2; shift 2
  local t0=$(date +%s%N)
  timeout "$limit" "$@" > "$logs/$label.log" 2>&1
  local rc=$?
  note "$label: exit $rc, $((($(date +%s%N) - t0) / 1000000)) ms"
  return $rc
}

deps=/tmp/invariances-deps
mkdir -p "$deps" && python3 -c "import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" .devdeps/deps.tar.xz "$deps" ||
  { note "cannot unpack .devdeps/deps.tar.xz"; exit 1; }
# Torch's CMake files look for the CUDA toolkit; help them find nvcc where it is not on PATH.
if ! command -v nvcc > /dev/null; then
  for candidate in /usr/local/cuda/bin /usr/local/cuda-*/bin "$(python3 -c 'import nvidia, os; print(os.path.dirname(nvidia.__path__[0]))' 2>/dev/null)/nvidia/cuda_nvcc/bin"; do
    [ -x "$candidate/nvcc" ] && export PATH="$PATH:$candidate" && break
  done
fi
note "nvcc: $(command -v nvcc || echo none)"
export INVARIANCES_DATA="$deps/data"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$OUT/summary.txt"
note "cpus: $(nproc); $(python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)')"
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
generator=""
keep_going="-k"
command -v ninja > /dev/null && generator="-G Ninja" && keep_going="-k 0"

timed configure 120 cmake -S . -B /tmp/build-gpu $generator -DCMAKE_BUILD_TYPE=Release -DINVARIANCES_BUILD_GUI=OFF \
  -DINVARIANCES_BUILD_BENCH=ON -DINVARIANCES_PRECOMPILE_TORCH=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/prefix" -DOpenCV_DIR="$deps/opencv/lib/cmake/opencv4" \
  -DZLIB_ROOT="$deps/prefix" || { tail -30 "$logs/configure.log"; tar czf "$OUT/logs.tar.gz" -C "$logs" .; exit 1; }
build_limit=$(($(left) - 60))
[ "$build_limit" -gt 330 ] && build_limit=330
timed build "$build_limit" cmake --build /tmp/build-gpu -j "$(nproc)" -- $keep_going
grep -E "error|FAILED" "$logs/build.log" | head -40 | tee -a "$OUT/summary.txt"
b=/tmp/build-gpu
cli="$b/invariances-cli"

[ -x "$b/invariances-tests" ] && timed tests-cuda 150 "$b/invariances-tests" -tc="*device*,*CUDA*,*inverts its forward pass*"
grep -E "test cases|assertions|ERROR|FAILED" "$logs/tests-cuda.log" | tail -8 | tee -a "$OUT/summary.txt"

if [ -x "$b/invariances-bench-flow" ] && [ "$(left)" -gt 200 ]; then
  timed flow-cpu 60 "$b/invariances-bench-flow" --steps 20 --repeats 3
  timed flow-cuda 60 "$b/invariances-bench-flow" --steps 20 --repeats 3 --cuda
  tail -1 "$logs/flow-cpu.log" "$logs/flow-cuda.log" >> "$OUT/summary.txt"
fi

# Training throughput, same commands on both devices (the CPU with the tool's 2-thread profile).
if [ -x "$cli" ] && [ "$(left)" -gt 180 ]; then
  for device in cpu cuda; do
    "$cli" workspace create --workspace "/tmp/ws-$device" > /dev/null
    timed "train-classifier-300-$device" 120 "$cli" --device "$device" train classifier --workspace "/tmp/ws-$device" --steps 300
  done
fi
# The tiny demo on CUDA, then the GUI's round trips on it (CUDA and CPU, same machine).
if [ -x "$cli" ] && [ "$(left)" -gt 120 ]; then
  timed demo-tiny-cuda 90 "$cli" --device cuda demo prepare --workspace /tmp/demo-tiny --budget tiny && tiny_ready=1
fi
if [ -x "$b/invariances-bench-engine" ] && [ -n "${tiny_ready:-}" ] && [ "$(left)" -gt 100 ]; then
  for device in cuda cpu; do
    timed "engine-tiny-$device" 40 "$b/invariances-bench-engine" --workspace /tmp/demo-tiny --device "$device" --runs 30
    tail -5 "$logs/engine-tiny-$device.log" >> "$OUT/summary.txt"
  done
fi
# The full demo budget on CUDA (15 minutes on the 2-core CPU machine; docs/benchmarks.md), as far
# as the time left allows: its log shows each stage's speed.
if [ -x "$cli" ] && [ "$(left)" -gt 120 ]; then
  timed demo-full-cuda $(($(left) - 70)) "$cli" --device cuda demo prepare --workspace /tmp/demo-full && demo_ready=1
  grep -E "checkpoint|ready|stopped" "$logs/demo-full-cuda.log" | tail -12 >> "$OUT/summary.txt"
fi
if [ -x "$b/invariances-bench-engine" ] && [ -n "${demo_ready:-}" ] && [ "$(left)" -gt 50 ]; then
  for device in cuda cpu; do
    timed "engine-$device" 25 "$b/invariances-bench-engine" --workspace /tmp/demo-full --device "$device" --runs 20
    tail -5 "$logs/engine-$device.log" >> "$OUT/summary.txt"
  done
fi
note "done"
tar czf "$OUT/logs.tar.gz" -C "$logs" .
cat "$OUT/summary.txt"
