# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A check-mode (--diff) run of the converge playbook on the converged PBXs reports no change, and an
SRTP endpoint without TLS stops the run at validation, before any change.

Runs from the controller (no host fixture), with molecule's inventory and environment.
"""
from __future__ import annotations

import json
import os
import re
import subprocess


def _converge(*args):
    scenario = os.environ['MOLECULE_SCENARIO_DIRECTORY']
    inventory = os.environ['MOLECULE_INVENTORY_FILE']
    run = subprocess.run(['ansible-playbook', '-i', inventory, *args, os.path.join(scenario, 'converge.yml')],
                         capture_output=True, text=True, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'), check=False)
    return run.returncode, run.stdout + run.stderr


def test_check_mode_reports_no_change():
    code, out = _converge('--check', '--diff')
    assert code == 0, out[-4000:]
    recap = re.findall(r'^(sipsec-\S+)\s+: ok=\d+\s+changed=(\d+)', out, re.M)
    assert len(recap) == 2, out[-2000:]
    assert all(count == '0' for _host, count in recap), out[-4000:]


def test_srtp_without_tls_stops_before_any_change():
    users = [{'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'extension': '1001', 'voicemail': False,
              'sip_secret': 'Sipsec-1001-secret', 'sip_srtp': True}]
    code, out = _converge('-l', 'sipsec-sid', '-e', json.dumps({'telecom_users': users}))
    assert code != 0, out[-3000:]
    assert 'telecom_users[0].sip_srtp: SRTP (SDES) needs sip_transport: tls' in out, out[-3000:]
    assert 'Install Asterisk packages' not in out and 'changed=0' in out, out[-3000:]
    assert 'Sipsec-1001-secret' not in out
