# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routing in the directory model: trunks, numbers, business hours, outbound classes, sites."""
from __future__ import annotations

import copy
import datetime
import re

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model

USERS = [
    {'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'extension': '1001', 'department': 'direction',
     'sip_secret': 'S3cret-1001', 'voicemail_pin': '4821'},
    {'name': 'Grace Mbuyi', 'login': 'grace.mbuyi', 'extension': '1002', 'department': 'formation',
     'sip_secret': 'S3cret-1002', 'voicemail_pin': '7390'},
]
DEPARTMENTS = [{'name': 'direction', 'calls': 'international', 'language': 'fr'},
               {'name': 'formation', 'context': 'staff', 'calls': 'national'}]
QUEUES = [{'name': 'accueil', 'members': ['1001', '1002'], 'extension': '600'}]
IVR = [{'name': 'standard', 'extension': '500', 'language': 'fr', 'options': {'1': 'queue:accueil'}}]
ROUTING = {
    'trunks': [{'name': 'operator', 'host': 'sip.operator.example', 'username': 'inpp-kin',
                'secret': 'Trunk-secret-1', 'callerid': '0815550100', 'match': ['198.51.100.0/24']}],
    'numbers': [
        {'number': '0815550100', 'destination': 'ivr:standard', 'hours': 'bureau',
         'closed_message': 'custom/ferme', 'closed_destination': 'voicemail:1002', 'language': 'fr'},
        {'number': '+243815550101', 'destination': 'ext:1001'},
    ],
    'time_groups': [{'name': 'bureau', 'timezone': 'Africa/Kinshasa', 'holidays': ['2026-06-30', '2026-01-04'],
                     'open': [{'days': 'mon-fri', 'hours': '08:00-16:30'}, {'days': 'sat', 'hours': '09:00-12:00'}]}],
    'outbound': {'trunk': 'operator'},
    'sites': [{'name': 'kinshasa', 'host': 'pbx.kinshasa.inpp.cd', 'extensions': '1000-1999', 'number': '0815550100'},
              {'name': 'matadi', 'host': 'pbx.matadi.inpp.cd', 'extensions': '2000-2999', 'number': '0815550200'}],
    'site': 'kinshasa',
    'sites_secret': 'a-long-master-secret',
}


def _errors(routing=None, users=None, departments=None):
    routing = ROUTING if routing is None else routing
    return model.asterisk_errors(USERS if users is None else users,
                                 DEPARTMENTS if departments is None else departments, QUEUES, IVR, 'inpp.cd',
                                 routing=routing)


def _loaded(routing=None, users=None):
    center = model.load_call_center(USERS if users is None else users, DEPARTMENTS, QUEUES, IVR, 'inpp.cd')
    loaded = model.load_routing(center, dict(ROUTING if routing is None else routing, departments=DEPARTMENTS))
    assert loaded.errors == []
    return center, loaded


def _mutated(mutate):
    routing = copy.deepcopy(ROUTING)
    mutate(routing)
    return routing


def test_the_sample_routing_is_valid():
    assert _errors() == []


def test_no_routing_is_valid_and_changes_nothing():
    assert _errors(routing={}) == []
    center = model.load_call_center(USERS, DEPARTMENTS, QUEUES, IVR, 'inpp.cd')
    sections = model.dialplan_contexts(center)
    assert model.routing_contexts(center, model.load_routing(center, {}), sections) == sections


