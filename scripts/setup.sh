#!/usr/bin/env bash
# Sets up everything the gateway, its demo and its tests need on Debian 12 with Node 20, as root:
# Debian packages (scripts/apt-packages/*.txt), npm packages (npm ci), the build (dist/) and the
# test PKI (var/pki). Idempotent: each step is skipped, silently, when there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: %s\n' "$*" >&2; exit 1; }

# 1. Node.js 20.17 or newer.
command -v node >/dev/null || fail "Node.js is not installed; install Node.js 20 (https://nodejs.org or NodeSource) and run again"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=17)?0:1)' ||
  fail "Node.js $(node --version) is too old; version 20.17 or newer is needed"

# 2. Debian packages.
mapfile -t wanted < <(cat scripts/apt-packages/*.txt | sed 's/#.*//' | tr -s ' \t' '\n' | grep -v '^$' | sort -u)
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || fail "these Debian packages are missing and installing them needs root: ${missing[*]}"
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # Debian starts these on install; the project starts its own instances where it needs them.
  for svc in mosquitto pcscd; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then systemctl stop "$svc" 2>/dev/null || true; fi
  done
fi

# 3. npm packages, reinstalled only when package-lock.json changed.
stamp=node_modules/.oqs-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  say "installing npm packages (npm ci; native modules are compiled, this takes a few minutes the first time)"
  JOBS=${JOBS:-2} npm ci --no-audit --no-fund --loglevel=error >/tmp/oqs-npm-ci.log 2>&1 || { tail -40 /tmp/oqs-npm-ci.log >&2; fail "npm ci failed (full log: /tmp/oqs-npm-ci.log)"; }
  echo "$lock_sum" > "$stamp"
fi

# 4. Build (tsc is incremental: quick when nothing changed).
npx tsc -p tsconfig.build.json || fail "the TypeScript build failed"

# 5. Test PKI for the demo and the tests (never for production).
bash scripts/gen-test-pki.sh >/dev/null
