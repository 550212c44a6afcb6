# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A check-mode (--diff) run of the converge playbook on the converged PBXs reports no change.

Runs once from the controller (no host fixture), with molecule's inventory and environment.
"""
from __future__ import annotations

import os
import re
import subprocess


def test_check_mode_reports_no_change():
    scenario = os.environ['MOLECULE_SCENARIO_DIRECTORY']
    inventory = os.environ['MOLECULE_INVENTORY_FILE']
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0')
    run = subprocess.run(['ansible-playbook', '--check', '--diff', '-i', inventory, os.path.join(scenario, 'converge.yml')],
                         capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    recap = re.findall(r'^(pbx-\S+)\s+: ok=\d+\s+changed=(\d+)', run.stdout, re.M)
    assert len(recap) == 2, run.stdout[-2000:]
    changed_tasks = re.findall(r'^TASK \[([^\]]+)\][^\n]*\n(?:(?!TASK).*\n)*?changed: ', run.stdout, re.M)
    assert all(count == '0' for _host, count in recap), (recap, changed_tasks)


def test_invalid_directory_stops_before_any_change():
    """validate.yml runs first: a user without sip_secret and a queue member that is nobody stop the run,
    each named by its field, and no task after validation runs."""
    scenario = os.environ['MOLECULE_SCENARIO_DIRECTORY']
    inventory = os.environ['MOLECULE_INVENTORY_FILE']
    users = ('[{"name": "Daddy Nzinga", "login": "daddy.nzinga", "extension": "1001", "mail": false,'
             ' "voicemail_pin": "4821"}]')
    extra = '{"telecom_users": %s, "asterisk_queues": [{"name": "accueil", "members": ["1001", "1009"]}]}' % users
    run = subprocess.run(['ansible-playbook', '--check', '-i', inventory, '-l', 'pbx-sid', '-e', extra,
                          os.path.join(scenario, 'asterisk-only.yml')],
                         capture_output=True, text=True, env=dict(os.environ), check=False)
    out = run.stdout + run.stderr
    assert run.returncode != 0, out[-3000:]
    assert 'Install Asterisk packages' not in out  # stopped at validation
    assert 'telecom_users[0].sip_secret: missing' in out, out[-3000:]
    assert "asterisk_queues[0].members[1]: '1009' is not the extension of any user" in out, out[-3000:]
    assert 'Molecule-1001-secret' not in out


def test_restart_is_refused_while_a_call_is_up():
    """A transport change needs a restart; with a call waiting in the queue the handler refuses it.

    Runs in check mode: the handler's guard (asterisk_command's own) runs, nothing is written or restarted.
    """
    import testinfra

    host = testinfra.get_host('docker://pbx-sid')
    # 1001 calls the queue (600); no member is reachable, so the caller waits in the queue.
    host.run('setsid sh -c "sipp 127.0.0.1:5060 -sf /root/sipp/call.xml -i 127.0.0.1 -p 5067 -mp 6200 -m 1 '
             '-s 600 -key caller 1001 -au 1001 -ap Molecule-1001-secret -d 120000 -nostdin -timeout 150s '
             '> /dev/null 2>&1" > /dev/null 2>&1 < /dev/null &')
    try:
        deadline = 30
        while deadline and '1 active call' not in host.check_output("asterisk -rx 'core show channels count'"):
            deadline -= 1
            subprocess.run(['sleep', '1'], check=True)
        assert deadline, 'the queue call did not come up'
        run = subprocess.run(['ansible-playbook', '--check', '-i', os.environ['MOLECULE_INVENTORY_FILE'],
                              '-l', 'pbx-sid', '-e', 'asterisk_pjsip_transport_bind=0.0.0.0:5070',
                              os.path.join(os.environ['MOLECULE_SCENARIO_DIRECTORY'], 'asterisk-only.yml')],
                             capture_output=True, text=True, env=dict(os.environ), check=False)
        out = run.stdout + run.stderr
        assert run.returncode != 0, out[-3000:]
        assert "refusing 'core restart now': 1 active call(s)" in out, out[-3000:]
        assert 'Refuse to restart Asterisk while calls are up' in out, out[-3000:]
    finally:
        host.run('pkill -x sipp')
        host.run("asterisk -rx 'channel request hangup all'")
