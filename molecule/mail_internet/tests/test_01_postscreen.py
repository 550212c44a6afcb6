# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""postscreen on port 25 refuses a client that talks before its turn (pregreet), as spam bots do.

Runs before any other SMTP traffic from the name server: once a client passes postscreen's
tests it is remembered (postscreen_greet_ttl) and goes straight to smtpd.
"""


def test_postscreen_refuses_a_client_that_talks_first(internet):
    reply = internet.client('pregreet', 'mail-internet-hub', '--to', 'daddy.nzinga@inpp.cd')['reply']
    # postscreen's multi-line greeting, which the client did not wait for...
    assert reply.startswith('220-'), reply
    # ...then its dummy SMTP engine refuses the recipient.
    assert '\n550 5.5.1 Protocol error' in reply, reply
    log = internet.hub.check_output('journalctl --no-pager -o cat -t postfix/postscreen')
    assert 'PREGREET' in log, log[-2000:]


def test_a_patient_client_gets_through_postscreen(internet, subject):
    sent = internet.send(25, 'visitor@example.org', 'daddy.nzinga@inpp.cd', subject)
    assert sent['ok'], sent
    assert len(internet.fetch('daddy.nzinga@inpp.cd', subject)) == 1
    log = internet.hub.check_output('journalctl --no-pager -o cat -t postfix/postscreen')
    assert 'PASS NEW' in log