@pytest.mark.parametrize('mutate, expected', [
    # a number mapped to nothing, or to something that does not exist
    (lambda r: r['numbers'][1].pop('destination'), 'telecom_numbers[1].destination: missing: a number must lead'),
    (lambda r: r['numbers'][1].update(destination='queue:ventes'), "telecom_numbers[1].destination: unknown queue 'ventes'"),
    (lambda r: r['numbers'][1].update(destination='sip:1001'), "telecom_numbers[1].destination: 'sip:1001' must be ivr:NAME"),
    (lambda r: r['numbers'][1].update(number=815550101), 'telecom_numbers[1].number: is the number 815550101 in YAML'),
    (lambda r: r['numbers'][1].update(number='0815550100'), "telecom_numbers[1].number: duplicate '0815550100'"),
    (lambda r: r['numbers'][0].update(hours='nuit'), "telecom_numbers[0].hours: 'nuit' is not a time group"),
    (lambda r: r['numbers'][0].pop('closed_destination'), 'telecom_numbers[0].closed_destination: missing'),
    (lambda r: r['numbers'][1].update(closed_destination='ext:1001'),
     'telecom_numbers[1].closed_destination: set without hours'),
    (lambda r: r['numbers'][0].update(closed_message='/etc/passwd'), "telecom_numbers[0].closed_message: '/etc/passwd' is not a sound"),
    (lambda r: r['numbers'][0].update(language='French'), "telecom_numbers[0].language: 'French' is not a language code"),
    (lambda r: r.update(trunks=[]), 'telecom_numbers: numbers are set but telecom_trunks is empty'),
    # a trunk without credentials when it registers
    (lambda r: r['trunks'][0].pop('secret'), 'telecom_trunks[0].secret: missing (the trunk registers'),
    (lambda r: r['trunks'][0].pop('username'), 'telecom_trunks[0].username: missing (the trunk registers'),
    (lambda r: r['trunks'][0].update(register='yes'), "telecom_trunks[0].register: must be true or false"),
    (lambda r: r['trunks'][0].update(host='sip operator'), "telecom_trunks[0].host: 'sip operator' is not host"),
    (lambda r: r['trunks'][0].pop('host'), 'telecom_trunks[0].host: missing'),
    (lambda r: r['trunks'][0].update(match=['10.0.0.1; deny']), "telecom_trunks[0].match[0]: '10.0.0.1; deny' is not"),
    (lambda r: r['trunks'][0].update(codecs=['g729 ']), "telecom_trunks[0].codecs[0]: 'g729 ' is not a codec"),
    (lambda r: r['trunks'][0].update(secret='two words'), 'telecom_trunks[0].secret: must be text without spaces'),
    (lambda r: r['trunks'][0].update(callerid='INPP'), "telecom_trunks[0].callerid: 'INPP' must be a phone number"),
    (lambda r: r['trunks'].append(dict(r['trunks'][0])), "telecom_trunks[1].name: duplicate 'operator'"),
    # time groups: impossible hours, days, dates
    (lambda r: r['time_groups'][0]['open'][0].update(hours='08:00-25:00'),
     "telecom_time_groups[0].open[0].hours: '08:00-25:00': 25:00 is not an hour of the day"),
    (lambda r: r['time_groups'][0]['open'][0].update(hours='08:60-12:00'),
     "telecom_time_groups[0].open[0].hours: '08:60-12:00': 08:60 is not an hour of the day"),
    (lambda r: r['time_groups'][0]['open'][0].update(hours='17:00-08:00'),
     'telecom_time_groups[0].open[0].hours: \'17:00-08:00\': the opening hour must come before'),
    (lambda r: r['time_groups'][0]['open'][0].update(hours='8h-16h'), "telecom_time_groups[0].open[0].hours: '8h-16h' must be HH:MM-HH:MM"),
    (lambda r: r['time_groups'][0]['open'][1].update(days='samedi'), "telecom_time_groups[0].open[1].days: 'samedi' must be a day"),
    (lambda r: r['time_groups'][0].update(holidays=['2026-02-30']), "telecom_time_groups[0].holidays[0]: '2026-02-30' is not a date"),
    (lambda r: r['time_groups'][0].update(holidays=[datetime.date(2026, 6, 30)]),
     "telecom_time_groups[0].holidays[0]: '2026-06-30' is a YAML date: quote it"),
    (lambda r: r['time_groups'][0].update(open=[]), 'telecom_time_groups[0].open: must list the opening periods'),
    (lambda r: r['time_groups'][0].update(timezone='Africa Kinshasa'), "telecom_time_groups[0].timezone: 'Africa Kinshasa' is not"),
    # outbound routes
    (lambda r: r['outbound'].update(trunk='airtel'), "telecom_outbound.trunk: 'airtel' is not one of telecom_trunks"),
    (lambda r: r['outbound'].pop('trunk'), 'telecom_outbound.trunk: missing'),
    (lambda r: r['outbound'].update(prefix=9), "telecom_outbound.prefix: '9' must be 0 to 3 digits, quoted"),
    (lambda r: r['outbound'].update(default_class='world'), "telecom_outbound.default_class: 'world' is not one of"),
    (lambda r: r['outbound'].update(classes={'mobile': ['8XXXXXXXX']}), "telecom_outbound.classes: 'mobile' is not one of"),
    (lambda r: r['outbound'].update(classes={'local': ['1234;']}), "telecom_outbound.classes.local[0]: '1234;' is not a dial pattern"),
    (lambda r: r['outbound'].update(emergency=['1001']), "telecom_outbound.emergency: '1001' is also telecom_users[0].extension"),
    (lambda r: r['outbound'].update(max_calls=0), "telecom_outbound.max_calls: '0' must be a positive number"),
    # sites
    (lambda r: r['sites'][1].update(extensions='1500-2500'),
     "telecom_sites[1].extensions: '1500-2500' overlaps telecom_sites[0].extensions '1000-1999'"),
    (lambda r: r['sites'][1].update(extensions='2000-299'), "telecom_sites[1].extensions: '2000-299' must be a range"),
    (lambda r: r['sites'][1].update(extensions='2999-2000'), "telecom_sites[1].extensions: '2999-2000' must be a range"),
    (lambda r: r['sites'][1].update(name='kinshasa'), "telecom_sites[1].name: duplicate 'kinshasa'"),
    (lambda r: r['sites'][1].pop('host'), 'telecom_sites[1].host: missing'),
    (lambda r: r.update(site='bandundu'), "telecom_site: 'bandundu' is not one of telecom_sites"),
    (lambda r: r.update(sites_secret='short'), 'telecom_sites_secret: must be a string of at least 16 characters'),
    (lambda r: r['sites'][1].update(extensions='1000-1099'),
     "telecom_users[0].extension: '1001' is in the range of site 'matadi'"),
    (lambda r: r.update(sites=[]), "telecom_site: 'kinshasa' is set but telecom_sites is empty"),
])
def test_each_rule_names_its_field(mutate, expected):
    errors = _errors(_mutated(mutate))
    assert any(e.startswith(expected) for e in errors), errors


