# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs a scenario's one-file client script INSIDE one of its containers (mail_internet, webmail).

The client (the scenario's tests/*client.py) prints one JSON object as its last line of output. A
scenario's conftest.py loads this file by path (it is a file, not an installed package).
"""
from __future__ import annotations

import json
import subprocess


def run_client(container, script, *args, timeout=300):
    """Run ``script`` with the command line ``args`` in ``container``; its last output line, parsed as JSON.

    The script goes through stdin (``docker exec -i ... python3 -``): ``python3 -c`` would put it in
    the process list. A client that exits non-zero fails the calling test with its stderr.
    """
    run = subprocess.run(['docker', 'exec', '-i', container, 'python3', '-', *[str(arg) for arg in args]],
                         input=script, capture_output=True, text=True, timeout=timeout, check=False)
    assert run.returncode == 0, 'client %s failed in %s: %s' % (args[0], container, run.stderr[-3000:])
    return json.loads(run.stdout.strip().splitlines()[-1])
