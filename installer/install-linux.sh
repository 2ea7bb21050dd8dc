#!/usr/bin/env bash
# Install the built bundle on a Linux kiosk: /opt/station, a menu entry, and (with --kiosk) the
# systemd user unit that starts the GUI with the graphical session, with kiosk = true.
#   sudo bash installer/install-linux.sh [--kiosk] [--user NAME]
# Data stays in the kiosk user's data folder (~/.local/share/station) and is never removed here.
set -euo pipefail
cd "$(dirname "$0")/.."
kiosk=0; user="${SUDO_USER:-$(id -un)}"
while [ $# -gt 0 ]; do
  case "$1" in
    --kiosk) kiosk=1 ;;
    --user) user="$2"; shift ;;
    *) echo "usage: install-linux.sh [--kiosk] [--user NAME]" >&2; exit 2 ;;
  esac
  shift
done
[ -x build/dist/station/station ] || { echo "build the bundle first: bash installer/build.sh" >&2; exit 1; }
home=$(getent passwd "$user" | cut -d: -f6)
rm -rf /opt/station.new && cp -a build/dist/station /opt/station.new
mkdir -p /opt/station.new/docs && cp docs/*.md /opt/station.new/docs/ 2>/dev/null || true
rm -rf /opt/station.old && { [ -d /opt/station ] && mv /opt/station /opt/station.old || true; }
mv /opt/station.new /opt/station
install -D -m 644 installer/station.desktop /usr/share/applications/station.desktop
if [ "$kiosk" = 1 ]; then
  install -D -m 644 -o "$user" installer/station-kiosk.service "$home/.config/systemd/user/station-kiosk.service"
  if [ ! -f "$home/.config/station/station.toml" ]; then
    install -D -m 644 -o "$user" installer/kiosk-station.toml "$home/.config/station/station.toml"
  fi
  echo "install: now, as $user: systemctl --user daemon-reload && systemctl --user enable --now station-kiosk"
fi
echo "install: /opt/station/station doctor   # check the installation"
