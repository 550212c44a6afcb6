# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.asterisk_command with outputs captured from Asterisk 16 and 22."""

from __future__ import annotations

import pathlib

import pytest

from ansible.module_utils import basic

from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import cli_argv, cli_error
from ansible_collections.inpp.telecom.plugins.modules import asterisk_command

CLI = pathlib.Path(__file__).resolve().parents[2] / 'data' / 'asterisk' / 'cli'
VERSIONS = ['16', '22']


def captured(version, name):
    return (CLI / version / (name + '.out')).read_text()


class FakeAsterisk:
    """Answers run_command like ``asterisk -rx`` from the captured outputs."""

    def __init__(self, version, overrides=None):
        self.version = version
        self.calls = []
        self.overrides = overrides or {}

    def __call__(self, argv, **_kwargs):
        command = argv[-1]
        self.calls.append(argv)
        if command in self.overrides:
            return self.overrides[command]
        name = command.replace(' ', '_').replace('.', '_').replace('/', '_')
        path = CLI / self.version / (name + '.out')
        return 0, path.read_text() if path.exists() else '', ''


@pytest.fixture
def run(run_module, monkeypatch):
    def run_command_module(fake, args, check_mode=False):
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, argv, **kw: fake(argv, **kw))
        monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, *a, **kw: '/usr/sbin/asterisk')
        return run_module(asterisk_command, args, check_mode=check_mode)
    return run_command_module


@pytest.mark.parametrize('version', VERSIONS)
@pytest.mark.parametrize('command', ['pjsip reload', 'dialplan reload', 'voicemail reload', 'queue reload all',
                                     'module reload res_pjsip.so'])
def test_targeted_reloads_change(run, version, command):
    fake = FakeAsterisk(version)
    result = run(fake, {'command': command})
    assert result.get('failed') is not True, result
    assert result['changed'] is True
    assert fake.calls == [['asterisk', '-rx', command]]
    assert result['results'][0]['stdout'] == captured(version, command.replace(' ', '_').replace('.', '_')).rstrip('\n')


@pytest.mark.parametrize('version', VERSIONS)
def test_errors_with_status_zero_fail(run, version):
    for command, expected in [('no such command here', "No such command 'no such command here'"),
                              ('module reload no_such_mod.so', "No such module 'no_such_mod.so'")]:
        result = run(FakeAsterisk(version), {'command': command})
        assert result['failed'] is True
        assert expected in result['msg']


@pytest.mark.parametrize('version', VERSIONS)
def test_not_connected_fails(run, version):
    fake = FakeAsterisk(version, {'pjsip reload': (1, captured(version, 'noconnect'), '')})
    result = run(fake, {'command': 'pjsip reload'})
    assert result['failed'] is True and 'Unable to connect to remote asterisk' in result['msg']


def test_check_mode_skips_state_changes_but_runs_reads(run):
    fake = FakeAsterisk('22')
    result = run(fake, {'commands': ['pjsip show endpoints', 'pjsip reload']}, check_mode=True)
    assert result['changed'] is True
    assert [r['skipped'] for r in result['results']] == [False, True]
    assert fake.calls == [['asterisk', '-rx', 'pjsip show endpoints']]


def test_read_only_commands_report_no_change(run):
    result = run(FakeAsterisk('16'), {'command': 'core show channels count'})
    assert result['changed'] is False
    assert result['stdout_lines'] == ['4 active channels', '2 active calls', '2 calls processed']


def test_read_only_override(run):
    result = run(FakeAsterisk('16'), {'command': 'dialplan reload', 'read_only': True})
    assert result['changed'] is False


@pytest.mark.parametrize('version', VERSIONS)
def test_restart_refused_while_calls_are_up(run, version):
    fake = FakeAsterisk(version)
    result = run(fake, {'command': 'core restart now'})
    assert result['failed'] is True
    assert 'refusing' in result['msg'] and result['active_calls'] == 2
    assert ['asterisk', '-rx', 'core restart now'] not in fake.calls


@pytest.mark.parametrize('version', VERSIONS)
def test_restart_allowed_when_idle_or_forced(run, version):
    idle = FakeAsterisk(version, {'core show channels count': (0, captured(version, 'idle_channels_count'), ''),
                                  'core restart now': (0, '', '')})
    assert run(idle, {'command': 'core restart now'})['changed'] is True
    busy = FakeAsterisk(version, {'core restart now': (0, '', '')})
    result = run(busy, {'command': 'core restart now', 'force': True})
    assert result['changed'] is True
    assert busy.calls == [['asterisk', '-rx', 'core restart now']]


def test_argv_with_config_file():
    assert cli_argv({'asterisk_bin': '/usr/sbin/asterisk', 'asterisk_conf': '/etc/ast.conf'}, 'core show version') == [
        '/usr/sbin/asterisk', '-C', '/etc/ast.conf', '-rx', 'core show version']


@pytest.mark.parametrize('command,read_only', [
    ('pjsip show endpoints', True), ('core show channels', True), ('queue show', True), ('module show like x', True),
    ('database get a b', True), ('core ping', True), ('pjsip reload', False),
    ('module reload res_pjsip.so', False), ('channel originate Local/1@x application Wait 1', False),
])
def test_read_only_guess(command, read_only):
    assert asterisk_command.is_read_only(command) is read_only


def test_cli_error_uses_rc_when_output_is_silent():
    assert cli_error(1, '', 'boom\n') == 'boom'
    assert cli_error(0, 'Dialplan reloaded.\n', '') is None
