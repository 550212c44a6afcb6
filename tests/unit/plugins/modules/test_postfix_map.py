# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.postfix_map driven through main() with postconf/postmap/postalias mocked."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible.module_utils import basic

from ansible_collections.inpp.telecom.plugins.modules import postfix_map


def fake_bin_path(self, name, *args, **kwargs):
    """postfix tools live in /usr/sbin; anything else (lsattr...) is absent."""
    return '/usr/sbin/' + name if name.startswith('post') else None


@pytest.fixture
def commands(monkeypatch):
    calls = []
    state = {'db_type': 'hash'}

    def run_command(self, argv, **_kwargs):
        assert isinstance(argv, list), 'argv lists only'
        calls.append(argv)
        name = os.path.basename(argv[0])
        if name == 'postconf':
            return 0, state['db_type'] + '\n', ''
        if name in ('postmap', 'postalias'):
            map_type, _sep, path = argv[-1].partition(':')
            suffix = {'hash': '.db', 'lmdb': '.lmdb', 'cdb': '.cdb'}[map_type]
            with open(path + suffix, 'w') as handle:
                handle.write('db')
            return 0, '', ''
        return 1, '', 'unexpected'

    monkeypatch.setattr(basic.AnsibleModule, 'run_command', run_command)
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', fake_bin_path)
    return calls, state


@pytest.fixture
def run(run_module):
    return lambda args, **kw: run_module(postfix_map, args, **kw)


def builds(calls):
    return [c for c in calls if os.path.basename(c[0]) in ('postmap', 'postalias')]


def test_create_build_and_idempotence(tmp_path, run, commands):
    calls, _state = commands
    path = tmp_path / 'virtual'
    args = {'path': str(path), 'entries': {'direction@inpp.cd': ['a@inpp.cd', 'b@inpp.cd'], 'x@inpp.cd': 'OK'}}
    first = run(args)
    assert first['changed'] is True and first['rebuilt'] is True
    assert first['added'] == ['direction@inpp.cd', 'x@inpp.cd']
    assert first['map_type'] == 'hash' and first['database'] == str(path) + '.db'
    assert path.read_text() == 'direction@inpp.cd a@inpp.cd, b@inpp.cd\nx@inpp.cd OK\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert builds(calls) == [['/usr/sbin/postmap', 'hash:%s' % path]]
    second = run(args)
    assert second['changed'] is False and second['rebuilt'] is False
    assert len(builds(calls)) == 1


def test_rebuild_when_database_missing_or_stale(tmp_path, run, commands):
    calls, _state = commands
    path = tmp_path / 'virtual'
    path.write_text('a b\n')
    result = run({'path': str(path), 'entries': {'a': 'b'}})
    assert result['changed'] is True and result['rebuilt'] is True and result['added'] == []
    db = tmp_path / 'virtual.db'
    os.utime(str(db), (1, 1))
    assert run({'path': str(path), 'entries': {'a': 'b'}})['rebuilt'] is True
    assert run({'path': str(path), 'entries': {'a': 'b'}})['changed'] is False
    assert len(builds(calls)) == 2


def test_map_type_from_postfix_and_override(tmp_path, run, commands):
    _calls, state = commands
    state['db_type'] = 'lmdb'
    result = run({'path': str(tmp_path / 'm'), 'entries': {'a': 'b'}})
    assert result['map_type'] == 'lmdb' and os.path.exists(str(tmp_path / 'm.lmdb'))
    result = run({'path': str(tmp_path / 'n'), 'entries': {'a': 'b'}, 'map_type': 'cdb'})
    assert result['map_type'] == 'cdb' and os.path.exists(str(tmp_path / 'n.cdb'))


def test_check_mode_and_diff(tmp_path, run, commands):
    calls, _state = commands
    path = tmp_path / 'virtual'
    path.write_text('# keep\na b\n')
    result = run({'path': str(path), 'entries': {'c': 'd'}, 'exclusive': True}, check_mode=True, diff=True)
    assert result['changed'] is True and result['removed'] == ['a'] and result['added'] == ['c']
    assert result['diff']['before'] == '# keep\na b\n' and result['diff']['after'] == '# keep\nc d\n'
    assert path.read_text() == '# keep\na b\n'
    assert builds(calls) == []


def test_secret_map(tmp_path, run, commands):
    path = tmp_path / 'sasl_passwd'
    args = {'path': str(path), 'entries': {'[smtp.isp]:587': 'inpp:T0p-secret'}, 'secret': True, 'exclusive': True}
    result = run(args, diff=True)
    assert result['changed'] is True
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / 'sasl_passwd.db').stat().st_mode) == 0o600
    assert 'T0p-secret' not in json.dumps(result)
    assert result['diff']['after'] == '[smtp.isp]:587 ********\n'
    assert path.read_text() == '[smtp.isp]:587 inpp:T0p-secret\n'
    assert run(args)['changed'] is False


def test_absent_with_list(tmp_path, run, commands):
    path = tmp_path / 'virtual'
    path.write_text('a 1\nb 2\n')
    result = run({'path': str(path), 'entries': ['a', 'zz'], 'state': 'absent'})
    assert result['removed'] == ['a'] and path.read_text() == 'b 2\n'


def test_alias_kind_uses_postalias(tmp_path, run, commands):
    calls, _state = commands
    path = tmp_path / 'aliases'
    path.write_text('postmaster:    root\n')
    result = run({'path': str(path), 'kind': 'alias', 'entries': {'postmaster': 'root', 'root': 'a@inpp.cd'}})
    assert result['added'] == ['root']
    assert path.read_text() == 'postmaster:    root\nroot: a@inpp.cd\n'
    assert builds(calls)[0][0] == '/usr/sbin/postalias'


def test_backup(tmp_path, run, commands):
    path = tmp_path / 'virtual'
    path.write_text('a 1\n')
    result = run({'path': str(path), 'entries': {'a': '2'}, 'backup': True})
    assert result['changed_keys'] == ['a'] and os.path.exists(result['backup_file'])


@pytest.mark.parametrize('entries, message', [
    ({'bad key': 'x'}, 'invalid key'),
    ({'a': ''}, 'empty value'),
    ('a', 'must be a mapping'),
])
def test_invalid_entries(tmp_path, run, commands, entries, message):
    result = run({'path': str(tmp_path / 'm'), 'entries': entries})
    assert result['failed'] is True and message in result['msg']
