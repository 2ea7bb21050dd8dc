#!/usr/bin/env bash
# Build the one-folder bundle build/dist/station/ with PyInstaller, then smoke-test it offscreen
# (installer/smoke.py: --version, doctor against the bundle's own simulator, a short demo run).
#   bash installer/build.sh            build + smoke test
#   bash installer/build.sh --no-smoke build only
# STATION_BUILD_DIR (default build/) is where dist/ and work/ go. Prints the build time and the bundle size. Needs the .venv of scripts/setup.sh; installs the
# `installer` extra (PyInstaller) into it when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -c 'import station' 2>/dev/null || bash scripts/setup.sh
if ! .venv/bin/python -c 'import PyInstaller' 2>/dev/null; then
  echo "build: installing PyInstaller (the installer extra) into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[installer]" 2>&1 | grep -v "^WARNING: Location" || true
fi
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
out="${STATION_BUILD_DIR:-build}"
start=$(date +%s)
.venv/bin/python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$out/dist" --workpath "$out/work" installer/station.spec
seconds=$(( $(date +%s) - start ))
size=$(du -sm "$out/dist/station" | cut -f1)
echo "build: bundle $out/dist/station built in ${seconds} s, ${size} MB"
if [ "${1:-}" != "--no-smoke" ]; then
  .venv/bin/python installer/smoke.py "$out/dist/station"
fi