@pytest.mark.parametrize('calls, expected', [
    ('world', "telecom_departments[1].calls: 'world' is not a permission class (internal, local, national, international)"),
    (None, "telecom_departments[1].calls: 'None' is not a permission class"),
])
def test_an_unknown_permission_class_is_refused(calls, expected):
    departments = copy.deepcopy(DEPARTMENTS)
    departments[1]['calls'] = calls
    errors = _errors(departments=departments)
    assert any(e.startswith(expected) for e in errors), errors


def test_department_and_ivr_languages_are_checked():
    departments = copy.deepcopy(DEPARTMENTS)
    departments[0]['language'] = 'français'
    assert "telecom_departments[0].language: 'fran\\xe7ais' is not a language code such as fr or en" in _errors(
        departments=departments)


IVR_HOURS = {'hours': 'bureau', 'closed_message': 'custom/ferme', 'closed_destination': 'voicemail:1001'}


def _ivr_errors(change, routing=None, with_routing=True):
    menus = copy.deepcopy(IVR) + [{'name': 'soir', 'options': {'1': 'ext:1001'}}]
    menus[0].update(IVR_HOURS)
    change(menus[0])
    return model.asterisk_errors(USERS, DEPARTMENTS, QUEUES, menus, 'inpp.cd',
                                 routing=(ROUTING if routing is None else routing) if with_routing else None)


def test_ivr_business_hours_are_valid():
    assert _ivr_errors(lambda m: None) == []


