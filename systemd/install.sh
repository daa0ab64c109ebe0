#!/usr/bin/env bash
# Installs the gateway as a system service on a fresh Debian box. Run it, as root, from the unpacked
# and set-up package (normally /opt/oqs-gateway, after `bash scripts/setup.sh`):
#
#   sudo bash /opt/oqs-gateway/systemd/install.sh [--start]
#
# It creates the oqs-gateway user (systemd-sysusers), its directories (systemd-tmpfiles), the udev
# rules, the unit, and /etc/oqs-gateway/config.yaml from `oqsgw config example` when there is none
# yet (an existing config is never touched), then enables the unit. Idempotent: a second run
# changes nothing and says so. --root DIR installs into DIR instead of / (for tests and images).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: install.sh [--root DIR] [--start] [--no-enable]
  --root DIR    install into DIR instead of / (nothing outside DIR is changed)
  --start       start (or restart) the service at the end (only with root /)
  --no-enable   do not enable the unit at boot
USAGE
}

ROOT=/
START=no
ENABLE=yes
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || { usage >&2; exit 2; }; ROOT=$2; shift 2 ;;
    --root=*) ROOT=${1#--root=}; shift ;;
    --start) START=yes; shift ;;
    --no-enable) ENABLE=no; shift ;;
    -h|--help) usage; exit 0 ;;
    *) printf 'install.sh: unknown option %s\n' "$1" >&2; usage >&2; exit 2 ;;
  esac
done

APP_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC=$APP_DIR/systemd
ROOT=$(cd "$ROOT" 2>/dev/null && pwd) || { printf 'install.sh: --root %s does not exist\n' "$ROOT" >&2; exit 2; }
R() { if [ "$ROOT" = / ]; then printf '%s' "$1"; else printf '%s%s' "$ROOT" "$1"; fi; }
say() { printf '  %-9s %s\n' "$1" "$2"; }
fail() { printf 'install.sh: FAIL: %s\n' "$*" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "oqs-gateway install: app $APP_DIR, root $ROOT"
[ "$(id -u)" -eq 0 ] || fail "run as root (sudo bash $0 $*)"
for tool in systemd-sysusers systemd-tmpfiles systemctl; do
  command -v "$tool" >/dev/null || fail "$tool is missing: this needs a Debian box with systemd (apt-get install systemd)"
done
NODE=$(command -v node) || fail "Node.js is not installed: install Node.js 20 and run scripts/setup.sh first"
"$NODE" -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=17)?0:1)' ||
  fail "Node.js $("$NODE" --version) is too old; 20.17 or newer is needed"

