# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.postfix_map driven through main() with postconf/postmap/postalias mocked."""

from __future__ import annotations

import fcntl
import json
import os
import stat
import time

import pytest

from ansible.module_utils import basic

from ansible_collections.inpp.telecom.plugins.modules import postfix_map


@pytest.fixture
def commands(monkeypatch):
    calls = []
    state = {'db_type': 'hash', 'postmap_stderr': '', 'missing': ()}

    def fake_bin_path(self, name, required=False, **_kwargs):
        """postfix tools live in /usr/sbin (unless listed as missing); anything else (lsattr...) is absent."""
        if name.startswith('post') and name not in state['missing']:
            return '/usr/sbin/' + name
        if required:
            self.fail_json(msg='Failed to find required executable "%s"' % name)
        return None

    def run_command(self, argv, **_kwargs):
        assert isinstance(argv, list), 'argv lists only'
        calls.append(argv)
        name = os.path.basename(argv[0])
        if name == 'postconf':
            return 0, state['db_type'] + '\n', ''
        if name in ('postmap', 'postalias'):
            map_type, _sep, path = argv[-1].partition(':')
            suffix = {'hash': '.db', 'btree': '.db', 'lmdb': '.lmdb', 'cdb': '.cdb'}[map_type]
            with open(path + suffix, 'w') as handle:
                handle.write('db')
            return 0, '', state['postmap_stderr']
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


@pytest.mark.parametrize('entries', [['a'], {}])
def test_absent_on_a_missing_file_creates_nothing(tmp_path, run, commands, entries):
    """Nothing to remove: unchanged, and no directory, lock file, source or database appears."""
    calls, _state = commands
    path = tmp_path / 'postfix' / 'virtual'
    result = run({'path': str(path), 'entries': entries, 'state': 'absent'}, diff=True)
    assert result['changed'] is False and result['removed'] == [] and result['rebuilt'] is False
    assert result['diff']['before'] == result['diff']['after'] == ''
    assert os.listdir(tmp_path) == [] and builds(calls) == []


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
    ({'a': {'b': 'c'}}, "entries['a']: values must be scalars"),
    ({'a': ['x', ['y']]}, "entries['a'][1]: values must be scalars"),
    ({'a': 'x\nevil@example.org OK'}, "entries['a']: control character '\\n'"),
    ({'a': ['x', 'y\r']}, "entries['a'][1]: control character '\\r'"),
    ({'a\x00': 'x'}, "entries['a\\x00']: control character '\\x00'"),
    ({'a': 'x\x1by'}, "entries['a']: control character '\\x1b'"),
    ({'a': ''}, 'empty value'),
    ('a', 'must be a mapping'),
])
def test_invalid_entries(tmp_path, run, commands, entries, message):
    result = run({'path': str(tmp_path / 'm'), 'entries': entries})
    assert result['failed'] is True and message in result['msg']


# --------------------------------------------------------------------- issue 7

def test_bad_entry_leaves_file_and_database(tmp_path, run, commands):
    calls, _state = commands
    path = tmp_path / 'virtual'
    path.write_text('a 1\n')
    result = run({'path': str(path), 'entries': {'b': '2', 'c': 'x\nevil OK'}})
    assert result['failed'] is True
    assert path.read_text() == 'a 1\n' and builds(calls) == []


@pytest.mark.parametrize('map_type', ['hsh', 'HASH', 'proxy', 'hash:/etc/x'])
def test_unknown_map_type_is_an_error(tmp_path, run, commands, map_type):
    calls, _state = commands
    path = tmp_path / 'virtual'
    result = run({'path': str(path), 'entries': {'a': 'b'}, 'map_type': map_type})
    assert result['failed'] is True and 'map_type' in result['msg'] and 'hash' in result['msg']
    assert not path.exists() and builds(calls) == []


def test_unknown_default_database_type_is_an_error(tmp_path, run, commands):
    _calls, state = commands
    state['db_type'] = 'foo'
    path = tmp_path / 'virtual'
    result = run({'path': str(path), 'entries': {'a': 'b'}})
    assert result['failed'] is True and "'foo'" in result['msg'] and not path.exists()


@pytest.mark.parametrize('map_type', ['hash', 'btree', 'lmdb', 'cdb', 'texthash'])
def test_keys_differing_only_by_case_are_reported(tmp_path, run, commands, map_type):
    path = tmp_path / 'virtual'
    path.write_text('Info@inpp.cd a\n')
    result = run({'path': str(path), 'entries': {'info@inpp.cd': 'b'}, 'map_type': map_type})
    assert result['failed'] is True
    assert 'info@inpp.cd' in result['msg'] and 'Info@inpp.cd' in result['msg'] and 'case' in result['msg']
    assert path.read_text() == 'Info@inpp.cd a\n'
    result = run({'path': str(tmp_path / 'new'), 'entries': {'X': '1', 'x': '2'}, 'map_type': map_type})
    assert result['failed'] is True and not (tmp_path / 'new').exists()