@pytest.mark.parametrize('change, expected', [
    (lambda m: m.update(hours='nuit'), "asterisk_ivr[0].hours: 'nuit' is not a time group of telecom_time_groups"),
    (lambda m: m.update(hours=['bureau']), "asterisk_ivr[0].hours: '['bureau']' must be the name of a time group"),
    (lambda m: m.pop('closed_destination'), "asterisk_ivr[0].closed_destination: missing (where calls go when 'bureau'"),
    (lambda m: m.update(closed_destination='queue:ventes'), "asterisk_ivr[0].closed_destination: unknown queue 'ventes'"),
    (lambda m: m.update(closed_destination='voicemail:1999'),
     "asterisk_ivr[0].closed_destination: unknown voicemail box '1999'"),
    (lambda m: m.update(closed_destination='sip:1001'), "asterisk_ivr[0].closed_destination: 'sip:1001' must be"),
    (lambda m: m.update(closed_destination='ivr:standard'),
     "asterisk_ivr[0].closed_destination: 'ivr:standard' is the menu itself"),
    (lambda m: m.update(closed_message='../ferme'), "asterisk_ivr[0].closed_message: '../ferme' is not a sound"),
    (lambda m: m.pop('hours'), 'asterisk_ivr[0].closed_destination: set without hours (a time group)'),
    (lambda m: (m.pop('hours'), m.pop('closed_destination')), 'asterisk_ivr[0].closed_message: set without hours'),
])
def test_ivr_business_hours_rules_name_their_field(change, expected):
    errors = _ivr_errors(change)
    assert any(e.startswith(expected) for e in errors), errors


def test_ivr_hours_need_the_time_group_of_the_routing():
    assert _ivr_errors(lambda m: None, routing={'time_groups': []}) == [
        "asterisk_ivr[0].hours: 'bureau' is not a time group of telecom_time_groups"]
    assert _ivr_errors(lambda m: None, with_routing=False) == [
        "asterisk_ivr[0].hours: 'bureau' is not a time group of telecom_time_groups"]
    # another menu is a valid closed destination
    assert _ivr_errors(lambda m: m.update(closed_destination='ivr:soir')) == []


def test_ivr_business_hours_in_the_dialplan():
    menus = copy.deepcopy(IVR)
    menus[0].update(IVR_HOURS)
    center = model.load_call_center(USERS, DEPARTMENTS, QUEUES, menus, 'inpp.cd')
    loaded = model.load_routing(center, dict(ROUTING, departments=DEPARTMENTS))
    assert loaded.errors == []
    contexts = model.routing_contexts(center, loaded, model.dialplan_contexts(center) + model.ivr_contexts(center))
    menu = _context(contexts, 'ivr-standard')
    check = menu.index(('same', 'n,Gosub(tg-bureau,s,1)'))
    assert menu[check - 1] == ('same', 'n,Set(CHANNEL(language)=fr)')  # the closed message in the menu's language
    assert menu[check + 1:check + 7] == [
        ('same', 'n,GotoIf($[${TG_OPEN}]?open)'),
        ('same', 'n,NoOp(IVR standard closed by time group bureau)'),
        ('same', 'n,Playback(custom/ferme)'),
        ('same', 'n,VoiceMail(1001@default,u)'),
        ('same', 'n,Hangup()'),
        ('same', 'n(open),Set(TIMEOUT(digit)=3)'),
    ]
    assert menu[check + 7:check + 10] == [
        ('same', 'n,Background(vm-enter-num-to-call)'),
        ('same', 'n,WaitExten(5)'),
        ('exten', '1,1,Goto(queue-accueil,s,1)'),
    ]
    assert _context(contexts, 'tg-bureau')  # the subroutine the menu calls is generated
    # a menu without hours is unchanged
    plain = _context(model.ivr_contexts(model.load_call_center(USERS, DEPARTMENTS, QUEUES, IVR, 'inpp.cd')),
                     'ivr-standard')
    assert not [v for _k, v in plain if 'tg-' in v or 'TG_OPEN' in v]


