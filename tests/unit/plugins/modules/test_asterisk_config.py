# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.asterisk_config driven through main(): files, check mode, diff, backup, modes."""

from __future__ import annotations

import os
import pathlib
import re
import socket
import stat
import tempfile
import time

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
    result = run({'path': str(tmp_path / 'etc' / 'x.conf'), 'create': False, 'sections': USER})
    assert result['failed'] is True and 'does not exist' in result['msg']
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize('args', [
    {'sections': [{'name': 'a', 'state': 'absent'}]},
    {'sections': [{'name': 'a', 'state': 'absent'}], 'purge': True},
    {'sections': []},
])
def test_nothing_to_do_on_a_missing_file_creates_nothing(tmp_path, run, args):
    """No file, no directory, no lock file: a run with nothing to remove leaves no trace."""
    path = tmp_path / 'etc' / 'x.conf'
    result = run(dict(args, path=str(path)), diff=True)
    assert result['changed'] is False and result['sections_removed'] == []
    assert result['diff']['before'] == result['diff']['after'] == ''
    assert os.listdir(tmp_path) == []


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


# --------------------------------------------------------------------- hostile values (issue 7)

@pytest.mark.parametrize('sections, where', [
    ([{'name': 'a', 'options': [{'x': 1}]}, {'name': 'b', 'options': [{'x': 1}, {'callerid': 'Evil\n[injected]'}]}],
     'sections[1].options[1].callerid'),
    ([{'name': 'a', 'options': [{'callerid': 'x\ry'}]}], 'sections[0].options[0].callerid'),
    ([{'name': 'a', 'options': [{'allow': ['ulaw', 'al\x00aw']}]}], 'sections[0].options[0].allow[1]'),
    ([{'name': 'a', 'options': [{'k\x0bey': 'v'}]}], 'sections[0].options[0]'),
    ([{'name': 'a', 'options': [{'k': 'v\x1bv'}]}], 'sections[0].options[0].k'),
    ([{'name': 'a\x1f'}], 'sections[0].name'),
    ([{'name': 'a', 'type': 'end\npoint'}], 'sections[0].type'),
    ([{'name': 'a', 'parents': ['ok', 'b\x7f']}], 'sections[0].parents[1]'),
    ([{'name': 'a', 'absent_options': ['k\x00']}], 'sections[0].absent_options[0]'),
    ([{'name': 'a', 'absent_options': [{'k': 'v\u2028w'}]}], 'sections[0].absent_options[0].k'),
])
def test_control_characters_are_refused_naming_the_item(tmp_path, run, sections, where):
    path = tmp_path / 'pjsip.conf'
    path.write_text('[general]\n')
    result = run({'path': str(path), 'sections': sections})
    assert result['failed'] is True
    assert result['msg'].startswith(where + ':'), result['msg']
    assert path.read_text() == '[general]\n'


def test_tab_is_allowed_in_values(tmp_path, run):
    path = tmp_path / 'extensions.conf'
    run({'path': str(path), 'sections': [{'name': 'c', 'options': [{'exten': '1,1,Set(X=a\tb)'}]}]})
    assert 'exten => 1,1,Set(X=a\tb)\n' in path.read_text()


@pytest.mark.parametrize('value', [{'nested': 1}, [['a']], [{'a': 1}]])
def test_non_scalar_values_are_refused_naming_the_item(tmp_path, run, value):
    path = tmp_path / 'pjsip.conf'
    result = run({'path': str(path), 'sections': [{'name': 'x', 'options': [{'ok': 1}, {'k': value}]}]})
    assert result['failed'] is True
    assert result['msg'].startswith('sections[0].options[1].k'), result['msg']
    assert 'scalar' in result['msg']
    assert not path.exists()


# --------------------------------------------------------------------- files (issue 7)

def test_symlink_is_edited_at_its_target_and_stays_a_link(tmp_path, run):
    real_dir = tmp_path / 'real'
    real_dir.mkdir()
    target = real_dir / 'pjsip.conf'
    target.write_text('[general]\n')
    target.chmod(0o640)
    link = tmp_path / 'pjsip.conf'
    link.symlink_to(target)
    result = run({'path': str(link), 'sections': USER[2:], 'backup': True})
    assert result['changed'] is True
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert '[1001] ; %s' % MARKER in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.path.dirname(result['backup_file']) == str(real_dir)
    assert run({'path': str(link), 'sections': USER[2:]})['changed'] is False


def test_link_through_a_linked_directory(tmp_path, run):
    (tmp_path / 'real').mkdir()
    (tmp_path / 'etc').symlink_to(tmp_path / 'real')
    run({'path': str(tmp_path / 'etc' / 'x.conf'), 'sections': USER[2:]})
    assert (tmp_path / 'real' / 'x.conf').is_file() and not (tmp_path / 'real' / 'x.conf').is_symlink()


