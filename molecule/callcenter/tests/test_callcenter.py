# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Agents log in and pause from their phones; callers are answered, abandon or overflow.

Each container is its own PBX; the tests run in file order on each (one call after the other):

====  ========================================  =====================================
call  agents                                    expected in queue accueil
====  ========================================  =====================================
A     1001 logged in, 1002 logged in + paused   answered by 1001 (1002 never rings)
B     1001 logged out, 1002 unpaused            answered by 1002 (1001 never rings)
C     1001 logs in again after a restart        answered (either agent)
D     both paused                               abandoned after 3 s
E     both paused                               max wait 8 s, then overflow to debord
F     none logged in                            overflow to debord at once (not offered)
====  ========================================  =====================================

So accueil shows 5 offered, 3 answered, 1 abandoned, 1 timed out - in queue_log, in
asterisk_queue_stats and in playbooks/report.yml's HTML and CSV.
"""
from __future__ import annotations

import csv
import datetime
import json
import os
import re
import subprocess

import pytest

AGENT_PORTS = {'1001': 5081, '1002': 5082}
QUEUE_LOG = '/var/log/asterisk/queue_log'


def _sipp_ok(result):
    assert result.rc == 0, 'sipp rc=%s\n%s\n%s' % (result.rc, result.stdout[-3000:], result.stderr[-2000:])


def feature(pbx, ext, code, port):
    _sipp_ok(pbx.sipp('feature', '-s %s -key caller %s -au %s -ap %s -mp %d'
                      % (code, ext, ext, pbx.secrets[ext], port + 1000), port))


def call_queue(pbx, hold_ms, port=5090, number='600'):
    """1003 calls the queue and hangs up after *hold_ms* (the queue answers the caller at once)."""
    _sipp_ok(pbx.call('call', '1003', number, port, '-d %d' % hold_ms))


def members(pbx):
    """{interface: 'paused' | 'in' } of queue accueil."""
    out = {}
    for line in pbx.cli('queue show accueil').splitlines():
        match = re.match(r'\s+(PJSIP/\d+)', line)
        if match:
            out[match.group(1)] = 'paused' if '(paused' in line else 'in'
    return out


def invites(host, ext):
    """INVITEs the agent's phone received so far (its sipp UAS message trace)."""
    return int(host.run('grep -c "^INVITE sip:" /var/tmp/agent-%s.msg || true' % ext).stdout.strip() or 0)


def queue_log(host):
    return [line.split('|') for line in host.file(QUEUE_LOG).content_string.splitlines()]


def start_phone(host, ext):
    port = AGENT_PORTS[ext]
    host.run('pkill -f "sipp.*-p %d " || true' % port)
    host.run('rm -f /var/tmp/agent-%s.msg; setsid sh -c "sipp -sf /root/sipp/answer.xml -i 127.0.0.1 -p %d '
             '-mp %d -m 20 -nostdin -timeout 600s -trace_msg -message_file /var/tmp/agent-%s.msg '
             '> /dev/null 2>&1" > /dev/null 2>&1 < /dev/null &' % (ext, port, port + 1000, ext))


def test_00_fresh_queue_log_and_phones(host, pbx):
    host.run('truncate -s 0 %s' % QUEUE_LOG)
    pbx.cli('logger reload')
    for ext, port in AGENT_PORTS.items():
        feature(pbx, ext, '*46', port + 10)  # logged out, whatever an earlier run left
        start_phone(host, ext)
        _sipp_ok(pbx.register(ext, port + 20, contact_port=port))
    assert members(pbx) == {}
    conf = host.file('/etc/asterisk/queues.conf').content_string
    assert re.search(r'^persistentmembers\s*=\s*yes', conf, re.M)


def test_01_agents_log_in_and_pause_with_feature_codes(host, pbx):
    feature(pbx, '1001', '*45', 5091)
    feature(pbx, '1002', '*45', 5092)
    assert members(pbx) == {'PJSIP/1001': 'in', 'PJSIP/1002': 'in'}
    feature(pbx, '1002', '*47', 5092)
    assert members(pbx) == {'PJSIP/1001': 'in', 'PJSIP/1002': 'paused'}
    # a phone that is no agent is refused
    feature(pbx, '1003', '*45', 5093)
    assert 'PJSIP/1003' not in members(pbx)


def test_02_call_a_goes_to_the_logged_in_agent_only(host, pbx):
    before = {ext: invites(host, ext) for ext in AGENT_PORTS}
    call_queue(pbx, 3000)
    assert invites(host, '1001') == before['1001'] + 1
    assert invites(host, '1002') == before['1002'], 'the paused agent was offered the call'


def test_03_call_b_after_logout_and_unpause(host, pbx):
    feature(pbx, '1001', '*46', 5091)
    feature(pbx, '1002', '*48', 5092)
    assert members(pbx) == {'PJSIP/1002': 'in'}
    before = {ext: invites(host, ext) for ext in AGENT_PORTS}
    call_queue(pbx, 3000)
    assert invites(host, '1002') == before['1002'] + 1
    assert invites(host, '1001') == before['1001'], 'the logged-out agent was offered the call'


