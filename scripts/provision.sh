#!/usr/bin/env bash
# Turns a fresh Debian/Ubuntu box into an alpr-edge appliance (a pole cabinet or a patrol car's
# trunk computer). Idempotent: a second run changes nothing and says so.
#
#   sudo scripts/provision.sh --profile pole [--credential NAME=FILE]... [--start]
#   scripts/provision.sh --root /tmp/tree --profile patrol-car      # a rehearsal, see below
#
# What it does, in order:
#   1. Debian packages: ffmpeg (USB/RTSP cameras), gphoto2 (DSLRs), v4l-utils (camera set-up),
#      udev, ca-certificates; checks Node.js >= 20 is there.
#   2. The `alpr` system user (no login, home /var/lib/alpr-edge) in the video, dialout and
#      plugdev groups (cameras, GPS serial port, DSLRs).
#   3. Directories: /etc/alpr-edge (root:alpr 0750), /etc/alpr-edge/credentials (root 0700),
#      /var/lib/alpr-edge (alpr 0750) with hotlists/, /opt/alpr-edge.
#   4. The app in /opt/alpr-edge (src, models, firmware-config, package files, README) with its
#      npm dependencies (npm ci --omit=dev, rerun only when package-lock.json changed) and the
#      launcher /opt/alpr-edge/bin/alpr-edge (+ /usr/local/bin/alpr-edge).
#   5. /etc/alpr-edge/config.yaml from firmware-config/PROFILE.yaml, only if there is none yet
#      (a local config is never overwritten), and config.schema.json beside it.
#   6. Secrets: --credential NAME=FILE copies FILE to /etc/alpr-edge/credentials/NAME (root,
#      0600); the unit drop-in alpr-edge.service.d/credentials.conf gets one LoadCredential= per
#      file there. Secrets the config names but that are missing are listed as warnings.
#   7. The unit /etc/systemd/system/alpr-edge.service, enabled; started or restarted with --start.
#
# --root DIR installs into DIR instead of / (DIR/etc/alpr-edge, DIR/opt/alpr-edge, ...) and
# touches nothing outside it: apt, useradd, chown, npm and systemctl are not run but printed as
# "would run: ...", and enabling the unit is done by creating its multi-user.target.wants link.
set -euo pipefail
umask 022 # directories that install -D creates get the same mode on every run

usage() {
  sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

src=$(cd "$(dirname "$0")/.." && pwd)
root=""
profile=""
start=0
credentials=()
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=$(realpath -m "${2:?--root needs a directory}"); shift 2 ;;
    --profile) profile=${2:?--profile needs a name}; shift 2 ;;
    --credential) credentials+=("${2:?--credential needs NAME=FILE}"); shift 2 ;;
    --start) start=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "provision: unknown argument $1" >&2; usage 2 ;;
  esac
done

