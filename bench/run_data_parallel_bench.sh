#!/usr/bin/env bash
# One process on every core, then the same machine's cores split over 2 ranks on loopback, one
# after the other: the baseline and the data-parallel step in the same run (docs/benchmarks.md).
# Needs a build with -DINVARIANCES_BUILD_BENCH=ON. Arguments go to both runs.
set -euo pipefail
build=${INVARIANCES_BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build}
bench=$build/invariances-bench-data-parallel
ranks=${RANKS:-2}
port=${MASTER_PORT:-29533}

echo "== one process"
"$bench" "$@"
echo "== $ranks ranks"
export MASTER_ADDR=127.0.0.1 MASTER_PORT=$port WORLD_SIZE=$ranks LOCAL_WORLD_SIZE=$ranks
for ((rank = 1; rank < ranks; ++rank)); do RANK=$rank "$bench" "$@" > /dev/null & done
RANK=0 "$bench" "$@"
wait