def test_case_matters_for_regexp_tables(tmp_path, run, commands):
    result = run({'path': str(tmp_path / 'm'), 'entries': {'/^A/': '1', '/^a/': '2'}, 'map_type': 'regexp'})
    assert result['changed'] is True and result['database'] is None


def test_case_fold_duplicate_replaced_by_exclusive_is_fine(tmp_path, run, commands):
    path = tmp_path / 'virtual'
    path.write_text('Info@inpp.cd a\n')
    result = run({'path': str(path), 'entries': {'info@inpp.cd': 'b'}, 'exclusive': True})
    assert result['changed'] is True and path.read_text() == 'info@inpp.cd b\n'


def test_postmap_warnings_reach_the_result(tmp_path, run, commands):
    _calls, state = commands
    state['postmap_stderr'] = ('postmap: warning: %s, line 2: duplicate entry: "a"\n'
                               'postmap: fatal-looking but not: info\n') % (tmp_path / 'virtual')
    result = run({'path': str(tmp_path / 'virtual'), 'entries': {'a': 'b'}})
    assert result['changed'] is True
    warnings = [w['event']['msg'] if isinstance(w, dict) else w for w in result['warnings']]  # 2.19 wraps them
    assert warnings == ['postmap: %s, line 2: duplicate entry: "a"' % (tmp_path / 'virtual')]


@pytest.mark.parametrize('kind, tool', [('map', 'postmap'), ('alias', 'postalias')])
def test_missing_rebuild_tool_writes_nothing(tmp_path, run, commands, kind, tool):
    _calls, state = commands
    state['missing'] = (tool,)
    path = tmp_path / 'virtual'
    path.write_text('a 1\n')
    result = run({'path': str(path), 'entries': {'b': '2'}, 'kind': kind})
    assert result['failed'] is True and tool in result['msg']
    assert path.read_text() == 'a 1\n'


def test_symlinked_source_is_edited_at_its_target(tmp_path, run, commands):
    calls, _state = commands
    target = tmp_path / 'real_virtual'
    target.write_text('a 1\n')
    link = tmp_path / 'virtual'
    link.symlink_to(target)
    result = run({'path': str(link), 'entries': {'b': '2'}})
    assert result['changed'] is True and link.is_symlink()
    assert target.read_text() == 'a 1\nb 2\n'
    assert builds(calls) == [['/usr/sbin/postmap', 'hash:%s' % link]]
    assert result['database'] == str(link) + '.db'


def test_fifo_is_refused(tmp_path, run, commands):
    path = tmp_path / 'virtual'
    os.mkfifo(path)
    result = run({'path': str(path), 'entries': {'b': '2'}})
    assert result['failed'] is True and 'is a FIFO, not a regular file' in result['msg']
    assert stat.S_ISFIFO(os.lstat(path).st_mode)


def test_lock_is_held_while_editing(tmp_path, run, commands, monkeypatch):
    """The source is read and written with the lock beside it held (by another process: we wait)."""
    path = tmp_path / 'virtual'
    seen = []
    real_read = postfix_map.read_text

    def read_text(target):
        fd = os.open(str(tmp_path / '.virtual.lock'), os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append(target)
        finally:
            os.close(fd)
        return real_read(target)
    monkeypatch.setattr(postfix_map, 'read_text', read_text)
    assert run({'path': str(path), 'entries': {'b': '2'}})['changed'] is True
    assert seen == [str(path)]


def test_ten_concurrent_runs_keep_all_entries(tmp_path, commands, monkeypatch, run_concurrently):
    """Ten parallel runs, each adding its own key to one table: all ten end in the file."""
    path = tmp_path / 'virtual'
    path.write_text('# one entry per mailbox\n')
    # A slow edit between the read and the write: without the lock every run
    # reads the same text and the last rename wins.
    render_map = postfix_map.render_map

    def slow_render_map(*args, **kwargs):
        time.sleep(0.05)
        return render_map(*args, **kwargs)
    monkeypatch.setattr(postfix_map, 'render_map', slow_render_map)
    many_args = [{'path': str(path), 'entries': {'user%d@inpp.cd' % i: 'OK'}} for i in range(10)]
    assert run_concurrently(postfix_map, many_args) == [0] * 10
    keys = [line.split()[0] for line in path.read_text().splitlines()[1:]]
    assert sorted(keys) == sorted('user%d@inpp.cd' % i for i in range(10))
