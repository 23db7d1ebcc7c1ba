#!/usr/bin/env bash
# Installs the consumers the tests drive, and nothing else:
#   - Debian's chromium (headless page tests: HTML export, TimelineJS)
#   - man-db (the man page is rendered with `man -l`), bash (completion is loaded into it)
#   - @knight-lab/timelinejs from npm, into tests/.tools (the TimelineJS test loads it)
# Idempotent and quiet when everything is already there; CI runs it before pytest.
set -euo pipefail

TIMELINEJS_VERSION="3.9.11"
here="$(cd "$(dirname "$0")" && pwd)"
tools="$here/.tools"
timeline_pkg="$tools/node_modules/@knight-lab/timelinejs"

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

if ! command -v chromium >/dev/null 2>&1; then
  echo "install-tools: installing chromium (Debian package)" >&2
  apt_install chromium
fi

if ! command -v man >/dev/null 2>&1; then
  echo "install-tools: installing man-db (Debian package; the man page test renders with it)" >&2
  apt_install man-db
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "install-tools: installing npm (Debian package)" >&2
  apt_install npm
fi

installed=""
if [ -f "$timeline_pkg/package.json" ]; then
  installed="$(node -p "require('$timeline_pkg/package.json').version" 2>/dev/null || true)"
fi
if [ "$installed" != "$TIMELINEJS_VERSION" ] || [ ! -f "$timeline_pkg/dist/js/timeline.js" ]; then
  echo "install-tools: installing @knight-lab/timelinejs@$TIMELINEJS_VERSION into $tools" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-save --no-package-lock --no-audit --no-fund \
    --loglevel=error "@knight-lab/timelinejs@$TIMELINEJS_VERSION" >/dev/null
fi
command -v tmux >/dev/null 2>&1 && command -v less >/dev/null 2>&1 || apt_install tmux less  # the pager and completion tests (tests/test_terminal.py) run in tmux
command -v script >/dev/null 2>&1 || apt_install bsdutils  # util-linux's script: a TTY for tests/test_process.py
command -v jq >/dev/null 2>&1 || apt_install jq  # tests/test_process.py pipes JSON into jq
