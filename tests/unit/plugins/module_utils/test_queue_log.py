# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""queue_log parsing and statistics over logs written by Asterisk 16 and 22 (fixtures/queue_log)."""

from __future__ import annotations

import datetime
import gzip
import pathlib

import pytest

from ansible_collections.inpp.telecom.plugins.module_utils import _queue_log as ql

FIXTURES = pathlib.Path(__file__).resolve().parent / 'fixtures' / 'queue_log'
LOGS = {'16': 'asterisk16-bullseye.queue_log', '22': 'asterisk22-sid.queue_log'}
UTC = datetime.timezone.utc
DAY = datetime.date(2026, 11, 29)  # the capture day (UTC)


def events(version):
    parsed, skipped = ql.parse((FIXTURES / LOGS[version]).read_text().splitlines())
    assert skipped == 0
    return parsed


def stats(lines_or_events, since=DAY, until=DAY, sl=20, **kwargs):
    evs = lines_or_events if isinstance(lines_or_events[0], dict) else ql.parse(lines_or_events)[0]
    return {q['name']: q for q in ql.aggregate(evs, since, until, sl, tz=UTC, **kwargs)}


def test_parse_line_fields():
    event = ql.parse_line('1795978269|1795978265.11|support|Agent 2002|CONNECT|3|1795978266.12|3\n')
    assert event == {'time': 1795978269, 'callid': '1795978265.11', 'queue': 'support', 'agent': 'Agent 2002',
                     'event': 'CONNECT', 'data': ['3', '1795978266.12', '3']}


@pytest.mark.parametrize('line', ['', 'garbage', 'x|1|q|a|EV', '1795978269|1|q|a|', '1|2|3'])
def test_parse_line_rejects_non_records(line):
    assert ql.parse_line(line) is None


def test_parse_counts_skipped_and_sorts():
    parsed, skipped = ql.parse(['20|c|q|NONE|ENTERQUEUE||x|1', 'junk', '10|d|q|NONE|ENTERQUEUE||y|1', ''])
    assert skipped == 1
    assert [e['time'] for e in parsed] == [10, 20]


@pytest.mark.parametrize('version', sorted(LOGS))
def test_captured_queue_figures(version):
    """The six calls of the capture (see fixtures/queue_log/README.md), on both versions."""
    support = stats(events(version), sl=2)['support']
    totals = support['totals']
    assert (totals['offered'], totals['answered'], totals['abandoned'], totals['timed_out']) == (6, 3, 2, 1)
    assert totals['in_queue'] == 0
    # answered: holds 0, 0, 3; talks 6, 3, 4
    assert (totals['wait_avg'], totals['wait_max']) == (1.0, 3)
    assert (totals['talk_total'], totals['talk_avg']) == (13, 4.3)
    # abandoned: call 3 waited 4 s (22) or 5 s (16), call 6 waited 7 s
    abandon_wait = {'16': 5, '22': 4}[version]
    assert totals['abandon_wait_max'] == 7
    assert totals['abandon_wait_avg'] == (abandon_wait + 7) / 2.0
    # within 2 s: the two calls answered at once; 2 of 6 offered
    assert totals['answered_within_service_level'] == 2
    assert totals['service_level'] == 33.3
    assert totals['abandon_rate'] == 33.3
    assert [d['date'] for d in support['days']] == ['2026-11-29']
    assert support['days'][0]['offered'] == 6


@pytest.mark.parametrize('version', sorted(LOGS))
def test_service_level_threshold(version):
    assert stats(events(version), sl=3)['support']['totals']['service_level'] == 50.0
    assert stats(events(version), sl=0)['support']['totals']['service_level'] == 33.3


@pytest.mark.parametrize('version', sorted(LOGS))
def test_captured_agent_figures(version):
    agents = {a['agent']: a for a in stats(events(version))['support']['agents']}
    assert agents['Agent 2001']['calls_answered'] == 1
    assert agents['Agent 2001']['talk_time'] == 6
    assert agents['Agent 2001']['ring_no_answer'] == 1
    # paused 'lunch' for 30 s (*47 .. *48), then 1 s on all queues from the CLI
    assert agents['Agent 2001']['paused_time'] == 31
    assert agents['Agent 2001']['pauses'] == 2
    assert agents['Agent 2002']['calls_answered'] == 2
    assert (agents['Agent 2002']['talk_time'], agents['Agent 2002']['talk_avg']) == (7, 3.5)
    assert agents['Agent 2002']['paused_time'] == 1
    # ADDMEMBER/REMOVEMEMBER name the interface: it is no agent of its own
    assert 'PJSIP/2002' not in agents and 'PJSIP/2001' not in agents


def test_versions_share_every_layout():
    """Beyond time, ids and timing-dependent values, the two captures hold the same records."""
    def shape(version):
        return [(e['queue'], e['agent'], e['event'], len(e['data'])) for e in events(version)]
    assert shape('16') == shape('22')


def test_range_excludes_other_days():
    assert stats(events('22'), since=DAY + datetime.timedelta(days=1), until=DAY + datetime.timedelta(days=1)) == {}
    assert stats(events('22'), since=DAY - datetime.timedelta(days=3), until=DAY)['support']['totals']['offered'] == 6


BASE = int(datetime.datetime(2026, 11, 2, 8, 0, tzinfo=UTC).timestamp())


def at(day, seconds):
    return BASE + day * 86400 + seconds


