# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every rule of the directory model, one test (or one parametrized case) each."""
from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model

HASH = '{SHA512-CRYPT}$6$salt$abcdefghijklmnopqrstuvwxyz'
DOMAIN = 'inpp.cd'
DEPARTMENTS = [
    {'name': 'direction', 'context': 'direction', 'list': 'direction@inpp.cd'},
    {'name': 'formation', 'context': 'staff'},
    {'name': 'accueil'},
]
USERS = [
    {'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'extension': '1001', 'department': 'direction',
     'voicemail_email': True, 'mail_password_hash': HASH, 'sip_secret': 'S3cret-1001', 'voicemail_pin': '4821'},
    {'name': 'Grace Mbuyi', 'login': 'grace.mbuyi', 'extension': '1002', 'department': 'formation',
     'mail_password_hash': HASH, 'quota': '2G', 'sip_secret': 'S3cret-1002', 'voicemail_pin': '7390',
     'vacation': {'subject': 'Absente', 'body': 'Je suis absente.\nÉcrivez à direction@inpp.cd.', 'days': 3}},
    {'name': 'Accueil', 'login': 'accueil', 'extension': '1003', 'department': 'accueil', 'mail': False,
     'sip_secret': 'S3cret-1003', 'voicemail': False},
    {'name': 'Sans Poste', 'login': 'sans.poste', 'department': 'formation', 'mail_password_hash': HASH},
]
QUEUES = [{'name': 'accueil', 'strategy': 'rrmemory', 'members': ['1001', '1002'], 'timeout': 20,
           'extension': '600', 'fallback_voicemail': '1002', 'options': {'announce-frequency': 30}}]
IVR = [{'name': 'main', 'extension': '500', 'greeting': 'custom/welcome',
        'options': {'1': 'queue:accueil', '2': 'ext:1001', '9': 'voicemail:1002'}}]


def _all_errors(users=None, departments=None, queues=None, ivr=None, domain=DOMAIN, defaults=None):
    """The errors of the directory under every rule set, plus the call center's."""
    users = USERS if users is None else users
    departments = DEPARTMENTS if departments is None else departments
    queues = QUEUES if queues is None else queues
    ivr = IVR if ivr is None else ivr
    directory = model.load_directory(users, departments, domain)
    center = model.load_call_center(users, departments, queues, ivr, domain, defaults=defaults)
    return directory.errors_for('mail') + center.errors_for('phone')


def test_the_sample_directory_is_valid():
    assert _all_errors() == []


# --------------------------------------------------------------------------- one rule, one case

