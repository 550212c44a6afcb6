# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9's rest in the directory model: queue and department recording, ring groups, feature codes against
numbers."""

from __future__ import annotations

import pathlib

import pytest
import yaml

from ansible.errors import AnsibleFilterError
from ansible_collections.inpp.telecom.plugins.filter import asterisk as filters
from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model
from ansible_collections.inpp.telecom.tests.unit.plugins.module_utils.callcenter_input import (
    CODES, IVR, USERS, errors, load)

QUEUE = {'name': 'accueil', 'extension': '600', 'agents': ['1001', '1002'],
         'record': {'retention_days': 90, 'announcement': 'custom/enregistrement'}}
GROUP = {'name': 'secretariat', 'extension': '610', 'members': ['1001', '1002'], 'strategy': 'linear',
         'timeout': 12, 'destination': 'voicemail:1002'}


def test_good_input_has_no_error():
    assert errors([QUEUE], groups=[GROUP, {'name': 'accueil2', 'extension': '611', 'members': ['1001']}]) == []


# ---- recording

BAD_RECORD = [
    ({'retention_days': 0}, "asterisk_queues[0].record.retention_days: '0' must be a whole number of days above 0"),
    ({'retention_days': -5}, "asterisk_queues[0].record.retention_days: '-5' must be a whole number of days above 0"),
    ({'retention_days': 'forever'},
     "asterisk_queues[0].record.retention_days: 'forever' must be a whole number of days above 0"),
    ({'retention_days': True}, "asterisk_queues[0].record.retention_days: 'True' must be a whole number of days above 0"),
    ({}, 'asterisk_queues[0].record.retention_days: missing (how many days recordings are kept)'),
    ({'retention_days': 30, 'announcement': '../etc/passwd'},
     "asterisk_queues[0].record.announcement: '../etc/passwd' is not a sound name"),
    ({'retention_days': 30, 'keep': 'yes'},
     'asterisk_queues[0].record.keep: not a recording option (retention_days, announcement)'),
    (True, 'asterisk_queues[0].record: must be a mapping {retention_days, announcement} (or false)'),
]


@pytest.mark.parametrize('record, message', BAD_RECORD, ids=[str(i) for i in range(len(BAD_RECORD))])
def test_bad_recording_is_named(record, message):
    found = errors([dict(QUEUE, record=record)])
    if '.announcement:' in message:  # sound_error's own wording follows the field
        assert len(found) == 1 and found[0].startswith('asterisk_queues[0].record.announcement: '), found
    else:
        assert found == [message]


def test_bad_recording_leaves_the_queue_out():
    directory = load([dict(QUEUE, record={'retention_days': 0})])
    assert model.queue_sections(directory) == [] and model.recordings(directory) == []
    assert model.recording_dialplan(directory) == []


@pytest.mark.parametrize('record', [None, False])
def test_no_recording(record):
    directory = load([dict(QUEUE, record=record)])
    assert model.recordings(directory) == [] and model.recording_dialplan(directory) == []
    options = [o for s in model.queue_sections(directory) for o in s['options']]
    assert not [o for o in options if 'membergosub' in o]
    assert not [o for s in model.queue_dialplan(directory) for o in s['options'] if 'RECORD' in str(o)]


def test_recorded_queue_derivations():
    directory = load([QUEUE])
    assert model.recordings(directory) == [{'name': 'accueil', 'kind': 'queue',
                                            'path': '/var/spool/asterisk/recordings/accueil',
                                            'retention_days': 90, 'announcement': 'custom/enregistrement',
                                            'retention_command': model.retention_command(
                                                model.recordings(directory)[0])}]
    queue = [s for s in model.queue_sections(directory) if s['name'] == 'accueil'][0]
    assert {'membergosub': 'record-queue-accueil'} in queue['options']
    assert model.queue_dialplan(directory)[0]['options'][:4] == [
        {'exten': 's,1,Answer()'},
        {'same': 'n,Set(__RECORD_CALLER=${FILTER(0-9,${CALLERID(num)})})'},
        {'same': 'n,Playback(custom/enregistrement)'},
        {'same': 'n,Queue(accueil)'},
    ]
    assert model.recording_dialplan(directory) == [{'name': 'record-queue-accueil', 'exclusive': True, 'options': [
        {'exten': 's,1,Set(RECORDING=/var/spool/asterisk/recordings/accueil/${STRFTIME(${EPOCH},,%Y%m%d-%H%M%S)}'
                  '_accueil_${RECORD_CALLER}_${CHANNEL(endpoint)}.wav)'},
        {'same': 'n,MixMonitor(${RECORDING},b)'},
        {'same': 'n,Return()'},
    ]}]


def test_recording_without_announcement_plays_nothing():
    directory = load([dict(QUEUE, record={'retention_days': '7'})])
    assert not [o for o in model.queue_dialplan(directory)[0]['options'] if 'Playback' in str(o)]
    assert model.recordings(directory)[0]['retention_days'] == 7


def test_retention_command_is_whole_days_of_minutes():
    record = model.recordings(load([QUEUE]))[0]
    assert model.retention_command(record) == ['/usr/bin/find', '/var/spool/asterisk/recordings/accueil', '-type', 'f',
                                               '-name', '*.wav', '-mmin', '+129600', '-delete']


def test_recording_filters():
    assert filters.call_recordings([QUEUE])[0]['name'] == 'accueil'
    assert filters.recording_dialplan([QUEUE])[0]['name'] == 'record-queue-accueil'
    with pytest.raises(AnsibleFilterError, match=r'asterisk_queues\[0\]: invalid'):
        filters.call_recordings([dict(QUEUE, record={'retention_days': 0})])
    with pytest.raises(AnsibleFilterError, match=r'asterisk_queues\[0\]: invalid'):
        filters.recording_dialplan([dict(QUEUE, record={'retention_days': 0})])


# ---- department recording: the calls a department's phones answer

DEPARTMENTS = [{'name': 'direction', 'record': {'retention_days': 30}},
               {'name': 'formation', 'context': 'stagiaires'}]
STAFF = [dict(USERS[0], department='direction'), dict(USERS[1], department='formation')]


def _load_departments(departments):
    return model.load_call_center(STAFF, departments, [QUEUE], IVR, 'inpp.cd', 'telecom_users', CODES)


def _stations(directory, context, extension):
    section = [s for s in model.dialplan_contexts(directory, CODES) if s['name'] == context][0]
    lines, inside = [], False
    for option in section['options']:
        if 'exten' in option:
            inside = option['exten'].startswith(extension + ',')
        if inside:
            lines.append(option)
    return lines


def test_recorded_department_derivations():
    directory = _load_departments(DEPARTMENTS)
    assert model.asterisk_errors(STAFF, DEPARTMENTS, [QUEUE], IVR, 'inpp.cd', 'telecom_users', CODES) == []
    records = model.recordings(directory)
    assert [(r['kind'], r['name'], r['path'], r['retention_days']) for r in records] == [
        ('queue', 'accueil', '/var/spool/asterisk/recordings/accueil', 90),
        ('department', 'direction', '/var/spool/asterisk/recordings/departments/direction', 30)]
    assert records[1]['retention_command'][:2] == ['/usr/bin/find',
                                                   '/var/spool/asterisk/recordings/departments/direction']
    subroutine = model.recording_dialplan(directory)[1]
    assert subroutine['name'] == 'record-department-direction'
    assert subroutine['options'][0] == {
        'exten': 's,1,Set(RECORDING=/var/spool/asterisk/recordings/departments/direction/'
                 '${STRFTIME(${EPOCH},,%Y%m%d-%H%M%S)}_direction_${RECORD_CALLER}_${CHANNEL(endpoint)}.wav)'}
    recorded = [
        {'exten': '1001,1,Set(__RECORD_CALLER=${FILTER(0-9,${CALLERID(num)})})'},
        {'same': 'n,Dial(PJSIP/1001,20,U(record-department-direction))'},
        {'same': 'n,VoiceMail(1001@default,u)'},
        {'same': 'n,Hangup()'},
    ]
    # The same station wherever the phone is dialled from: the internal context and its department's.
    assert _stations(directory, 'internal', '1001') == recorded
    assert _stations(directory, 'direction', '1001') == recorded
    # A phone of a department without record is dialled as before.
    assert _stations(directory, 'stagiaires', '1002') == [
        {'exten': '1002,1,Dial(PJSIP/1002,20)'}, {'same': 'n,VoiceMail(1002@default,u)'}, {'same': 'n,Hangup()'}]


def test_department_announcement_is_played_before_the_phone_rings():
    departments = [dict(DEPARTMENTS[0], record={'retention_days': 30, 'announcement': 'custom/enregistrement'}),
                   DEPARTMENTS[1]]
    lines = _stations(_load_departments(departments), 'internal', '1001')
    assert lines[1:4] == [{'same': 'n,Answer()'}, {'same': 'n,Playback(custom/enregistrement)'},
                          {'same': 'n,Dial(PJSIP/1001,20,U(record-department-direction))'}]
    # Without an announcement the PBX does not answer: the phone does.
    assert not [line for line in _stations(_load_departments(DEPARTMENTS), 'internal', '1001')
                if 'Answer' in str(line) or 'Playback' in str(line)]


@pytest.mark.parametrize('record, message', BAD_RECORD, ids=[str(i) for i in range(len(BAD_RECORD))])
def test_bad_department_recording_is_named(record, message):
    departments = [dict(DEPARTMENTS[0], record=record), DEPARTMENTS[1]]
    found = model.asterisk_errors(STAFF, departments, [QUEUE], IVR, 'inpp.cd', 'telecom_users', CODES)
    expected = message.replace('asterisk_queues[0]', 'telecom_departments[0]')
    if '.announcement:' in message:
        assert len(found) == 1 and found[0].startswith('telecom_departments[0].record.announcement: '), found
    else:
        assert found == [expected]
    # The dialplan filter refuses it (naming the field) rather than dial the phone unrecorded.
    with pytest.raises(AnsibleFilterError, match=r'telecom_departments\[0\]\.record'):
        filters.dialplan_contexts(STAFF, departments, CODES, [QUEUE], IVR)
    with pytest.raises(AnsibleFilterError, match=r'telecom_departments\[0\]\.record'):
        filters.call_recordings([QUEUE], departments)


def test_a_recorded_queue_cannot_take_the_departments_folder():
    queue = dict(QUEUE, name='departments')
    found = model.asterisk_errors(STAFF, DEPARTMENTS, [queue], [], 'inpp.cd', 'telecom_users', CODES)
    assert "asterisk_queues[0].name: a recorded queue cannot be named 'departments' (the folder of the " \
           "departments' recordings)" in found, found
    # Not recorded, the name is free.
    assert model.asterisk_errors(STAFF, DEPARTMENTS, [dict(queue, record=None)], [], 'inpp.cd', 'telecom_users',
                                 CODES) == []


def test_department_recording_filters():
    assert [r['name'] for r in filters.call_recordings([QUEUE], DEPARTMENTS)] == ['accueil', 'direction']
    assert [s['name'] for s in filters.recording_dialplan([QUEUE], DEPARTMENTS)] == [
        'record-queue-accueil', 'record-department-direction']
    # Without departments, the queues alone (as before).
    assert [s['name'] for s in filters.recording_dialplan([QUEUE])] == ['record-queue-accueil']


# ---- ring groups

BAD_GROUP = [
    ({'members': ['1009']}, "asterisk_ring_groups[0].members[0]: '1009' is not the extension of any user"),
    ({'members': [1001]}, "asterisk_ring_groups[0].members[0]: '1001' is not the extension of any user (quote it)"),
    ({'members': ['1001', '1001']},
     "asterisk_ring_groups[0].members[1]: duplicate '1001' (already asterisk_ring_groups[0].members[0])"),
    ({'members': []}, 'asterisk_ring_groups[0].members: must be a list of at least one extension'),
    ({'members': '1001'}, 'asterisk_ring_groups[0].members: must be a list of at least one extension'),
    ({'strategy': 'rrmemory'}, "asterisk_ring_groups[0].strategy: 'rrmemory' is not one of ringall, linear"),
    ({'timeout': 0}, "asterisk_ring_groups[0].timeout: '0' must be a number of seconds above 0"),
    ({'destination': 'queue:nowhere'}, "asterisk_ring_groups[0].destination: unknown queue 'nowhere'"),
    ({'destination': 'hangup'}, "asterisk_ring_groups[0].destination: 'hangup' must be queue:NAME, ext:EXT, "
                                'voicemail:EXT or ivr:NAME'),
    ({'extension': None}, 'asterisk_ring_groups[0].extension: missing (a ring group is reached by its number)'),
    ({'extension': '1001'}, "asterisk_ring_groups[0].extension: '1001' already used by telecom_users[0].extension"),
    ({'extension': '600'}, "asterisk_ring_groups[0].extension: '600' already used by asterisk_queues[0].extension"),
    ({'name': 'bad name'}, "asterisk_ring_groups[0].name: 'bad name' must be letters, digits, _ or -"),
    ({'ring': 'all'}, 'asterisk_ring_groups[0].ring: not a ring group option (name, extension, members, strategy, '
                      'timeout, destination)'),
]


@pytest.mark.parametrize('change, message', BAD_GROUP, ids=[str(i) for i in range(len(BAD_GROUP))])
def test_bad_ring_group_is_named(change, message):
    found = errors([QUEUE], groups=[dict(GROUP, **change)])
    if change.get('name') == 'bad name':
        assert len(found) == 1 and found[0].startswith('asterisk_ring_groups[0].name: '), found
    else:
        assert found == [message]


def test_ring_group_duplicate_name_and_not_a_list():
    assert errors([QUEUE], groups=[GROUP, dict(GROUP, extension='611')]) == [
        "asterisk_ring_groups[1].name: duplicate 'secretariat' (already asterisk_ring_groups[0])"]
    assert errors([QUEUE], groups={'name': 'x'}) == ['asterisk_ring_groups: must be a list, got a mapping']


def test_ring_group_dialplan_linear_then_destination():
    directory = load([QUEUE], groups=[GROUP])
    assert model.ring_group_dialplan(directory) == [{'name': 'ringgroup-secretariat', 'exclusive': True, 'options': [
        {'exten': 's,1,Dial(PJSIP/1001,12)'}, {'same': 'n,Dial(PJSIP/1002,12)'},
        {'same': 'n,VoiceMail(1002@default,u)'}, {'same': 'n,Hangup()'}]}]
    internal = model.dialplan_contexts(directory)[0]
    assert {'exten': '610,1,Goto(ringgroup-secretariat,s,1)'} in internal['options']


def test_ring_group_dialplan_ringall_by_default():
    group = {'name': 'tous', 'extension': '611', 'members': ['1002', '1001']}
    sections = model.ring_group_dialplan(load([QUEUE], groups=[group]))
    assert sections[0]['options'] == [{'exten': 's,1,Dial(PJSIP/1002&PJSIP/1001,20)'}, {'same': 'n,Hangup()'}]


def test_ring_group_filter():
    assert filters.ring_group_dialplan([GROUP])[0]['name'] == 'ringgroup-secretariat'
    with pytest.raises(AnsibleFilterError, match=r'asterisk_ring_groups\[0\]: invalid'):
        filters.ring_group_dialplan([dict(GROUP, strategy='random')])
    contexts = filters.dialplan_contexts(USERS, [], None, [QUEUE], IVR, [GROUP])
    assert {'exten': '610,1,Goto(ringgroup-secretariat,s,1)'} in contexts[0]['options']
    assert filters.asterisk_errors(USERS, [], [QUEUE], IVR, 'inpp.cd', 'telecom_users', CODES, None,
                                   [dict(GROUP, members=['1009'])]) == [
        "asterisk_ring_groups[0].members[0]: '1009' is not the extension of any user"]


# ---- feature codes against the other numbers

@pytest.mark.parametrize('code, also', [
    ('1001', 'telecom_users[0].extension'),
    ('600', 'asterisk_queues[0].extension'),
    ('500', 'asterisk_ivr[0].extension'),
    ('610', 'asterisk_ring_groups[0].extension'),
    ('*98', 'asterisk_voicemail_main_extension'),
])
def test_feature_code_equal_to_a_number_is_named(code, also):
    codes = {'agent_codes': dict(CODES['agent_codes'], pause=code)}
    assert errors([QUEUE], groups=[GROUP], defaults=codes) == ["asterisk_agent_codes.pause: '%s' is also %s" % (code, also)]


def test_default_feature_codes_are_checked_too():
    users = [dict(USERS[0], extension='1001'), dict(USERS[1])]
    directory = model.load_call_center(users, [], [QUEUE], [], 'inpp.cd', 'telecom_users',
                                       {'voicemail_main_extension': '*45'})
    assert "asterisk_agent_codes.login: '*45' is also asterisk_voicemail_main_extension" in directory.errors['phone']


def test_feature_codes_only_matter_with_agents():
    codes = {'agent_codes': dict(CODES['agent_codes'], pause='1001')}
    assert errors([{'name': 'accueil', 'extension': '600'}], defaults=codes) == []


# ---- the backup role saves what the asterisk role writes

def test_backup_sets_cover_recordings_and_the_cdr_database():
    root = pathlib.Path(__file__).resolve().parents[4]
    sets = yaml.safe_load((root / 'roles' / 'backup' / 'defaults' / 'main.yml').read_text())['backup_sets']
    asterisk = yaml.safe_load((root / 'roles' / 'asterisk' / 'vars' / 'main.yml').read_text())
    assert asterisk['__asterisk_recordings_dir'] == model.RECORDINGS_DIR
    by_path = {s['path']: s for s in sets}
    assert by_path[model.RECORDINGS_DIR]['owner'] == 'asterisk'
    assert by_path[asterisk['__asterisk_cdr_db']].get('sqlite') is True
    assert '/var/log/asterisk/queue_log' in by_path
