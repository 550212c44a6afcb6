# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rspamd behind Postfix, seen from the Internet (the name server container): GTUBE refused on 25,
ordinary mail delivered with its SPF/DKIM/DMARC verdict, submission DKIM-signed and verifiable
with dkimpy against the key bind9 serves, a forged INPP sender failing SPF and DMARC."""
from conftest import headers


def test_gtube_is_refused_on_port_25(internet, subject):
    sent = internet.send(25, 'visitor@example.org', 'daddy.nzinga@inpp.cd', subject, '--gtube')
    assert not sent['ok'], sent
    assert sent['code'] == 554 and sent['message'].startswith('5.7.1') and 'gtube' in sent['message'].lower(), sent
    assert internet.fetch('daddy.nzinga@inpp.cd', subject, wait=0) == []
    log = internet.hub.check_output('journalctl --no-pager -o cat -t postfix/cleanup')
    assert 'milter-reject: END-OF-MESSAGE' in log


def test_an_ordinary_message_is_delivered_with_the_verdict(internet, subject):
    sent = internet.send(25, 'visitor@example.org', 'daddy.nzinga@inpp.cd', subject)
    assert sent['ok'], sent
    messages = internet.fetch('daddy.nzinga@inpp.cd', subject)
    assert len(messages) == 1
    msg = headers(messages[0])
    assert msg['X-Spam-Status'].startswith('No'), msg['X-Spam-Status']
    results = msg['Authentication-Results']
    # example.org (served by the lab's name server) publishes no SPF and no DMARC policy.
    assert 'spf=none' in results and 'dmarc=none' in results, results


def test_a_forged_inpp_sender_fails_spf_and_dmarc(internet, subject):
    """The Internet claims to be daddy.nzinga@inpp.cd: inpp.cd's SPF (mx -all) and DMARC records,
    served by bind9, make rspamd see the forgery."""
    sent = internet.send(25, 'daddy.nzinga@inpp.cd', 'marie.kabila@inpp.cd', subject)
    assert sent['ok'], sent
    msg = headers(internet.fetch('marie.kabila@inpp.cd', subject)[0])
    results = msg['Authentication-Results']
    assert 'spf=fail' in results and 'dmarc=fail' in results and '(policy=quarantine)' in results, results
    # Over rspamd_add_header_score (6), under rspamd_reject_score (15): delivered, marked as spam.
    assert msg['X-Spam-Status'].startswith('Yes'), msg['X-Spam-Status']
    assert msg.get('DKIM-Signature') is None  # port 25 mail claiming INPP is not signed for it


def test_submission_is_dkim_signed_and_verifies_against_bind9(internet, subject):
    sent = internet.submit('daddy.nzinga@inpp.cd', 'marie.kabila@inpp.cd', subject)
    assert sent['ok'], sent
    raw = internet.fetch('marie.kabila@inpp.cd', subject)[0]
    signature = headers(raw)['DKIM-Signature']
    assert signature and 'd=inpp.cd' in signature and 's=lab2026' in signature, signature
    verified = internet.dkim(raw)
    assert verified == {'valid': True, 'error': '', 'domain': 'inpp.cd', 'selector': 'lab2026',
                        'asked': ['lab2026._domainkey.inpp.cd.']}, verified
    # The same verifier refuses the message once its body is changed.
    tampered = internet.dkim(raw, tamper=True)
    assert tampered['valid'] is False and 'body hash mismatch' in tampered['error'], tampered


def test_mail_of_other_domains_is_not_signed(internet, subject):
    sent = internet.send(25, 'visitor@example.org', 'daddy.nzinga@inpp.cd', subject)
    assert sent['ok'], sent
    assert headers(internet.fetch('daddy.nzinga@inpp.cd', subject)[0])['DKIM-Signature'] is None