@pytest.mark.parametrize('mutate, expected', [
    # identities
    (lambda u: u[0].pop('login'), 'telecom_users[0].login: missing'),
    (lambda u: u[0].update(login='Daddy Nzinga'), "telecom_users[0].login: 'Daddy Nzinga' is not a valid mailbox"),
    (lambda u: u[0].update(login='Daddy.Nzinga'), "telecom_users[0].login: 'Daddy.Nzinga' has capitals: write it in "
                                                  "lowercase ('daddy.nzinga')"),
    (lambda u: u[1].update(login='Daddy.Nzinga'), "telecom_users[1].login: duplicate 'Daddy.Nzinga' (already "
                                                  "telecom_users[0], logins are compared without case)"),
    (lambda u: u[1].update(login='daddy.nzinga'), "telecom_users[1].login: duplicate 'daddy.nzinga'"),
    (lambda u: u[0].update(login='daddy+tag'), "telecom_users[0].login: 'daddy+tag' is not a valid mailbox name"),
    (lambda u: u[0].update(login=42), 'telecom_users[0].login: must be text, got a number'),
    (lambda u: u[0].pop('name'), 'telecom_users[0].name: missing'),
    (lambda u: u[0].update(name='Daddy\nNzinga'), 'telecom_users[0].name: contains a line break'),
    (lambda u: u[0].update(name='Daddy\x00'), 'telecom_users[0].name: contains a line break or another control'),
    (lambda u: u[0].update(mail='yes'), "telecom_users[0].mail: must be true or false, got 'yes'"),
    (lambda u: u[0].update(email='not an address'), "telecom_users[0].email: 'not an address' is not a valid"),
    # extensions
    (lambda u: u[1].update(extension='1001'), "telecom_users[1].extension: duplicate '1001' (already telecom_users[0])"),
    (lambda u: u[0].update(extension='12a'), "telecom_users[0].extension: '12a' must be 2 to 8 digits"),
    (lambda u: u[0].update(extension=100), 'telecom_users[0].extension: is the number 100 in YAML: quote it'),
    (lambda u: u[0].update(extension=64), 'telecom_users[0].extension: is the number 64 in YAML: quote it ("0100" '
                                          'unquoted loads as 64)'),
    (lambda u: u[0].update(extension=True), 'telecom_users[0].extension: must be 2 to 8 digits as a quoted string'),
    # departments
    (lambda u: u[0].update(department='finance'), "telecom_users[0].department: 'finance' is not declared in "
                                                  "telecom_departments"),
    (lambda u: u[0].update(voicemail_email=True, mail=False), 'telecom_users[0].voicemail_email: needs a mailbox'),
    # mail rules
    (lambda u: u[0].pop('mail_password_hash'), 'telecom_users[0].mail_password_hash: missing'),
    (lambda u: u[0].update(mail_password_hash='secret'), 'telecom_users[0].mail_password_hash: not a {SCHEME}hash'),
    (lambda u: u[0].update(mail_password_hash='{CRYPT}$6$salt$hash'), 'telecom_users[0].mail_password_hash: not a'),
    (lambda u: u[0].update(mail_password_hash=HASH + ':x'), 'telecom_users[0].mail_password_hash: not a'),
    (lambda u: u[1].update(quota='2 GB'), "telecom_users[1].quota: '2 GB' is not a size"),
    (lambda u: u[1].update(vacation='away'), 'telecom_users[1].vacation: must be a mapping'),
    (lambda u: u[1]['vacation'].pop('body'), 'telecom_users[1].vacation.body: missing'),
    (lambda u: u[1]['vacation'].update(subject='Absente\nBcc: x@example.org'),
     'telecom_users[1].vacation.subject: contains a line break'),
    (lambda u: u[1]['vacation'].update(body='a\x1b[31mb'), 'telecom_users[1].vacation.body: contains control'),
    (lambda u: u[1]['vacation'].update(days=0), 'telecom_users[1].vacation.days: must be a positive number'),
    # telephony rules
    (lambda u: u[0].pop('sip_secret'), 'telecom_users[0].sip_secret: missing (extension 1001 needs a SIP password)'),
    (lambda u: u[0].update(sip_secret='short'), 'telecom_users[0].sip_secret: must be a string of at least 8'),
    (lambda u: u[0].update(sip_secret='with space'), 'telecom_users[0].sip_secret: must be a string'),
    (lambda u: u[0].update(extension='10012345', sip_secret='10012345'), 'telecom_users[0].sip_secret: equals the '
                                                                         'extension'),
    (lambda u: u[0].update(sip_secret='Daddy.Nzinga'), 'telecom_users[0].sip_secret: equals the login'),
    (lambda u: u[1].pop('voicemail_pin'), 'telecom_users[1].voicemail_pin: missing (voicemail box 1002 needs a PIN'),
    (lambda u: u[1].update(voicemail_pin='12a4'), 'telecom_users[1].voicemail_pin: must be 4 to 12 digits'),
    (lambda u: u[1].update(voicemail_pin=4821), 'telecom_users[1].voicemail_pin: is a number in YAML: quote it'),
    (lambda u: u[1].update(voicemail_pin='1002'), 'telecom_users[1].voicemail_pin: equals the extension'),
    (lambda u: u[1].update(voicemail_pin='0000'), 'telecom_users[1].voicemail_pin: is one digit repeated'),
    (lambda u: u[1].update(voicemail_pin='1234'), 'telecom_users[1].voicemail_pin: is a plain sequence'),
    (lambda u: u[1].update(voicemail_pin='123456'), 'telecom_users[1].voicemail_pin: is a plain sequence'),
    (lambda u: u[1].update(voicemail_pin='4321'), 'telecom_users[1].voicemail_pin: is a plain sequence'),
    (lambda u: u[1].update(voicemail_pin='7890'), 'telecom_users[1].voicemail_pin: is a plain sequence'),
    (lambda u: u[2].update(voicemail_email=True, mail=True, mail_password_hash=HASH),
     'telecom_users[2].voicemail_email: needs a voicemail box'),
    # non-mappings
    (lambda u: u.append('daddy'), 'telecom_users[4]: must be a mapping, got text'),
    (lambda u: u.append(None), 'telecom_users[4]: must be a mapping, got null'),
])
def test_each_user_rule_names_its_field(mutate, expected):
    users = copy.deepcopy(USERS)
    mutate(users)
    errors = _all_errors(users)
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize('mutate, expected', [
    (lambda d: d[1].pop('name'), 'telecom_departments[1].name: missing'),
    (lambda d: d[1].update(name='direction'), "telecom_departments[1].name: duplicate 'direction'"),
    (lambda d: d[1].update(name='bad name'), "telecom_departments[1].name: 'bad name' must be letters"),
    (lambda d: d[1].update(context='bad context'), "telecom_departments[1].context: 'bad context' is not a valid"),
    (lambda d: d[0].update(list='direction@example.org'), "telecom_departments[0].list: 'direction@example.org' is "
                                                          "not in telecom_domain 'inpp.cd'"),
    (lambda d: d[0].update(list='not-an-address'), "telecom_departments[0].list: 'not-an-address' is not a valid"),
    (lambda d: d.append(['direction']), 'telecom_departments[3]: must be a mapping, got a list'),
])
def test_each_department_rule_names_its_field(mutate, expected):
    departments = copy.deepcopy(DEPARTMENTS)
    mutate(departments)
    errors = _all_errors(departments=departments)
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize('mutate, expected', [
    (lambda q, i: q[0]['members'].append('1009'), "asterisk_queues[0].members[2]: '1009' is not the extension"),
    (lambda q, i: q[0]['members'].append(1001), "asterisk_queues[0].members[2]: '1001' is not the extension of any "
                                                "user (quote it)"),
    (lambda q, i: q[0].update(members='1001'), 'asterisk_queues[0].members: must be a list'),
    (lambda q, i: q[0].update(fallback_voicemail='1009'), "asterisk_queues[0].fallback_voicemail: '1009' is not"),
    (lambda q, i: q[0].update(strategy='loudest'), "asterisk_queues[0].strategy: 'loudest' is not one of"),
    (lambda q, i: q[0].update(timeout='soon'), "asterisk_queues[0].timeout: 'soon' must be a number"),
    (lambda q, i: q[0].update(name='general'), "asterisk_queues[0].name: 'general' is reserved"),
    (lambda q, i: q.append(dict(q[0])), "asterisk_queues[1].name: duplicate 'accueil'"),
    (lambda q, i: q[0].update(extension='1002'), "asterisk_queues[0].extension: '1002' already used by "
                                                 "telecom_users[1].extension"),
    (lambda q, i: q[0].update(extension=600), 'asterisk_queues[0].extension: is the number 600 in YAML: quote it'),
    (lambda q, i: q[0]['options'].update({'announce': 'a\nb'}), 'asterisk_queues[0].options.announce: contains a '
                                                                'line break'),
    (lambda q, i: q[0]['options'].update({'Bad Key': 'x'}), "asterisk_queues[0].options: 'Bad Key' is not a"),
    (lambda q, i: q.append(3), 'asterisk_queues[1]: must be a mapping, got a number'),
    (lambda q, i: i[0]['options'].update({'3': 'queue:nope'}), "asterisk_ivr[0].options.3: unknown queue 'nope'"),
    (lambda q, i: i[0]['options'].update({'3': 'ext:1999'}), "asterisk_ivr[0].options.3: unknown extension '1999'"),
    (lambda q, i: i[0]['options'].update({'3': 'voicemail:1003'}), "asterisk_ivr[0].options.3: unknown voicemail "
                                                                   "box '1003'"),
    (lambda q, i: i[0]['options'].update({'3': 'ivr:nope'}), "asterisk_ivr[0].options.3: unknown IVR 'nope'"),
    (lambda q, i: i[0]['options'].update({'3': 'fax:1'}), "asterisk_ivr[0].options.3: 'fax:1' must be"),
    (lambda q, i: i[0]['options'].update({'12': 'ext:1001'}), "asterisk_ivr[0].options.12: '12' must be one digit"),
    (lambda q, i: i[0]['options'].update({4: 'ext:1001'}), 'asterisk_ivr[0].options.4: the digit 4 is a YAML number'),
    (lambda q, i: i[0].update(options={}), 'asterisk_ivr[0].options: must map digits to targets'),
    (lambda q, i: i[0].update(extension='*98'), "asterisk_ivr[0].extension: '*98' already used by "
                                                "asterisk_voicemail_main_extension"),
    (lambda q, i: i[0].update(extension='600'), "asterisk_ivr[0].extension: '600' already used by "
                                                "asterisk_queues[0].extension"),
    (lambda q, i: i[0].update(name='bad name'), "asterisk_ivr[0].name: 'bad name' must be"),
    (lambda q, i: i.append(dict(i[0], extension='501')), "asterisk_ivr[1].name: duplicate 'main'"),
    (lambda q, i: i[0].update(greeting='../../../etc/passwd'), "asterisk_ivr[0].greeting: '../../../etc/passwd' is "
                                                               "not a sound name"),
    (lambda q, i: i[0].update(greeting='/var/lib/asterisk/sounds/x'), 'asterisk_ivr[0].greeting: '),
    (lambda q, i: i[0].update(greeting='welcome.wav'), 'asterisk_ivr[0].greeting: '),
    (lambda q, i: i[0].update(greeting='wel\ncome'), 'asterisk_ivr[0].greeting: '),
    (lambda q, i: i[0].update(wait='long'), "asterisk_ivr[0].wait: 'long' must be a number"),
])
def test_each_call_center_rule_names_its_field(mutate, expected):
    queues, ivr = copy.deepcopy(QUEUES), copy.deepcopy(IVR)
    mutate(queues, ivr)
    errors = _all_errors(queues=queues, ivr=ivr)
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize('defaults, expected', [
    ({'voicemail_main_extension': '1001'}, "asterisk_voicemail_main_extension: '1001' is also telecom_users[0]"),
    ({'voicemail_main_extension': 98}, "asterisk_voicemail_main_extension: '98' must be 1 to 8 digits"),
    ({'internal_context': 'bad context'}, "asterisk_internal_context: 'bad context' is not a valid dialplan context"),
    ({'voicemail_context': ''}, "asterisk_voicemail_context: '' is not a valid dialplan context"),
])
def test_each_asterisk_setting_rule_names_its_field(defaults, expected):
    errors = _all_errors(defaults=defaults)
    assert any(e.startswith(expected) for e in errors), errors


