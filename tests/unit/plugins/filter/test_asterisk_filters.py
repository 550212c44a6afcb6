# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import copy
import re

import pytest
from hypothesis import given, strategies as st

from ansible.errors import AnsibleFilterError
from ansible_collections.inpp.telecom.plugins.filter.asterisk import (
    FilterModule,
    asterisk_errors,
    dialplan_contexts,
    ivr_contexts,
    pjsip_sections,
    queue_dialplan,
    queue_sections,
    voicemail_boxes,
    voicemail_sections,
)
from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import (
    SectionSpec,
    apply_specs,
    parse,
)

DEPARTMENTS = [
    {'name': 'direction', 'context': 'direction', 'list': 'direction@inpp.cd'},
    {'name': 'formation', 'context': 'staff'},
    {'name': 'accueil'},
]
USERS = [
    {'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'extension': '1001', 'department': 'direction',
     'voicemail_email': True, 'sip_secret': 'S3cret-1001', 'voicemail_pin': '4821'},
    {'name': 'Grace Mbuyi', 'login': 'grace.mbuyi', 'extension': '1002', 'department': 'formation',
     'sip_secret': 'S3cret-1002', 'voicemail_pin': '7390'},
    {'name': 'Sans Poste', 'login': 'sans.poste', 'department': 'formation'},
    {'name': 'Jean, "Jo" Kabila', 'login': 'jean.kabila', 'extension': '1003', 'department': 'accueil',
     'sip_secret': 'S3cret-1003', 'voicemail': False},
]
QUEUES = [{'name': 'accueil', 'strategy': 'rrmemory', 'members': ['1001', '1002'], 'timeout': 20,
           'extension': '600'}]
IVR = [{'name': 'main', 'extension': '500', 'greeting': 'welcome',
        'options': {'1': 'queue:accueil', '2': 'ext:1001', '9': 'voicemail:1002'}}]


def _section(sections, name, stype=None):
    found = [s for s in sections if s['name'] == name and s.get('type') == stype]
    assert len(found) == 1, (name, stype, sections)
    return found[0]


def _render(sections, text=''):
    """Apply sections through the collection's own engine, as the role does."""
    doc = parse(text, 'test.conf')
    apply_specs(doc, [SectionSpec.from_dict(s) for s in sections], purge=True)
    return doc.render()


def test_filter_module_exports():
    assert set(FilterModule().filters()) == {
        'pjsip_sections', 'voicemail_boxes', 'voicemail_sections', 'dialplan_contexts', 'queue_sections',
        'queue_dialplan', 'agent_dialplan', 'ivr_contexts', 'asterisk_errors', 'call_recordings',
        'recording_dialplan', 'ring_group_dialplan'}


def test_pjsip_sections_objects_share_the_extension():
    sections = pjsip_sections(USERS, DEPARTMENTS)
    names = [(s['name'], s.get('type')) for s in sections]
    assert names[:4] == [('transport-udp', 'transport'), ('endpoint-tpl', 'endpoint'), ('auth-tpl', 'auth'),
                         ('aor-tpl', 'aor')]
    assert ('1001', 'endpoint') in names and ('1001', 'auth') in names and ('1001', 'aor') in names
    # no extension, no SIP objects
    assert all(s['name'] != 'sans.poste' for s in sections)
    endpoint = _section(sections, '1001', 'endpoint')
    assert endpoint['parents'] == ['endpoint-tpl']
    assert {'context': 'direction'} in endpoint['options']
    assert {'mailboxes': '1001@default'} in endpoint['options']
    assert {'callerid': '"Daddy Nzinga" <1001>'} in endpoint['options']
    auth = _section(sections, '1001', 'auth')
    assert {'password': 'S3cret-1001'} in auth['options'] and {'username': '1001'} in auth['options']
    assert _section(sections, '1002', 'endpoint')['options'][1] == {'context': 'staff'}


def test_pjsip_department_without_context_uses_its_name_and_no_voicemail_no_mailboxes():
    endpoint = _section(pjsip_sections(USERS, DEPARTMENTS), '1003', 'endpoint')
    assert {'context': 'accueil'} in endpoint['options']
    assert not any('mailboxes' in o for o in endpoint['options'])
    assert {'callerid': '"Jean   Jo  Kabila" <1003>'} in endpoint['options']


