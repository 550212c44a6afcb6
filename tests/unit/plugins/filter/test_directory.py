# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mail filters are thin wrappers: their call shapes, and that they never raise.

The rules themselves are tested on the model (tests/unit/plugins/module_utils/test_directory.py).
"""
from __future__ import annotations

from ansible_collections.inpp.telecom.plugins.filter.directory import (
    FilterModule,
    dovecot_errors,
    mail_aliases,
    mail_mailboxes,
    postfix_errors,
)

HASH = '{SHA512-CRYPT}$6$salt$abcdefghijklmnopqrstuvwxyz'
DOMAIN = 'inpp.cd'
DEPARTMENTS = [{'name': 'direction', 'list': 'direction@inpp.cd'}]
USERS = [
    {'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'department': 'direction', 'mail_password_hash': HASH},
    {'name': 'Grace Mbuyi', 'login': 'grace.mbuyi', 'department': 'direction', 'mail_password_hash': 'clear'},
    {'name': 'Accueil', 'login': 'accueil', 'mail': False},
]


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {'mail_mailboxes', 'mail_aliases', 'postfix_errors', 'dovecot_errors', 'webmail_errors',
                                             'rspamd_errors', 'mail_dns_errors', 'mail_dns_records', 'mail_zone_snippet',
                                             'mail_dns_changes', 'mail_nsupdate_script'}


def test_derivations_leave_invalid_users_out_and_never_raise():
    """Role defaults derive from these before validation runs: they must not fail on bad input."""
    assert [b['address'] for b in mail_mailboxes(USERS, DOMAIN)] == ['daddy.nzinga@inpp.cd']
    assert mail_aliases(USERS, DEPARTMENTS, DOMAIN) == {'direction@inpp.cd': ['daddy.nzinga@inpp.cd']}
    assert mail_mailboxes({'login': 'x'}, DOMAIN) == []
    assert mail_aliases(None, 'x', None) == {}


def test_role_checks_report_the_directory():
    directory = {'users': USERS, 'departments': DEPARTMENTS, 'domain': DOMAIN}
    postfix = {'profile': 'mailhub', 'myhostname': 'mail.inpp.cd', 'mydomain': DOMAIN,
               'virtual_mailbox_domains': [DOMAIN], 'virtual_mailboxes': ['daddy.nzinga@inpp.cd'],
               'virtual_aliases': {}}
    expected = ['telecom_users[1].mail_password_hash: not a']
    assert [e[:len(expected[0])] for e in postfix_errors(postfix, directory)] == expected
    assert [e[:len(expected[0])] for e in dovecot_errors({'domains': [DOMAIN], 'users': []}, directory)] == expected
