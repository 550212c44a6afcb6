#!/usr/bin/env bash
# Benchmarks (figures for docs/benchmarks.md; not tests). With no argument, both documented runs:
#   bench/run.sh engine [--users 100,1000,2000,5000] [--ini-users 5,10] [--json FILE]
#       asterisk_config against an ini_file loop, on localhost (~17 min, mostly the ini_file loop)
#   bench/run.sh site [--users 10,1000] [--seed 12] [--lock FILE] [--json FILE] [--no-restore]
#       no-change re-run of playbooks/site.yml on the container lab (make lab) with 10 and 1,000
#       users (~15 min); --lock FILE holds an flock on FILE for the whole run (shared lab)
#   bench/run.sh reprovision [--lock FILE] [--top 10] [--json FILE]
#       bare host to restored service on the lab: backup.yml, the data hosts replaced by bare
#       containers, site.yml then restore.yml (~6 min; not in the default run: the lab's data
#       goes back to the snapshot it takes)
#   bench/run.sh sipload [--users 200] [--image IMG] [--lock FILE] [--json FILE]
#       SIP load (sipp) through the role's dialplan against a minimal hand-written configuration,
#       on a PBX container of its own (~20 min; not in the default run; --lock FILE is held
#       twice: converge with the as-deployed series, then the hold and rate series)
# Options given without a benchmark name go to the engine benchmark, as before.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
case "${1:-all}" in
    engine) shift; exec "$PY" "$ROOT/bench/asterisk_config_bench.py" "$@" ;;
    site) shift; exec "$PY" "$ROOT/bench/site_rerun_bench.py" "$@" ;;
    reprovision) shift; exec "$PY" "$ROOT/bench/reprovision_bench.py" "$@" ;;
    sipload) shift; exec "$PY" "$ROOT/bench/sipload_bench.py" "$@" ;;
    all) "$PY" "$ROOT/bench/asterisk_config_bench.py"
         exec "$PY" "$ROOT/bench/site_rerun_bench.py" ;;
    *) exec "$PY" "$ROOT/bench/asterisk_config_bench.py" "$@" ;;
esac
