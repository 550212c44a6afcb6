#!/usr/bin/env bash
# Asterisk config engine benchmark (figures for docs/benchmarks.md; not a test).
#   bench/run.sh [--users 100,1000,2000,5000] [--ini-users 5,10] [--json FILE]   (~17 min, mostly the ini_file loop)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
exec "$ROOT/.venv/bin/python" "$ROOT/bench/asterisk_config_bench.py" "$@"
