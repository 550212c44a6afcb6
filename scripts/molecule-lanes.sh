#!/usr/bin/env bash
# Run Molecule scenarios (`molecule test -s NAME`) in MOLECULE_JOBS parallel lanes.
#   scripts/molecule-lanes.sh SCENARIO...
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
    [ -f "$root/molecule/$s/molecule.yml" ] || { echo "no Molecule scenario named '$s' (molecule/$s/molecule.yml)" >&2; exit 2; }
done
mkdir -p "$logs"

run_one() {
    local s=$1 start rc=0
    start=$(date +%s)
    printf '== %s molecule test -s %s (log: build/molecule/%s.log)\n' "$(date -u +%T)" "$s" "$s"
    (cd "$root" && "$molecule" test -s "$s") >"$logs/$s.log" 2>&1 || rc=$?
    printf '== %s scenario %s %s in %d s\n' "$(date -u +%T)" "$s" \
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
for s in "$@"; do
    [ "$(cat "$logs/$s.rc" 2>/dev/null || echo missing)" = 0 ] || failed+=("$s")
done
for s in "${failed[@]}"; do
    printf '\n======== log of the failed scenario %s ========\n' "$s"
    cat "$logs/$s.log" 2>/dev/null || echo "(no log)"
done
printf '== Molecule: %d scenario(s), %d lane(s), %d s in all\n' "$#" "$jobs" "$(( $(date +%s) - start ))"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "== FAILED scenarios: ${failed[*]}" >&2
    exit 1
fi
