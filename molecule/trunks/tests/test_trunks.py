# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Calls through the provider trunk and between the sites, placed and answered by sipp inside the
containers; each call is then read back from Asterisk's own record (CDR, Master.csv) on the side
that received it. Tests run in file order."""
from __future__ import annotations

import csv
import json
import os
import re
import shlex
import subprocess

KIN_NUMBER = '0815550100'      # Kinshasa's number: IVR standard, hours 'bureau' (open by the calendar)
HOLIDAY_NUMBER = '0815550109'  # hours 'ferie': today is one of its public holidays
CDR = '/var/log/asterisk/cdr-csv/Master.csv'


def _sipp_ok(result):
    assert result.rc == 0, 'sipp rc=%s\n%s\n%s' % (result.rc, result.stdout[-3000:], result.stderr[-2000:])


def _cdrs(pbx, **expected):
    """The CDR rows (accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
    start, answer, end, duration, billsec, disposition, ...) whose named fields match."""
    fields = ('accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel', 'lastapp', 'lastdata',
              'start', 'answer', 'end', 'duration', 'billsec', 'disposition')
    text = pbx.host.run('cat %s' % CDR).stdout
    rows = [dict(zip(fields, row)) for row in csv.reader(text.splitlines())]
    return [r for r in rows if all(re.fullmatch(v, r.get(k, '')) for k, v in expected.items())]


def _wait_cdr(pbx, **expected):
    return pbx.wait_for(lambda: _cdrs(pbx, **expected), timeout=20)


def _start_agent(pbx, ext, port):
    """A sipp UAS registered as *ext* that answers calls (answer.xml; it also acknowledges the
    message-waiting NOTIFY Asterisk may send on registration)."""
    pbx.host.run('setsid sh -c "sipp -sf /root/sipp/answer.xml -i 127.0.0.1 -p %d -mp %d -m 3 -nostdin '
                 '-timeout 60s > /var/tmp/uas-%s.log 2>&1" > /dev/null 2>&1 < /dev/null &' % (port, port + 1000, ext))
    _sipp_ok(pbx.register(ext, port + 1, contact_port=port))
    assert 'sip:%s@127.0.0.1:%d' % (ext, port) in pbx.cli('pjsip show contacts')


def _stop_agent(pbx, ext, port):
    pbx.register(ext, port + 1, contact_port=port, expires=0)
    pbx.host.run('pkill -x sipp')


def test_both_sites_register_to_the_operator(kin, mat, operator):
    for pbx in (kin, mat):
        registrations = pbx.wait_for(lambda p=pbx: 'Registered' in p.cli('pjsip show registrations')
                                     and p.cli('pjsip show registrations'), timeout=60)
        assert registrations and 'trunk-operator' in registrations, pbx.cli('pjsip show registrations')
    contacts = operator.cli('pjsip show contacts')
    assert 'inpp-kinshasa/sip:inpp-kinshasa@' in contacts and 'inpp-matadi/sip:inpp-matadi@' in contacts, contacts


def test_the_sites_trust_each_other(kin, mat):
    for pbx, other in ((kin, 'matadi'), (mat, 'kinshasa')):
        endpoint = pbx.cli('pjsip show endpoint site-%s' % other)
        assert 'site-%s-in' % other in endpoint and 'from-sites' in endpoint, endpoint


def test_inbound_number_reaches_the_ivr_and_a_key_the_queue_agent(kin, operator):
    """tester -> operator -> trunk -> number 0815550100 -> IVR (French) -> key 1 -> queue -> agent 1002."""
    _start_agent(kin, '1002', 5070)
    try:
        _sipp_ok(operator.call('call_dtmf', 'tester', KIN_NUMBER, 5072, '-key digit 1 -d 6000'))
    finally:
        _stop_agent(kin, '1002', 5070)
    # The key led from ivr-standard to the queue, whose member 1002 (the sipp agent) answered.
    rows = _wait_cdr(kin, dcontext='queue-accueil', lastapp='Queue', dstchannel='PJSIP/1002-.*',
                     disposition='ANSWERED')
    assert rows, _cdrs(kin)
    assert rows[-1]['channel'].startswith('PJSIP/trunk-operator-'), rows[-1]


def test_the_night_switch_sends_the_number_to_the_closed_path(kin, operator):
    kin.cli('database put timegroup bureau closed')
    try:
        _sipp_ok(operator.call('call', 'tester', KIN_NUMBER, 5074, '-d 4000'))
    finally:
        kin.cli('database del timegroup bureau')
    rows = _wait_cdr(kin, dst=KIN_NUMBER, dcontext='from-trunks', lastapp='VoiceMail')
    assert rows and rows[-1]['lastdata'].startswith('1001@default'), _cdrs(kin)


def test_the_ivr_night_switch_sends_the_menu_to_its_closed_path(kin, operator):
    """The number is open (bureau) but the menu's own time group (permanence) is closed: the menu plays
    its closed message and sends the call to its closed destination, the voicemail of 1002. (Open, the
    same menu answers and routes key 1: test_inbound_number_reaches_the_ivr_and_a_key_the_queue_agent.)"""
    kin.cli('database put timegroup permanence closed')
    try:
        _sipp_ok(operator.call('call', 'tester', KIN_NUMBER, 5090, '-d 4000'))
    finally:
        kin.cli('database del timegroup permanence')
    rows = _wait_cdr(kin, dcontext='ivr-standard', lastapp='VoiceMail', lastdata='1002@default.*')
    assert rows and rows[-1]['channel'].startswith('PJSIP/trunk-operator-'), _cdrs(kin)


def test_a_public_holiday_closes_the_number_by_the_calendar(kin, operator):
    _sipp_ok(operator.call('call', 'tester', HOLIDAY_NUMBER, 5076, '-d 3000'))
    rows = _wait_cdr(kin, dst=HOLIDAY_NUMBER, dcontext='from-trunks', lastapp='VoiceMail')
    assert rows, _cdrs(kin)


def test_outbound_call_reaches_the_operator_with_the_site_number(kin, operator):
    """1001 (direction, international) dials 0 + a national number; the operator sees Kinshasa's number."""
    _sipp_ok(kin.call('call', '1001', '00815550999', 5078, '-d 2000'))
    rows = _wait_cdr(operator, dst='0815550999', dcontext='from-inpp')
    assert rows and rows[-1]['src'] == '0815550100', _cdrs(operator)
    assert rows[-1]['channel'].startswith('PJSIP/inpp-kinshasa-') and rows[-1]['disposition'] == 'ANSWERED'


