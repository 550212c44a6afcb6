# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Before any call: a check-mode --diff run of the converge playbook reports no change, and bad
routing input stops the run at validation, each problem named by its field."""
from __future__ import annotations

import json
import os
import re
import subprocess


def _playbook(*args):
    scenario = os.environ['MOLECULE_SCENARIO_DIRECTORY']
    command = ['ansible-playbook', '-i', os.environ['MOLECULE_INVENTORY_FILE'], *args,
               os.path.join(scenario, 'converge.yml')]
    run = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'),
                         check=False)
    return run, run.stdout + run.stderr


def test_check_mode_reports_no_change():
    run, out = _playbook('--check', '--diff')
    assert run.returncode == 0, out[-4000:]
    recap = re.findall(r'^(trunks-\S+)\s+: ok=\d+\s+changed=(\d+)', run.stdout, re.M)
    assert len(recap) == 2 and all(count == '0' for _host, count in recap), (recap, out[-3000:])


def test_bad_routing_stops_before_any_change():
    extra = {
        'telecom_numbers': [{'number': '0815550100'}],
        'telecom_trunks': [{'name': 'operator', 'host': 'trunks-operator', 'username': 'inpp'}],
        'telecom_time_groups': [{'name': 'bureau', 'open': [{'days': 'mon-fri', 'hours': '08:00-25:00'}]}],
        'telecom_departments': [{'name': 'direction', 'calls': 'world'}, {'name': 'formation', 'context': 'staff'}],
        'telecom_sites': [{'name': 'kinshasa', 'host': 'trunks-kin', 'extensions': '1000-1999'},
                          {'name': 'matadi', 'host': 'trunks-mat', 'extensions': '1500-2999'}],
    }
    run, out = _playbook('--check', '-l', 'trunks-kin', '-e', json.dumps(extra))
    assert run.returncode != 0, out[-3000:]
    assert 'Install Asterisk packages' not in out  # stopped at validation
    for expected in ('telecom_numbers[0].destination: missing',
                     'telecom_trunks[0].secret: missing (the trunk registers',
                     "telecom_time_groups[0].open[0].hours: '08:00-25:00': 25:00 is not an hour of the day",
                     "telecom_departments[0].calls: 'world' is not a permission class",
                     "asterisk_ivr[0].hours: 'permanence' is not a time group of telecom_time_groups",
                     "telecom_sites[1].extensions: '1500-2999' overlaps telecom_sites[0].extensions '1000-1999'"):
        assert expected in out, (expected, out[-3000:])
