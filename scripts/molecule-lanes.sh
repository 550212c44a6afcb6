#!/usr/bin/env bash
# Run Molecule scenarios (`molecule test -s NAME`) in MOLECULE_JOBS parallel lanes.
#   scripts/molecule-lanes.sh SCENARIO... [make:TARGET...]
# A job written make:TARGET runs `make TARGET` in a lane instead (make test runs the container
# lab's lab-test this way, beside the scenarios rather than after them: it has its own
# containers, network and 127.0.0.1 ports, which no scenario publishes).
# Scenarios are taken in the order given by whichever lane is free first, so list the longest
# first. Every scenario has its own containers and network, so lanes share nothing but the
# Docker engine; most of a scenario's time is spent waiting on containers (apt, dpkg, sipp
# timers), which is why two lanes fit on two cores. Each scenario's output goes to
# build/molecule/NAME.log; a failed scenario's log is printed in full at the end. The exit code is
# non-zero when any scenario failed, and every scenario is run either way (one failure does not
# hide another).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${MOLECULE_JOBS:-2}
logs="$root/build/molecule"
molecule="${MOLECULE:-$root/.venv/bin/molecule}"

[ "$#" -gt 0 ] || { echo "usage: $0 SCENARIO..." >&2; exit 2; }
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || { echo "MOLECULE_JOBS must be a positive integer, not '$jobs'" >&2; exit 2; }
for s in "$@"; do
    case $s in make:?*) continue ;; esac
    [ -f "$root/molecule/$s/molecule.yml" ] || { echo "no Molecule scenario named '$s' (molecule/$s/molecule.yml)" >&2; exit 2; }
done
mkdir -p "$logs"

run_one() {
    local job=$1 s start rc=0
    s=${job#make:}
    start=$(date +%s)
    if [ "$job" != "$s" ]; then
        printf '== %s make %s (log: build/molecule/%s.log)\n' "$(date -u +%T)" "$s" "$s"
        make -C "$root" --no-print-directory "$s" >"$logs/$s.log" 2>&1 || rc=$?
    else
        printf '== %s molecule test -s %s (log: build/molecule/%s.log)\n' "$(date -u +%T)" "$s" "$s"
        (cd "$root" && "$molecule" test -s "$s") >"$logs/$s.log" 2>&1 || rc=$?
    fi
    printf '== %s %s %s in %d s\n' "$(date -u +%T)" "$job" \
        "$([ "$rc" -eq 0 ] && echo passed || echo "FAILED (exit $rc)")" "$(( $(date +%s) - start ))"
    echo "$rc" >"$logs/$s.rc"
    return 0
}
export -f run_one
export root logs molecule

rm -f "$logs"/*.rc
start=$(date +%s)
# shellcheck disable=SC2016  # "$1" is expanded by the inner bash, on purpose
printf '%s\n' "$@" | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {}

failed=()
for job in "$@"; do
    s=${job#make:}
    [ "$(cat "$logs/$s.rc" 2>/dev/null || echo missing)" = 0 ] || failed+=("$s")
done
for s in "${failed[@]}"; do
    printf '\n======== log of the failed job %s ========\n' "$s"
    cat "$logs/$s.log" 2>/dev/null || echo "(no log)"
done
printf '== Molecule: %d job(s), %d lane(s), %d s in all\n' "$#" "$jobs" "$(( $(date +%s) - start ))"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "== FAILED: ${failed[*]}" >&2
    exit 1
fi
