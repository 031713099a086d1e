#!/usr/bin/env bash
# Installs what alpr-edge and its tests need on a fresh Debian/Ubuntu box with Node 20:
# Debian packages (ffmpeg to decode video, mosquitto for the broker the tests start, socat for the
# GPS pseudo-terminal tests, chromium for the web page tests, postgresql for the central store
# tests) and the npm dependencies. Idempotent: a second run changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(ffmpeg mosquitto mosquitto-clients socat udev gphoto2 systemd fonts-dejavu-core fonts-liberation chromium postgresql)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  # The Debian package starts a system-wide broker on 1883; the daemon's demo can use it and the
  # tests start their own on free ports, so it is left as the package set it up.
fi

# onnxruntime-node's postinstall downloads GPU providers from outside and fails here; the CPU
# build ships inside the package, so the script is skipped (npm 10 ignores allowScripts).
export ONNXRUNTIME_NODE_INSTALL=skip
stamp=node_modules/.alpr-setup-stamp
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
  echo "$want" >"$stamp"
fi
