# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mail flows end to end with real clients: delivery, aliases, lists, satellite, smarthost, vacation."""
import uuid


def test_mail_to_user_lands_in_virtual_mailbox_and_reads_over_imaps_and_pop3s(trio, subject):
    sent = trio.satellite.smtp(trio.mailhub.name, 25, 'visitor@example.org', 'daddy.nzinga@inpp.cd', subject)
    assert sent['ok'], sent
    assert sent['tls_version'] in ('TLSv1.2', 'TLSv1.3')

    imap = trio.satellite.count(trio.mailhub.name, 'daddy.nzinga@inpp.cd', subject)
    assert imap['count'] == 1, imap
    assert imap['tls_version'] in ('TLSv1.2', 'TLSv1.3')
    pop3 = trio.satellite.count(trio.mailhub.name, 'daddy.nzinga@inpp.cd', subject, pop3=True)
    assert pop3['count'] == 1, pop3
    assert pop3['tls_version'] in ('TLSv1.2', 'TLSv1.3')

    # Stored in the virtual Maildir, owned by the one virtual mail user.
    found = trio.mailhub.check('grep -rl %s /var/vmail/inpp.cd/daddy.nzinga/Maildir', subject)
    path = found.splitlines()[0]
    assert trio.mailhub.host.file(path).user == 'vmail'


def test_bare_login_is_completed_with_the_domain(trio, subject):
    sent = trio.satellite.smtp(trio.mailhub.name, 25, 'visitor@example.org', 'paul.lukusa@inpp.cd', subject)
    assert sent['ok'], sent
    got = trio.satellite.client('count', trio.mailhub.name, 'paul.lukusa', 'Paul-Test-2024', subject)
    assert got['count'] == 1, got


def test_alias_expands_to_its_mailbox(trio, subject):
    sent = trio.satellite.smtp(trio.mailhub.name, 25, 'visitor@example.org', 'contact@inpp.cd', subject)
    assert sent['ok'], sent
    assert trio.satellite.count(trio.mailhub.name, 'paul.lukusa@inpp.cd', subject)['count'] == 1


def test_distribution_list_reaches_every_member(trio, subject):
    sent = trio.satellite.smtp(trio.mailhub.name, 25, 'visitor@example.org', 'direction@inpp.cd', subject)
    assert sent['ok'], sent
    for member in ('daddy.nzinga@inpp.cd', 'marie.kabila@inpp.cd'):
        assert trio.satellite.count(trio.mailhub.name, member, subject)['count'] == 1, member
    # paul.lukusa is in another department.
    assert trio.satellite.count(trio.mailhub.name, 'paul.lukusa@inpp.cd', subject, wait=0)['count'] == 0


def test_satellite_relays_local_mail_to_the_mailhub(trio, subject):
    """The PBX's voicemail notification: sendmail on the satellite, read on the mailhub."""
    message = 'From: asterisk@inpp.cd\nTo: daddy.nzinga@inpp.cd\nSubject: %s\n\nNouveau message vocal.\n' % subject
    sendmail = trio.satellite.run('printf %s %s | timeout 60 /usr/sbin/sendmail -f asterisk@inpp.cd daddy.nzinga@inpp.cd',
                                  '%s', message)
    assert sendmail.rc == 0, sendmail.stderr
    assert trio.satellite.count(trio.mailhub.name, 'daddy.nzinga@inpp.cd', subject)['count'] == 1
    log = trio.satellite.check('journalctl --no-pager -o cat -t postfix/smtp')
    assert 'relay=%s[' % trio.mailhub.name in log


def test_outbound_mail_goes_through_the_smarthost_with_sasl(trio, subject):
    sent = trio.satellite.smtp(trio.mailhub.name, 587, 'daddy.nzinga@inpp.cd', 'partner@example.net', subject,
                               *trio.satellite.login_options('daddy.nzinga@inpp.cd'))
    assert sent['ok'], sent
    got = trio.smarthost.count(trio.smarthost.name, 'partner@example.net', subject)
    assert got['count'] == 1, got
    # The mailhub handed it to the smarthost on 587, which saw an authenticated TLS client.
    hub_log = trio.mailhub.check('journalctl --no-pager -o cat -t postfix/smtp')
    assert 'relay=%s[' % trio.smarthost.name in hub_log and ':587, ' in hub_log
    smarthost_log = trio.smarthost.check('journalctl --no-pager -o cat -t postfix/submission/smtpd')
    assert 'sasl_username=relay@example.net' in smarthost_log


def test_vacation_reply_is_sent_once_per_sender(trio, subject):
    """marie.kabila is out of office: a sender writing twice gets one auto-reply.

    The sender is a fresh address at example.net, so the reply travels mailhub ->
    smarthost (SASL) and lands in the smarthost's catch-all mailbox.
    """
    visitor = 'visitor-%s@example.net' % uuid.uuid4().hex[:10]
    for n in (1, 2):
        sent = trio.satellite.smtp(trio.mailhub.name, 25, visitor, 'marie.kabila@inpp.cd', '%s-%d' % (subject, n))
        assert sent['ok'], sent
    assert trio.satellite.count(trio.mailhub.name, 'marie.kabila@inpp.cd', subject, expect=2)['count'] == 2
    replies = trio.smarthost.count(trio.smarthost.name, 'partner@example.net', 'Absence de Marie Kabila', to=visitor)
    assert replies['count'] == 1, replies
    # Give a (wrong) second reply time to arrive: there must still be exactly one.
    again = trio.smarthost.count(trio.smarthost.name, 'partner@example.net', 'Absence de Marie Kabila',
                                 expect=2, wait=10, to=visitor)
    assert again['count'] == 1, again