def test_voicemail_email_needs_a_domain_on_the_pbx():
    errors = model.asterisk_errors(USERS, DEPARTMENTS, QUEUES, IVR, '')
    assert errors == ["asterisk_domain: '' is not a mail domain, and users with voicemail_email need one "
                      '(set telecom_domain or asterisk_domain)']


@pytest.mark.parametrize('domain, expected', [
    (None, 'telecom_domain: missing'),
    ('inpp', "telecom_domain: 'inpp' is not a valid domain name"),
    ('INPP.CD', "telecom_domain: 'INPP.CD' is not a valid domain name (lowercase)"),
])
def test_bad_domain_is_reported(domain, expected):
    assert [e[:len(expected)] for e in model.load_directory([], [], domain).errors['common']] == [expected]


def test_secrets_never_appear_in_messages():
    users = copy.deepcopy(USERS)
    users[0].update(sip_secret='daddy.nzinga', voicemail_pin='1001')
    users[1].update(sip_secret='tiny;', voicemail_pin='9999')
    errors = ' '.join(_all_errors(users))
    assert 'tiny;' not in errors and '9999' not in errors and 'telecom_users[1].voicemail_pin' in errors
    assert "sip_secret: equals the login" in errors


def test_mail_and_phone_rules_are_kept_apart():
    """A mailhub needs no SIP secret, a PBX no password hash: each role sees only its rule sets."""
    users = [{'name': 'Phone Only', 'login': 'phone.only', 'extension': '2001', 'sip_secret': 'S3cret-2001',
              'voicemail_pin': '4821'},
             {'name': 'Mail Only', 'login': 'mail.only', 'extension': '2002', 'mail_password_hash': HASH}]
    assert model.load_directory(users, [], DOMAIN).errors_for('mail') == [
        'telecom_users[0].mail_password_hash: missing (a mailbox needs a password hash; set mail: false for none)']
    assert model.asterisk_errors(users, [], None, None, DOMAIN) == [
        'telecom_users[1].sip_secret: missing (extension 2002 needs a SIP password)',
        'telecom_users[1].voicemail_pin: missing (voicemail box 2002 needs a PIN; set voicemail: false for none)']


