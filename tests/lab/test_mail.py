# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's mail server, used from this host as a user would: IMAPS, POP3S and submission on the
ports published on 127.0.0.1."""
from __future__ import annotations

import imaplib
import smtplib
from email.message import EmailMessage

import pytest


@pytest.mark.parametrize('login', ['daddy.nzinga', 'grace.mbuyi'])
def test_imaps_login(imap, login):
    session = imap(login)
    assert session.select() >= 0


def test_imaps_refuses_a_wrong_password(lab):
    conn = imaplib.IMAP4_SSL(lab.localhost, lab.ports['imaps'], ssl_context=lab.tls_context(), timeout=30)
    try:
        with pytest.raises(imaplib.IMAP4.error):
            conn.login(lab.address('daddy.nzinga'), lab.password + '-wrong')
    finally:
        conn.shutdown()


@pytest.mark.parametrize('login', ['daddy.nzinga', 'grace.mbuyi'])
def test_pop3s_login(pop3s, login):
    count, size = pop3s(login).stat()
    assert count >= 0 and size >= 0


def test_submission_offers_auth_only_after_starttls(lab):
    smtp = smtplib.SMTP(lab.localhost, lab.ports['submission'], timeout=30)
    try:
        code = smtp.ehlo('lab-test.localhost')[0]
        assert code == 250
        assert smtp.has_extn('starttls')
        assert not smtp.has_extn('auth'), 'AUTH offered in clear text: %s' % smtp.esmtp_features
        with pytest.raises(smtplib.SMTPNotSupportedError):
            smtp.login(lab.address('daddy.nzinga'), lab.password)
    finally:
        smtp.quit()


def test_submission_from_daddy_is_read_by_grace_over_imaps(lab, submission, imap):
    subject = lab.marker('submission')
    msg = EmailMessage()
    msg['From'] = 'Daddy Nzinga <%s>' % lab.address('daddy.nzinga')
    msg['To'] = 'Grace Mbuyi <%s>' % lab.address('grace.mbuyi')
    msg['Subject'] = subject
    msg.set_content('Bonjour Grace,\n\nmessage de test du lab (%s).\n' % subject)

    refused = submission('daddy.nzinga').send_message(msg)
    assert not refused, refused

    grace = imap('grace.mbuyi')
    uids = grace.wait_uids('SUBJECT', subject)
    assert len(uids) == 1, 'grace did not receive %r within the timeout (uids %s)' % (subject, uids)
    received = grace.fetch(uids[0])
    assert received['Subject'] == subject
    assert received['From'].addresses[0].addr_spec == lab.address('daddy.nzinga')
    assert subject in received.get_body(('plain',)).get_content()
    # Postfix records the authenticated submission.
    assert any('ESMTPSA' in hop for hop in received.get_all('Received', [])), received.get_all('Received')
    grace.delete(uids)
