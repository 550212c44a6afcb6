# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's call center with a real SIP client (sipp on lab-pbx's loopback), and the path of its
mail: Postfix satellite on lab-pbx -> mailhub lab-mail -> IMAPS read from this host."""
from __future__ import annotations

import re
import shlex

import pytest

VM_INBOX = '/var/spool/asterisk/voicemail/default/%s/INBOX'
REGISTER_PORT = 5061
REFUSED_PORT = 5064
VOICEMAIL_PORT = 5063


def _sipp_ok(result):
    assert result.rc == 0, 'sipp rc=%s\n%s\n%s' % (result.rc, result.stdout[-3000:], result.stderr[-2000:])


def _messages(host, ext):
    """Numbers of the voicemail messages in the INBOX of ext (msg0003.txt -> 3)."""
    listing = host.run('ls %s' % VM_INBOX % ext).stdout.split()
    return {int(m.group(1)) for m in map(re.compile(r'^msg(\d{4})\.txt$').match, listing) if m}


def _contacts(pbx):
    return pbx.cli('pjsip show contacts')


def test_asterisk_serves_the_directory(pbx_host, pbx):
    assert pbx_host.service('asterisk').is_running
    endpoints = pbx.cli('pjsip show endpoints')
    for ext in ('1001', '1002'):
        assert re.search(r'Endpoint:\s+%s(/| )' % ext, endpoints), endpoints
    users = pbx.cli('voicemail show users')
    assert re.search(r'default\s+1001\s+Daddy Nzinga', users), users
    assert re.search(r'default\s+1002\s+Grace Mbuyi', users), users


def test_1001_registers_with_digest_auth(pbx):
    try:
        _sipp_ok(pbx.register('1001', REGISTER_PORT))  # the scenario succeeds only on 200 OK after the 401
        assert 'sip:1001@127.0.0.1:%d' % REGISTER_PORT in _contacts(pbx)
    finally:
        pbx.register('1001', REGISTER_PORT, expires=0)
    assert 'sip:1001@127.0.0.1:%d' % REGISTER_PORT not in _contacts(pbx)


def test_register_with_a_wrong_password_is_refused(pbx):
    _sipp_ok(pbx.sipp('register_refused', '-s 1001 -au 1001 -ap not-the-lab-secret', REFUSED_PORT))
    assert 'sip:1001@127.0.0.1:%d' % REFUSED_PORT not in _contacts(pbx)


@pytest.fixture()
def new_voicemail(pbx_host):
    """Voicemail message files of 1002 created by the test are removed afterwards."""
    before = _messages(pbx_host, '1002')
    yield before
    for num in _messages(pbx_host, '1002') - before:
        pbx_host.run('rm -f %s/msg%04d.*' % (VM_INBOX % '1002', num))


def test_voicemail_for_an_absent_extension_reaches_the_mailbox(lab, pbx_host, pbx, imap, new_voicemail):
    assert '1002/' not in _contacts(pbx), '1002 is registered: the call would not go to voicemail'
    serveremail = pbx_host.check_output("sed -n 's/^serveremail *= *//p' /etc/asterisk/voicemail.conf").strip()
    assert serveremail, 'voicemail.conf has no serveremail'
    grace = imap('grace.mbuyi')
    uidnext = grace.uidnext()

    # 1001 calls 1002 (not registered): Dial fails, VoiceMail(1002@default,u) plays the greeting,
    # sipp speaks (g711a pcap) and hangs up.
    _sipp_ok(pbx.call('call_voicemail', '1001', '1002', VOICEMAIL_PORT))

    created = lab.wait_for(lambda: sorted(_messages(pbx_host, '1002') - new_voicemail), timeout=20, step=1)
    assert len(created) == 1, 'expected one new voicemail in %s, got %s' % (VM_INBOX % '1002', created)
    num = created[0]
    stored = '%s/msg%04d' % (VM_INBOX % '1002', num)
    assert 'callerid="Daddy Nzinga" <1001>' in pbx_host.file(stored + '.txt').content_string
    assert lab.wait_for(lambda: pbx_host.file(stored + '.wav').exists, timeout=10, step=1)

    # Its notification: Asterisk -> sendmail (satellite) -> lab-mail -> grace's INBOX, read over IMAPS.
    uids = grace.wait_uids('FROM', serveremail, since_uid=uidnext)
    assert uids, 'no voicemail notification from %s for grace within the timeout; lab-pbx queue:\n%s' % (
        serveremail, pbx_host.run('mailq').stdout)
    notifications = [grace.fetch(uid) for uid in uids]
    # app_voicemail names the message and the mailbox in its Message-ID: <Asterisk-NUM-RAND-BOX-PID@host>,
    # NUM counting from 1 (msg0000 is message 1).
    own_id = re.compile(r'^<Asterisk-%d-\d+-1002-\d+@' % (num + 1))
    mine = [m for m in notifications if own_id.match(m.get('Message-ID', ''))]
    assert len(mine) == 1, [dict(m.items()) for m in notifications]
    notification = mine[0]
    assert notification['X-Asterisk-CallerID'] == '1001', dict(notification.items())
    assert notification['To'].addresses[0].addr_spec == lab.address('grace.mbuyi')
    assert notification['From'].addresses[0].addr_spec == serveremail
    assert '1002' in notification['Subject'], notification['Subject']
    assert any('lab-pbx' in hop for hop in notification.get_all('Received', [])), notification.get_all('Received')

    attachments = [part for part in notification.iter_attachments() if part.get_content_type() == 'audio/x-wav']
    assert len(attachments) == 1, [(p.get_content_type(), p.get_filename()) for p in notification.iter_attachments()]
    wav = attachments[0]
    assert wav.get_filename().lower() == 'msg%04d.wav' % num, wav.get_filename()
    audio = wav.get_content()
    assert audio[:4] == b'RIFF' and audio[8:12] == b'WAVE' and len(audio) > 1000, audio[:16]
    grace.delete(uids)


def test_satellite_relays_sendmail_to_the_mailhub(lab, pbx_host, imap):
    subject = lab.marker('satellite')
    mail = 'From: root@lab-pbx.inpp.cd\nTo: %s\nSubject: %s\n\nrelayed by the lab-pbx satellite\n' % (
        lab.address('daddy.nzinga'), subject)
    pbx_host.run_test('printf %%s %s | /usr/sbin/sendmail -i %s' % (shlex.quote(mail), lab.address('daddy.nzinga')))

    daddy = imap('daddy.nzinga')
    uids = daddy.wait_uids('SUBJECT', subject)
    assert len(uids) == 1, 'daddy did not receive %r within the timeout; lab-pbx queue:\n%s' % (
        subject, pbx_host.run('mailq').stdout)
    received = daddy.fetch(uids[0])
    hops = received.get_all('Received', [])
    # lab-mail's smtpd received it from the satellite (HELO lab-pbx.inpp.cd).
    assert any(re.search(r'from lab-pbx\.inpp\.cd', hop) for hop in hops), hops
    daddy.delete(uids)
