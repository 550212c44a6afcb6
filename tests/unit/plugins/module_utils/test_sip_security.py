# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIP security in the directory model: TLS transport, NAT, RTP range, per-endpoint transport, SRTP, ACL."""
from __future__ import annotations

import copy

import pytest

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model

USERS = [
    {'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'extension': '1001', 'sip_secret': 'S3cret-1001',
     'voicemail': False},
    {'name': 'Grace Mbuyi', 'login': 'grace.mbuyi', 'extension': '1002', 'sip_secret': 'S3cret-1002',
     'voicemail': False},
]
TLS = {'tls': True}


def _errors(users=None, defaults=None):
    return model.asterisk_errors(USERS if users is None else users, [], [], [], 'inpp.cd', defaults=defaults)


def _endpoint(sections, name):
    return [s for s in sections if s['name'] == name and s['type'] == 'endpoint'][0]['options']


def _transport(sections, name):
    matches = [s for s in sections if s['name'] == name and s['type'] == 'transport']
    return matches[0]['options'] if matches else None


def test_secure_settings_are_valid():
    users = copy.deepcopy(USERS)
    users[0].update(sip_transport='tls', sip_srtp=True, sip_permit=['10.10.0.0/16', '192.168.1.7'])
    users[1].update(sip_transport='udp', sip_srtp=False)
    defaults = {'tls': True, 'external_address': '198.51.100.7', 'local_net': ['10.10.0.0/16'],
                'external_signaling_port': 5060, 'rtp_start': 10000, 'rtp_end': 10100}
    assert _errors(users, defaults) == []


@pytest.mark.parametrize('mutate, expected', [
    (lambda u: u[0].update(sip_transport='tls'), "telecom_users[0].sip_transport: 'tls' is not one of udp "
                                                 "(enable asterisk_pjsip_tls for tls)"),
    (lambda u: u[0].update(sip_transport='wss'), "telecom_users[0].sip_transport: 'wss' is not one of udp"),
    (lambda u: u[1].update(sip_srtp=True), 'telecom_users[1].sip_srtp: SRTP (SDES) needs sip_transport: tls'),
    (lambda u: u[1].update(sip_srtp='yes'), 'telecom_users[1].sip_srtp: '),
    (lambda u: u[0].update(sip_permit=['10.0.0.300/24']), "telecom_users[0].sip_permit[0]: '10.0.0.300/24' is not "
                                                          'a network'),
    (lambda u: u[0].update(sip_permit=['10.0.0.0/8', 'lan']),
     "telecom_users[0].sip_permit[1]: 'lan' is not a network"),
    (lambda u: u[0].update(sip_permit='10.0.0.0/8'), 'telecom_users[0].sip_permit: must be a non-empty list'),
    (lambda u: u[0].update(sip_permit=[]), 'telecom_users[0].sip_permit: must be a non-empty list'),
])
def test_each_user_rule_names_its_field(mutate, expected):
    users = copy.deepcopy(USERS)
    mutate(users)
    errors = _errors(users)
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize('defaults, expected', [
    ({'tls': 'yes'}, "asterisk_pjsip_tls: 'yes' must be true or false"),
    ({'tls': True, 'tls_bind': '5061'}, "asterisk_pjsip_tls_bind: '5061' must be ADDRESS:PORT"),
    ({'tls': True, 'tls_bind': '0.0.0.0:99999'}, "asterisk_pjsip_tls_bind: '0.0.0.0:99999' must be ADDRESS:PORT"),
    ({'tls': True, 'tls_bind': '0.0.0.0:5060'}, "asterisk_pjsip_tls_bind: '0.0.0.0:5060' is also "
                                                'asterisk_pjsip_transport_bind'),
    ({'external_address': 'not an address!'}, "asterisk_pjsip_external_address: 'not an address!' is not an IP"),
    ({'external_signaling_port': 0}, 'asterisk_pjsip_external_signaling_port: '),
    ({'local_net': ['172.16.0.0/33']}, "asterisk_pjsip_local_net[0]: '172.16.0.0/33' is not a network"),
    ({'local_net': '172.16.0.0/12'}, 'asterisk_pjsip_local_net: must be a list'),
    ({'rtp_start': 80}, "asterisk_rtp_start: '80' is not a port number (1024-65535)"),
    ({'rtp_start': 20000, 'rtp_end': 10000}, 'asterisk_rtp_end: 10000 must be above asterisk_rtp_start (20000)'),
    ({'max_open_files': 512}, "asterisk_max_open_files: '512' must be a whole number from 1024 to 1048576"),
    ({'max_open_files': 'lots'}, "asterisk_max_open_files: 'lots' must be a whole number from 1024 to 1048576"),
    ({'max_open_files': True}, "asterisk_max_open_files: 'True' must be a whole number"),
])
def test_each_setting_rule_names_its_field(defaults, expected):
    errors = _errors(defaults=defaults)
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize('limit', [1024, '65536', 1048576])
def test_open_file_limits_in_range_pass(limit):
    assert not [e for e in _errors(defaults={'max_open_files': limit}) if 'max_open_files' in e]


def test_no_tls_transport_unless_asked():
    sections = model.pjsip_sections(model.load_call_center(USERS, []), {})
    assert _transport(sections, 'transport-tls') is None
    assert not any('external_media_address' in o for o in _transport(sections, 'transport-udp'))


def test_tls_transport_uses_the_host_certificate_and_tls_1_2():
    sections = model.pjsip_sections(model.load_call_center(USERS, []), TLS)
    assert _transport(sections, 'transport-tls') == [
        {'type': 'transport'}, {'protocol': 'tls'}, {'bind': '0.0.0.0:5061'},
        {'cert_file': '/etc/inpp-telecom/tls/host.crt'}, {'priv_key_file': '/etc/inpp-telecom/tls/host.key'},
        {'method': 'tlsv1_2'}]


def test_nat_settings_on_every_transport():
    defaults = {'tls': True, 'external_address': '127.0.0.1', 'local_net': ['172.30.0.0/16'],
                'external_signaling_port': 5060, 'external_tls_port': 5061}
    sections = model.pjsip_sections(model.load_call_center(USERS, []), defaults)
    nat = [{'external_media_address': '127.0.0.1'}, {'external_signaling_address': '127.0.0.1'}]
    assert _transport(sections, 'transport-udp')[-4:] == nat + [{'external_signaling_port': 5060},
                                                                {'local_net': ['172.30.0.0/16']}]
    assert _transport(sections, 'transport-tls')[-4:] == nat + [{'external_signaling_port': 5061},
                                                                {'local_net': ['172.30.0.0/16']}]


def test_endpoint_transport_srtp_and_acl():
    users = copy.deepcopy(USERS)
    users[0].update(sip_transport='tls', sip_srtp=True, sip_permit=['10.10.0.0/16'])
    sections = model.pjsip_sections(model.load_call_center(users, []), TLS)
    first = _endpoint(sections, '1001')
    assert {'transport': 'transport-tls'} in first
    assert {'media_encryption': 'sdes'} in first
    assert first[-2:] == [{'deny': '0.0.0.0/0'}, {'permit': ['10.10.0.0/16']}]
    second = _endpoint(sections, '1002')
    assert not [o for o in second if set(o) & {'transport', 'media_encryption', 'deny', 'permit'}]
