#!/usr/bin/env bash
# The first command of the README: set up, then run `station demo`.
# - With a display ($DISPLAY or $WAYLAND_DISPLAY): the demo's window, with the scripted tour
#   played in it; close the window to end.
# - Without one: the scripted tour offscreen; a screenshot of every step goes to demo-output/
#   (or $DEMO_OUTPUT); exits 0 only if every step reached its expected state.
# Extra arguments go to `station demo` (e.g. --keep to keep the throw-away data dir).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="${DEMO_OUTPUT:-demo-output}"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "${QT_QPA_PLATFORM:-}" != "offscreen" ]; then
  echo "demo: a display is available: opening the demo window (the tour plays in it; close the window to end)"
  exec .venv/bin/station demo --tour "$@"
fi
echo "demo: no display (\$DISPLAY and \$WAYLAND_DISPLAY are empty): running the scripted tour offscreen"
rm -rf "$out"
status=0
.venv/bin/station demo --offscreen --screenshots "$out" --exit-after 180 "$@" || status=$?
count=$(find "$out" -name '*.png' 2>/dev/null | wc -l)
if [ "$status" -eq 0 ]; then
  echo "demo: tour OK, ran offscreen; $count screenshots in $(cd "$out" && pwd)/"
else
  echo "demo: tour FAILED (exit $status), ran offscreen; $count screenshots in $out/ (failed.png shows the last screen)" >&2
fi
exit "$status"
