#!/usr/bin/env bash
# Runs every test (core, command line, GUI under Xvfb). Expects scripts/setup.sh to have run.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${INVARIANCES_BUILD:-$repo/build}
cd "$build_dir"
# GUI tests start their own Xvfb when there is no display.
exec ctest --output-on-failure -j2 --timeout 600