def test_pjsip_defaults_override_transport_and_codecs():
    sections = pjsip_sections(USERS[:1], None, {'transport_bind': '127.0.0.1:5070', 'codecs': ['alaw'],
                                                'max_contacts': 3, 'internal_context': 'interne'})
    assert {'bind': '127.0.0.1:5070'} in sections[0]['options']
    assert {'allow': ['alaw']} in sections[1]['options']
    assert {'max_contacts': 3} in sections[3]['options']
    assert {'context': 'interne'} in _section(sections, '1001', 'endpoint')['options']


def test_pjsip_missing_secret_names_the_field():
    users = copy.deepcopy(USERS)
    del users[1]['sip_secret']
    with pytest.raises(AnsibleFilterError, match=r'telecom_users\[1\]\.sip_secret: missing'):
        pjsip_sections(users, DEPARTMENTS)


def test_pjsip_renders_through_the_engine_and_purges_removed_users():
    text = _render(pjsip_sections(USERS, DEPARTMENTS))
    assert '[1001](endpoint-tpl)' in text and '[endpoint-tpl](!)' in text
    assert text.count('[1001]') == 3
    again = _render(pjsip_sections(USERS, DEPARTMENTS), text)
    assert again == text
    fewer = _render(pjsip_sections(USERS[1:], DEPARTMENTS), text)
    assert '[1001]' not in fewer and fewer.count('[1002]') == 3


def test_voicemail_boxes_and_sections():
    boxes = voicemail_boxes(USERS, 'inpp.cd')
    assert boxes == [
        {'mailbox': '1001', 'pin': '4821', 'name': 'Daddy Nzinga', 'email': 'daddy.nzinga@inpp.cd'},
        {'mailbox': '1002', 'pin': '7390', 'name': 'Grace Mbuyi', 'email': ''},
    ]
    sections = voicemail_sections(boxes, {'serveremail': 'pbx@inpp.cd', 'attach': True}, 'default')
    assert sections[0] == {'name': 'general', 'options': [{'serveremail': 'pbx@inpp.cd'}, {'attach': True}]}
    assert sections[1] == {'name': 'default', 'exclusive': True,
                           'options': [{'1001': '4821,Daddy Nzinga,daddy.nzinga@inpp.cd'},
                                       {'1002': '7390,Grace Mbuyi'}]}
    text = _render(sections, '[general]\nformat=wav49|gsm|wav\n\n[default]\n1234 => 4242,Example Mailbox,root@localhost\n')
    # spacing around => is the engine's business
    assert re.search(r'^1001 ?=> ?4821,Daddy Nzinga,daddy.nzinga@inpp.cd$', text, re.M), text
    assert '1234 => 4242' not in text and 'format=wav49|gsm|wav' in text


def test_voicemail_missing_pin_names_the_field():
    users = copy.deepcopy(USERS)
    del users[0]['voicemail_pin']
    with pytest.raises(AnsibleFilterError, match=r'asterisk_users\[0\]\.voicemail_pin'):
        voicemail_boxes(users, 'inpp.cd', 'asterisk_users')


def test_dialplan_contexts():
    sections = dialplan_contexts(USERS, DEPARTMENTS, None, QUEUES, IVR)
    assert [s['name'] for s in sections] == ['internal', 'direction', 'staff', 'accueil']
    internal = sections[0]['options']
    assert internal[:3] == [{'exten': '1001,1,Dial(PJSIP/1001,20)'}, {'same': 'n,VoiceMail(1001@default,u)'},
                            {'same': 'n,Hangup()'}]
    assert {'exten': '*98,1,Answer()'} in internal
    assert {'exten': '600,1,Goto(queue-accueil,s,1)'} in internal
    assert {'exten': '500,1,Goto(ivr-main,s,1)'} in internal
    staff = sections[2]['options']
    assert staff[0] == {'include': 'internal'}
    assert {'exten': '1002,1,Dial(PJSIP/1002,20)'} in staff
    assert {'exten': '1001,1,Dial(PJSIP/1001,20)'} not in staff
    text = _render(sections)
    assert 'exten => 1001,1,Dial(PJSIP/1001,20)' in text and 'include => internal' in text


