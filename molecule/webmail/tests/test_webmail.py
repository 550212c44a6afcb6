# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Roundcube in a real browser: read, send, out-of-office reply; HTTPS only."""
from conftest import HOST, SHOTS


def test_https_only_with_the_host_certificate(browser):
    got = browser.client('https', HOST)
    assert got['tls_version'] in ('TLSv1.2', 'TLSv1.3')
    served = got['certificate'].strip()
    on_disk = browser.mail.file('/etc/inpp-telecom/tls/host.crt').content_string.strip()
    assert served == on_disk, 'nginx does not serve the host certificate'
    assert got['port_80'] == 'ConnectionRefusedError', 'something answers in clear text on port 80'


def test_managesieve_offers_authentication_only_after_starttls(browser):
    got = browser.client('sieve', HOST)
    assert '"STARTTLS"' in got['before'], got
    assert '"SASL" ""' in got['before'] or '"SASL"' not in got['before'], got
    assert got['starttls'].startswith('OK'), got
    assert got['tls_version'] in ('TLSv1.2', 'TLSv1.3')
    assert '"SASL" "PLAIN' in got['after'], got
    # The Sieve extensions Roundcube's Out of Office form writes.
    sieve = [line for line in got['after'].splitlines() if line.startswith('"SIEVE"')]
    assert sieve and 'vacation' in sieve[0].split(), got


def test_user_reads_sends_and_sets_a_vacation_reply_in_the_browser(browser, tag):
    a, b = 'daddy.nzinga@inpp.cd', 'marie.kabila@inpp.cd'
    read_subject, read_body = 'From Marie %s' % tag, 'Meeting moved to 10:00, ref %s' % tag
    send_subject, send_body = 'From Daddy %s' % tag, 'Sent from Roundcube, ref %s' % tag
    away_subject, away_body = 'Away %s' % tag, 'I am away until Monday, ref %s' % tag

    # B sends A a message over submission (smtplib); A reads it in Roundcube.
    assert browser.submit(b, a, read_subject, read_body)['ok']
    assert any(read_subject in m['subject'] for m in browser.subjects(a, read_subject)['messages'])

    browser.host.run('rm -rf %s' % SHOTS)
    web = browser.client('browser', 'https://%s/' % HOST, 'daddy.nzinga', 'Daddy-Test-2024', '--shots', SHOTS,
                         '--read-subject', read_subject, '--read-body', read_body,
                         '--to', b, '--send-subject', send_subject, '--send-body', send_body,
                         '--vacation-subject', away_subject, '--vacation-body', away_body)
    shots = browser.copy_screenshots()
    assert web['ok'], '%s (steps: %s; screenshots: %s)' % (web.get('error'), web['steps'], shots)
    assert web['read']['found_body'], web['read']
    assert 'marie' in web['read']['header'].lower(), web['read']
    assert {'01-read-message.png', '02-compose.png', '03-vacation-saved.png'} <= set(shots)

    # What A sent from the browser arrived in B's mailbox (imaplib), from A's address.
    got = browser.subjects(b, send_subject)['messages']
    sent = [m for m in got if send_subject in m['subject']]
    assert sent and a in sent[0]['from'], got

    # The vacation reply set in Roundcube is Dovecot's active Sieve script: B writes again, gets it.
    home = '/var/vmail/inpp.cd/daddy.nzinga'
    assert browser.mail.file(home + '/.dovecot.sieve').is_symlink
    assert away_subject in browser.mail.check_output('cat %s/.dovecot.sieve' % home)
    assert browser.submit(b, a, 'Question %s' % tag, 'Are you there?')['ok']
    got = browser.subjects(b, away_subject)['messages']
    replies = [m for m in got if away_subject in m['subject']]
    assert replies, 'no automatic reply in %s: %s' % (b, got)
    assert a in replies[0]['from'] and replies[0]['auto_submitted'].startswith('auto-replied'), replies
