# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Asterisk ``queue_log`` parsing and call-center statistics (plain functions, no Ansible).

A queue_log line is ``time|callid|queue|agent|event|data1|data2|...``. The data fields of the
events used here have the same layout in Asterisk 16 (Debian 11) and Asterisk 22 (Debian sid),
as captured in tests/unit/plugins/module_utils/fixtures/queue_log:

==================  ==================================================
ENTERQUEUE          url | callerid | position
CONNECT             holdtime | bridged channel uniqueid | ringtime
COMPLETECALLER      holdtime | calltime | origposition
COMPLETEAGENT       holdtime | calltime | origposition
BLINDTRANSFER       extension | context | holdtime | calltime | origposition
ATTENDEDTRANSFER    method | detail... | holdtime | calltime | origposition
ABANDON             position | origposition | waittime
EXITWITHTIMEOUT     position | origposition | waittime
EXITEMPTY           position | origposition | waittime
EXITWITHKEY         key | position | origposition | waittime
RINGNOANSWER        ring time in ms
PAUSE / UNPAUSE     reason (empty when none)
PAUSEALL/UNPAUSEALL queue NONE; followed by one PAUSE/UNPAUSE per queue
ADDMEMBER           agent field is the member's interface, not its name
REMOVEMEMBER        agent field is the member's interface, not its name
==================  ==================================================