def test_departments_sharing_a_context_get_one_context():
    deps = [{'name': 'a', 'context': 'staff'}, {'name': 'b', 'context': 'staff'}]
    users = [dict(USERS[0], department='a'), dict(USERS[1], department='b')]
    sections = dialplan_contexts(users, deps)
    assert [s['name'] for s in sections] == ['internal', 'staff']
    assert {'exten': '1001,1,Dial(PJSIP/1001,20)'} in sections[1]['options']
    assert {'exten': '1002,1,Dial(PJSIP/1002,20)'} in sections[1]['options']


def test_queue_sections_and_dialplan():
    assert queue_sections(QUEUES) == [{'name': 'accueil', 'exclusive': True, 'options': [
        {'strategy': 'rrmemory'}, {'timeout': 20}, {'member': ['PJSIP/1001', 'PJSIP/1002']}]}]
    text = _render(queue_sections(QUEUES))
    assert 'member => PJSIP/1001\nmember => PJSIP/1002' in text
    assert queue_dialplan(QUEUES)[0]['name'] == 'queue-accueil'
    fallback = queue_dialplan([dict(QUEUES[0], fallback_voicemail='1001')])[0]['options']
    assert {'same': 'n,VoiceMail(1001@default,u)'} in fallback


def test_ivr_contexts():
    sections = ivr_contexts(IVR)
    assert sections[0]['name'] == 'ivr-main'
    options = sections[0]['options']
    assert {'same': 'n,Background(welcome)'} in options
    assert {'exten': '1,1,Goto(queue-accueil,s,1)'} in options
    assert {'exten': '2,1,Goto(internal,1001,1)'} in options
    assert {'exten': '9,1,VoiceMail(1002@default,u)'} in options
    with pytest.raises(AnsibleFilterError, match=r'asterisk_ivr\[0\]: invalid'):
        ivr_contexts([{'name': 'x', 'options': {'1': 'nowhere'}}])


def test_valid_input_has_no_errors():
    assert asterisk_errors(USERS, DEPARTMENTS, QUEUES, IVR, 'inpp.cd') == []
    assert asterisk_errors(None, None, None, None) == []


def test_errors_use_the_given_users_name():
    """The rules are tested on the model; the filter passes the role's field name through."""
    users = copy.deepcopy(USERS)
    del users[0]['sip_secret']
    assert asterisk_errors(users, DEPARTMENTS, [], [], 'inpp.cd', 'asterisk_users') == [
        'asterisk_users[0].sip_secret: missing (extension 1001 needs a SIP password)']


def test_section_filters_refuse_invalid_input():
    users = copy.deepcopy(USERS)
    users[1]['voicemail_pin'] = '1002'
    with pytest.raises(AnsibleFilterError, match=r'telecom_users\[1\]\.voicemail_pin: equals the extension'):
        dialplan_contexts(users, DEPARTMENTS)
    with pytest.raises(AnsibleFilterError, match=r'asterisk_queues\[0\]: invalid'):
        queue_sections([{'name': 'general'}])
    with pytest.raises(AnsibleFilterError, match='expects the list voicemail_boxes returns'):
        voicemail_sections([{'mailbox': '1001'}])


def _pin(number):
    """A PIN the model accepts for this extension: its digits then 5, 8, 2 (never all equal or in sequence)."""
    return (str(number) + '582')[-12:]


@given(st.lists(st.integers(min_value=10, max_value=99999999), unique=True, max_size=12))
def test_any_set_of_valid_users_renders_idempotently(numbers):
    # PIN: the extension's digits reversed and doubled ("1001" -> "10011001" is not the
    # extension, a repeated digit or a sequence for any extension of two digits or more).
    users = [{'name': 'User %d' % n, 'login': 'u%d' % n, 'extension': str(n), 'department': 'formation',
              'sip_secret': 'secret-%08d' % n, 'voicemail_pin': _pin(n)} for n in numbers]
    assert asterisk_errors(users, DEPARTMENTS, [], [], 'inpp.cd') == []
    for sections in (pjsip_sections(users, DEPARTMENTS), dialplan_contexts(users, DEPARTMENTS),
                     voicemail_sections(voicemail_boxes(users, 'inpp.cd'))):
        text = _render(sections)
        assert _render(sections, text) == text