def test_secrets_are_never_quoted():
    routing = _mutated(lambda r: r['trunks'][0].update(secret='has a space'))
    assert not any('has a space' in e for e in _errors(routing))


# --------------------------------------------------------------------------- derived sections

def _by(sections, name, kind=None):
    found = [s for s in sections if s['name'] == name and s.get('type') == kind]
    assert len(found) == 1, [(s['name'], s.get('type')) for s in sections]
    return {k: v for option in found[0]['options'] for k, v in option.items()}


def test_trunk_objects_register_authenticate_and_identify_the_provider():
    center, loaded = _loaded()
    sections = model.trunk_sections(center, loaded)
    endpoint = _by(sections, 'trunk-operator', 'endpoint')
    assert endpoint['context'] == 'from-trunks'
    assert endpoint['outbound_auth'] == 'trunk-operator' and 'auth' not in endpoint
    assert endpoint['allow'] == ['alaw', 'ulaw'] and endpoint['callerid'] == '<0815550100>'
    assert _by(sections, 'trunk-operator', 'auth')['password'] == 'Trunk-secret-1'
    assert _by(sections, 'trunk-operator', 'identify')['match'] == ['198.51.100.0/24']
    registration = _by(sections, 'trunk-operator', 'registration')
    assert registration['client_uri'] == 'sip:inpp-kin@sip.operator.example:5060'
    assert registration['server_uri'] == 'sip:sip.operator.example:5060'


def test_a_trunk_that_does_not_register_needs_no_credentials():
    routing = _mutated(lambda r: r['trunks'][0].update(register=False, username=None, secret=None))
    center, loaded = _loaded(routing)
    sections = model.trunk_sections(center, loaded)
    assert {s.get('type') for s in sections if s['name'] == 'trunk-operator'} == {'endpoint', 'aor', 'identify'}
    assert 'outbound_auth' not in _by(sections, 'trunk-operator', 'endpoint')


def test_both_sites_derive_the_same_pair_secret_and_authenticate_each_other():
    kin_center, kin = _loaded()
    matadi_users = [dict(u, extension=str(int(u['extension']) + 1000)) for u in USERS]
    mat_center, mat = _loaded(_mutated(lambda r: r.update(site='matadi', numbers=[])), matadi_users)
    kin_sections = model.trunk_sections(kin_center, kin)
    mat_sections = model.trunk_sections(mat_center, mat)
    # Kinshasa presents itself to Matadi as 'kinshasa', which Matadi expects, with the same password.
    out = _by(kin_sections, 'site-matadi-out', 'auth')
    expected = _by(mat_sections, 'site-kinshasa-in', 'auth')
    assert out['username'] == expected['username'] == 'kinshasa'
    assert out['password'] == expected['password'] == model.site_secret('a-long-master-secret', 'matadi', 'kinshasa')
    assert 'a-long-master-secret' not in out['password']
    endpoint = _by(kin_sections, 'site-matadi', 'endpoint')
    assert endpoint['auth'] == 'site-matadi-in' and endpoint['context'] == 'from-sites'
    assert _by(kin_sections, 'site-matadi', 'identify')['match'] == 'pbx.matadi.inpp.cd'
    assert not [s for s in kin_sections if s['name'] == 'site-kinshasa']


def test_a_new_site_is_one_entry():
    routing = _mutated(lambda r: r['sites'].append({'name': 'kikwit', 'host': 'pbx.kikwit.inpp.cd',
                                                    'extensions': '3000-3499'}))
    center, loaded = _loaded(routing)
    assert _by(model.trunk_sections(center, loaded), 'site-kikwit', 'endpoint')
    to_sites = _by(model.routing_contexts(center, loaded, []), 'to-sites')
    contexts = model.routing_contexts(center, loaded, [])
    options = next(s for s in contexts if s['name'] == 'to-sites')['options']
    assert {'exten': '_3[0-4]XX,1,Dial(PJSIP/${EXTEN}@site-kikwit,20)'} in options
    assert to_sites