def _refusals(pbx, line):
    return pbx.host.run('grep -cF %s /var/log/asterisk/messages' % shlex.quote(line)).stdout.strip()


def test_international_is_refused_without_the_right_and_allowed_with_it(kin, operator):
    # 1002 (formation: national) gets 403 Forbidden (call_refused.xml requires it); nothing reaches the operator.
    before = len(_cdrs(operator, dst='0033123456789'))
    refusal = 'INPP outbound refused: endpoint 1002 of class national may not dial 00033123456789'
    logged = int(_refusals(kin, refusal) or 0)
    _sipp_ok(kin.sipp('call_refused', '-s 00033123456789 -key caller 1002 -au 1002 -ap %s -mp 6080'
                      % kin.secrets['1002'], 5080))
    assert len(_cdrs(operator, dst='0033123456789')) == before
    # Kinshasa's own record of the refusal: the dialplan's NOTICE in Asterisk's messages log (a call
    # never answered nor dialled leaves no CDR row, cdr.conf's unanswered being off).
    assert kin.wait_for(lambda: int(_refusals(kin, refusal) or 0) == logged + 1, timeout=10), \
        kin.host.run('tail -20 /var/log/asterisk/messages').stdout
    # 1001 (direction: international) reaches it.
    _sipp_ok(kin.call('call', '1001', '00033123456789', 5082, '-d 1000'))
    assert operator.wait_for(lambda: len(_cdrs(operator, dst='0033123456789', src='0815550100')) > before,
                             timeout=20), _cdrs(operator)


def _outbound_group(pbx, ext):
    """The channels of *ext*'s outside calls in progress (GROUP(outbound), the max_calls count)."""
    return re.findall(r'^(PJSIP/%s-\S+)\s+%s\s+outbound\s*$' % (ext, ext), pbx.cli('group show channels'), re.M)


def test_the_limit_of_simultaneous_outside_calls_refuses_the_extra_one(kin, operator):
    """max_calls 2: 1001 holds two outside calls up at once, the third gets 486 Busy Here while both stay
    up, and another phone (1002) still calls out: the limit is per endpoint."""
    held = []
    kin.host.run('rm -f /var/tmp/held-*.rc')
    # sipp takes the media port, +1 and +2 (audio, RTCP, video): the media ports are 10 apart.
    for port, media, dialed in ((5092, 6200, '00815550981'), (5094, 6210, '00815550982')):
        kin.host.run('setsid sh -c "sipp 127.0.0.1:5060 -sf /root/sipp/call.xml -i 127.0.0.1 -p %d -mp %d -m 1 '
                     '-s %s -key caller 1001 -au 1001 -ap %s -d 15000 -nostdin -timeout 60s > /var/tmp/held-%d.log '
                     '2>&1; echo \\$? > /var/tmp/held-%d.rc" > /dev/null 2>&1 < /dev/null &'
                     % (port, media, dialed, kin.secrets['1001'], port, port))
        held.append(port)
    try:
        assert kin.wait_for(lambda: len(_outbound_group(kin, '1001')) == 2, timeout=15), kin.cli('group show channels')
        _sipp_ok(kin.sipp('call_busy', '-s 00815550983 -key caller 1001 -au 1001 -ap %s -mp 6220'
                          % kin.secrets['1001'], 5096))
        _sipp_ok(kin.call('call', '1002', '00815550984', 5098, '-d 1000'))
        assert len(_outbound_group(kin, '1001')) == 2, kin.cli('group show channels')
        up = operator.cli('core show channels concise')
        assert all(re.search(r'^PJSIP/inpp-kinshasa-[^!]*!from-inpp!%s!' % d[1:], up, re.M)
                   for d in ('00815550981', '00815550982')), up
    finally:
        # Each held call ends with its own BYE answered 200 (sipp exit 0): it was up until then.
        rcs = kin.wait_for(lambda: [kin.host.run('cat /var/tmp/held-%d.rc' % p).stdout.strip() for p in held]
                           if all(kin.host.file('/var/tmp/held-%d.rc' % p).exists for p in held) else None,
                           timeout=40)
    assert rcs == ['0', '0'], (rcs, [kin.host.run('cat /var/tmp/held-%d.log' % p).stdout[-1500:] for p in held])
    # The refused call never reached the operator; 1002's did.
    assert not _cdrs(operator, dst='0815550983')
    assert _wait_cdr(operator, dst='0815550984', src='0815550100'), _cdrs(operator)


