#!/usr/bin/env bash
# scripts/setup.sh — install what socketeer's tests and examples need.
#
# Idempotent and fast when everything is already present; safe to run on
# every test run (scripts/test.sh does). Steps, one output line each:
#   1. Debian packages chromium, nginx, python3-socketio, redis-server, plus what
#      python-socketio's clients need at run time but Debian's package does
#      not pull in: python3-requests and python3-websocket (sync Client,
#      polling and websocket transports), python3-aiohttp (AsyncClient)
#      and python3-msgpack (the msgpack serializer).
#      apt-get update runs once, and only if something is missing.
#   2. npm ci in interop/ when node_modules is missing or older than
#      interop/package-lock.json
#   3. go mod download
#   4. copy socket.io-client's browser bundle (socket.io.min.js and its
#      .map) into templates/static/vendor/
#   5. copy @socket.io/admin-ui's static UI, with @mdi/font's icons, into
#      admin/ui/ (package admin embeds it), rewritten to load nothing from
#      the network
#
# Needs root for step 1 (only when a package is missing). Node.js >= 20 and
# npm must already be installed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Two runs at once (two engineers, or test.sh started twice) would fight over
# apt's and npm's locks; serialise them.
if command -v flock >/dev/null 2>&1; then
	exec 9>"${TMPDIR:-/tmp}/socketeer-setup.lock"
	flock 9
fi

# Go lives in /usr/local/go on these machines; a non-login shell may lack it.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

step() { printf 'setup: %-8s %s\n' "$1" "$2"; }

# --- 1. Debian packages -----------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# nginx: examples/cluster's test runs it as a child process in front of the
# nodes (its own config and ports; the system service is not used).
[ -x /usr/sbin/nginx ] || missing+=(nginx)
/usr/bin/python3 -c 'import socketio' >/dev/null 2>&1 || missing+=(python3-socketio)
/usr/bin/python3 -c 'import requests' >/dev/null 2>&1 || missing+=(python3-requests)
/usr/bin/python3 -c 'import websocket' >/dev/null 2>&1 || missing+=(python3-websocket)
/usr/bin/python3 -c 'import aiohttp' >/dev/null 2>&1 || missing+=(python3-aiohttp)
/usr/bin/python3 -c 'import msgpack' >/dev/null 2>&1 || missing+=(python3-msgpack)
{ command -v redis-server && command -v redis-cli; } >/dev/null 2>&1 || missing+=(redis-server)

if [ "${#missing[@]}" -eq 0 ]; then
	step apt "ok (chromium, nginx, python3-socketio + client deps, redis-server present)"
else
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: apt      missing ${missing[*]} and not root; install them with apt-get" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt_opts=(-q -o DPkg::Lock::Timeout=300)
	log="${TMPDIR:-/tmp}/socketeer-setup-apt.log"
	if ! { apt-get "${apt_opts[@]}" update &&
		apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1 </dev/null; then
		tail -n 30 "$log" >&2
		echo "setup: apt      FAILED installing ${missing[*]} (log: $log)" >&2
		exit 1
	fi
	step apt "installed ${missing[*]}"
fi

# --- 2. npm ci in interop/ --------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
	echo "setup: npm      npm not found; install Node.js >= 20 with npm" >&2
	exit 1
fi
marker=interop/node_modules/.package-lock.json # written by every npm ci
if [ -f "$marker" ] && [ ! interop/package-lock.json -nt "$marker" ]; then
	step npm "ok (interop/node_modules up to date)"
else
	log="${TMPDIR:-/tmp}/socketeer-setup-npm.log"
	if ! (cd interop && npm ci --no-audit --no-fund) >"$log" 2>&1 </dev/null; then
		tail -n 30 "$log" >&2
		echo "setup: npm      FAILED: npm ci in interop/ (log: $log)" >&2
		exit 1
	fi
	touch "$marker"
	step npm "npm ci in interop/ done ($(grep -Eo 'added [0-9]+ packages?' "$log" | head -n1 || true))"
fi

# --- 3. Go modules ----------------------------------------------------------
go mod download
step go "ok (go mod download)"

# --- 4. socket.io-client browser bundle -------------------------------------
src=interop/node_modules/socket.io-client/dist
dst=templates/static/vendor
mkdir -p "$dst"
copied=0
for f in socket.io.min.js socket.io.min.js.map; do
	[ -f "$src/$f" ] || continue
	if ! cmp -s "$src/$f" "$dst/$f"; then
		cp "$src/$f" "$dst/$f"
		copied=$((copied + 1))
	fi
done
[ -f "$dst/socket.io.min.js" ] || {
	echo "setup: vendor   FAILED: $src/socket.io.min.js not found" >&2
	exit 1
}
if [ "$copied" -gt 0 ]; then
	step vendor "copied socket.io.min.js to $dst/"
else
	step vendor "ok ($dst/socket.io.min.js up to date)"
fi

# --- 5. Admin UI bundle -----------------------------------------------------
# @socket.io/admin-ui's static UI goes into admin/ui/, which package admin
# embeds and serves (admin.UI). Its index.html fetches two stylesheets from
# CDNs; the icon font (@mdi/font, pinned in interop/package.json) is copied
# beside it and the link rewritten, and the Roboto link is dropped (the UI
# falls back to the system's sans-serif font), so that it works offline.
ui_src=interop/node_modules/@socket.io/admin-ui/ui/dist
mdi_src=interop/node_modules/@mdi/font
ui_dst=admin/ui
[ -f "$ui_src/index.html" ] && [ -f "$mdi_src/css/materialdesignicons.min.css" ] || {
	echo "setup: adminui  FAILED: $ui_src or $mdi_src not found" >&2
	exit 1
}
ui_tmp="$(mktemp -d)"
trap 'rm -rf "$ui_tmp"' EXIT
(cd "$ui_src" && tar cf - --exclude='*.map' .) | (cd "$ui_tmp" && tar xf -)
mkdir -p "$ui_tmp/mdi/css" "$ui_tmp/mdi/fonts"
cp "$mdi_src/css/materialdesignicons.min.css" "$ui_tmp/mdi/css/"
cp "$mdi_src"/fonts/materialdesignicons-webfont.woff2 "$mdi_src"/fonts/materialdesignicons-webfont.woff "$ui_tmp/mdi/fonts/"
sed -i \
	-e 's#<link rel="stylesheet" href="https://fonts.googleapis.com/[^"]*">##' \
	-e 's#https://cdn.jsdelivr.net/npm/@mdi/font@[^"]*/css/materialdesignicons.min.css#mdi/css/materialdesignicons.min.css#' \
	"$ui_tmp/index.html"
if grep -q 'https\?://' "$ui_tmp/index.html"; then
	echo "setup: adminui  FAILED: $ui_tmp/index.html still loads from the network" >&2
	exit 1
fi
ui_diff="$(diff -rq "$ui_tmp" "$ui_dst" 2>&1 | grep -v "^Only in $ui_dst: README.md" || true)"
if [ -n "$ui_diff" ]; then
	find "$ui_dst" -mindepth 1 ! -name README.md -delete 2>/dev/null || true
	mkdir -p "$ui_dst"
	cp -R "$ui_tmp"/. "$ui_dst"/
	step adminui "copied @socket.io/admin-ui's UI (offline icons) to $ui_dst/"
else
	step adminui "ok ($ui_dst/ up to date)"
fi