def test_asterisk_reports_each_error_once():
    users = copy.deepcopy(USERS)
    users[1].update(extension='1001', login='Daddy.Nzinga')
    errors = model.asterisk_errors(users, DEPARTMENTS, QUEUES, IVR, DOMAIN)
    assert len(errors) == len(set(errors))
    assert sum('telecom_users[1].extension' in e for e in errors) == 1
    assert sum('telecom_users[1].login' in e for e in errors) == 1


def test_asterisk_users_name_is_used_in_messages():
    users = copy.deepcopy(USERS)
    users[0]['department'] = 'finance'
    errors = model.asterisk_errors(users, DEPARTMENTS, QUEUES, IVR, DOMAIN, 'asterisk_users')
    assert errors == ["asterisk_users[0].department: 'finance' is not declared in asterisk_departments"]


# --------------------------------------------------------------------------- derivations

def test_invalid_users_are_left_out_of_the_derived_objects():
    users = copy.deepcopy(USERS)
    users[0]['mail_password_hash'] = 'clear'
    users[1]['voicemail_pin'] = '0000'
    directory = model.load_directory(users, DEPARTMENTS, DOMAIN)
    assert [b['login'] for b in model.mailboxes(directory)] == ['grace.mbuyi', 'sans.poste']
    center = model.load_call_center(users, DEPARTMENTS, QUEUES, IVR, DOMAIN)
    assert [b['mailbox'] for b in model.voicemail_boxes(center)] == ['1001']