def test_days_and_queues_are_separate():
    lines = [
        '%d|1.1|sales|NONE|ENTERQUEUE||100|1' % at(0, 0),
        '%d|1.1|sales|PJSIP/1001|CONNECT|25|1.2|25' % at(0, 25),
        '%d|1.1|sales|PJSIP/1001|COMPLETEAGENT|25|60|1' % at(0, 85),
        '%d|2.1|sales|NONE|ENTERQUEUE||101|1' % at(1, 0),
        '%d|2.1|sales|NONE|EXITEMPTY|1|1|2' % at(1, 2),
        '%d|3.1|help|NONE|ENTERQUEUE||102|1' % at(1, 10),
        '%d|3.1|help|PJSIP/1002|CONNECT|5|3.2|5' % at(1, 15),
        '%d|3.1|help|PJSIP/1002|BLINDTRANSFER|1003|staff|5|40|1' % at(1, 55),
        '%d|4.1|help|NONE|ENTERQUEUE||103|1' % at(1, 60),
        '%d|4.1|help|NONE|EXITWITHKEY|9|1|1|12' % at(1, 72),
        '%d|5.1|help|NONE|ENTERQUEUE||104|1' % at(1, 80),  # still waiting
    ]
    result = stats(lines, since=datetime.date(2026, 11, 2), until=datetime.date(2026, 11, 3))
    sales, helpq = result['sales'], result['help']
    assert [(d['date'], d['offered'], d['answered'], d['exited_empty']) for d in sales['days']] == [
        ('2026-11-02', 1, 1, 0), ('2026-11-03', 1, 0, 1)]
    assert sales['totals']['service_level'] == 0.0  # 25 s > 20 s
    assert helpq['totals']['exited_key'] == 1 and helpq['totals']['in_queue'] == 1
    assert helpq['totals']['talk_total'] == 40
    assert helpq['totals']['service_level'] == round(100 / 3.0, 1)
    assert stats(lines, since=datetime.date(2026, 11, 2), until=datetime.date(2026, 11, 3),
                 queues=['help']).keys() == {'help'}


def test_call_entered_before_the_log_takes_its_wait():
    """A CONNECT without ENTERQUEUE (older file not read) belongs to the day it entered."""
    lines = ['%d|9.1|sales|PJSIP/1001|CONNECT|30|9.2|30' % at(1, 10),
             '%d|9.1|sales|PJSIP/1001|COMPLETECALLER|30|20|1' % at(1, 30)]
    result = stats(lines, since=datetime.date(2026, 11, 3), until=datetime.date(2026, 11, 3))
    assert result['sales']['totals']['answered'] == 1
    assert result['sales']['totals']['talk_total'] == 20
    lines = ['%d|9.1|sales|NONE|ABANDON|1|1|30' % (BASE + 86400 + 10)]  # 08:00:10 minus 30 s: still day 1
    assert stats(lines, since=datetime.date(2026, 11, 3), until=datetime.date(2026, 11, 3))['sales']['totals'][
        'abandoned'] == 1


def test_pause_clipped_to_range_and_closed_by_removal():
    lines = [
        '%d|NONE|sales|PJSIP/1001|PAUSE|lunch' % (at(1, 0) - 9 * 3600),  # 23:00 the day before the range
        '%d|NONE|sales|PJSIP/1001|UNPAUSE|' % (at(1, 0) - 8 * 3600 + 600),  # 00:10 on the day
        '%d|NONE|sales|PJSIP/1002|PAUSE|' % at(1, 100),
        '%d|1.0|sales|PJSIP/1002|REMOVEMEMBER|' % at(1, 160),
        '%d|NONE|sales|PJSIP/1003|PAUSE|' % at(1, 200),  # never unpaused
    ]
    day = datetime.date(2026, 11, 3)
    agents = {a['agent']: a for a in stats(lines, since=day, until=day)['sales']['agents']}
    assert agents['PJSIP/1001']['paused_time'] == 600 and agents['PJSIP/1001']['pauses'] == 0
    assert agents['PJSIP/1002']['paused_time'] == 60
    end_of_day = int(datetime.datetime(2026, 11, 4, tzinfo=UTC).timestamp())
    assert agents['PJSIP/1003']['paused_time'] == end_of_day - at(1, 200)
    now = at(1, 260)
    agents = {a['agent']: a for a in stats(lines, since=day, until=day, now=now)['sales']['agents']}
    assert agents['PJSIP/1003']['paused_time'] == 60


def test_log_files_rotated_oldest_first(tmp_path):
    (tmp_path / 'queue_log').write_text('3|c|q|NONE|ENTERQUEUE||x|1\n')
    (tmp_path / 'queue_log.1').write_text('2|b|q|NONE|ENTERQUEUE||x|1\n')
    with gzip.open(str(tmp_path / 'queue_log.2.gz'), 'wb') as handle:
        handle.write(b'1|a|q|NONE|ENTERQUEUE||x|1\n')
    (tmp_path / 'queue_log.bak').write_text('not me')
    (tmp_path / 'other_log').write_text('not me')
    files = ql.log_files(str(tmp_path / 'queue_log'))
    assert [pathlib.Path(f).name for f in files] == ['queue_log.2.gz', 'queue_log.1', 'queue_log']
    parsed, skipped = ql.parse(ql.read_lines(files))
    assert [e['callid'] for e in parsed] == ['a', 'b', 'c'] and skipped == 0
    assert ql.log_files(str(tmp_path / 'queue_log'), include_rotated=False) == [str(tmp_path / 'queue_log')]
    assert ql.log_files(str(tmp_path / 'missing'), include_rotated=False) == []
