# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.asterisk_info parsers over outputs captured from Asterisk 16 and 22."""

from __future__ import annotations

import pathlib

import pytest

from ansible.module_utils import basic

from ansible_collections.inpp.telecom.plugins.modules import asterisk_info as info

CLI = pathlib.Path(__file__).resolve().parents[2] / 'data' / 'asterisk' / 'cli'
VERSIONS = ['16', '22']


def out(version, name):
    return (CLI / version / (name + '.out')).read_text()


@pytest.mark.parametrize('version', VERSIONS)
def test_version(version):
    parsed = info.parse_version(out(version, 'core_show_version'))
    assert parsed['version_major'] == int(version)
    assert parsed['version'].startswith({'16': '16.28.0', '22': '22.10.1'}[version])


@pytest.mark.parametrize('version', VERSIONS)
def test_modules(version):
    modules = info.parse_modules(out(version, 'module_show'))
    assert len(modules) == {'16': 346, '22': 364}[version]
    pjsip = next(m for m in modules if m['name'] == 'res_pjsip.so')
    assert pjsip['status'] == 'Running' and pjsip['support_level'] == 'core' and pjsip['use_count'] > 0


@pytest.mark.parametrize('version', VERSIONS)
def test_endpoints(version):
    endpoints = {e['name']: e for e in info.parse_endpoints(out(version, 'pjsip_show_endpoints'))}
    assert sorted(endpoints) == ['1001', '1002', 'sipp']
    assert endpoints['1001']['state'] == 'Unavailable'
    assert endpoints['1001']['in_auths'] == ['1001'] and endpoints['1001']['aors'] == ['1001']
    assert endpoints['1002']['state'] == 'Not in use'
    assert endpoints['1002']['contacts'][0]['uri'] == 'sip:1002@127.0.0.1:5090'


@pytest.mark.parametrize('version', VERSIONS)
def test_contacts_and_registrations(version):
    contacts = info.parse_contacts(out(version, 'pjsip_show_contacts'))
    assert [(c['aor'], c['status']) for c in contacts] == [('1002', 'NonQual'), ('sipp', 'NonQual')]
    regs = info.parse_registrations(out(version, 'pjsip_show_registrations'))
    assert regs == [{'name': 'trunk', 'server_uri': 'sip:127.0.0.1:5099', 'auth': 'trunk-auth',
                     'status': 'Unregistered'}]


@pytest.mark.parametrize('version', VERSIONS)
def test_channels(version):
    channels = info.parse_channels(out(version, 'core_show_channels_concise'))
    assert len(channels) == 4
    assert channels[0]['context'] == 'staff' and channels[0]['application'] == 'Wait'
    assert info.parse_channels(out(version, 'idle_channels_concise')) == []


@pytest.mark.parametrize('version', VERSIONS)
def test_dialplan(version):
    contexts = {c['name']: c for c in info.parse_dialplan(out(version, 'dialplan_show'))}
    assert contexts['staff']['extensions'] == ['1000', '_10XX']
    assert contexts['direction']['includes'] == ['staff']
    assert contexts['staff']['registrar'] == 'pbx_config'


@pytest.mark.parametrize('version', VERSIONS)
def test_voicemail(version):
    assert info.parse_voicemail(out(version, 'voicemail_show_users')) == [
        {'context': 'default', 'mailbox': '1001', 'user': 'Daddy Nzinga', 'zone': '', 'new_messages': 0},
        {'context': 'default', 'mailbox': '1002', 'user': 'Jean Kabila', 'zone': '', 'new_messages': 0},
    ]


@pytest.mark.parametrize('version', VERSIONS)
def test_queues(version):
    queues = info.parse_queues(out(version, 'queue_show'))
    assert [q['name'] for q in queues] == ['support']
    members = queues[0]['members']
    assert [(m['name'], m['interface'], m['state']) for m in members] == [
        ('PJSIP/1001', 'PJSIP/1001', 'Unavailable'), ('Jean Kabila', 'PJSIP/1002', 'Not in use')]
    assert info.parse_queues(out(version, 'queue_show_empty')) == []


def test_queue_callers_and_paused_member():
    text = ("sales has 1 call (max 5) in 'leastrecent' strategy (3s holdtime, 60s talktime), W:0, C:7, A:2, "
            "SL:0.0%, SL2:0.0% within 0s\n   Members: \n      PJSIP/1003 (ringinuse disabled) (paused) "
            "(In use) has taken 3 calls (last was 12 secs ago)\n   Callers: \n"
            "      1. PJSIP/trunk-00000004 (wait: 0:05, prio: 0)\n\n")
    queue = info.parse_queues(text)[0]
    assert (queue['calls'], queue['max'], queue['completed'], queue['abandoned']) == (1, '5', 7, 2)
    assert queue['members'][0] == {'name': 'PJSIP/1003', 'interface': 'PJSIP/1003', 'state': 'In use',
                                   'paused': True, 'calls_taken': 3}
    assert queue['callers'] == [{'channel': 'PJSIP/trunk-00000004', 'wait': '0:05', 'priority': 0}]


def _fake(version, unavailable=()):
    def run_command(_self, argv, **_kw):
        command = argv[-1]
        if command in unavailable:
            return 0, "No such command '%s' (type 'core show help' for other possible commands)\n" % command, ''
        name = command.replace(' ', '_')
        path = CLI / version / (name + '.out')
        return 0, path.read_text(), ''
    return run_command


@pytest.mark.parametrize('version', VERSIONS)
def test_main_gathers_all(run_module, monkeypatch, version):
    monkeypatch.setattr(basic.AnsibleModule, 'run_command', _fake(version, unavailable=('voicemail show users',)))
    result = run_module(info, {}, check_mode=True)
    assert result['changed'] is False
    assert result['version_major'] == int(version)
    assert result['active_calls'] == 2 and result['active_channels'] == 4
    assert [e['name'] for e in result['endpoints']] == ['1001', '1002', 'sipp']
    assert result['voicemail'] == [] and 'voicemail' in result['unavailable']
    assert result['queues'][0]['name'] == 'support'


def test_main_fails_when_not_connected(run_module, monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, 'run_command',
                        lambda self, argv, **kw: (1, out('22', 'noconnect'), ''))
    result = run_module(info, {'gather_subset': ['version']})
    assert result['failed'] is True and 'Unable to connect' in result['msg']


@pytest.mark.parametrize('version', VERSIONS)
def test_endpoint_with_callerid(version):
    # Captured from the asterisk_engine molecule scenario: callerid "User 1001 <1001>"
    # is shown as "1001/1001" (the number only).
    endpoints = info.parse_endpoints(out(version, 'pjsip_show_endpoints_callerid'))
    assert [(e['name'], e['callerid'], e['state']) for e in endpoints] == [
        ('1001', '1001', 'Unavailable'), ('1002', '1002', 'Unavailable'), ('1003', '1003', 'Unavailable'),
        ('sipp', None, 'Not in use')]
