# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check-mode runs of a Molecule scenario's playbooks, shared by the scenarios' tests.

Runs on the controller with Molecule's inventory and environment (MOLECULE_INVENTORY_FILE,
MOLECULE_SCENARIO_DIRECTORY). The scenarios' tests load this file by path (it is a file, not an
installed package), as they load tests/sipp/sipp_client.py.
"""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

RECAP_LINE = re.compile(r'^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)
CHANGED_TASK = re.compile(r'^TASK \[([^\]]+)\][^\n]*\n(?:(?!TASK).*\n)*?changed: ', re.M)


def run_playbook(*args, playbook='converge.yml', timeout=900):
    """Run the scenario's ``playbook`` with Molecule's inventory, ``args`` before it, colour off.

    Returns the completed process; its ``stdout + stderr`` is what the callers search.
    """
    scenario = pathlib.Path(os.environ['MOLECULE_SCENARIO_DIRECTORY'])
    command = pathlib.Path(sys.executable).parent / 'ansible-playbook'
    if not command.exists():
        command = 'ansible-playbook'
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1', PY_COLORS='0')
    return subprocess.run([str(command), '-i', os.environ['MOLECULE_INVENTORY_FILE'], *args, str(scenario / playbook)],
                          capture_output=True, text=True, timeout=timeout, check=False, env=env)


def recap(stdout):
    """The PLAY RECAP of a playbook run: ``{host: changed count}``, one entry per host."""
    text = re.sub(r'\x1b\[[0-9;]*m', '', stdout.split('PLAY RECAP')[-1])
    return {host: int(changed) for host, changed, _unreachable, _failed in RECAP_LINE.findall(text)}


def assert_check_mode_reports_no_change(hosts):
    """A ``--check --diff`` run of converge.yml succeeds on ``hosts`` hosts and changes none of them."""
    run = run_playbook('--check', '--diff')
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    counts = recap(run.stdout)
    assert len(counts) == hosts, run.stdout.split('PLAY RECAP')[-1]
    changed = {host: count for host, count in counts.items() if count}
    assert not changed, 'check mode reports changes: %s in tasks %s\n%s' % (
        changed, CHANGED_TASK.findall(run.stdout), run.stdout[-6000:])