def test_mailboxes_and_aliases():
    directory = model.load_directory(USERS, DEPARTMENTS, DOMAIN)
    boxes = model.mailboxes(directory)
    assert [b['address'] for b in boxes] == ['daddy.nzinga@inpp.cd', 'grace.mbuyi@inpp.cd', 'sans.poste@inpp.cd']
    assert boxes[0] == {'address': 'daddy.nzinga@inpp.cd', 'login': 'daddy.nzinga', 'name': 'Daddy Nzinga',
                        'password_hash': HASH}
    assert boxes[1]['quota'] == '2G' and boxes[1]['vacation']['days'] == 3
    assert model.aliases(directory) == {'direction@inpp.cd': ['daddy.nzinga@inpp.cd']}
    assert model.mailboxes(model.load_directory(USERS, DEPARTMENTS, 'not a domain')) == []
    assert model.aliases(model.load_directory(USERS, DEPARTMENTS, 'not a domain')) == {}


def test_departments_not_given_are_not_checked():
    directory = model.load_directory(USERS, None, DOMAIN)
    assert directory.errors_for('mail') == []
    assert len(model.mailboxes(directory)) == 3


# --------------------------------------------------------------------------- role checks

POSTFIX = {
    'profile': 'mailhub', 'myhostname': 'mail.inpp.cd', 'mydomain': 'inpp.cd',
    'virtual_mailbox_domains': ['inpp.cd'], 'virtual_mailboxes': ['daddy.nzinga@inpp.cd', 'grace.mbuyi@inpp.cd'],
    'virtual_aliases': {'direction@inpp.cd': ['daddy.nzinga@inpp.cd'], 'contact@inpp.cd': 'direction@inpp.cd',
                        'partner@inpp.cd': ['someone+tag@example.org']},
    'catchall': '', 'root_alias': 'daddy.nzinga@inpp.cd', 'relayhost': 'smtp.isp.example', 'relayhost_port': 587,
    'relayhost_username': 'inpp', 'relayhost_password': 'Relay-Secret', 'submission_any_sender_logins': [],
    'mailhub': '', 'extra_parameters': {'smtpd_banner': 'x'},
}


