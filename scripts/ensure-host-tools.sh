#!/usr/bin/env bash
# Install host programs the gates need when they are missing, from Debian's
# packages (root on Debian/Ubuntu); elsewhere say what to install and fail.
# Usage: ensure-host-tools.sh PROGRAM:PACKAGE...
set -euo pipefail
missing=()
for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "[ensure-host-tools] please install: ${missing[*]}" >&2
    exit 1
fi
echo "[ensure-host-tools] installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
