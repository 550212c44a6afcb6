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


# ---- recording, retention, ring group, CDR (issue 9): after the report, so its figures stay those of A-F

RECORDINGS = '/var/spool/asterisk/recordings/enregistre'
VERBOSE_LOG = '/var/tmp/inpp-verbose.log'
CDR_DB = '/var/log/asterisk/master.db'
WAV_FIGURES = r'''
import array, sys, wave
with wave.open(sys.argv[1]) as w:
    frames = w.readframes(w.getnframes())
    samples = array.array('h', frames)
    print(w.getnchannels(), w.getframerate(), w.getnframes() / w.getframerate(), max(abs(s) for s in samples))
'''


def wav_figures(host, path):
    """(channels, rate, seconds, peak amplitude) of a WAV file, read in the container with Python's wave module."""
    out = host.check_output("python3 - %s <<'EOF'%sEOF" % (path, WAV_FIGURES))
    channels, rate, seconds, peak = out.split()
    return int(channels), int(rate), float(seconds), int(peak)


def cdr(host, where='1=1'):
    """CDR rows as dicts, read with the sqlite3 client (the way an operator queries them)."""
    columns = ['src', 'dst', 'dcontext', 'dstchannel', 'lastapp', 'disposition', 'billsec', 'uniqueid']
    out = host.check_output("sqlite3 -separator '|' %s \"SELECT %s FROM cdr WHERE %s\"" % (CDR_DB, ', '.join(columns), where))
    return [dict(zip(columns, line.split('|'))) for line in out.splitlines()]


def logged_call(host, pbx, *call):
    """Run one sipp call (pbx.call's arguments) with a temporary log of the dialplan's steps (Asterisk's
    "Executing [...]" lines) for this call only; return that log."""
    host.run('rm -f %s' % VERBOSE_LOG)
    pbx.cli('logger add channel %s verbose(3)' % VERBOSE_LOG)
    try:
        _sipp_ok(pbx.call(*call))
    finally:
        pbx.cli('logger remove channel %s' % VERBOSE_LOG)
    return host.file(VERBOSE_LOG).content_string


def files_in(host, folder):
    return set(host.run('ls -A %s' % folder).stdout.split())


def assert_one_new_recording_with_speech(host, pbx, folder, before, name):
    """Exactly one new file in *folder* since *before*, named today's YYYYMMDD-HHMMSS_*name*.wav, owned by
    asterisk, 8 kHz mono over 4 s with speech (the caller speaks sipp's pcap; silence would peak near 0)."""
    assert pbx.wait_for(lambda: files_in(host, folder) - before, timeout=10)
    new = sorted(files_in(host, folder) - before)
    today = host.check_output('date +%Y%m%d')
    assert len(new) == 1 and re.match(r'^%s-\d{6}_%s\.wav$' % (today, name), new[0]), new
    path = '%s/%s' % (folder, new[0])
    assert host.file(path).user == 'asterisk'
    channels, rate, seconds, peak = wav_figures(host, path)
    assert channels == 1 and rate == 8000 and seconds > 4, (channels, rate, seconds)
    assert peak > 1000, peak


def test_10_recorded_queue_call_leaves_a_recording_with_audio_after_the_announcement(host, pbx):
    feature(pbx, '1001', '*48', 5091)  # *47 paused 1001 in every queue, the static member of enregistre too
    assert '(paused' not in pbx.cli('queue show enregistre')
    before = files_in(host, RECORDINGS)
    log = logged_call(host, pbx, 'call_speak', '1003', '602', 5094, '-d 6000')
    played = re.findall(r'Executing \[s@queue-enregistre:\d+\] Playback\("PJSIP/1003-[^"]+", "conf-now-recording"\)', log)
    assert len(played) == 1, log[-3000:]
    assert 'Playback' not in pbx.cli('dialplan show s@queue-accueil'), 'a queue without announcement plays one'
    # about 10 s connected, the caller speaking for most of it
    assert_one_new_recording_with_speech(host, pbx, RECORDINGS, before, 'enregistre_1003_1001')


def test_11_retention_timer_deletes_only_old_recordings(host):
    assert host.service('inpp-recordings-retention.timer').is_enabled
    assert host.service('inpp-recordings-retention.timer').is_running
    unit = host.file('/etc/systemd/system/inpp-recordings-retention.service').content_string
    assert '-mmin +43200' in unit  # 30 days
    kept = host.check_output('ls %s' % RECORDINGS).split()
    host.check_output("su -s /bin/sh asterisk -c 'touch -d \"31 days ago\" %s/old.wav && touch -d \"29 days ago\" %s/young.wav'"
                      % (RECORDINGS, RECORDINGS))
    host.check_output('systemctl start inpp-recordings-retention.service')
    left = host.check_output('ls %s' % RECORDINGS).split()
    assert 'old.wav' not in left
    assert sorted(left) == sorted(kept + ['young.wav'])
    host.run('rm -f %s/young.wav' % RECORDINGS)


