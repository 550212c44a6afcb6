# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared file rules: control characters, links and file types, the lock, the validate argv."""

from __future__ import annotations

import fcntl
import os

import pytest

from ansible_collections.inpp.telecom.plugins.module_utils._textfile import (
    TextFileError,
    check_text,
    lock_path,
    locked,
    resolve_target,
    validate_argv,
)


@pytest.mark.parametrize('char', ['\n', '\r', '\x00', '\x0b', '\x1f', '\x7f', '\x85', '\u2028', '\u2029'])
def test_control_characters_are_refused_with_the_item(char):
    with pytest.raises(TextFileError, match=r'^sections\[0\]\.name: control character'):
        check_text('a%sb' % char, 'sections[0].name')


@pytest.mark.parametrize('text', ['a\tb', 'caf\xe9 \u4e2d\u6587', '\xa0', ''])
def test_tab_and_printable_text_pass(text):
    assert check_text(text, 'x') == text


def test_validate_argv_is_a_list_with_the_file_in_place():
    assert validate_argv("sh -c 'test -s \"$1\"' check %s", '/etc/x/.f.tmp') == [
        'sh', '-c', 'test -s "$1"', 'check', '/etc/x/.f.tmp']
    assert validate_argv('tool --file=%s', '/t') == ['tool', '--file=/t']
    with pytest.raises(TextFileError, match='must contain %s'):
        validate_argv('true', '/t')
    with pytest.raises(TextFileError, match='validate'):
        validate_argv('tool "%s', '/t')


def test_lock_file_is_hidden_beside_the_target():
    assert lock_path('/etc/asterisk/pjsip.conf') == '/etc/asterisk/.pjsip.conf.lock'


def test_lock_is_exclusive_and_released(tmp_path):
    target = str(tmp_path / 'x.conf')
    with locked(target):
        fd = os.open(lock_path(target), os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
    fd = os.open(lock_path(target), os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_check_mode_takes_no_lock_and_creates_nothing(tmp_path):
    with locked(str(tmp_path / 'x.conf'), enabled=False):
        pass
    assert os.listdir(tmp_path) == []


def test_resolve_target_follows_chains_of_links(tmp_path):
    (tmp_path / 'real.conf').write_text('')
    (tmp_path / 'one.conf').symlink_to(tmp_path / 'real.conf')
    (tmp_path / 'two.conf').symlink_to('one.conf')
    assert resolve_target(str(tmp_path / 'two.conf')) == str(tmp_path / 'real.conf')
    (tmp_path / 'dangling.conf').symlink_to(tmp_path / 'new' / 'file.conf')
    assert resolve_target(str(tmp_path / 'dangling.conf')) == str(tmp_path / 'new' / 'file.conf')
