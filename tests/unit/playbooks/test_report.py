# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/report.yml renders the HTML page and CSV files of each site from fixed figures.

The figures are a JSON file as report.yml itself writes (``report_from``), so no host is
contacted: the pbx host of the inventory cannot be reached, and the run would fail if it were.
The checks read the figures back out of the HTML tables and the CSV rows.
"""
from __future__ import annotations

import csv
import html.parser
import json

import pytest

DAY1 = {'date': '2026-11-23', 'offered': 40, 'answered': 34, 'abandoned': 4, 'timed_out': 1, 'exited_empty': 1,
        'exited_key': 0, 'in_queue': 0, 'answered_within_service_level': 30, 'service_level': 75.0,
        'abandon_rate': 10.0, 'wait_avg': 12.4, 'wait_max': 95, 'abandon_wait_avg': 41.5, 'abandon_wait_max': 80,
        'talk_avg': 183.2, 'talk_total': 6229}
DAY2 = {'date': '2026-11-24', 'offered': 10, 'answered': 0, 'abandoned': 0, 'timed_out': 10, 'exited_empty': 0,
        'exited_key': 0, 'in_queue': 0, 'answered_within_service_level': 0, 'service_level': 0.0,
        'abandon_rate': 0.0, 'wait_avg': None, 'wait_max': None, 'abandon_wait_avg': None,
        'abandon_wait_max': None, 'talk_avg': None, 'talk_total': 0}
TOTALS = {'offered': 50, 'answered': 34, 'abandoned': 4, 'timed_out': 11, 'exited_empty': 1, 'exited_key': 0,
          'in_queue': 0, 'answered_within_service_level': 30, 'service_level': 60.0, 'abandon_rate': 8.0,
          'wait_avg': 12.4, 'wait_max': 95, 'abandon_wait_avg': 41.5, 'abandon_wait_max': 80, 'talk_avg': 183.2,
          'talk_total': 6229}
AGENTS = [
    {'agent': 'PJSIP/1001', 'calls_answered': 20, 'talk_time': 3725, 'talk_avg': 186.2, 'paused_time': 5400,
     'pauses': 3, 'ring_no_answer': 2},
    {'agent': 'Grace "<b>" & co', 'calls_answered': 14, 'talk_time': 2504, 'talk_avg': 178.9, 'paused_time': 0,
     'pauses': 0, 'ring_no_answer': 0},
]
STATS = {
    'kinshasa': {'since': '2026-11-23', 'until': '2026-11-29', 'service_level': 30,
                 'files': ['/var/log/asterisk/queue_log'],
                 'queues': [{'name': 'accueil', 'totals': TOTALS, 'days': [DAY1, DAY2], 'agents': AGENTS}]},
    'lubumbashi': {'since': '2026-11-23', 'until': '2026-11-29', 'service_level': 30, 'files': [], 'queues': []},
}


class Tables(html.parser.HTMLParser):
    """The text of every cell, per table class; and every tag seen."""

    def __init__(self):
        super().__init__()
        self.tables, self.tags, self.table, self.row, self.cell = {}, [], None, None, None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == 'table':
            self.table = self.tables.setdefault(dict(attrs).get('class'), [])
        elif tag == 'tr' and self.table is not None:
            self.row = []
            self.table.append(self.row)
        elif tag in ('td', 'th') and self.row is not None:
            self.cell = ''

    def handle_endtag(self, tag):
        if tag in ('td', 'th') and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == 'table':
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


@pytest.fixture(name='rendered', scope='module')
def rendered_fixture(run_playbook_module, tmp_path_factory):
    """One run for the whole file."""
    tmp_path = tmp_path_factory.mktemp('report')
    source = tmp_path / 'figures.json'
    source.write_text(json.dumps(STATS))
    out = tmp_path / 'reports'
    run = run_playbook_module('report.yml', {'pbx': ['pbx-kinshasa']},
                              '-e', 'report_from=%s' % source, '-e', 'report_dir=%s' % out)
    assert run.returncode == 0, run.stdout + run.stderr
    assert 'UNREACHABLE' not in run.stdout
    return out


def rows(table):
    header, *body = table
    return [dict(zip(header, row)) for row in body]


def test_files_per_site(rendered):
    names = sorted(p.name for p in rendered.iterdir())
    assert names == sorted('%s-2026-11-23_2026-11-29%s' % (site, suffix)
                           for site in STATS for suffix in ('.html', '-queues.csv', '-agents.csv')) + [
        'stats-2026-11-23_2026-11-29.json']
    assert json.loads((rendered / 'stats-2026-11-23_2026-11-29.json').read_text()) == STATS


def test_html_figures(rendered):
    page = (rendered / 'kinshasa-2026-11-23_2026-11-29.html').read_text()
    parsed = Tables()
    parsed.feed(page)
    (totals,) = rows(parsed.tables['totals'])
    assert totals['offered'] == '50' and totals['answered'] == '34' and totals['abandoned'] == '4'
    assert totals['timed out'] == '11' and totals['service level'] == '60.0 %'
    assert totals['abandon wait max'] == '80' and totals['talk total'] == '1:43:49'
    days = rows(parsed.tables['days'])
    assert [(d['day'], d['offered'], d['service level'], d['wait avg']) for d in days] == [
        ('2026-11-23', '40', '75.0 %', '12.4'), ('2026-11-24', '10', '0.0 %', '-')]
    agents = rows(parsed.tables['agents'])
    assert [(a['agent'], a['calls answered'], a['time paused']) for a in agents] == [
        ('PJSIP/1001', '20', '1:30:00'), ('Grace "<b>" & co', '14', '0:00:00')]
    assert 'Grace &#34;&lt;b&gt;&#34; &amp; co' in page or 'Grace &quot;&lt;b&gt;&quot; &amp; co' in page
    assert '30 s' in page


def test_html_charts_are_inline_and_scaled(rendered):
    page = (rendered / 'kinshasa-2026-11-23_2026-11-29.html').read_text()
    parsed = Tables()
    parsed.feed(page)
    tags = [tag for tag, _attrs in parsed.tags]
    assert tags.count('svg') == 2
    assert 'script' not in tags and 'link' not in tags and 'img' not in tags
    assert 'src=' not in page and 'href=' not in page and '@import' not in page and 'url(' not in page
    bars = [attrs for tag, attrs in parsed.tags if tag == 'rect']
    # day 1: 34 answered of a 40-call top on 160 px, 4 abandoned, 2 other
    assert [float(b['height']) for b in bars[:3]] == [136.0, 16.0, 8.0]
    # day 2: no answered, no abandoned, 10 timed out
    assert [float(b['height']) for b in bars[3:6]] == [0.0, 0.0, 40.0]
    # agents: 20 of 20 on 300 px, 14 of 20
    assert [float(b['width']) for b in bars[6:]] == [300.0, 210.0]


def test_site_without_calls(rendered):
    page = (rendered / 'lubumbashi-2026-11-23_2026-11-29.html').read_text()
    assert 'No queue call in this range.' in page
    with open(rendered / 'lubumbashi-2026-11-23_2026-11-29-queues.csv', newline='') as handle:
        assert list(csv.reader(handle))[1:] == []


def test_csv_figures(rendered):
    with open(rendered / 'kinshasa-2026-11-23_2026-11-29-queues.csv', newline='') as handle:
        days = list(csv.DictReader(handle))
    assert [(d['site'], d['queue'], d['date'], d['offered'], d['answered'], d['service_level'], d['wait_avg'])
            for d in days] == [('kinshasa', 'accueil', '2026-11-23', '40', '34', '75.0', '12.4'),
                               ('kinshasa', 'accueil', '2026-11-24', '10', '0', '0.0', '')]
    with open(rendered / 'kinshasa-2026-11-23_2026-11-29-agents.csv', newline='') as handle:
        agents = list(csv.DictReader(handle))
    assert [(a['agent'], a['calls_answered'], a['talk_time'], a['paused_time']) for a in agents] == [
        ('PJSIP/1001', '20', '3725', '5400'), ('Grace "<b>" & co', '14', '2504', '0')]