def _context(sections, name):
    return [next(iter(o.items())) for s in sections if s['name'] == name for o in s['options']]


def test_numbers_hours_and_languages_in_the_dialplan():
    center, loaded = _loaded()
    contexts = model.routing_contexts(center, loaded, model.dialplan_contexts(center) + model.ivr_contexts(center))
    inbound = _context(contexts, 'from-trunks')
    assert ('exten', '0815550100,1,NoOp(INPP number 0815550100)') in inbound
    assert ('same', 'n,Set(CHANNEL(language)=fr)') in inbound
    assert ('same', 'n,Gosub(tg-bureau,s,1)') in inbound
    assert ('same', 'n,Playback(custom/ferme)') in inbound
    assert ('same', 'n,VoiceMail(1002@default,u)') in inbound
    assert ('same', 'n(open),Goto(ivr-standard,s,1)') in inbound
    assert ('same', 'n,Goto(internal,1001,1)') in inbound
    assert ('exten', '_X.,1,Hangup(1)') in inbound
    hours = _context(contexts, 'tg-bureau')
    assert ('same', 'n,GotoIf($["${TG_TODAY}" = "2026-06-30"]?done)') in hours
    assert ('same', 'n,GotoIfTime(09:00-12:00,sat,*,*,Africa/Kinshasa?open)') in hours
    assert ('same', 'n,GotoIf($["${DB(timegroup/bureau)}" = "closed"]?done)') in hours
    assert ('same', 'n,Set(CHANNEL(language)=fr)') in _context(contexts, 'ivr-standard')


def test_endpoint_language_comes_from_the_department():
    center, _loaded_routing = _loaded()
    sections = model.pjsip_sections(center)
    assert _by(sections, '1001', 'endpoint')['language'] == 'fr'
    assert 'language' not in _by(sections, '1002', 'endpoint')


def test_outbound_classes_emergency_caller_id_and_limit():
    center, loaded = _loaded()
    contexts = model.routing_contexts(center, loaded, model.dialplan_contexts(center))
    assert ('include', 'outbound-international') in _context(contexts, 'direction')
    assert ('include', 'outbound-national') in _context(contexts, 'staff')
    assert ('include', 'outbound-national') not in _context(contexts, 'internal')
    national = _context(contexts, 'outbound-national')
    assert ('exten', '_00ZXXXXXXXX,1,Gosub(outbound-dial,s,1(${EXTEN:1},0))') in national
    refused = national.index(('exten', '_000Z.,1,Log(NOTICE,INPP outbound refused: endpoint ${CHANNEL(endpoint)} '
                                       'of class national may not dial ${EXTEN})'))
    assert national[refused + 1] == ('same', 'n,Hangup(21)')
    assert ('exten', '_000Z.,1,Gosub(outbound-dial,s,1(${EXTEN:1},0))') in _context(contexts, 'outbound-international')
    internal = _context(contexts, 'outbound-internal')
    # emergency numbers always, with or without the prefix, and never limited
    for dialed in ('112', '0112', '118'):
        assert any(k == 'exten' and v.startswith(dialed + ',1,Gosub(outbound-dial,s,1(') and v.endswith(',1))')
                   for k, v in internal), internal
    assert ('exten', '_00ZXXXXXXXX,1,Log(NOTICE,INPP outbound refused: endpoint ${CHANNEL(endpoint)} '
                     'of class internal may not dial ${EXTEN})') in internal
    assert ('include', 'to-sites') in internal
    dial = _context(contexts, 'outbound-dial')
    assert ('same', 'n(dial),Set(CALLERID(num)=0815550100)') in dial  # the site's number
    assert ('same', 'n,GotoIf($[${GROUP_COUNT(${CHANNEL(endpoint)}@outbound)} > 2]?busy)') in dial
    assert ('same', 'n,Dial(PJSIP/${ARG1}@trunk-operator,60)') in dial


