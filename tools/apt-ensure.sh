#!/usr/bin/env bash
# Installs Debian packages that tests need (servers, a browser) when their command is missing.
# Usage: tools/apt-ensure.sh COMMAND:PACKAGE [COMMAND:PACKAGE ...]
#   e.g. tools/apt-ensure.sh redis-server:redis-server chromium:chromium
# Runs apt-get as root (CI and these machines) or through sudo when available.
set -euo pipefail
missing=()
for pair in "$@"; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "apt-ensure: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for pair in "$@"; do
  cmd=${pair%%:*}
  command -v "$cmd" >/dev/null 2>&1 || { echo "apt-ensure: $cmd still missing after installing ${pair#*:}" >&2; exit 1; }
done
