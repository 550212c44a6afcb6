# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""site.yml's pre-flight checks the rspamd role's input on the mail hosts of the rspamd group.

Same set-up as test_site_preflight.py (the fixture site of this folder's conftest.py): the lab's
group_vars on unreachable hosts, so only the controller-side checks can run.
"""
from __future__ import annotations

import re


def test_an_rspamd_error_stops_the_run_before_any_host_changes(site):
    code, out = site('--check', groups={'mail': ['mail-x'], 'pbx': ['pbx-x'], 'rspamd': ['mail-x']},
                     extra={'rspamd_add_header_score': 20, 'rspamd_dkim_selector': 'two words'})
    assert code != 0
    assert 'rspamd_add_header_score: 20 must be below rspamd_reject_score (15)' in out, out[-3000:]
    assert "rspamd_dkim_selector: 'two words' is not a DNS label" in out, out[-3000:]
    assert 'PLAY [Mail servers]' not in out and 'UNREACHABLE' not in out, out[-3000:]


def test_hosts_outside_the_rspamd_group_are_not_checked_for_it(site):
    code, out = site('--check', groups={'mail': ['mail-x'], 'pbx': ['pbx-x']}, extra={'rspamd_add_header_score': 20})
    assert code != 0  # the hosts do not exist...
    assert 'PLAY [Mail servers]' in out and 'UNREACHABLE' in out, out[-3000:]  # ...but the pre-flight passed
    assert not re.search(r'^(mail|pbx)-x\s+: .*failed=[1-9]', out, re.M), out[-1500:]
