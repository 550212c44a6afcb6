#!/usr/bin/env bash
# End-to-end test of the container lab (make lab-test), on a lab `make lab` brought up:
#   1. converge playbooks/site.yml on inventories/lab again: every host must report changed=0;
#   2. install the test clients when missing: sipp in lab-pbx and lab-pbx2 (lab-operator gets it from
#      playbooks/lab-operator.yml), the softphone baresip on this host;
#   3. pytest tests/lab: IMAPS/POP3S/submission from this host on 127.0.0.1, sipp on lab-pbx's
#      loopback (register, voicemail), voicemail and satellite mail read back over IMAPS, calls
#      between the operator stand-in and the two sites, baresip on this host through 127.0.0.1.
# Exits non-zero on any failure, including a pytest run that collected no test.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# The Makefile exports these; set the same when the script is run by hand.
export PATH="$root/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$root/build}"
export ANSIBLE_HOME="${ANSIBLE_HOME:-$root/.cache/ansible}"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 PY_COLORS=0

hosts=(lab-mail lab-pbx lab-pbx2)
log() { printf '[lab-test] %s\n' "$*"; }
fail() { printf '[lab-test] FAILED: %s\n' "$*" >&2; exit 1; }
start=$(date +%s)

for h in "${hosts[@]}" lab-operator; do
    running=$(docker inspect -f '{{.State.Running}}' "$h" 2>/dev/null || true)
    [ "$running" = true ] || fail "container $h is not running: run \`make lab\` first"
done
if [ ! -e "$ANSIBLE_COLLECTIONS_PATH/ansible_collections/inpp/telecom" ]; then
    mkdir -p "$root/build/ansible_collections/inpp"
    ln -sfn ../../.. "$root/build/ansible_collections/inpp/telecom"
fi

# ---------------------------------------------------------------- 1. idempotence of the real lab
log "second converge of playbooks/site.yml on inventories/lab (must change nothing)"
t0=$(date +%s)
recap=$(mktemp /tmp/inpp-lab-test.XXXXXX)
trap 'rm -f "$recap"' EXIT
ansible-playbook -i inventories/lab playbooks/site.yml | tee "$recap"
# PLAY RECAP lines: "lab-pbx : ok=26 changed=0 unreachable=0 failed=0 skipped=11 ..."
for h in "${hosts[@]}"; do
    line=$(grep -E "^${h}[[:space:]]+: ok=" "$recap" || true)
    [ -n "$line" ] || fail "$h is missing from the play recap"
    for field in changed unreachable failed; do
        value=$(sed -nE "s/.*[[:space:]]$field=([0-9]+).*/\1/p" <<<"$line")
        [ "$value" = 0 ] || fail "not idempotent: $h reports $field=${value:-?} on the second converge"
    done
done
log "idempotent: changed=0 on ${hosts[*]} ($(( $(date +%s) - t0 )) s)"

# ---------------------------------------------------------------- 2. test clients in the containers
installs=()
for h in lab-pbx lab-pbx2; do
    if ! docker exec "$h" sh -c 'command -v sipp' >/dev/null; then
        log "installing sip-tester (sipp) on $h"
        docker exec -e DEBIAN_FRONTEND=noninteractive "$h" sh -c \
            'apt-get update -qq && apt-get install -y -qq --no-install-recommends sip-tester >/dev/null' &
        installs+=($!)
    fi
done
scripts/ensure-host-tools.sh baresip:baresip-core
for pid in "${installs[@]}"; do
    wait "$pid" || fail "installing sip-tester in a container failed"
done

# ---------------------------------------------------------------- 3. real clients
log "pytest tests/lab"
t0=$(date +%s)
rc=0
pytest -p no:cacheprovider -v tests/lab || rc=$?
[ "$rc" -ne 5 ] || fail "pytest collected no test in tests/lab"
[ "$rc" -eq 0 ] || fail "pytest tests/lab exited $rc"
log "tests passed ($(( $(date +%s) - t0 )) s); lab-test took $(( $(date +%s) - start )) s"
