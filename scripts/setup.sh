#!/usr/bin/env bash
# Set up everything the station needs on a fresh Debian 12 machine, and nothing when it is there.
#   scripts/setup.sh          runtime: Debian packages for Qt offscreen and a CJK font, .venv, station
#   scripts/setup.sh --test   the same plus the test extra and the test-only Debian packages
# Idempotent: each step checks first, so a second run takes a second or two.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_packages=(libgl1 libegl1 libfontconfig1 libxkbcommon0 libglib2.0-0 libdbus-1-3 fonts-wqy-microhei
              xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
              libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxkbcommon-x11-0)
[ "$want_test" = 1 ] && apt_packages+=(postgresql)
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then apt_packages+=(python3-venv); fi

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi

# Reinstall only when pyproject.toml changed since the last install.
extra=""
[ "$want_test" = 1 ] && extra="[test]"
stamp=".venv/.station-installed${extra:+-test}"
digest=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ] || ! .venv/bin/python -c 'import station' 2>/dev/null; then
  echo "setup: installing station${extra} into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c 'import station' # fail here, not later, when the install did not work
  echo "$digest" > "$stamp"
fi
