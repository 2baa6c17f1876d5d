#!/usr/bin/env bash
# The GPU check, run on a lent CUDA machine (the project never depends on one): builds the torch
# part (core, command-line tool, tests, benchmarks; no GUI) against that machine's CUDA LibTorch,
# runs the CUDA tests, then CPU-vs-CUDA benchmarks on the same machine, and writes every log to
# $OUT. $OUT/summary.md is ready to paste into docs/benchmarks.md. The machine has no Debian
# packages: .devdeps/deps.tar.xz (scripts/make_device_deps.sh) brings OpenCV, the header-only
# libraries and the data sets. Each stage is skipped once the time budget (seconds, first
# argument; default 540, so that the check fits a lent machine's 15 minutes with its start) runs low.
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
finish() {
  note "done"
  python3 scripts/device_check_summary.py "$logs" > "$OUT/summary.md" 2> "$logs/summary-errors.log"
  tar czf "$OUT/logs.tar.gz" -C "$logs" .
  cat "$OUT/summary.txt" "$OUT/summary.md"
}
timed() {  # timed LABEL SECONDS_LIMIT COMMAND...: runs, logs to $logs/LABEL.log, notes the wall time
  local label=$1 limit=$2; shift 2
  local t0=$(date +%s%N)
  timeout "$limit" "$@" > "$logs/$label.log" 2>&1
  local rc=$?
  note "$label: exit $rc, $((($(date +%s%N) - t0) / 1000000)) ms"
  echo "$rc $((($(date +%s%N) - t0) / 1000000))" > "$logs/$label.status"
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
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$OUT/summary.txt" "$logs/gpu.txt"
note "cpus: $(nproc); $(python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' | tee "$logs/torch.txt")"
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
generator=""
keep_going="-k"
command -v ninja > /dev/null && generator="-G Ninja" && keep_going="-k 0"

timed configure 120 cmake -S . -B /tmp/build-gpu $generator -DCMAKE_BUILD_TYPE=Release -DINVARIANCES_BUILD_GUI=OFF \
  -DINVARIANCES_BUILD_BENCH=ON -DINVARIANCES_PRECOMPILE_TORCH=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
  -DCMAKE_PREFIX_PATH="$torch_prefix;$deps/prefix" -DOpenCV_DIR="$deps/opencv/lib/cmake/opencv4" \
  -DZLIB_ROOT="$deps/prefix" || { tail -30 "$logs/configure.log"; finish; exit 1; }
# Whether this LibTorch's c10d built with core/runtime/process_group.cpp (Gloo; NCCL for CUDA).
grep "Data-parallel training" "$logs/configure.log" | tail -1 | tee -a "$OUT/summary.txt"
[ -f /tmp/build-gpu/c10d-probe.log ] && cp /tmp/build-gpu/c10d-probe.log "$logs/"
build_limit=$(($(left) - 240))
[ "$build_limit" -gt 300 ] && build_limit=300
timed build "$build_limit" cmake --build /tmp/build-gpu -j "$(nproc)" -- $keep_going
grep -E "error|FAILED" "$logs/build.log" | head -40 | tee -a "$OUT/summary.txt"
b=/tmp/build-gpu
cli="$b/invariances-cli"
tests="$b/invariances-tests"

# The CUDA test cases, each in a process of its own: a crash names its case (with a native stack
# from the test binary's handler) and cannot hide the cases after it.
if [ -x "$tests" ]; then
  # The NCCL case needs two GPUs and runs with the data-parallel cases below, skipped on one.
  { "$tests" -ltc -ts=cuda --no-skip -tce="*NCCL*"; "$tests" -ltc --no-skip -tc="*device*,*CUDA*,*inverts its forward pass*" -tce="*NCCL*"; } 2>/dev/null |
    grep -v -E '^\[doctest\]|^=+$' | sort -u > "$logs/cuda-cases.txt"
  case_number=0
  while IFS= read -r name; do
    [ -n "$name" ] || continue
    [ "$(left)" -gt 200 ] || { note "CUDA tests: out of time before \"$name\""; break; }
    case_number=$((case_number + 1))
    timed "test-$case_number" 90 "$tests" -tc="$name" --no-skip
    echo "$name" > "$logs/test-$case_number.name"
    grep -E "test cases:|ERROR|CRASHED|FAILED" "$logs/test-$case_number.log" | sed "s|^|  $name: |" | tee -a "$OUT/summary.txt"
  done < "$logs/cuda-cases.txt"
fi

# Data-parallel training on this LibTorch: the 2-rank cases (Gloo on the CPU, loopback), and NCCL
# where the machine has two GPUs (the NCCL case skips itself on one).
if [ -x "$tests" ] && [ "$(left)" -gt 260 ]; then
  timed data-parallel 150 "$tests" -tc="*rank*"
  grep -E "test cases:|ERROR|CRASHED|FAILED" "$logs/data-parallel.log" | sed "s|^|  data-parallel: |" | tee -a "$OUT/summary.txt"
fi

# t's step and sampling: CUDA, then the CPU at 1, 4 and all cores (the thread profiles follow
# OMP_NUM_THREADS), fewer steps on the CPU where a paper-size step takes about half a second.
if [ -x "$b/invariances-bench-flow" ] && [ "$(left)" -gt 200 ]; then
  timed flow-cuda 60 "$b/invariances-bench-flow" --steps 20 --repeats 3 --cuda
  for cores in 1 4 "$(nproc)"; do
    timed "flow-cpu-$cores" 60 env OMP_NUM_THREADS="$cores" "$b/invariances-bench-flow" --steps 4 --repeats 3
  done
fi

# Training throughput, same commands on both devices.
if [ -x "$cli" ] && [ "$(left)" -gt 170 ]; then
  for device in cuda cpu; do
    "$cli" workspace create --workspace "/tmp/ws-$device" > /dev/null
    timed "train-classifier-100-$device" 60 "$cli" --device "$device" train classifier --workspace "/tmp/ws-$device" --steps 100
  done
fi
# The tiny demo on CUDA, then the GUI's round trips on it (CUDA and CPU, same machine).
if [ -x "$cli" ] && [ "$(left)" -gt 120 ]; then
  timed demo-tiny-cuda 90 "$cli" --device cuda demo prepare --workspace /tmp/demo-tiny --budget tiny && tiny_ready=1
fi
if [ -x "$b/invariances-bench-engine" ] && [ -n "${tiny_ready:-}" ] && [ "$(left)" -gt 80 ]; then
  for device in cuda cpu; do
    timed "engine-tiny-$device" 30 "$b/invariances-bench-engine" --workspace /tmp/demo-tiny --device "$device" --runs 30
  done
fi
# The quick recipe on CUDA (the one measured on the CPU before 2026-12-03 as `full`), as far as the
# time left allows: its log shows each stage's speed.
if [ -x "$cli" ] && [ "$(left)" -gt 90 ]; then
  timed demo-quick-cuda $(($(left) - 30)) "$cli" --device cuda demo prepare --workspace /tmp/demo-quick --budget quick
  grep -E "checkpoint|ready|stopped" "$logs/demo-quick-cuda.log" | tail -12 >> "$OUT/summary.txt"
fi
finish
