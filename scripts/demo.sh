#!/usr/bin/env bash
# Starts the GUI on the built-in demo; under Xvfb with a screenshot when there is no display.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${INVARIANCES_BUILD:-$repo/build}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$build_dir/invariances" "$@"
fi
echo "No display found: rendering the demo headless to invariances-demo.png instead." >&2
exec xvfb-run -a -s "-screen 0 1280x800x24" "$build_dir/invariances" --screenshot invariances-demo.png "$@"