Times are seconds. A call belongs to the day (host local time unless told otherwise) on which it
entered the queue.
"""

from __future__ import annotations

import datetime
import gzip
import os
import re
from typing import Any, Dict, Iterable, Iterator, List, Optional, Tuple

OUTCOMES = {
    'ABANDON': 'abandoned',
    'EXITWITHTIMEOUT': 'timed_out',
    'EXITEMPTY': 'exited_empty',
    'EXITWITHKEY': 'exited_key',
}
COMPLETIONS = ('COMPLETECALLER', 'COMPLETEAGENT', 'BLINDTRANSFER', 'ATTENDEDTRANSFER')
DAY_COUNTERS = ('offered', 'answered', 'abandoned', 'timed_out', 'exited_empty', 'exited_key',
                'answered_within_service_level')


def parse_line(line: str) -> Optional[Dict[str, Any]]:
    """One queue_log line as a dict, or None when it is not a queue_log record."""
    fields = line.rstrip('\r\n').split('|')
    if len(fields) < 5 or not fields[0].isdigit() or not fields[4]:
        return None
    return {'time': int(fields[0]), 'callid': fields[1], 'queue': fields[2], 'agent': fields[3],
            'event': fields[4], 'data': fields[5:]}


def parse(lines: Iterable[str]) -> Tuple[List[Dict[str, Any]], int]:
    """All records of *lines*, sorted by time (stable), and the number of lines that were not records."""
    events: List[Dict[str, Any]] = []
    skipped = 0
    for line in lines:
        if not line.strip():
            continue
        event = parse_line(line)
        if event is None:
            skipped += 1
        else:
            events.append(event)
    events.sort(key=lambda e: e['time'])
    return events, skipped


def _rotation_index(name: str, base: str) -> Optional[int]:
    match = re.match(re.escape(base) + r'(?:[.-](\d+))?(?:\.gz)?$', name)
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else 0


def log_files(path: str, include_rotated: bool = True) -> List[str]:
    """*path* and, with *include_rotated*, its logrotate copies (``queue_log.1``, ``queue_log.2.gz``), oldest first."""
    if not include_rotated:
        return [path] if os.path.exists(path) else []
    folder, base = os.path.split(path)
    found = []
    for name in os.listdir(folder or '.'):
        index = _rotation_index(name, base)
        if index is not None and os.path.isfile(os.path.join(folder, name)):
            found.append((index, name))
    return [os.path.join(folder, name) for _index, name in sorted(found, reverse=True)]


def read_lines(files: Iterable[str]) -> Iterator[str]:
    """The lines of *files*, gzip-compressed or not, decoded leniently."""
    for name in files:
        opener = gzip.open if name.endswith('.gz') else open
        with opener(name, 'rb') as handle:  # type: ignore[operator]
            for raw in handle:
                yield raw.decode('utf-8', 'replace')


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def _calls(events: List[Dict[str, Any]]) -> Dict[Tuple[str, str], Dict[str, Any]]:
    """One record per (callid, queue) that entered a queue, with its outcome."""
    calls: Dict[Tuple[str, str], Dict[str, Any]] = {}

    def call(event):
        key = (event['callid'], event['queue'])
        if key not in calls:
            calls[key] = {'callid': event['callid'], 'queue': event['queue'], 'entered': None, 'callerid': '',
                          'outcome': None, 'agent': None, 'wait': None, 'talk': None, 'first_seen': event['time']}
        return calls[key]

    for event in events:
        name, data = event['event'], event['data']
        if name == 'ENTERQUEUE':
            record = call(event)
            record['entered'] = event['time']
            record['callerid'] = data[1] if len(data) > 1 else ''
        elif name == 'CONNECT':
            record = call(event)
            record.update(outcome='answered', agent=event['agent'], wait=_int(data[0] if data else 0))
        elif name in COMPLETIONS:
            record = call(event)
            if len(data) >= 3:
                record['talk'] = _int(data[-2])
                if record['outcome'] is None:  # CONNECT before the files read
                    record.update(outcome='answered', agent=event['agent'], wait=_int(data[-3]))
        elif name in OUTCOMES:
            record = call(event)
            record.update(outcome=OUTCOMES[name], wait=_int(data[-1] if data else 0))
    for record in calls.values():
        if record['entered'] is None:  # entered before the oldest file read
            record['entered'] = record['first_seen'] - (record['wait'] or 0)
    return calls


def _day(timestamp: int, tz: Optional[datetime.tzinfo]) -> datetime.date:
    if tz is None:
        return datetime.datetime.fromtimestamp(timestamp).date()
    return datetime.datetime.fromtimestamp(timestamp, tz).date()


def _bounds(since: datetime.date, until: datetime.date, tz: Optional[datetime.tzinfo]) -> Tuple[float, float]:
    start = datetime.datetime.combine(since, datetime.time(0), tz)
    end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time(0), tz)
    return start.timestamp(), end.timestamp()


def _ratio(part: int, whole: int) -> Optional[float]:
    return round(100.0 * part / whole, 1) if whole else None


def _mean(values: List[int]) -> Optional[float]:
    return round(float(sum(values)) / len(values), 1) if values else None


def _figures(calls: List[Dict[str, Any]]) -> Dict[str, Any]:
    """The figures of a set of calls (one queue and day, or one queue over the range)."""
    figures: Dict[str, Any] = dict.fromkeys(DAY_COUNTERS, 0)
    waits: List[int] = []
    abandon_waits: List[int] = []
    talks: List[int] = []
    for record in calls:
        figures['offered'] += 1
        outcome = record['outcome']
        if outcome == 'answered':
            figures['answered'] += 1
            waits.append(record['wait'])
            if record['talk'] is not None:
                talks.append(record['talk'])
        elif outcome is not None:
            figures[outcome] += 1
            if outcome == 'abandoned':
                abandon_waits.append(record['wait'])
    figures.update(
        wait_avg=_mean(waits), wait_max=max(waits) if waits else None,
        abandon_wait_avg=_mean(abandon_waits), abandon_wait_max=max(abandon_waits) if abandon_waits else None,
        talk_avg=_mean(talks), talk_total=sum(talks),
        in_queue=figures['offered'] - figures['answered'] - sum(figures[o] for o in OUTCOMES.values()),
    )
    return figures


def _service_level(figures: Dict[str, Any], calls: List[Dict[str, Any]], seconds: int) -> Dict[str, Any]:
    within = sum(1 for c in calls if c['outcome'] == 'answered' and c['wait'] <= seconds)
    figures['answered_within_service_level'] = within
    figures['service_level'] = _ratio(within, figures['offered'])
    figures['abandon_rate'] = _ratio(figures['abandoned'], figures['offered'])
    return figures


def _pauses(events: List[Dict[str, Any]], start: float, end: float) -> Dict[Tuple[str, str], Dict[str, int]]:
    """Paused seconds (clipped to [start, end)) and pause count per (queue, agent).

    A pause still open when the log ends counts until *end*. REMOVEMEMBER closes a pause of the
    member whose name is its interface (the name the role gives dynamic agents).
    """
    open_since: Dict[Tuple[str, str], int] = {}
    totals: Dict[Tuple[str, str], Dict[str, int]] = {}

    def close(key, until):
        begun = open_since.pop(key)
        seconds = max(0.0, min(until, end) - max(begun, start))
        if seconds:
            totals.setdefault(key, {'paused_time': 0, 'pauses': 0})['paused_time'] += int(seconds)

    for event in events:
        key = (event['queue'], event['agent'])
        if event['event'] == 'PAUSE':
            if key not in open_since:
                open_since[key] = event['time']
                if start <= event['time'] < end:
                    totals.setdefault(key, {'paused_time': 0, 'pauses': 0})['pauses'] += 1
        elif event['event'] in ('UNPAUSE', 'REMOVEMEMBER') and key in open_since:
            close(key, event['time'])
    for key in list(open_since):
        close(key, end)
    return totals


def aggregate(events: List[Dict[str, Any]], since: datetime.date, until: datetime.date,
              service_level_seconds: int = 20, queues: Optional[List[str]] = None,
              tz: Optional[datetime.tzinfo] = None, now: Optional[float] = None) -> List[Dict[str, Any]]:
    """Per-queue statistics for the calls that entered a queue between *since* and *until* (inclusive days).

    *tz* is the time zone of the days (None: the host's local time); *now* caps a pause still open
    (default: the end of *until*).
    """
    start, end = _bounds(since, until, tz)
    if now is not None:
        end = min(end, now)
    calls = [c for c in _calls(events).values()
             if start <= c['entered'] < end and c['queue'] not in ('NONE', '')
             and (queues is None or c['queue'] in queues)]
    agent_events = [e for e in events if e['agent'] not in ('NONE', '') and e['queue'] not in ('NONE', '')
                    and (queues is None or e['queue'] in queues)]
    pauses = _pauses(agent_events, start, end)
    ring_no_answer: Dict[Tuple[str, str], int] = {}
    for event in agent_events:
        if event['event'] == 'RINGNOANSWER' and start <= event['time'] < end:
            key = (event['queue'], event['agent'])
            ring_no_answer[key] = ring_no_answer.get(key, 0) + 1

    names = sorted({c['queue'] for c in calls} | {q for q, _a in pauses} | {q for q, _a in ring_no_answer})
    out = []
    for name in names:
        mine = [c for c in calls if c['queue'] == name]
        days = []
        for day in sorted({_day(c['entered'], tz) for c in mine}):
            of_day = [c for c in mine if _day(c['entered'], tz) == day]
            figures = _service_level(_figures(of_day), of_day, service_level_seconds)
            days.append(dict(date=day.isoformat(), **figures))
        agents: Dict[str, Dict[str, Any]] = {}

        def agent(who):
            return agents.setdefault(who, {'agent': who, 'calls_answered': 0, 'talk_time': 0, 'talk_avg': None,
                                           'paused_time': 0, 'pauses': 0, 'ring_no_answer': 0})
        for record in mine:
            if record['outcome'] == 'answered' and record['agent']:
                item = agent(record['agent'])
                item['calls_answered'] += 1
                item['talk_time'] += record['talk'] or 0
        for (queue, who), pause in pauses.items():
            if queue == name:
                agent(who).update(pause)
        for (queue, who), count in ring_no_answer.items():
            if queue == name:
                agent(who)['ring_no_answer'] = count
        for item in agents.values():
            if item['calls_answered']:
                item['talk_avg'] = round(float(item['talk_time']) / item['calls_answered'], 1)
        out.append({'name': name,
                    'totals': _service_level(_figures(mine), mine, service_level_seconds),
                    'days': days,
                    'agents': sorted(agents.values(), key=lambda a: a['agent'])})
    return out
