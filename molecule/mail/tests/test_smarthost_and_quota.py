# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The smarthost stand-in only relays for authenticated TLS clients; Dovecot quotas apply."""
from conftest import PASSWORDS


def test_smarthost_refuses_unauthenticated_relay_on_25_and_587(trio, subject):
    on_25 = trio.satellite.smtp(trio.smarthost.name, 25, 'someone@inpp.cd', 'stranger@elsewhere.example', subject)
    assert not on_25['ok'] and on_25['code'] == 554, on_25
    on_587 = trio.satellite.smtp(trio.smarthost.name, 587, 'someone@inpp.cd', 'stranger@elsewhere.example', subject)
    assert not on_587['ok'] and on_587['code'] in (530, 554), on_587


def test_smarthost_accepts_authenticated_relay_account_on_465(trio, subject):
    """The relay account may send as an INPP address (TLS wrapper mode, SASL)."""
    got = trio.satellite.smtp(trio.smarthost.name, 465, 'daddy.nzinga@inpp.cd', 'partner@example.net', subject,
                              '--tls', 'wrapper', *trio.satellite.login_options('relay@example.net'))
    assert got['ok'], got
    assert trio.smarthost.count(trio.smarthost.name, 'partner@example.net', subject)['count'] == 1


def test_quota_default_and_per_user(trio):
    """dovecot_quota (1G) for everyone, 2G for paul.lukusa (directory field `quota`)."""
    for user, kib in (('daddy.nzinga@inpp.cd', 1024 * 1024), ('paul.lukusa@inpp.cd', 2 * 1024 * 1024)):
        got = trio.satellite.client('quota', trio.mailhub.name, user, PASSWORDS[user])
        assert got['status'] == 'OK' and got['storage_limit_kib'] == kib, (user, got)
