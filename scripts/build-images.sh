#!/usr/bin/env bash
# Build the lab's Debian images locally, without any registry:
#   inpp-telecom/debian:SUITE          debootstrap minbase + python3, docker import
#   inpp-telecom/debian-systemd:SUITE  the same with systemd as PID 1
# Images that already exist from the same recipe (this script, images/systemd/) are
# kept, so a second run is fast and changes nothing; a changed recipe rebuilds them.
# Set REBUILD=1 to rebuild them all.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
suites=${SUITES:-"bullseye sid"}
repo=${IMAGE_REPO:-inpp-telecom}
rebuild=${REBUILD:-0}

log() { printf '[build-images] %s\n' "$*"; }

# Fingerprint of everything that shapes the images, stored as a label on each.
recipe=$(cat "$0" "$here"/images/systemd/* | sha256sum | cut -c1-16)

# The mirror apt already uses on this host (the only package source reachable).
mirror() {
    local m
    m=$(grep -rhvE '^[[:space:]]*#' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
        | grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -n1 || true)
    echo "${MIRROR:-${m:-http://deb.debian.org/debian}}"
}

have_image() {
    [ "$rebuild" != 1 ] || return 1
    [ "$(docker image inspect --format '{{ index .Config.Labels "inpp.recipe" }}' "$1" 2>/dev/null)" = "$recipe" ]
}

build_base() {
    local suite=$1 image="$repo/debian:$1" rootfs
    if have_image "$image"; then log "$image present"; return; fi
    rootfs=$(mktemp -d /var/tmp/inpp-rootfs.XXXXXX)
    trap 'rm -rf "$rootfs"' RETURN
    log "debootstrap $suite from $(mirror)"
    # python3-apt: Ansible's apt module needs it for check mode (a normal run would install it).
    debootstrap --variant=minbase --include=python3,python3-apt,ca-certificates "$suite" "$rootfs" "$(mirror)" \
        >"/var/tmp/debootstrap-$suite.log" 2>&1 \
        || { log "debootstrap failed, see /var/tmp/debootstrap-$suite.log" >&2; return 1; }
    # sid's Release files may look expired when the clock runs ahead of the mirror.
    printf 'Acquire::Check-Valid-Until "false";\n' >"$rootfs/etc/apt/apt.conf.d/99no-check-valid-until"
    printf 'APT::Install-Recommends "false";\n' >"$rootfs/etc/apt/apt.conf.d/99no-recommends"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    # Empty package lists must not look fresh: Ansible's apt module trusts their mtime
    # (cache_valid_time) and would skip the update, finding no package at all.
    touch -d @0 "$rootfs/var/lib/apt/lists"
    tar -C "$rootfs" -c . | docker import --change "LABEL inpp.recipe=$recipe" - "$image" >/dev/null
    log "$image imported"
}

build_systemd() {
    local suite=$1 image="$repo/debian-systemd:$1"
    if have_image "$image"; then log "$image present"; return; fi
    log "building $image"
    docker build -q --build-arg "BASE=$repo/debian:$suite" --label "inpp.recipe=$recipe" \
        -t "$image" "$here/images/systemd" >/dev/null
    log "$image built"
}

for suite in $suites; do
    build_base "$suite"
    build_systemd "$suite"
done