@pytest.mark.parametrize('change, expected', [
    ({'myhostname': 'mail_inpp'}, "postfix_myhostname: 'mail_inpp' is not a valid host name"),
    ({'mydomain': None}, "postfix_mydomain: 'None' is not a valid domain name"),
    ({'virtual_mailbox_domains': ['inpp.cd', 'bad_domain']}, "postfix_virtual_mailbox_domains[1]: 'bad_domain'"),
    ({'virtual_mailbox_domains': ['inpp.cd', 'mail.inpp.cd']}, "postfix_virtual_mailbox_domains[1]: 'mail.inpp.cd' "
                                                               "is also in mydestination"),
    ({'virtual_mailbox_domains': ['inpp.cd', 'inpp.cd']}, "postfix_virtual_mailbox_domains[1]: duplicate 'inpp.cd'"),
    ({'virtual_mailbox_domains': 'inpp.cd'}, 'postfix_virtual_mailbox_domains: must be a list, got text'),
    ({'virtual_mailboxes': ['daddy.nzinga@inpp.cd', 'daddy.nzinga@inpp.cd']},
     "postfix_virtual_mailboxes[1]: duplicate mailbox 'daddy.nzinga@inpp.cd'"),
    ({'virtual_mailboxes': ['a+b@inpp.cd']}, "postfix_virtual_mailboxes[0]: 'a+b@inpp.cd' is not a valid mailbox"),
    ({'virtual_mailboxes': ['x@example.org']}, "postfix_virtual_mailboxes[0]: 'x@example.org' is in domain "
                                               "'example.org', which is not in postfix_virtual_mailbox_domains"),
    ({'virtual_aliases': ['x']}, 'postfix_virtual_aliases: must be a mapping'),
    ({'virtual_aliases': {'empty@inpp.cd': []}}, "postfix_virtual_aliases['empty@inpp.cd']: points to nothing"),
    ({'virtual_aliases': {'grace.mbuyi@inpp.cd': ['x@example.org']}},
     "postfix_virtual_aliases['grace.mbuyi@inpp.cd']: 'grace.mbuyi@inpp.cd' is also a mailbox"),
    ({'virtual_aliases': {'a@example.org': ['x@example.org']}},
     "postfix_virtual_aliases['a@example.org']: domain 'example.org' is not in"),
    ({'virtual_aliases': {'a@inpp.cd': ['nobody@inpp.cd']}},
     "postfix_virtual_aliases['a@inpp.cd'][0]: 'nobody@inpp.cd' is neither a mailbox nor an alias"),
    ({'virtual_aliases': {'a@inpp.cd': ['not an address']}},
     "postfix_virtual_aliases['a@inpp.cd'][0]: 'not an address' is not a valid mail address"),
    ({'catchall': 'nobody@inpp.cd'}, "postfix_catchall: 'nobody@inpp.cd' is not one of postfix_virtual_mailboxes"),
    ({'catchall': 'bad'}, "postfix_catchall: 'bad' is not a valid mail address"),
    ({'root_alias': 'root'}, "postfix_root_alias: 'root' is not a valid mail address"),
    ({'relayhost': '[smtp.isp.example]:587'}, "postfix_relayhost: '[smtp.isp.example]:587' must be a bare host name"),
    ({'relayhost_port': 70000}, "postfix_relayhost_port: '70000' is not a port number"),
    ({'relayhost_password': ''}, 'postfix_relayhost_password: missing (postfix_relayhost_username is set)'),
    ({'relayhost_username': ''}, 'postfix_relayhost_username: missing (postfix_relayhost_password is set)'),
    ({'submission_any_sender_logins': ['a b']}, "postfix_submission_any_sender_logins[0]: 'a b' is not a login"),
    ({'extra_parameters': {'bad-name': 1}}, "postfix_extra_parameters: 'bad-name' is not a parameter name"),
    ({'profile': 'satellite'}, 'postfix_mailhub: required with postfix_profile=satellite'),
    ({'profile': 'satellite', 'mailhub': 'mail.inpp.cd:smtp'}, "postfix_mailhub: 'mail.inpp.cd:smtp' is not host"),
])
def test_each_postfix_rule_names_its_field(change, expected):
    errors = model.postfix_errors(dict(POSTFIX, **change))
    assert any(e.startswith(expected) for e in errors), errors


def test_postfix_valid_inputs_and_the_directory_of_a_mailhub():
    assert model.postfix_errors(POSTFIX) == []
    assert model.postfix_errors(dict(POSTFIX, profile='satellite', mailhub='[mail.inpp.cd]:25')) == []
    broken = copy.deepcopy(USERS)
    broken[0]['mail_password_hash'] = 'clear'
    directory = {'users': broken, 'departments': DEPARTMENTS, 'domain': DOMAIN}
    assert model.postfix_errors(POSTFIX, directory)[0].startswith('telecom_users[0].mail_password_hash: not a')
    # A satellite derives nothing from the directory.
    assert model.postfix_errors(dict(POSTFIX, profile='satellite', mailhub='[mail.inpp.cd]:25'), directory) == []
    assert model.postfix_errors(['x']) == ['postfix_errors: the settings must be a mapping']


DOVECOT = {'domains': ['inpp.cd'], 'quota': '1G', 'users': [
    {'address': 'daddy.nzinga@inpp.cd', 'password_hash': HASH, 'name': 'Daddy Nzinga'},
    {'address': 'grace.mbuyi@inpp.cd', 'password_hash': HASH, 'quota': '2G',
     'vacation': {'subject': 'Absente', 'body': 'Line 1\nLine 2'}},
]}


@pytest.mark.parametrize('mutate, expected', [
    (lambda d: d.update(domains=[]), 'dovecot_domains: empty'),
    (lambda d: d['domains'].append('not_a_domain'), "dovecot_domains[1]: 'not_a_domain' is not a valid domain"),
    (lambda d: d.update(quota='1 GB'), "dovecot_quota: '1 GB' is not a size"),
    (lambda d: d['users'].append(dict(d['users'][0])), "dovecot_users[2].address: duplicate mailbox "
                                                       "'daddy.nzinga@inpp.cd' (already dovecot_users[0])"),
    (lambda d: d['users'][0].update(address='a@elsewhere.org'), "dovecot_users[0].address: domain 'elsewhere.org' "
                                                                'is not declared'),
    (lambda d: d['users'][0].update(address='a+b@inpp.cd'), "dovecot_users[0].address: 'a+b@inpp.cd' is not a valid"),
    (lambda d: d['users'][0].pop('address'), 'dovecot_users[0].address: missing'),
    (lambda d: d['users'][0].pop('password_hash'), 'dovecot_users[0].password_hash: missing'),
    (lambda d: d['users'][0].update(password_hash='{CRYPT}x'), 'dovecot_users[0].password_hash: not a {SCHEME}'),
    (lambda d: d['users'][0].update(name='a:b\n'), 'dovecot_users[0].name: contains a line break'),
    (lambda d: d['users'][1].update(quota='lots'), "dovecot_users[1].quota: 'lots' is not a size"),
    (lambda d: d['users'][1]['vacation'].pop('subject'), 'dovecot_users[1].vacation.subject: missing'),
    (lambda d: d['users'].append('x'), 'dovecot_users[2]: must be a mapping, got text'),
])
def test_each_dovecot_rule_names_its_field(mutate, expected):
    settings_ = copy.deepcopy(DOVECOT)
    mutate(settings_)
    errors = model.dovecot_errors(settings_)
    assert any(e.startswith(expected) for e in errors), errors


