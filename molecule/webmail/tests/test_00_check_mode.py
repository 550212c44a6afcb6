# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode on the converged hosts reports no change (runs first, before any traffic)."""
import os
import pathlib
import re
import subprocess
import sys

import pytest


@pytest.mark.skipif('MOLECULE_INVENTORY_FILE' not in os.environ, reason='needs Molecule\'s inventory')
def test_check_mode_on_converged_hosts_reports_no_change():
    scenario = pathlib.Path(os.environ.get('MOLECULE_SCENARIO_DIRECTORY', pathlib.Path(__file__).parent.parent))
    playbook = pathlib.Path(sys.executable).parent / 'ansible-playbook'
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1', PY_COLORS='0')
    run = subprocess.run([str(playbook), '-i', os.environ['MOLECULE_INVENTORY_FILE'], '--check', '--diff',
                          str(scenario / 'converge.yml')],
                         capture_output=True, text=True, timeout=900, check=False, env=env)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    recap = re.sub(r'\x1b\[[0-9;]*m', '', run.stdout.split('PLAY RECAP')[-1])
    hosts = re.findall(r'^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', recap, re.M)
    assert len(hosts) == 1, recap
    changed = {host[0]: int(host[1]) for host in hosts if int(host[1])}
    assert not changed, 'check mode reports changes: %s\n%s' % (changed, run.stdout[-6000:])
