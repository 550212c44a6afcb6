# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.asterisk_config driven through main(): files, check mode, diff, backup, modes."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import MARKER
from ansible_collections.inpp.telecom.plugins.modules import asterisk_config

USER = [
    {'name': '1001', 'type': 'endpoint', 'options': [{'context': 'staff'}, {'auth': '1001'}, {'aors': '1001'}]},
    {'name': '1001', 'type': 'auth', 'options': [{'auth_type': 'userpass'}, {'username': '1001'}]},
    {'name': '1001', 'type': 'aor', 'options': [{'max_contacts': 1}]},
]


@pytest.fixture
def run(run_module):
    return lambda args, **kw: run_module(asterisk_config, args, **kw)


def test_create_then_idempotent(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    first = run({'path': str(path), 'sections': USER})
    assert first['changed'] is True
    assert [s['type'] for s in first['sections_added']] == ['endpoint', 'auth', 'aor']
    assert path.read_text().startswith('[1001] ; %s\ntype = endpoint\ncontext = staff\n' % MARKER)
    second = run({'path': str(path), 'sections': USER})
    assert second['changed'] is False
    assert second['sections_added'] == second['sections_changed'] == second['sections_removed'] == []


def test_check_mode_and_diff_do_not_write(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    path.write_text('[general]\n')
    result = run({'path': str(path), 'sections': USER}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert path.read_text() == '[general]\n'
    assert result['diff']['before'] == '[general]\n'
    assert '[1001] ; %s' % MARKER in result['diff']['after']
    assert result['diff']['after_header'].endswith('(content)')


def test_missing_file_with_create_false_fails(tmp_path, run):
    result = run({'path': str(tmp_path / 'x.conf'), 'create': False, 'sections': USER})
    assert result['failed'] is True and 'does not exist' in result['msg']


def test_absent_on_missing_file_creates_nothing(tmp_path, run):
    path = tmp_path / 'x.conf'
    result = run({'path': str(path), 'sections': [{'name': 'a', 'state': 'absent'}]})
    assert result['changed'] is False and not path.exists()


def test_malformed_file_fails_with_line_and_is_untouched(tmp_path, run):
    path = tmp_path / 'extensions.conf'
    text = '[general]\nstatic=yes\n[broken\nexten => 1,1,NoOp()\n'
    path.write_text(text)
    result = run({'path': str(path), 'sections': [{'name': 'general', 'options': [{'static': 'no'}]}]})
    assert result['failed'] is True
    assert result['msg'] == "%s:3: parse error: no closing ']'" % path
    assert path.read_text() == text


def test_backup_mode_and_purge(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    path.write_text('; hand written\n[transport-udp]\ntype=transport\n')
    run({'path': str(path), 'sections': USER, 'mode': '0640'})
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    result = run({'path': str(path), 'sections': USER[:1], 'purge': True, 'backup': True})
    assert result['changed'] is True
    assert sorted(s['type'] for s in result['sections_removed']) == ['aor', 'auth']
    assert os.path.exists(result['backup_file'])
    text = path.read_text()
    assert '[transport-udp]' in text and 'type=auth' not in text and 'type = auth' not in text


def test_mode_change_alone_is_a_change(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    run({'path': str(path), 'sections': USER, 'mode': '0644'})
    result = run({'path': str(path), 'sections': USER, 'mode': '0600'})
    assert result['changed'] is True and stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_crlf_file_is_preserved(tmp_path, run):
    path = tmp_path / 'queues.conf'
    path.write_bytes(b'[support]\r\nstrategy = ringall\r\nmember => PJSIP/1001\r\n')
    run({'path': str(path), 'sections': [{'name': 'support', 'options': [
        {'member': ['PJSIP/1001', 'PJSIP/1002']}]}]})
    assert path.read_bytes() == b'[support]\r\nstrategy = ringall\r\nmember => PJSIP/1001\r\nmember => PJSIP/1002\r\n'


def test_invalid_spec_fails_before_writing(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    path.write_text('[a]\n')
    result = run({'path': str(path), 'sections': [{'name': 'x', 'options': [{'k': {'nested': 1}}]}]})
    assert result['failed'] is True and 'scalars' in result['msg']
    assert path.read_text() == '[a]\n'


def test_compute_is_pure():
    after, result = asterisk_config.compute(None, 'p', USER[2:])
    assert after == '[1001] ; %s\ntype = aor\nmax_contacts = 1\n' % MARKER
    assert result['added'] == [{'name': '1001', 'type': 'aor'}]
