# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Call-center operations in the directory model: agents, penalties, wrap-up, max wait, overflow."""

from __future__ import annotations

import pytest

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model
from ansible_collections.inpp.telecom.tests.unit.plugins.module_utils.callcenter_input import (
    CODES, errors, load)

GOOD = {'name': 'accueil', 'strategy': 'rrmemory', 'extension': '600', 'wrapup': 5, 'max_wait': 30,
        'overflow': 'voicemail:1001', 'announce_position': True, 'music_class': 'default',
        'agents': ['1001', {'extension': '1002', 'penalty': 2}]}


def test_good_queue_has_no_error():
    assert errors([GOOD, {'name': 'ventes', 'overflow': 'queue:accueil'},
                   {'name': 'nuit', 'overflow': 'ivr:standard'}, {'name': 'direct', 'overflow': 'ext:1002'}]) == []


BAD = [
    ({'agents': ['1009']}, "asterisk_queues[0].agents[0].extension: '1009' is not the extension of any user"),
    ({'agents': [1001]}, "asterisk_queues[0].agents[0].extension: '1001' is not the extension of any user (quote it)"),
    ({'agents': ['1001', {'extension': '1001'}]},
     "asterisk_queues[0].agents[1].extension: duplicate '1001' (already asterisk_queues[0].agents[0])"),
    ({'agents': [{'extension': '1001', 'penalty': 100}]},
     "asterisk_queues[0].agents[0].penalty: '100' must be a whole number from 0 to 99"),
    ({'agents': [{'extension': '1001', 'penalty': -1}]},
     "asterisk_queues[0].agents[0].penalty: '-1' must be a whole number from 0 to 99"),
    ({'agents': [{'extension': '1001', 'penalty': 'high'}]},
     "asterisk_queues[0].agents[0].penalty: 'high' must be a whole number from 0 to 99"),
    ({'agents': '1001'}, 'asterisk_queues[0].agents: must be a list of extensions or {extension, penalty}'),
    ({'wrapup': 'long'}, "asterisk_queues[0].wrapup: 'long' must be a number of seconds"),
    ({'max_wait': 0}, "asterisk_queues[0].max_wait: '0' must be a number of seconds above 0"),
    ({'overflow': 'queue:nowhere'}, "asterisk_queues[0].overflow: unknown queue 'nowhere'"),
    ({'overflow': 'queue:accueil'}, 'asterisk_queues[0].overflow: a queue cannot overflow to itself'),
    ({'overflow': 'ivr:none'}, "asterisk_queues[0].overflow: unknown IVR 'none'"),
    ({'overflow': 'voicemail:1009'}, "asterisk_queues[0].overflow: unknown voicemail box '1009'"),
    ({'overflow': 'ext:1009'}, "asterisk_queues[0].overflow: unknown extension '1009'"),
    ({'overflow': 'hangup'}, "asterisk_queues[0].overflow: 'hangup' must be queue:NAME, ext:EXT, voicemail:EXT "
                             "or ivr:NAME"),
    ({'fallback_voicemail': '1002'}, 'asterisk_queues[0].overflow: set either overflow or fallback_voicemail, '
                                     'not both'),
    ({'announce_position': 'yes'}, "asterisk_queues[0].announce_position: 'yes' must be true or false"),
    ({'music_class': '../x'}, "asterisk_queues[0].music_class: '../x' is not a musiconhold.conf class name"),
]


@pytest.mark.parametrize('change, message', BAD, ids=[m.split(': ')[0] + ' ' + str(i) for i, (_c, m) in enumerate(BAD)])
def test_bad_field_is_named(change, message):
    assert errors([dict(GOOD, **change)]) == [message]


@pytest.mark.parametrize('codes, message', [
    ({'login': '*45', 'logout': '*45'}, "asterisk_agent_codes.logout: '*45' is also the login code"),
    ({'login': 'A1'}, "asterisk_agent_codes.login: 'A1' must be 1 to 8 digits, * or #"),
    ({'login': '*45', 'logon': '*49'}, 'asterisk_agent_codes.logon: not a feature code (login, logout, pause, '
                                       'unpause)'),
])
def test_bad_agent_codes_are_named(codes, message):
    assert message in errors([GOOD], defaults={'agent_codes': codes})