def test_dovecot_reports_the_directory_users_its_derivation_leaves_out():
    assert model.dovecot_errors(DOVECOT) == []
    broken = copy.deepcopy(USERS)
    broken[1].pop('mail_password_hash')
    errors = model.dovecot_errors(DOVECOT, {'users': broken, 'departments': DEPARTMENTS, 'domain': DOMAIN})
    assert errors == ['telecom_users[1].mail_password_hash: missing (a mailbox needs a password hash; '
                      'set mail: false for none)']
    assert model.dovecot_errors(DOVECOT, {'users': None}) == []


@pytest.mark.parametrize('cert, key, expected', [
    ('', '', []),
    ('/etc/ssl/inpp/host.crt', '/etc/ssl/inpp/host.key', []),
    ('/etc/ssl/inpp/host.crt', '', ['host_base_tls_key_file: missing (host_base_tls_cert_file and '
                                    'host_base_tls_key_file go together, or neither for a self-signed certificate)']),
    ('', '/etc/ssl/inpp/host.key', ['host_base_tls_cert_file: missing (host_base_tls_cert_file and '
                                    'host_base_tls_key_file go together, or neither for a self-signed certificate)']),
])
def test_the_hosts_certificate_comes_with_its_key(cert, key, expected):
    tls = {'tls_cert_file': cert, 'tls_key_file': key}
    assert model.certificate_errors(tls) == expected
    assert model.dovecot_errors(dict(DOVECOT, **tls)) == expected
    assert model.postfix_errors(dict(POSTFIX, **tls)) == expected
    # A satellite serves no certificate of the host's.
    assert model.postfix_errors(dict(POSTFIX, profile='satellite', mailhub='[mail.inpp.cd]:25', **tls)) == []


# --------------------------------------------------------------------------- properties

@pytest.mark.parametrize('pin', ['0000', '1111', '1234', '123456', '4321', '987654', '7890', '0987', '1001'])
def test_weak_pins(pin):
    assert model.pin_error(pin, '1001') is not None


@pytest.mark.parametrize('pin', ['4821', '7390', '1357', '2580', '10011'])
def test_acceptable_pins(pin):
    assert model.pin_error(pin, '1001') is None


@pytest.mark.parametrize('value, ok', [
    ('inpp.cd', True), ('kinshasa.inpp.cd', True), ('inpp', False), ('-inpp.cd', False),
    ('inpp..cd', False), (None, False), ('INPP.CD', False),
])
def test_is_domain(value, ok):
    assert model.is_domain(value) is ok


@pytest.mark.parametrize('value, mailbox, ok', [
    ('daddy.nzinga@inpp.cd', True, True), ('a@b.cd', True, True), ('a@@b.cd', False, False),
    ('@inpp.cd', False, False), ('daddy nzinga@inpp.cd', False, False), ('daddy.@inpp.cd', False, False),
    ('someone+tag@example.org', False, True), ('someone+tag@example.org', True, False),
])
def test_is_address(value, mailbox, ok):
    assert model.is_address(value, mailbox) is ok


anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.sampled_from(['1001', 'direction', HASH]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(['name', 'login', 'extension', 'department', 'mail', 'voicemail', 'voicemail_email',
                         'mail_password_hash', 'sip_secret', 'voicemail_pin', 'quota', 'vacation', 'members',
                         'options', 'greeting', 'strategy', 'timeout', 'list', 'context', 'email', 'subject',
                         'body', 'days', 'wait', 'fallback_voicemail']) | st.text(max_size=4),
        children, max_size=8),
    max_leaves=30)
FIELD = re.compile(r'^(telecom_users|telecom_departments|telecom_domain|asterisk_[a-z_]+)(\[\d+\])?[.:\[ ]')