def test_departments_sharing_a_context_get_the_narrowest_class():
    departments = DEPARTMENTS + [{'name': 'stagiaires', 'context': 'staff', 'calls': 'internal'}]
    center = model.load_call_center(USERS, departments, QUEUES, IVR, 'inpp.cd')
    loaded = model.load_routing(center, dict(ROUTING, departments=departments))
    assert loaded.classes['staff'] == 'internal'


def test_without_a_site_number_the_trunk_caller_id_is_presented():
    routing = _mutated(lambda r: (r.update(sites=[], site='')))
    center, loaded = _loaded(routing)
    dial = _context(model.routing_contexts(center, loaded, []), 'outbound-dial')
    assert ('same', 'n(dial),Set(CALLERID(num)=0815550100)') in dial
    assert _context(model.routing_contexts(center, loaded, []), 'to-sites') == []


# --------------------------------------------------------------------------- extension ranges

def _matches(pattern, ext):
    if not pattern.startswith('_'):
        return pattern == ext
    regex = ''.join({'X': '[0-9]', 'Z': '[1-9]', 'N': '[2-9]'}.get(c, c) for c in pattern[1:])
    return re.fullmatch(regex, ext) is not None


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=4).flatmap(
    lambda width: st.tuples(st.just(width), st.integers(0, 10 ** width - 1), st.integers(0, 10 ** width - 1))))
def test_range_patterns_match_exactly_the_range(case):
    width, a, b = case
    low, high = min(a, b), max(a, b)
    patterns = model.range_patterns(str(low).zfill(width), str(high).zfill(width))
    for value in range(10 ** width):
        ext = str(value).zfill(width)
        assert any(_matches(p, ext) for p in patterns) == (low <= value <= high), (patterns, ext)


def test_range_patterns_are_compact():
    assert model.range_patterns('1000', '1999') == ['_1XXX']
    assert model.range_patterns('2000', '2999') == ['_2XXX']
    assert model.range_patterns('10', '29') == ['_[1-2]X']


def test_each_site_serves_the_users_of_its_range():
    users = USERS + [{'name': 'Jean Kabila', 'login': 'jean.kabila', 'extension': '2001'},
                     {'name': 'Sans Poste', 'login': 'sans.poste'}]
    assert [u['login'] for u in model.site_users(users, ROUTING['sites'], 'matadi')] == ['jean.kabila']
    kinshasa = model.site_users(users, ROUTING['sites'], 'kinshasa')
    assert [u['login'] for u in kinshasa] == ['daddy.nzinga', 'grace.mbuyi']
    assert model.site_users(users, [], '') == users
    assert model.site_users(users, ROUTING['sites'], 'bandundu') == users
    assert model.site_users(None, ROUTING['sites'], 'matadi') == []


def test_time_group_name_that_is_no_text_is_reported_not_raised():
    """A time group named by a list (unhashable) once made the numbers' check raise TypeError."""
    routing = _mutated(lambda r: r['time_groups'].append({'name': ['x'], 'open': [{'hours': '08:00-12:00'}]}))
    errors = _errors(routing)
    assert "telecom_time_groups[1].name: '['x']' must be letters, digits, _ or -" in errors


def test_trunk_name_that_is_no_text_is_reported_not_raised():
    """A trunk named by a list once made the outbound check raise TypeError (unhashable)."""
    routing = _mutated(lambda r: r['trunks'].append({'name': ['x'], 'host': 'sip.other.example', 'register': False}))
    assert "telecom_trunks[1].name: '['x']' must be letters, digits, _ or -" in _errors(routing)


def test_queue_name_that_is_no_text_is_reported_not_raised():
    """A queue named by a mapping once made every queue:NAME reference check raise TypeError."""
    errors = model.asterisk_errors(USERS, DEPARTMENTS, QUEUES + [{'name': {'a': 1}, 'members': ['1001']}], IVR,
                                   'inpp.cd', routing=ROUTING)
    assert "asterisk_queues[1].name: '{'a': 1}' must be letters, digits, _ or -" in errors
