# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""fail2ban on the mailhub, seen from two clients: maxretry failed logins (IMAPS for the dovecot
jail, SMTP AUTH on 587 for postfix-sasl) from the bare client container get it banned by an
nftables rule; while it is banned its right password gets no connection at all, and the name
server container still logs in. The ban is lifted at the end of each test (no other test speaks
from the bare client)."""
import time

import pytest

MAXRETRY = 5  # the fail2ban role's default fail2ban_maxretry, which the scenario keeps


def _banned(hub, jail, address):
    status = hub.check_output('fail2ban-client status %s' % jail)
    return address in status.split('Banned IP list:')[-1].split()


def _failures_settled(hub, jail, quiet=3, timeout=60):
    """Wait until the jail's "Total failed" stays the same for *quiet* seconds: fail2ban has read the log to
    its end. On a loaded machine the journal can hand it the last failures after the ban; unbanned before
    they are counted, the client would be banned again by its own old failures."""
    last, same, deadline = None, 0, time.monotonic() + timeout
    while time.monotonic() < deadline and same < quiet:
        status = hub.check_output('fail2ban-client status %s' % jail)
        total = status.split('Total failed:')[-1].split()[0]
        same = same + 1 if total == last else 0
        last = total
        time.sleep(1)


@pytest.fixture(scope='module')
def bare_address(internet):
    return internet.bare.interface('eth0').addresses[0]


@pytest.mark.parametrize('jail, kind', [('dovecot', 'imap'), ('postfix-sasl', 'smtp')])
def test_failed_logins_get_the_client_banned_while_another_logs_in(internet, bare_address, jail, kind):
    hub = internet.hub
    assert not _banned(hub, jail, bare_address)
    assert internet.login(kind, 'marie.kabila@inpp.cd', on=internet.bare) == ['ok']
    try:
        failed = internet.login(kind, 'marie.kabila@inpp.cd', 'not-her-password', count=MAXRETRY, on=internet.bare)
        assert failed == ['refused'] * MAXRETRY, failed
        deadline = time.monotonic() + 30
        while not _banned(hub, jail, bare_address) and time.monotonic() < deadline:
            time.sleep(1)
        assert _banned(hub, jail, bare_address), hub.check_output('fail2ban-client status %s' % jail)
        assert bare_address in hub.check_output('nft list ruleset')
        # The banned client's right password gets no session at all now...
        assert internet.login(kind, 'marie.kabila@inpp.cd', on=internet.bare, timeout=5) == ['unreachable']
        # ...while another address still logs in.
        assert internet.login(kind, 'marie.kabila@inpp.cd') == ['ok']
    finally:
        _failures_settled(hub, jail)
        hub.run('fail2ban-client unban %s' % bare_address)  # every jail: a SASL failure may count twice
    assert not _banned(hub, jail, bare_address)
    assert internet.login(kind, 'marie.kabila@inpp.cd', on=internet.bare) == ['ok']
