# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.asterisk_queue_stats run as Ansible runs it, over a queue_log captured from Asterisk 22."""

from __future__ import annotations

import datetime
import pathlib
import shutil
import time

import pytest

from ansible_collections.inpp.telecom.plugins.modules import asterisk_queue_stats as module

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / 'module_utils' / 'fixtures' / 'queue_log'


@pytest.fixture(name='log')
def log_fixture(tmp_path):
    path = tmp_path / 'queue_log'
    shutil.copy(str(FIXTURES / 'asterisk22-sid.queue_log'), str(path))
    return path


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    """The capture's day is a UTC day; the module counts days in the host's local time."""
    monkeypatch.setenv('TZ', 'UTC')
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize('check_mode', [False, True])
def test_reads_the_capture(run_module, log, check_mode):
    result = run_module(module, {'path': str(log), 'since': '2026-11-29', 'service_level': 3},
                        check_mode=check_mode)
    assert result['changed'] is False
    assert result['files'] == [str(log)] and result['lines_skipped'] == 0
    assert (result['since'], result['until'], result['service_level']) == ('2026-11-29', '2026-11-29', 3)
    (support,) = result['queues']
    assert support['name'] == 'support'
    assert {k: support['totals'][k] for k in ('offered', 'answered', 'abandoned', 'timed_out', 'service_level')} == {
        'offered': 6, 'answered': 3, 'abandoned': 2, 'timed_out': 1, 'service_level': 50.0}
    assert [a['agent'] for a in support['agents']] == ['Agent 2001', 'Agent 2002']


def test_queue_filter_and_other_range(run_module, log):
    result = run_module(module, {'path': str(log), 'since': '2026-11-29', 'queues': ['sales']})
    assert result['queues'] == []
    result = run_module(module, {'path': str(log), 'since': '2026-11-01', 'until': '2026-11-28'})
    assert result['queues'] == []


def test_rotated_copies(run_module, log):
    (log.parent / 'queue_log.1').write_text('1795900000|1.1|old|NONE|ENTERQUEUE||x|1\n')
    result = run_module(module, {'path': str(log), 'since': '2026-11-28', 'until': '2026-11-29'})
    assert result['files'] == [str(log.parent / 'queue_log.1'), str(log)]
    assert sorted(q['name'] for q in result['queues']) == ['old', 'support']
    result = run_module(module, {'path': str(log), 'since': '2026-11-28', 'until': '2026-11-29',
                                 'include_rotated': False})
    assert [q['name'] for q in result['queues']] == ['support']


def test_missing_file_reads_nothing(run_module, tmp_path):
    result = run_module(module, {'path': str(tmp_path / 'queue_log')})
    assert result['files'] == [] and result['queues'] == []
    assert result['since'] == result['until'] == datetime.date.today().isoformat()


@pytest.mark.parametrize('args, message', [
    ({'since': '29/11/2026'}, "since: '29/11/2026' is not a date YYYY-MM-DD"),
    ({'since': '2026-11-29', 'until': '2026-11-02'}, 'until: 2026-11-02 is before since 2026-11-29'),
    ({'service_level': -1}, 'service_level: -1 is negative'),
    ({'path': '/nonexistent/queue_log'}, 'path: folder /nonexistent does not exist'),
])
def test_bad_input_names_the_option(run_module, log, args, message):
    args = dict({'path': str(log)}, **args)
    result = run_module(module, args)
    assert result['failed'] is True
    assert result['msg'] == message


def test_parse_range_defaults():
    today = datetime.date(2026, 11, 29)
    assert module.parse_range(None, None, today) == (today, today)
    assert module.parse_range('2026-11-01', None, today) == (datetime.date(2026, 11, 1),) * 2
