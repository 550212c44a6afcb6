# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""bench/benchlib.py's search (the sipload bench's step-and-bisect) and end_report (every bench's report file).

The benches themselves need containers and minutes; these parts are plain functions, checked here with a
fake probe (a capacity) and a temporary directory. benchlib is loaded from its path: bench/ is no package.
"""
from __future__ import annotations

import importlib.util
import json
import pathlib

import pytest

SPEC = importlib.util.spec_from_file_location(
    'benchlib', pathlib.Path(__file__).resolve().parents[3] / 'bench' / 'benchlib.py')
benchlib = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(benchlib)


def capacity(limit, flaky=()):
    """A probe that passes every value up to *limit*, except those in *flaky*; it records what it was asked."""
    asked = []

    def probe(value):
        asked.append(value)
        return {'value': value, 'ok': value <= limit and value not in flaky}
    probe.asked = asked
    return probe


@pytest.mark.parametrize('limit, steps, refine, cap, best, failure, asked', [
    # the steps pass up to 100, 200 fails, one bisection finds 150
    (150, [50, 100, 200, 400], 1, 10 ** 6, 150, 200, [50, 100, 200, 150]),
    # more bisection: 150 passes, 175 fails, 162 passes; the next middle, 168, is closer to 162
    # than 5 % of it (8): stop there, whatever refine allows
    (165, [50, 100, 200, 400], 9, 10 ** 6, 162, 175, [50, 100, 200, 150, 175, 162]),
    # no bisection (refine 0): the last pass before the failure
    (95, [90, 100], 0, 10 ** 6, 90, 100, [90, 100]),
    # every step passes: no failure, no bisection
    (10 ** 6, [1, 2, 4], 3, 10 ** 6, 4, None, [1, 2, 4]),
    # steps above the cap are never tried
    (10 ** 6, [100, 200, 400, 800], 3, 300, 200, None, [100, 200]),
    # the first step fails: halve until one passes, then bisect
    (90, [400], 2, 10 ** 6, 87, 100, [400, 200, 100, 50, 75, 87]),
    # the first step fails, no bisection: the halving alone
    (90, [400], 0, 10 ** 6, 50, 100, [400, 200, 100, 50]),
    # nothing passes, down to 1
    (0, [4], 3, 10 ** 6, 0, 1, [4, 2, 1]),
    # a gap already under 2 is not bisected
    (101, [100, 102], 5, 10 ** 6, 100, 102, [100, 102]),
])
def test_search_steps_then_bisects(limit, steps, refine, cap, best, failure, asked):
    probe = capacity(limit)
    result = benchlib.search(probe, steps, refine, cap)
    assert probe.asked == asked
    assert result == {'max': best, 'first_failure': failure, 'steps': [{'value': v, 'ok': v <= limit} for v in asked]}


def test_search_stops_at_the_first_failed_step_even_below_the_capacity():
    """A failure is a failure (a flaky step at 100): the steps after it are not tried."""
    probe = capacity(1000, flaky=(100,))
    result = benchlib.search(probe, [50, 100, 200, 400], 1, 10 ** 6)
    assert probe.asked == [50, 100, 75]
    assert (result['max'], result['first_failure']) == (75, 100)


def test_doubling():
    assert benchlib.doubling(400, 3200) == [400, 800, 1600, 3200]
    assert benchlib.doubling(400, 3199) == [400, 800, 1600]
    assert not benchlib.doubling(400, 399)


@pytest.mark.parametrize('show_machine', [True, False])
def test_end_report_writes_the_whole_report_with_the_load_at_the_end(tmp_path, capsys, show_machine):
    report = {'machine': {'nproc': 2, 'cpu': 'test cpu'}, 'figures': {100: {'first_s': 1.5}}, 'when': tmp_path}
    path = tmp_path / 'out.json'
    benchlib.end_report(report, str(path), show_machine=show_machine)
    assert len(report['machine_end']['loadavg']) == 3
    written = json.loads(path.read_text(encoding='utf-8'))
    assert written == {'machine': {'nproc': 2, 'cpu': 'test cpu'}, 'figures': {'100': {'first_s': 1.5}},
                       'when': str(tmp_path), 'machine_end': {'loadavg': list(report['machine_end']['loadavg'])}}
    out = capsys.readouterr().out
    assert ('"cpu": "test cpu"' in out and 'load at end:' in out) is show_machine


def test_end_report_without_a_path_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    report = {'machine': {'nproc': 2}}
    benchlib.end_report(report, None)
    assert 'machine_end' in report and not list(tmp_path.iterdir())
    assert 'load at end:' in capsys.readouterr().out
