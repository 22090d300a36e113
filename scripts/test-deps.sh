#!/usr/bin/env bash
# Run by `npm test` before the suites: the browser suite drives Debian's Chromium
# (CHROMIUM_PATH, else /usr/bin/chromium) and needs a CJK font to draw Chinese; the
# integration suite starts a throw-away PostgreSQL cluster from Debian's postgresql
# package (PG_BIN, else the newest /usr/lib/postgresql/N/bin).
# What is missing is installed with apt-get when this runs as root (a fresh
# Debian machine, CI); otherwise one line names the command to run, and the
# tests do not start.
set -u

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$chromium" ] || missing+=(chromium)
pg_ctl_found() {
  [ -n "${PG_BIN:-}" ] && { [ -x "$PG_BIN/pg_ctl" ]; return; }
  compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null
}
pg_ctl_found || missing+=(postgresql)
if [ "$(uname -s)" = Linux ]; then
  fc-list 2>/dev/null | grep -qiE 'Noto (Sans|Serif) CJK|WenQuanYi' || missing+=(fonts-noto-cjk)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian for the test suites"
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; then exit 0; fi
  echo "apt-get could not install ${missing[*]}"
  exit 1
fi

echo "The test suites need ${missing[*]}: run \"sudo apt-get install -y ${missing[*]}\" (or set CHROMIUM_PATH), then npm test again."
exit 1
