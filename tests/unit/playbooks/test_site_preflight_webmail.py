# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""site.yml's pre-flight checks the webmail role's input on the mail hosts of the webmail group.

Same set-up as test_site_preflight.py (the fixture site of this folder's conftest.py): the lab's
group_vars on unreachable hosts, so only the controller-side checks can run.
"""
from __future__ import annotations

import re

import pytest

HOSTS = {'mail': ['mail-x'], 'pbx': ['pbx-x'], 'webmail': ['mail-x']}


def test_a_webmail_error_stops_the_run_before_any_host_changes(site):
    code, out = site('--check', groups=HOSTS, extra={'webmail_server_name': 'web mail', 'dovecot_managesieve': False,
                                                     'webmail_tls_cert_file': '/etc/ssl/webmail.pem'})
    assert code != 0
    assert "webmail_server_name: 'web mail' is not a valid host name" in out, out[-3000:]
    assert 'dovecot_managesieve: must be true on a webmail host' in out, out[-3000:]
    assert 'webmail_tls_key_file: missing' in out, out[-3000:]
    assert 'PLAY [Mail servers]' not in out and 'UNREACHABLE' not in out, out[-3000:]


def test_the_argument_spec_is_checked_too(site):
    code, out = site('--check', groups=HOSTS, extra={'webmail_imap_security': 'tls'})
    assert code != 0
    assert 'value of webmail_imap_security must be one of: ssl, starttls, got: tls' in out, out[-3000:]
    assert 'PLAY [Mail servers]' not in out, out[-3000:]


@pytest.mark.parametrize('groups', [HOSTS, {'mail': ['mail-x'], 'pbx': ['pbx-x']}], ids=['webmail', 'no-webmail'])
def test_the_lab_inventory_passes_the_webmail_checks(site, groups):
    # Outside the webmail group, even a bad webmail setting is not checked.
    extra = {} if 'webmail' in groups else {'webmail_imap_security': 'tls'}
    code, out = site('--check', groups=groups, extra=extra)
    assert code != 0  # the hosts do not exist...
    assert 'PLAY [Mail servers]' in out and 'UNREACHABLE' in out, out[-3000:]  # ...but the pre-flight passed
    assert not re.search(r'^(mail|pbx)-x\s+: .*failed=[1-9]', out, re.M), out[-1500:]