def test_a_call_to_the_other_site_range_is_answered_there(kin, mat):
    _start_agent(mat, '2002', 5084)
    try:
        _sipp_ok(kin.call('call', '1001', '2002', 5086, '-d 2000'))
    finally:
        _stop_agent(mat, '2002', 5084)
    # Matadi's own record: the call came in on the site trunk from Kinshasa and 2002 answered it.
    rows = _wait_cdr(mat, src='1001', dst='2002', dcontext='from-sites', channel='PJSIP/site-kinshasa-.*',
                     dstchannel='PJSIP/2002-.*', disposition='ANSWERED')
    assert rows, _cdrs(mat)


def _converge(users=None):
    args = ['ansible-playbook', '-i', os.environ['MOLECULE_INVENTORY_FILE'], '-l', 'trunks-kin']
    if users:
        args += ['-e', json.dumps({'telecom_users': users})]
    run = subprocess.run(args + [os.path.join(os.environ['MOLECULE_SCENARIO_DIRECTORY'], 'converge.yml')],
                         capture_output=True, text=True, env=dict(os.environ, ANSIBLE_FORCE_COLOR='0'), check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    return run.stdout


def _uptime(pbx):
    return int(re.search(r'System uptime: (\d+)', pbx.cli('core show uptime seconds')).group(1))


def test_adding_a_user_keeps_the_established_call_and_asterisk_up(kin):
    kin.host.run('setsid sh -c "sipp 127.0.0.1:5060 -sf /root/sipp/call.xml -i 127.0.0.1 -p 5088 -mp 6088 -m 1 '
                 '-s 00815550998 -key caller 1001 -au 1001 -ap %s -d 80000 -nostdin -timeout 120s '
                 '> /var/tmp/long-call.log 2>&1" > /dev/null 2>&1 < /dev/null &' % kin.secrets['1001'])
    assert kin.wait_for(lambda: re.search(r'^[1-9]\d* active call', kin.cli('core show channels count'), re.M),
                        timeout=15), kin.cli('core show channels')
    before = _uptime(kin)
    users = [
        {'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'extension': '1001', 'department': 'direction',
         'mail': False, 'sip_secret': 'Molecule-1001-secret', 'voicemail_pin': '4821'},
        {'name': 'Grace Mbuyi', 'login': 'grace.mbuyi', 'extension': '1002', 'department': 'formation',
         'mail': False, 'sip_secret': 'Molecule-1002-secret', 'voicemail_pin': '7390'},
        {'name': 'Paul Tshala', 'login': 'paul.tshala', 'extension': '1003', 'department': 'formation',
         'mail': False, 'sip_secret': 'Molecule-1003-secret', 'voicemail_pin': '3958'},
    ]
    try:
        _converge(users)
        assert 'Endpoint:  1003' in kin.cli('pjsip show endpoint 1003')
        assert re.search(r'^[1-9]\d* active call', kin.cli('core show channels count'), re.M)
        assert _uptime(kin) >= before  # no restart
    finally:
        _converge()  # back to the inventory (1003 leaves again)
    assert 'Unable to find' in kin.cli('pjsip show endpoint 1003') or '1003' not in kin.cli('pjsip show endpoints')


def test_french_prompts_are_installed_for_language_fr(kin, mat):
    for pbx in (kin, mat):
        assert 'Language fr:' in pbx.cli('core show sound vm-goodbye'), pbx.cli('core show sound vm-goodbye')
    assert re.search(r'^\s*language\s+:\s+fr\s*$', kin.cli('pjsip show endpoint 1001'), re.M)  # department direction
