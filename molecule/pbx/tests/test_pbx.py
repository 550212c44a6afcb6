# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The call center answers real SIP clients (sipp) on each container's loopback.

Tests run in file order: the voicemail call comes before 1002 ever registers.
"""
from __future__ import annotations

import csv
import functools
import re

VM_INBOX = '/var/spool/asterisk/voicemail/default/1002/INBOX'


def _sipp_ok(result):
    assert result.rc == 0, 'sipp rc=%s\n%s\n%s' % (result.rc, result.stdout[-3000:], result.stderr[-2000:])


def test_asterisk_runs_and_pjsip_owns_udp_5060(host, pbx):
    assert host.service('asterisk').is_running
    assert host.service('asterisk').is_enabled
    assert 'transport-udp' in pbx.cli('pjsip show transports')
    assert host.socket('udp://0.0.0.0:5060').is_listening
    endpoints = pbx.cli('pjsip show endpoints')
    for ext in ('1001', '1002'):
        assert re.search(r'Endpoint:\s+%s(/| )' % ext, endpoints), endpoints
    # the directory user without an extension has no endpoint
    assert 'jean' not in endpoints.lower()


def _open_files(host, pid):
    limits = host.file('/proc/%s/limits' % pid).content_string
    line = next(line for line in limits.splitlines() if line.startswith('Max open files'))
    return [int(value) for value in line.split()[3:5]]


def test_asterisk_may_hold_many_calls_open_files(host):
    # The role's drop-in raises systemd's 1,024 open files (about 90 calls, bench sipload) to 65,536.
    # Read what the running process got; in a container systemd clamps it to its own hard limit.
    pid = host.check_output('systemctl show -p MainPID --value asterisk')
    expected = min(65536, _open_files(host, 1)[1])
    assert expected > 1024
    assert _open_files(host, pid) == [expected, expected]


def test_pjsip_conf_is_private_and_built_from_templates(host):
    conf = host.file('/etc/asterisk/pjsip.conf')
    assert conf.mode == 0o640 and conf.user == 'asterisk'
    assert '[endpoint-tpl](!)' in conf.content_string
    assert re.search(r'^\[1001\]\(endpoint-tpl\)', conf.content_string, re.M)


def test_register_with_digest_auth(pbx):
    _sipp_ok(pbx.register('1001', 5061))
    contacts = pbx.cli('pjsip show contacts')
    assert 'sip:1001@127.0.0.1:5061' in contacts, contacts


def test_register_with_a_wrong_password_is_refused(pbx):
    _sipp_ok(pbx.sipp('register_refused', '-s 1002 -au 1002 -ap not-the-secret', 5064))
    assert '1002/' not in pbx.cli('pjsip show contacts')


def _words(host, command):
    """The words a shell command prints: file names from ls/grep -l."""
    return host.run(command).stdout.split()


def test_call_to_an_absent_extension_goes_to_voicemail_and_mail(host, pbx):
    host.run('rm -rf %s /var/tmp/smtp-sink/new/*' % VM_INBOX)
    _sipp_ok(pbx.call('call_voicemail', '1001', '1002', 5063))
    messages = pbx.wait_for(functools.partial(_words, host, 'ls %s/*.txt' % VM_INBOX), timeout=15)
    assert messages, 'no voicemail in %s' % VM_INBOX
    assert host.file(VM_INBOX + '/msg0000.wav').exists
    assert 'callerid="Daddy Nzinga" <1001>' in host.file(VM_INBOX + '/msg0000.txt').content_string
    # the notification went through the local Postfix to the mailhub stand-in
    mails = pbx.wait_for(functools.partial(_words, host, 'grep -l "^To: .*grace.mbuyi@inpp.cd" /var/tmp/smtp-sink/new/*'),
                         timeout=60)
    assert mails, host.run('journalctl -u postfix@- -u postfix --no-pager | tail -20').stdout
    mail = host.file(mails[0]).content_string
    assert 'From: "INPP PBX" <pbx@inpp.cd>' in mail or 'pbx@inpp.cd' in mail
    assert 'msg0000.wav' in mail  # attach=yes


def test_call_between_extensions_is_answered(host, pbx):
    # 1002 registers a contact on port 5062, where a sipp UAS answers (answer.xml).
    host.run('setsid sh -c "sipp -sf /root/sipp/answer.xml -i 127.0.0.1 -p 5062 -mp 6100 -m 10 -nostdin '
             '-timeout 60s > /var/tmp/uas.log 2>&1" > /dev/null 2>&1 < /dev/null &')
    try:
        _sipp_ok(pbx.register('1002', 5065, contact_port=5062))
        assert 'sip:1002@127.0.0.1:5062' in pbx.cli('pjsip show contacts')
        _sipp_ok(pbx.call('call', '1001', '1002', 5066, '-d 2000'))
    finally:
        pbx.register('1002', 5065, contact_port=5062, expires=0)
        host.run('pkill -x sipp')
    # Asterisk's own record of the call: 1001 dialled PJSIP/1002, which answered.
    last = next(csv.reader([host.check_output('tail -n 1 /var/log/asterisk/cdr-csv/Master.csv')]))
    # accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, ..., disposition
    assert last[1:4] == ['1001', '1002', 'direction'], last
    assert last[6].startswith('PJSIP/1002-') and last[7] == 'Dial' and last[14] == 'ANSWERED', last


def test_no_call_left_up(host, pbx):
    assert re.search(r'^0 active call', pbx.cli('core show channels count'), re.M)


def test_voicemail_boxes(pbx):
    users = pbx.cli('voicemail show users')
    assert re.search(r'default\s+1001\s+Daddy Nzinga', users), users
    assert re.search(r'default\s+1002\s+Grace Mbuyi', users), users
    assert not re.search(r'^default\s+1234', users, re.M)  # Debian's example box is gone


def test_dialplan_has_department_queue_and_ivr_contexts(pbx):
    staff = pbx.cli('dialplan show staff')
    assert "Include =>        'internal'" in staff or re.search(r"Include =>\s+'internal'", staff), staff
    assert "'1002' =>" in staff
    internal = pbx.cli('dialplan show internal')
    for ext in ('1001', '1002', '*98', '600', '500'):
        assert "'%s' =>" % ext in internal, internal
    queue = pbx.cli('dialplan show queue-accueil')
    assert 'Queue(accueil)' in queue
    ivr = pbx.cli('dialplan show ivr-standard')
    assert 'Background(vm-enter-num-to-call)' in ivr and 'Goto(queue-accueil,s,1)' in ivr


def test_queue_members(pbx):
    queue = pbx.cli('queue show accueil')
    assert 'rrmemory' in queue
    assert 'PJSIP/1001' in queue and 'PJSIP/1002' in queue