def test_04_logged_in_agents_survive_a_restart(host, pbx):
    feature(pbx, '1001', '*45', 5091)
    host.run('systemctl restart asterisk')
    pbx.wait_for(lambda: host.run("asterisk -rx 'core show version'").rc == 0, timeout=30)
    assert pbx.wait_for(lambda: members(pbx) == {'PJSIP/1001': 'in', 'PJSIP/1002': 'in'}, timeout=15), members(pbx)
    for ext, port in AGENT_PORTS.items():  # registrations do not survive a restart
        _sipp_ok(pbx.register(ext, port + 20, contact_port=port))
    before = sum(invites(host, ext) for ext in AGENT_PORTS)
    call_queue(pbx, 3000)
    assert sum(invites(host, ext) for ext in AGENT_PORTS) == before + 1


def test_05_abandon_then_overflow_after_max_wait(host, pbx):
    feature(pbx, '1001', '*47', 5091)
    feature(pbx, '1002', '*47', 5092)
    assert members(pbx) == {'PJSIP/1001': 'paused', 'PJSIP/1002': 'paused'}
    before = sum(invites(host, ext) for ext in AGENT_PORTS)
    call_queue(pbx, 3000)        # D: the caller gives up after 3 s
    call_queue(pbx, 12000)       # E: max_wait 8 s, then the overflow queue
    assert sum(invites(host, ext) for ext in AGENT_PORTS) == before, 'a paused agent was offered a call'
    log = queue_log(host)
    timeout = [r for r in log if r[2] == 'accueil' and r[4] == 'EXITWITHTIMEOUT']
    assert len(timeout) == 1 and timeout[0][-1] == '8', log
    assert [r for r in log if r[1] == timeout[0][1] and r[2] == 'debord' and r[4] == 'ENTERQUEUE'], log


def test_06_overflow_at_once_without_agents(host, pbx):
    feature(pbx, '1001', '*46', 5091)
    feature(pbx, '1002', '*46', 5092)
    assert members(pbx) == {}
    call_queue(pbx, 2000)        # F
    log = queue_log(host)
    last = [r for r in log if r[4] == 'ENTERQUEUE'][-1]
    assert last[2] == 'debord', log[-5:]
    assert not [r for r in log if r[1] == last[1] and r[2] == 'accueil'], 'F entered accueil'


def _expected(totals):
    return {k: totals[k] for k in ('offered', 'answered', 'abandoned', 'timed_out')}


def test_07_queue_log_holds_the_calls(host):
    log = [r for r in queue_log(host) if r[2] == 'accueil']
    events = [r[4] for r in log]
    assert events.count('ENTERQUEUE') == 5
    assert events.count('CONNECT') == 3
    assert events.count('ABANDON') == 1 and events.count('EXITWITHTIMEOUT') == 1
    connects = [r[3] for r in log if r[4] == 'CONNECT']
    assert connects[:2] == ['PJSIP/1001', 'PJSIP/1002']
    assert {'ADDMEMBER', 'REMOVEMEMBER', 'PAUSE', 'UNPAUSE'} <= set(events)


@pytest.fixture(name='report', scope='module')
def report_fixture(host, tmp_path_factory):
    """playbooks/report.yml for today on this host, as an operator runs it."""
    name = host.backend.get_hostname() if hasattr(host.backend, 'get_hostname') else host.backend.name
    out = tmp_path_factory.mktemp('report')
    root = os.path.join(os.environ['MOLECULE_PROJECT_DIRECTORY'])
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    run = subprocess.run(['ansible-playbook', '-i', os.environ['MOLECULE_INVENTORY_FILE'], '-l', '%s,localhost' % name,
                          os.path.join(root, 'playbooks', 'report.yml'), '-e', 'report_since=%s' % today,
                          '-e', 'report_until=%s' % today, '-e', 'report_dir=%s' % out,
                          '-e', 'ansible_become=false'],  # root already; the images have no sudo
                         capture_output=True, text=True, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'), check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    return name, today, out


def test_08_asterisk_queue_stats_counts_exactly_those_calls(report):
    name, today, out = report
    stats = json.loads((out / ('stats-%s_%s.json' % (today, today))).read_text())[name]
    queues = {q['name']: q for q in stats['queues']}
    assert _expected(queues['accueil']['totals']) == {'offered': 5, 'answered': 3, 'abandoned': 1, 'timed_out': 1}
    assert queues['accueil']['totals']['talk_avg'] is not None
    agents = {a['agent']: a for a in queues['accueil']['agents']}
    assert sum(a['calls_answered'] for a in agents.values()) == 3
    assert agents['PJSIP/1001']['calls_answered'] >= 1 and agents['PJSIP/1002']['calls_answered'] >= 1
    assert agents['PJSIP/1002']['paused_time'] > 0 and agents['PJSIP/1002']['pauses'] >= 2
    # debord: E (abandoned there) and F
    assert queues['debord']['totals']['offered'] == 2


def test_09_report_shows_them(report):
    name, today, out = report
    page = (out / ('%s-%s_%s.html' % (name, today, today))).read_text()
    assert '<section id="queue-accueil">' in page
    totals_row = re.search(r'<table class="totals">.*?<tbody><tr>(.*?)</tr>', page.split('queue-accueil')[1], re.S)
    cells = re.findall(r'<td>(.*?)</td>', totals_row.group(1))
    assert cells[:4] == ['5', '3', '1', '1'], cells
    with open(out / ('%s-%s_%s-queues.csv' % (name, today, today)), newline='') as handle:
        rows = [r for r in csv.DictReader(handle) if r['queue'] == 'accueil']
    assert [(r['date'], r['offered'], r['answered'], r['abandoned'], r['timed_out']) for r in rows] == [
        (today, '5', '3', '1', '1')]