def test_mode_applies_to_the_link_target(tmp_path, run):
    target = tmp_path / 'target.conf'
    target.write_text('')
    link = tmp_path / 'link.conf'
    link.symlink_to(target)
    result = run({'path': str(link), 'sections': USER[2:], 'mode': '0600'})
    assert result['changed'] is True and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_symlink_loop_is_refused(tmp_path, run):
    (tmp_path / 'a.conf').symlink_to(tmp_path / 'b.conf')
    (tmp_path / 'b.conf').symlink_to(tmp_path / 'a.conf')
    result = run({'path': str(tmp_path / 'a.conf'), 'sections': USER[2:]})
    assert result['failed'] is True and 'link loop' in result['msg']


@pytest.mark.parametrize('kind', ['directory', 'fifo', 'socket', 'device', 'link to a fifo'])
def test_special_files_are_refused_and_kept(tmp_path, run, kind):
    path = tmp_path / 'special'
    if kind == 'directory':
        path.mkdir()
    elif kind == 'fifo':
        os.mkfifo(path)
    elif kind == 'socket':
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
    elif kind == 'device':
        # A node of its own (never a real /dev entry: the old code renamed over it).
        try:
            os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
        except PermissionError:
            pytest.skip('creating a device node needs CAP_MKNOD')
    else:
        os.mkfifo(tmp_path / 'fifo')
        path.symlink_to(tmp_path / 'fifo')
    before = os.lstat(path)
    result = run({'path': str(path), 'sections': USER[2:]})
    assert result['failed'] is True
    assert 'not a regular file' in result['msg'] and str(path) in result['msg']
    after = os.lstat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_unusable_path_is_a_message_not_a_traceback(tmp_path, run):
    (tmp_path / 'file').write_text('')
    result = run({'path': str(tmp_path / 'file' / 'x.conf'), 'sections': USER[2:]})
    assert result['failed'] is True and 'Not a directory' in result['msg']


def test_permission_denied_is_a_message(tmp_path, run, monkeypatch):
    def denied(*_args, **_kwargs):
        raise PermissionError(13, 'Permission denied')
    monkeypatch.setattr(tempfile, 'mkstemp', denied)
    path = tmp_path / 'x.conf'
    result = run({'path': str(path), 'sections': USER[2:]})
    assert result['failed'] is True
    assert result['msg'].startswith('cannot write %s: Permission denied' % path)


# --------------------------------------------------------------------- purge, [] and validate (issue 7)

def test_purge_ignores_a_hand_comment_that_mentions_the_marker(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    hand = '[hand] ; not %s: hand-written\na=1\n\n[hand2] ; %s (copied by hand)\nb=2\n' % (MARKER, MARKER)
    path.write_text(hand + '\n[old] ; %s\nc=3\n' % MARKER)
    result = run({'path': str(path), 'purge': True, 'sections': []})
    assert result['sections_removed'] == [{'name': 'old', 'type': None}]
    assert path.read_text() == hand


def test_empty_list_removes_the_option(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    path.write_text('[1001]\ntype=endpoint\nallow=ulaw\nallow=alaw\ncontext=staff\n')
    result = run({'path': str(path), 'sections': [{'name': '1001', 'options': [{'allow': []}]}]})
    assert result['changed'] is True
    assert path.read_text() == '[1001]\ntype=endpoint\ncontext=staff\n'


def test_validate_failure_leaves_the_file(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    path.write_text('[general]\n')
    result = run({'path': str(path), 'sections': USER[2:], 'validate': 'grep -q no-such-text %s'})
    assert result['failed'] is True and 'validate' in result['msg']
    assert path.read_text() == '[general]\n'
    assert sorted(os.listdir(tmp_path)) == ['.pjsip.conf.lock', 'pjsip.conf']


def test_validate_runs_on_the_new_text(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    path.write_text('[general]\n')
    result = run({'path': str(path), 'sections': USER[2:], 'validate': "grep -q 'max_contacts = 1' %s"})
    assert result['changed'] is True and 'max_contacts = 1' in path.read_text()


def test_validate_needs_the_file_placeholder(tmp_path, run):
    path = tmp_path / 'pjsip.conf'
    result = run({'path': str(path), 'sections': USER[2:], 'validate': 'true'})
    assert result['failed'] is True and '%s' in result['msg'] and not path.exists()


# --------------------------------------------------------------------- concurrency (issue 7)

def test_ten_concurrent_runs_keep_all_sections(tmp_path, monkeypatch, run_concurrently):
    path = str(tmp_path / 'pjsip.conf')
    # A slow edit between the read and the write: without a lock every run
    # reads the same text and the last rename wins.
    compute = asterisk_config.compute

    def slow_compute(*args, **kwargs):
        result = compute(*args, **kwargs)
        time.sleep(0.05)
        return result
    monkeypatch.setattr(asterisk_config, 'compute', slow_compute)
    many_args = [{'path': path, 'sections': [{'name': 'user%d' % i, 'options': [{'n': i}]}]} for i in range(10)]
    assert run_concurrently(asterisk_config, many_args) == [0] * 10
    text = pathlib.Path(path).read_text()
    assert sorted(re.findall(r'^\[(user\d+)\]', text, re.M)) == sorted('user%d' % i for i in range(10))