rehearsal=0
[ -n "$root" ] && rehearsal=1
if [ "$rehearsal" = 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "provision: run as root (sudo), or rehearse with --root DIR" >&2
  exit 1
fi

etc=$root/etc/alpr-edge
lib=$root/var/lib/alpr-edge
opt=$root/opt/alpr-edge
units=$root/etc/systemd/system

# Refuse bad input before changing anything.
if [ ! -f "$etc/config.yaml" ] && [ -z "$profile" ]; then
  echo "provision: no /etc/alpr-edge/config.yaml yet: choose one with --profile ($(cd "$src/firmware-config" && ls -- *.yaml | sed 's/\.yaml$//' | tr '\n' ' '))" >&2
  exit 2
fi
if [ -n "$profile" ] && [ ! -f "$src/firmware-config/$profile.yaml" ]; then
  echo "provision: no profile firmware-config/$profile.yaml" >&2
  exit 2
fi
for c in "${credentials[@]+"${credentials[@]}"}"; do
  if ! [[ "${c%%=*}" =~ ^[A-Za-z0-9_.-]+$ ]] || [ "${c%%=*}" = "$c" ]; then echo "provision: --credential wants NAME=FILE, got $c" >&2; exit 2; fi
  [ -r "${c#*=}" ] || { echo "provision: cannot read ${c#*=} for credential ${c%%=*}" >&2; exit 2; }
done

changes=0
say() { printf 'provision: %s\n' "$*"; }
changed() { changes=$((changes + 1)); say "changed: $*"; }
# Runs a command on a real install; in a rehearsal only says what it would run.
act() {
  if [ "$rehearsal" = 1 ]; then say "would run: $*"; else "$@"; fi
}

# ---- 1. packages and Node.js ----------------------------------------------------------------
packages=(ffmpeg gphoto2 v4l-utils udev ca-certificates)
if [ "$rehearsal" = 1 ]; then
  say "would run: apt-get install -y --no-install-recommends ${packages[*]} (those missing)"
else
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    changed "packages ${missing[*]}"
  fi
fi
node_bin=$(command -v node || echo /usr/bin/node)
if [ "$rehearsal" = 0 ]; then
  major=$("$node_bin" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  if [ "$major" -lt 20 ]; then
    echo "provision: Node.js >= 20 is required (found ${major}); install it (Debian 13 'nodejs', or NodeSource) and rerun" >&2
    exit 1
  fi
fi

# ---- 2. user --------------------------------------------------------------------------------
groups=video,dialout
getent group plugdev >/dev/null 2>&1 && groups=$groups,plugdev
if [ "$rehearsal" = 1 ]; then
  say "would run: useradd --system --user-group --home-dir /var/lib/alpr-edge --shell /usr/sbin/nologin --groups $groups alpr (if missing)"
elif ! id alpr >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/alpr-edge --no-create-home --shell /usr/sbin/nologin --groups "$groups" alpr
  changed "user alpr ($groups)"
else
  for g in ${groups//,/ }; do
    if ! id -nG alpr | tr ' ' '\n' | grep -qx "$g"; then usermod -aG "$g" alpr; changed "alpr joins $g"; fi
  done
fi

# ---- helpers that change a file only when its content, mode or owner differ ---------------------
# ensure_dir DIR MODE OWNER:GROUP
ensure_dir() {
  local dir=$1 mode=$2 owner=$3
  if [ ! -d "$dir" ]; then install -d -m "$mode" "$dir"; changed "$dir/"; fi
  if [ "$(stat -c %a "$dir")" != "${mode#0}" ]; then chmod "$mode" "$dir"; changed "mode $mode $dir"; fi
  set_owner "$dir" "$owner"
}
set_owner() {
  local path=$1 owner=$2
  if [ "$rehearsal" = 1 ]; then return; fi
  if [ "$(stat -c %U:%G "$path")" != "$owner" ]; then chown "$owner" "$path"; changed "owner $owner $path"; fi
}
# put_file SRC DST MODE OWNER:GROUP
put_file() {
  local from=$1 to=$2 mode=$3 owner=$4
  if [ ! -f "$to" ] || ! cmp -s "$from" "$to"; then
    install -D -m "$mode" "$from" "$to"
    changed "$to"
  elif [ "$(stat -c %a "$to")" != "${mode#0}" ]; then
    chmod "$mode" "$to"
    changed "mode $mode $to"
  fi
  set_owner "$to" "$owner"
}
# put_text DST MODE OWNER:GROUP (content on stdin)
put_text() {
  local tmp
  tmp=$(mktemp)
  cat >"$tmp"
  put_file "$tmp" "$1" "$2" "$3"
  rm -f "$tmp"
}
# sync_tree SRC_DIR DST_DIR: files copied when different, files gone from SRC removed from DST.
sync_tree() {
  local from=$1 to=$2 rel
  [ -d "$from" ] || return 0
  while IFS= read -r -d '' rel; do
    put_file "$from/$rel" "$to/$rel" 0644 root:root
  done < <(cd "$from" && find . -type f ! -name '*.test.ts' -printf '%P\0' | sort -z)
  [ -d "$to" ] || return 0
  while IFS= read -r -d '' rel; do
    if [ ! -f "$from/$rel" ]; then rm -f "$to/$rel"; changed "removed $to/$rel"; fi
  done < <(cd "$to" && find . -type f -printf '%P\0' | sort -z)
  find "$to" -mindepth 1 -type d -empty -delete
}

# ---- 3. directories -------------------------------------------------------------------------
# System directories are only created when missing (a rehearsal tree starts empty).
mkdir -p "$root/etc" "$root/var/lib" "$root/opt" "$root/usr/local/bin" "$units"
ensure_dir "$etc" 0750 root:alpr
ensure_dir "$etc/credentials" 0700 root:root
ensure_dir "$lib" 0750 alpr:alpr
ensure_dir "$lib/hotlists" 0750 alpr:alpr
ensure_dir "$opt" 0755 root:root
ensure_dir "$units/alpr-edge.service.d" 0755 root:root

# ---- 4. the app -----------------------------------------------------------------------------
for f in package.json package-lock.json README.md LICENSE; do
  [ -f "$src/$f" ] && put_file "$src/$f" "$opt/$f" 0644 root:root
done
for d in src models firmware-config; do
  ensure_dir "$opt/$d" 0755 root:root
  sync_tree "$src/$d" "$opt/$d"
done
ensure_dir "$opt/bin" 0755 root:root
put_text "$opt/bin/alpr-edge" 0755 root:root <<EOF
#!/bin/sh
# alpr-edge launcher (written by scripts/provision.sh): runs the TypeScript sources with tsx.
exec $node_bin /opt/alpr-edge/src/bin.js "\$@"
EOF
if [ "$(readlink "$root/usr/local/bin/alpr-edge" 2>/dev/null || true)" != /opt/alpr-edge/bin/alpr-edge ]; then
  ln -sfn /opt/alpr-edge/bin/alpr-edge "$root/usr/local/bin/alpr-edge"
  changed "$root/usr/local/bin/alpr-edge -> /opt/alpr-edge/bin/alpr-edge"
fi
lock_hash=$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)
stamp=$opt/node_modules/.provision-stamp
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$lock_hash" ]; then
  if [ "$rehearsal" = 1 ]; then
    say "would run: (cd /opt/alpr-edge && ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --no-audit --no-fund)"
  else
    (cd "$opt" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --omit=dev --no-audit --no-fund)
    echo "$lock_hash" >"$stamp"
    changed "$opt/node_modules (npm ci)"
  fi
fi

# ---- 5. config ------------------------------------------------------------------------------
put_file "$src/firmware-config/config.schema.json" "$etc/config.schema.json" 0644 root:root
if [ ! -f "$etc/config.yaml" ]; then
  put_file "$src/firmware-config/$profile.yaml" "$etc/config.yaml" 0640 root:alpr
elif [ -n "$profile" ] && ! cmp -s "$src/firmware-config/$profile.yaml" "$etc/config.yaml"; then
  say "keeping the existing /etc/alpr-edge/config.yaml (differs from profile $profile; remove it to start again from the profile)"
fi
if [ "$rehearsal" = 0 ]; then
  runuser -u alpr -- "$opt/bin/alpr-edge" validate-config "$etc/config.yaml" >/dev/null \
    || { echo "provision: /etc/alpr-edge/config.yaml is not valid (see above)" >&2; exit 1; }
fi

# ---- 6. credentials -------------------------------------------------------------------------
for c in "${credentials[@]+"${credentials[@]}"}"; do
  put_file "${c#*=}" "$etc/credentials/${c%%=*}" 0600 root:root
done
{
  echo '# Written by scripts/provision.sh from the files in /etc/alpr-edge/credentials; do not edit.'
  echo '[Service]'
  find "$etc/credentials" -maxdepth 1 -type f -printf '%f\n' | sort | while IFS= read -r name; do
    echo "LoadCredential=$name:/etc/alpr-edge/credentials/$name"
  done
} | put_text "$units/alpr-edge.service.d/credentials.conf" 0644 root:root
# Secrets the config asks for that are not there yet.
{
  sed -n 's/^[[:space:]]*passwordCredential:[[:space:]]*\([A-Za-z0-9_.-]*\).*/\1/p' "$etc/config.yaml"
  sed -n 's#^[[:space:]]*passwordFile:[[:space:]]*/run/credentials/alpr-edge.service/\([A-Za-z0-9_.-]*\).*#\1#p' "$etc/config.yaml"
} | sort -u | while IFS= read -r name; do
  [ -f "$etc/credentials/$name" ] || say "warning: the config needs secret '$name': put it in /etc/alpr-edge/credentials/$name (root, 0600), e.g. --credential $name=FILE, and rerun"
done

# ---- 7. the unit ----------------------------------------------------------------------------
before=$changes
put_file "$src/systemd/alpr-edge.service" "$units/alpr-edge.service" 0644 root:root
unit_changed=$((changes - before))
if [ "$rehearsal" = 1 ]; then
  ensure_dir "$units/multi-user.target.wants" 0755 root:root
  if [ "$(readlink "$units/multi-user.target.wants/alpr-edge.service" 2>/dev/null || true)" != /etc/systemd/system/alpr-edge.service ]; then
    ln -sfn /etc/systemd/system/alpr-edge.service "$units/multi-user.target.wants/alpr-edge.service"
    changed "enabled alpr-edge.service"
  fi
  say "would run: systemctl daemon-reload && systemctl enable alpr-edge.service$([ "$start" = 1 ] && echo ' && systemctl restart alpr-edge.service')"
else
  systemctl daemon-reload
  if ! systemctl is-enabled --quiet alpr-edge.service; then systemctl enable alpr-edge.service; changed "enabled alpr-edge.service"; fi
  if [ "$start" = 1 ]; then
    if [ "$unit_changed" -gt 0 ] || [ "$changes" -gt 0 ] || ! systemctl is-active --quiet alpr-edge.service; then
      systemctl restart alpr-edge.service
      say "alpr-edge.service (re)started"
    fi
  fi
fi

if [ "$changes" -eq 0 ]; then say "nothing to change"; else say "$changes change(s)"; fi