case "$APP_DIR" in
  /home/*|/root/*|/run/user/*) say WARN "$APP_DIR is hidden from the service by ProtectHome=yes: install the package under /opt/oqs-gateway" ;;
esac

# The CLI: the built one when there is one, else the sources through tsx (a development checkout).
if [ -f "$APP_DIR/dist/daemon/cli/main.js" ]; then
  CLI=("$NODE" "$APP_DIR/bin/oqsgw.js")
elif [ -d "$APP_DIR/node_modules/tsx" ]; then
  CLI=("$NODE" --import "$APP_DIR/node_modules/tsx/dist/esm/index.mjs" "$APP_DIR/daemon/cli/main.ts")
else
  fail "the gateway is not built: run bash $APP_DIR/scripts/setup.sh first"
fi

# put SRC DEST MODE: installs a file only when its content or mode differs, and says which.
put() {
  local src=$1 dest; dest=$(R "$2"); local mode=$3
  if [ -f "$dest" ] && cmp -s "$src" "$dest" && [ "$(stat -c %a "$dest")" = "${mode#0}" ]; then
    say unchanged "$2"
  else
    local what=installed; [ -f "$dest" ] && what=updated
    install -D -m "$mode" "$src" "$dest"
    say "$what" "$2"
  fi
}

echo "1. files"
# The unit names the node binary and the app directory actually on this box.
sed -e "s|/usr/bin/node|$NODE|g" -e "s|/opt/oqs-gateway|$APP_DIR|g" "$SRC/oqs-gateway.service" > "$TMP/oqs-gateway.service"
put "$TMP/oqs-gateway.service" /etc/systemd/system/oqs-gateway.service 0644
put "$SRC/oqs-gateway.sysusers.conf" /usr/lib/sysusers.d/oqs-gateway.conf 0644
put "$SRC/oqs-gateway.tmpfiles.conf" /usr/lib/tmpfiles.d/oqs-gateway.conf 0644
put "$SRC/60-oqs-gateway.rules" /etc/udev/rules.d/60-oqs-gateway.rules 0644

# The technician's command: /usr/local/bin/oqsgw -> the app's bin/oqsgw.js (runs the built daemon).
LINK=$(R /usr/local/bin/oqsgw)
if [ "$(readlink "$LINK" 2>/dev/null)" = "$APP_DIR/bin/oqsgw.js" ]; then
  say unchanged "/usr/local/bin/oqsgw"
else
  mkdir -p "$(dirname "$LINK")" && ln -sfn "$APP_DIR/bin/oqsgw.js" "$LINK"
  say installed "/usr/local/bin/oqsgw -> $APP_DIR/bin/oqsgw.js"
fi

echo "2. user and directories"
mkdir -p "$(R /etc)"
if grep -q '^oqs-gateway:' "$(R /etc/passwd)" 2>/dev/null; then
  say unchanged "user oqs-gateway"
else
  systemd-sysusers --root="$ROOT" "$(R /usr/lib/sysusers.d/oqs-gateway.conf)"
  say created "user oqs-gateway (system user, no login, home /var/lib/oqs-gateway)"
fi
systemd-tmpfiles --root="$ROOT" --create "$(R /usr/lib/tmpfiles.d/oqs-gateway.conf)"
say ok "/etc/oqs-gateway, /var/lib/oqs-gateway, /var/log/oqs-gateway (owners and modes set)"
GID=$(awk -F: '$1=="oqs-gateway"{print $3}' "$(R /etc/group)")
[ -n "$GID" ] || fail "group oqs-gateway was not created in $(R /etc/group)"

echo "3. config"
CONFIG=$(R /etc/oqs-gateway/config.yaml)
if [ -f "$CONFIG" ]; then
  say kept "/etc/oqs-gateway/config.yaml (existing config is never overwritten)"
else
  "${CLI[@]}" config example > "$TMP/config.yaml" || fail "oqsgw config example failed"
  install -m 0640 -o 0 -g "$GID" "$TMP/config.yaml" "$CONFIG"
  say created "/etc/oqs-gateway/config.yaml from the documented example: edit it (drivers, line, broker)"
fi
# Owner and mode are put right on every run: the service must read it, nobody else.
chown "0:$GID" "$CONFIG" && chmod 0640 "$CONFIG"
if "${CLI[@]}" config check "$CONFIG" > "$TMP/check.txt" 2>&1; then
  say ok "config check passed"
else
  say WARN "config check found problems (fix them before starting):"
  sed 's/^/            /' "$TMP/check.txt"
fi

echo "4. udev and systemd"
if [ "$ROOT" = / ] && command -v udevadm >/dev/null && [ -S /run/udev/control ]; then
  udevadm control --reload && udevadm trigger --subsystem-match=tty --subsystem-match=video4linux
  say ok "udev rules reloaded (/dev/oqs-panel, /dev/oqs-camera appear when plugged in)"
else
  say skipped "udev reload (udev not running here; the rules apply at next boot)"
fi
RUNNING_SYSTEMD=no
[ "$ROOT" = / ] && [ -d /run/systemd/system ] && RUNNING_SYSTEMD=yes
[ "$RUNNING_SYSTEMD" = yes ] && systemctl daemon-reload
if [ "$ENABLE" = yes ]; then
  if [ "$(systemctl --root="$ROOT" is-enabled oqs-gateway.service 2>/dev/null)" = enabled ]; then
    say unchanged "oqs-gateway.service enabled at boot"
  else
    systemctl --root="$ROOT" enable oqs-gateway.service >/dev/null 2>&1 || fail "systemctl enable oqs-gateway.service failed"
    say enabled "oqs-gateway.service starts at boot"
  fi
fi
if [ "$START" = yes ]; then
  [ "$RUNNING_SYSTEMD" = yes ] || fail "--start needs systemd running and root /"
  systemctl restart oqs-gateway.service
  say started "oqs-gateway.service (journalctl -u oqs-gateway -f to watch)"
fi

cat <<NEXT
done. Next:
  1. edit /etc/oqs-gateway/config.yaml (card.driver: pcsc, face.driver: camera, panel.driver: serial,
     line.driver: https with line.url/ca/cert/key, mqtt.url); put the line certificates in
     /etc/oqs-gateway/line/ (key: chown oqs-gateway, chmod 600)
  2. sudo -u oqs-gateway oqsgw doctor --config /etc/oqs-gateway/config.yaml
  3. systemctl start oqs-gateway && systemctl status oqs-gateway
NEXT