def test_12_ring_group_rings_its_members_and_one_answers(host, pbx):
    before = {ext: invites(host, ext) for ext in AGENT_PORTS}
    known = {r['uniqueid'] for r in cdr(host)}
    _sipp_ok(pbx.call('call', '1003', '610', 5095, '-d 2000'))
    assert {ext: invites(host, ext) - before[ext] for ext in AGENT_PORTS} == {'1001': 1, '1002': 1}
    rows = [r for r in cdr(host, "dcontext = 'ringgroup-secretariat'") if r['uniqueid'] not in known]
    assert len([r for r in rows if r['disposition'] == 'ANSWERED']) == 1, rows
    answered = [r for r in rows if r['disposition'] == 'ANSWERED'][0]
    assert answered['src'] == '1003' and re.match(r'^PJSIP/100[12]-', answered['dstchannel']), rows


def test_13_cdr_database_and_queue_log_hold_the_calls(host):
    rows = cdr(host)
    log = queue_log(host)
    # every caller that entered accueil has its row (queue_log's call id is the caller's uniqueid) ...
    entered = [r[1] for r in log if r[2] == 'accueil' and r[4] == 'ENTERQUEUE']
    overflowed = {r[1] for r in log if r[2] == 'accueil' and r[4] == 'EXITWITHTIMEOUT'}
    assert len(entered) == 5 and len(overflowed) == 1
    for callid in entered:
        mine = [r for r in rows if r['uniqueid'] == callid]
        # the row keeps the last context: the overflow queue's for E
        context = 'queue-debord' if callid in overflowed else 'queue-accueil'
        assert mine and mine[0]['src'] == '1003' and mine[0]['dcontext'] == context, (callid, rows)
    # ... answered by the agent queue_log says connected
    for r in [r for r in log if r[2] == 'accueil' and r[4] == 'CONNECT']:
        assert [c for c in rows if c['uniqueid'] == r[1] and c['dstchannel'].startswith(r[3] + '-')
                and c['disposition'] == 'ANSWERED'], (r, rows)
    # the recorded call: in queue_log and in the CDR, connected to 1001 for several seconds
    connect = [r for r in log if r[2] == 'enregistre' and r[4] == 'CONNECT']
    assert len(connect) == 1 and connect[0][3] == 'PJSIP/1001', log[-6:]
    recorded = [c for c in rows if c['uniqueid'] == connect[0][1] and c['dstchannel'].startswith('PJSIP/1001-')]
    assert recorded and recorded[0]['src'] == '1003' and recorded[0]['disposition'] == 'ANSWERED', rows
    assert int(recorded[0]['billsec']) >= 4, recorded
    # the agents' feature codes are calls too (*45 jumps to the agent's own login extension)
    assert [c for c in rows if c['src'] == '1001' and c['dcontext'] == 'agent-1001' and c['dst'] == 'login'
            and c['disposition'] == 'ANSWERED'], rows


DEPARTMENT_RECORDINGS = '/var/spool/asterisk/recordings/departments/direction'


def test_14_recorded_department_phone_leaves_a_recording_after_the_announcement(host, pbx):
    """1003 calls 1002 (department direction, recorded) directly: one recording of the answered call, the notice
    played first; none from the queue calls 1002 answered earlier as an agent (those are the queue's)."""
    assert host.check_output('ls -A %s' % DEPARTMENT_RECORDINGS) == '', 'a queue call was recorded as the department'
    assert host.file(DEPARTMENT_RECORDINGS).user == 'asterisk' and host.file(DEPARTMENT_RECORDINGS).mode == 0o750
    start_phone(host, '1002')
    _sipp_ok(pbx.register('1002', AGENT_PORTS['1002'] + 20, contact_port=AGENT_PORTS['1002']))
    log = logged_call(host, pbx, 'call_speak', '1003', '1002', 5096, '-d 6000')
    played = re.findall(r'Executing \[1002@staff:\d+\] Playback\("PJSIP/1003-[^"]+", "conf-now-recording"\)', log)
    assert len(played) == 1, log[-3000:]
    assert re.search(r'Executing \[s@record-department-direction:\d+\] MixMonitor\("PJSIP/1002-', log), log[-3000:]
    assert_one_new_recording_with_speech(host, pbx, DEPARTMENT_RECORDINGS, set(), 'direction_1003_1002')
    # The same retention timer keeps it 7 days (the queue's 30 days stay its own).
    unit = host.file('/etc/systemd/system/inpp-recordings-retention.service').content_string
    assert 'ExecStart=/usr/bin/find %s -type f -name *.wav -mmin +10080 -delete' % DEPARTMENT_RECORDINGS in unit, unit
