#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine.
# On Debian/Ubuntu as root: install docker.io (and debootstrap, used to build the
# lab's base images) when missing, then start dockerd in the background when no
# daemon answers. Elsewhere: explain what is needed and fail.
set -euo pipefail

log() { printf '[ensure-docker] %s\n' "$*"; }

engine_answers() { docker info >/dev/null 2>&1; }

if engine_answers && command -v debootstrap >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    if engine_answers; then
        command -v debootstrap >/dev/null 2>&1 && exit 0
        log "debootstrap is missing: install it (it builds the lab's Debian images)." >&2
        exit 1
    fi
    log "No Docker engine answers and this is not a Debian/Ubuntu host run as root." >&2
    log "Start a Docker engine (and install debootstrap), then run make again." >&2
    exit 1
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! engine_answers; then
    log "starting dockerd in the background (log: /var/log/dockerd.log)"
    nohup dockerd >/var/log/dockerd.log 2>&1 &
    for _ in $(seq 1 60); do
        engine_answers && break
        sleep 1
    done
fi

if ! engine_answers; then
    log "dockerd did not answer within 60 s; see /var/log/dockerd.log" >&2
    exit 1
fi
log "Docker engine ready: $(docker version --format '{{.Server.Version}}')"