@settings(max_examples=300, deadline=None)
@given(anything, anything, anything, anything, anything)
def test_the_model_never_raises_and_every_error_names_a_field(users, departments, domain, queues, ivr):
    directory = model.load_directory(users, departments, domain)
    center = model.load_call_center(users, departments, queues, ivr, domain)
    errors = directory.errors_for('mail', 'phone') + center.errors_for('phone')
    assert all(isinstance(e, str) and FIELD.match(e) for e in errors), errors
    # The derivations run on whatever loaded, and only on objects that passed their rules.
    model.mailboxes(directory)
    model.aliases(directory)
    for derive in (model.pjsip_sections, model.dialplan_contexts, model.queue_sections, model.queue_dialplan,
                   model.ivr_contexts):
        derive(center)
    model.voicemail_sections(model.voicemail_boxes(center))
    if not errors:
        assert len(model.mailboxes(directory)) == sum(1 for u in directory.users if u['mail'])


@settings(max_examples=100, deadline=None)
@given(anything, anything)
def test_role_checks_never_raise(settings_, directory):
    for check in (model.postfix_errors, model.dovecot_errors):
        errors = check(settings_, directory)
        assert all(re.match(r'^(postfix|dovecot|telecom)_', e) for e in errors), errors


logins = st.from_regex(r'\A[a-z][a-z0-9]{0,8}(\.[a-z][a-z0-9]{0,8})?\Z')


@given(st.lists(logins, unique=True, max_size=20))
def test_every_valid_user_with_mail_gets_exactly_one_mailbox(names):
    users = [{'name': n, 'login': n, 'mail_password_hash': HASH} for n in names]
    directory = model.load_directory(users, [], DOMAIN)
    assert directory.errors_for('mail') == []
    assert [b['address'] for b in model.mailboxes(directory)] == ['%s@%s' % (n, DOMAIN) for n in names]


ACME = {'tls_cert_file': '', 'tls_key_file': '', 'tls_acme_directory': 'https://acme.example.net:14000/dir',
        'tls_acme_email': 'postmaster@inpp.cd', 'tls_acme_ca_file': '', 'tls_names': ['mail.inpp.cd']}


@pytest.mark.parametrize('change, expected', [
    ({}, []),
    ({'tls_acme_ca_file': '/etc/ssl/lab-acme-ca.pem'}, []),
    ({'tls_acme_directory': 'http://acme.example.net/dir'},
     ["host_base_tls_acme_directory: 'http://acme.example.net/dir' is not an https:// URL"]),
    ({'tls_acme_directory': 'https://acme.example.net/dir --staging'},
     ["host_base_tls_acme_directory: 'https://acme.example.net/dir --staging' is not an https:// URL"]),
    ({'tls_acme_email': ''}, ['host_base_tls_acme_email: missing (the ACME account needs an address']),
    ({'tls_acme_email': None}, ['host_base_tls_acme_email: missing']),
    ({'tls_acme_email': 'postmaster'}, ["host_base_tls_acme_email: 'postmaster' is not a valid mail address"]),
    ({'tls_acme_ca_file': 'lab-ca.pem'}, ["host_base_tls_acme_ca_file: 'lab-ca.pem' is not an absolute path"]),
    ({'tls_names': []}, ['host_base_tls_names: missing (the public names the ACME CA validates']),
    ({'tls_names': None}, ['host_base_tls_names: missing']),
    ({'tls_names': 'mail.inpp.cd'}, ['host_base_tls_names: must be a list']),
    ({'tls_names': ['mail.inpp.cd', 'mail-hub']}, ["host_base_tls_names[1]: 'mail-hub' is not a public DNS name"]),
    ({'tls_cert_file': '/etc/ssl/inpp/host.crt', 'tls_key_file': '/etc/ssl/inpp/host.key'},
     ['host_base_tls_acme_directory: set together with a supplied certificate']),
])
def test_an_acme_certificate_needs_a_directory_an_address_and_names(change, expected):
    settings = dict(ACME, **change)
    for errors in (model.certificate_errors(settings), model.dovecot_errors(dict(DOVECOT, **settings)),
                   model.postfix_errors(dict(POSTFIX, **settings))):
        assert len(errors) == len(expected), errors
        for error, start in zip(errors, expected):
            assert error.startswith(start), errors


def test_without_acme_its_fields_are_not_checked():
    settings = dict(ACME, tls_acme_directory='', tls_acme_email='', tls_names=['mail-hub'], tls_acme_ca_file='x')
    assert model.certificate_errors(settings) == []
