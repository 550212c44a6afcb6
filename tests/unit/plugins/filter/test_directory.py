# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import copy

import pytest
from hypothesis import given, strategies as st

from ansible.errors import AnsibleFilterError
from ansible_collections.inpp.telecom.plugins.filter.directory import (
    FilterModule,
    directory_errors,
    is_address,
    is_domain,
    mail_aliases,
    mail_mailboxes,
)

HASH = '{SHA512-CRYPT}$6$salt$abcdefghijklmnopqrstuvwxyz'
DOMAIN = 'inpp.cd'
DEPARTMENTS = [
    {'name': 'direction', 'context': 'direction', 'list': 'direction@inpp.cd'},
    {'name': 'formation', 'context': 'staff'},
]
USERS = [
    {'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'extension': '1001', 'department': 'direction',
     'voicemail_email': True, 'mail_password_hash': HASH},
    {'name': 'Grace Mbuyi', 'login': 'grace.mbuyi', 'extension': '1002', 'department': 'direction',
     'mail_password_hash': HASH, 'quota': '2G'},
    {'name': 'Accueil', 'login': 'accueil', 'extension': '1003', 'department': 'formation', 'mail': False},
]


def test_filters_are_registered():
    assert set(FilterModule().filters()) == {'mail_mailboxes', 'mail_aliases', 'directory_errors'}


def test_valid_directory_has_no_errors():
    assert directory_errors(USERS, DEPARTMENTS, DOMAIN) == []


def test_mailboxes_skip_users_without_mail_and_keep_order():
    boxes = mail_mailboxes(USERS, DOMAIN)
    assert [b['address'] for b in boxes] == ['daddy.nzinga@inpp.cd', 'grace.mbuyi@inpp.cd']
    assert boxes[0] == {'address': 'daddy.nzinga@inpp.cd', 'login': 'daddy.nzinga', 'name': 'Daddy Nzinga',
                        'password_hash': HASH}
    assert boxes[1]['quota'] == '2G'


def test_aliases_map_department_lists_to_members():
    assert mail_aliases(USERS, DEPARTMENTS, DOMAIN) == {
        'direction@inpp.cd': ['daddy.nzinga@inpp.cd', 'grace.mbuyi@inpp.cd'],
    }


def test_non_list_input_is_rejected_with_field_name():
    with pytest.raises(AnsibleFilterError, match='telecom_users must be a list'):
        mail_mailboxes({'login': 'x'}, DOMAIN)


@pytest.mark.parametrize('mutate, expected', [
    (lambda u, d: u[1].update(login='daddy.nzinga'), "telecom_users[1].login: duplicate 'daddy.nzinga'"),
    (lambda u, d: u[1].update(extension='1001'), "telecom_users[1].extension: duplicate '1001'"),
    (lambda u, d: u[0].update(extension='12a'), "telecom_users[0].extension: '12a' must be 2 to 8 digits"),
    (lambda u, d: u[0].update(login='Daddy Nzinga'), "telecom_users[0].login: 'Daddy Nzinga' is not a valid"),
    (lambda u, d: u[0].pop('login'), 'telecom_users[0].login: missing'),
    (lambda u, d: u[0].pop('mail_password_hash'), 'telecom_users[0].mail_password_hash: missing'),
    (lambda u, d: u[0].update(mail_password_hash='secret'), 'telecom_users[0].mail_password_hash: not a {SCHEME}'),
    (lambda u, d: u[2].update(voicemail_email=True), 'telecom_users[2].voicemail_email: needs a mailbox'),
    (lambda u, d: u[0].update(department='finance'), "telecom_users[0].department: 'finance' is not declared"),
    (lambda u, d: d[0].update(list='direction@example.org'), "telecom_departments[0].list: 'direction@example.org' is not in"),
    (lambda u, d: d[0].update(list='not-an-address'), "telecom_departments[0].list: 'not-an-address' is not a valid"),
    (lambda u, d: d[1].update(name='direction'), "telecom_departments[1].name: duplicate 'direction'"),
    (lambda u, d: d[1].update(context='bad context'), "telecom_departments[1].context: 'bad context'"),
])
def test_each_error_names_its_field(mutate, expected):
    users, departments = copy.deepcopy(USERS), copy.deepcopy(DEPARTMENTS)
    mutate(users, departments)
    errors = directory_errors(users, departments, DOMAIN)
    assert any(e.startswith(expected) for e in errors), errors


def test_bad_domain_is_reported():
    assert "telecom_domain: 'inpp' is not a valid domain name" in directory_errors([], [], 'inpp')


@pytest.mark.parametrize('value, ok', [
    ('inpp.cd', True), ('kinshasa.inpp.cd', True), ('inpp', False), ('-inpp.cd', False),
    ('inpp..cd', False), (None, False), ('INPP.CD', False),
])
def test_is_domain(value, ok):
    assert is_domain(value) is ok


@pytest.mark.parametrize('value, ok', [
    ('daddy.nzinga@inpp.cd', True), ('a@b.cd', True), ('a@@b.cd', False), ('@inpp.cd', False),
    ('daddy nzinga@inpp.cd', False), ('daddy.@inpp.cd', False),
])
def test_is_address(value, ok):
    assert is_address(value) is ok


logins = st.from_regex(r'\A[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9]{0,8})?\Z')


@given(st.lists(logins, unique=True, max_size=20))
def test_every_user_with_mail_gets_exactly_one_mailbox(names):
    users = [{'name': n, 'login': n, 'mail_password_hash': HASH} for n in names]
    boxes = mail_mailboxes(users, DOMAIN)
    assert [b['address'] for b in boxes] == ['%s@%s' % (n, DOMAIN) for n in names]
    assert directory_errors(users, [], DOMAIN) == []