def test_agent_codes_only_matter_with_agents():
    assert errors([{'name': 'accueil'}], defaults={'agent_codes': {'login': 'x'}}) == []


def test_bad_own_field_leaves_the_queue_out():
    directory = load([dict(GOOD, wrapup=-3)])
    assert model.queue_sections(directory) == [] and model.agent_dialplan(directory, CODES) == []


def test_queue_sections_with_agents():
    sections = model.queue_sections(load([GOOD]))
    assert sections[0] == {'name': 'general', 'exclusive': True, 'options': [{'persistentmembers': 'yes'}]}
    assert sections[1]['options'] == [
        {'strategy': 'rrmemory'}, {'timeout': 15}, {'ringinuse': 'no'}, {'wrapuptime': 5},
        {'joinempty': 'unavailable,invalid,unknown'}, {'leavewhenempty': 'unavailable,invalid,unknown'},
        {'announce-position': 'yes'}, {'announce-holdtime': 'yes'}, {'announce-frequency': 30},
        {'musicclass': 'default'}, {'member': []}]


def test_queue_sections_unchanged_without_call_center_fields():
    sections = model.queue_sections(load([{'name': 'accueil', 'members': ['1001']}]))
    assert sections == [{'name': 'accueil', 'exclusive': True,
                         'options': [{'strategy': 'ringall'}, {'timeout': 15}, {'member': ['PJSIP/1001']}]}]


@pytest.mark.parametrize('overflow, application', [
    ('voicemail:1001', 'n,VoiceMail(1001@default,u)'),
    ('queue:ventes', 'n,Goto(queue-ventes,s,1)'),
    ('ivr:standard', 'n,Goto(ivr-standard,s,1)'),
    ('ext:1002', 'n,Goto(internal,1002,1)'),
])
def test_overflow_after_max_wait(overflow, application):
    directory = load([dict(GOOD, overflow=overflow), {'name': 'ventes'}])
    (accueil, _ventes) = model.queue_dialplan(directory)
    assert accueil['options'] == [{'exten': 's,1,Answer()'}, {'same': 'n,Queue(accueil,,,,30)'},
                                  {'same': application}, {'same': 'n,Hangup()'}]


def test_agent_dialplan():
    directory = load([GOOD, {'name': 'ventes', 'agents': [{'extension': '1001', 'penalty': 7}]}])
    sections = {s['name']: s['options'] for s in model.agent_dialplan(directory, CODES)}
    assert sorted(sections) == ['agent-1001', 'agent-1002', 'callcenter-agents']
    features = sections['callcenter-agents']
    assert [o['exten'] for o in features if 'exten' in o] == [
        '*45,1,Answer()', '*46,1,Answer()', '*47,1,Answer()', '*48,1,Answer()']
    assert {'same': 'n,GotoIf($[${DIALPLAN_EXISTS(${AGENT},pause,1)}]?${AGENT},pause,1)'} in features
    agent = sections['agent-1001']
    assert [o for o in agent if 'AddQueueMember' in str(o)] == [
        {'same': 'n,AddQueueMember(accueil,PJSIP/1001,0)'}, {'same': 'n,AddQueueMember(ventes,PJSIP/1001,7)'}]
    assert [o for o in agent if 'RemoveQueueMember' in str(o)] == [
        {'same': 'n,RemoveQueueMember(accueil,PJSIP/1001)'}, {'same': 'n,RemoveQueueMember(ventes,PJSIP/1001)'}]
    assert {'exten': 'pause,1,PauseQueueMember(,PJSIP/1001)'} in agent
    assert {'exten': 'unpause,1,UnpauseQueueMember(,PJSIP/1001)'} in agent
    assert {'same': 'n,AddQueueMember(accueil,PJSIP/1002,2)'} in sections['agent-1002']


def test_custom_codes_and_internal_include():
    directory = load([GOOD])
    codes = {'agent_codes': {'login': '71', 'logout': '72', 'pause': '73', 'unpause': '74'}}
    features = model.agent_dialplan(directory, codes)[0]['options']
    assert features[0] == {'exten': '71,1,Answer()'}
    internal = model.dialplan_contexts(directory)[0]
    assert {'include': 'callcenter-agents'} in internal['options']
    assert {'include': 'callcenter-agents'} not in model.dialplan_contexts(load([{'name': 'q'}]))[0]['options']
