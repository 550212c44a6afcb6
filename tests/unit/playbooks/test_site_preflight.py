# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/site.yml checks the whole inventory before any host changes.

The inventory is the lab's group_vars on two hosts that cannot be reached (SSH to
127.0.0.1 port 1): the pre-flight runs on the controller only, so a bad PBX user must
stop the run with a message naming the field, and the mail host must never be contacted.
The valid inventory passes the pre-flight and the run then moves on to the mail host,
which proves the failure above comes from the directory and not from the unreachable hosts.
The set-up (fixtures site and lab_directory) is in this folder's conftest.py.
"""
from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize('check_mode', [False, True], ids=['run', 'check'])
def test_a_pbx_error_stops_the_run_before_the_mail_host_is_touched(lab_directory, site, check_mode):
    """A weak PIN only matters to the PBX: the mail host passes its checks, and still nothing runs on it."""
    code, out = site(*(['--check', '--diff'] if check_mode else []),
                     extra=lab_directory(voicemail_pin='1234'))
    assert code != 0, out[-3000:]
    assert 'telecom_users[1].voicemail_pin: is a plain sequence of digits' in out, out[-3000:]
    assert "'1234'" not in out  # the message names the field, never the secret
    # Nothing after the pre-flight ran: no play on the mail host, no connection to any host.
    assert 'PLAY [Mail servers]' not in out and 'UNREACHABLE' not in out, out[-3000:]
    assert re.search(r'^mail-x\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0', out, re.M), out[-1500:]
    assert re.search(r'^pbx-x\s+: .*failed=1', out, re.M), out[-1500:]


def test_a_directory_error_is_reported_by_every_host_that_uses_it(lab_directory, site):
    code, out = site(extra=lab_directory(extension=1002))
    assert code != 0
    message = 'telecom_users[1].extension: is the number 1002 in YAML: quote it'
    assert out.count(message) >= 2, out[-3000:]  # the mail host's Postfix and the PBX's Asterisk
    assert 'PLAY [Mail servers]' not in out and 'UNREACHABLE' not in out, out[-3000:]


def test_a_mail_error_is_reported_by_the_mail_host(site):
    code, out = site('--check', extra={'postfix_relayhost': '[smtp.isp.example]:587'})
    assert code != 0
    assert "postfix_relayhost: '[smtp.isp.example]:587' must be a bare host name" in out, out[-3000:]
    assert 'PLAY [Mail servers]' not in out


def test_the_lab_inventory_passes_the_pre_flight(site):
    code, out = site()
    assert code != 0  # the hosts do not exist...
    assert 'PLAY [Mail servers]' in out and 'UNREACHABLE' in out, out[-3000:]  # ...but the pre-flight passed
    assert not re.search(r'^(mail|pbx)-x\s+: .*failed=[1-9]', out, re.M), out[-1500:]


def test_a_role_argument_type_error_stops_the_pre_flight(site):
    """The roles' argument specs (types, choices) are checked in the pre-flight too, not only in the role plays."""
    code, out = site(extra={'asterisk_force_restart': 'perhaps'})
    assert code != 0
    assert 'asterisk_force_restart' in out and "Validating arguments against arg spec 'validate'" in out, out[-3000:]
    assert 'PLAY [Mail servers]' not in out and 'UNREACHABLE' not in out, out[-3000:]


def test_a_certificate_without_its_key_stops_the_pre_flight(site):
    code, out = site(extra={'host_base_tls_cert_file': '/etc/ssl/inpp/host.crt'})
    assert code != 0
    assert 'host_base_tls_key_file: missing (host_base_tls_cert_file and host_base_tls_key_file go together' in out, \
        out[-3000:]
    assert 'PLAY [Mail servers]' not in out and 'UNREACHABLE' not in out, out[-3000:]


def test_acme_without_an_address_stops_the_pre_flight(site):
    code, out = site(extra={'host_base_tls_acme_directory': 'https://acme-v02.api.letsencrypt.org/directory',
                            'host_base_tls_names': ['mail.inpp.cd']})
    assert code != 0
    assert 'host_base_tls_acme_email: missing (the ACME account needs an address' in out, out[-3000:]
    assert 'PLAY [Mail servers]' not in out and 'UNREACHABLE' not in out, out[-3000:]
