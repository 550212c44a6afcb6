#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: asterisk_info
short_description: Read the state of a running Asterisk - version, modules, PJSIP, calls, dialplan, voicemail, queues
version_added: 0.1.0
description:
  - Runs read-only CLI commands through C(asterisk -rx) and returns their parsed output, for verification tasks
    (is the endpoint there, is the contact reachable, is the queue member logged in) and for safe operations
    (do not restart while calls are up).
  - Tested against the output of Asterisk 16 (Debian 11) and Asterisk 22 (Debian sid).
  - A subset whose Asterisk module is not loaded (for example C(app_voicemail)) is returned empty and listed in
    RV(unavailable) instead of failing.
author:
  - INPP infrastructure team (@inpp-cd)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - inpp.telecom.attributes.no_diff
  - inpp.telecom.asterisk
options:
  gather_subset:
    description:
      - What to collect. V(all) collects everything.
      - V(version) C(core show version); V(modules) C(module show); V(endpoints) C(pjsip show endpoints);
        V(contacts) C(pjsip show contacts); V(registrations) C(pjsip show registrations);
        V(channels) C(core show channels concise) and C(core show channels count); V(dialplan) C(dialplan show);
        V(voicemail) C(voicemail show users); V(queues) C(queue show).
    type: list
    elements: str
    choices: [all, version, modules, endpoints, contacts, registrations, channels, dialplan, voicemail, queues]
    default: [all]
seealso:
  - module: inpp.telecom.asterisk_command
'''

EXAMPLES = r'''
- name: Check that every user has a PJSIP endpoint
  inpp.telecom.asterisk_info:
    gather_subset: [endpoints]
  register: ast

- name: Assert endpoint 1001 exists
  ansible.builtin.assert:
    that: "'1001' in ast.endpoints | map(attribute='name')"
    fail_msg: "PJSIP endpoint 1001 is missing"

- name: Restart only when no call is up
  inpp.telecom.asterisk_info:
    gather_subset: [channels]
  register: calls

- name: Restart Asterisk
  inpp.telecom.asterisk_command:
    command: core restart now
  when: calls.active_calls == 0
'''

RETURN = r'''
version:
  description: Asterisk version string.
  returned: when V(version) is gathered
  type: str
  sample: 22.10.1+dfsg+~cs6.17.60671434-1
version_major:
  description: Major version number.
  returned: when V(version) is gathered
  type: int
  sample: 22
modules:
  description: Loaded modules.
  returned: when V(modules) is gathered
  type: list
  elements: dict
  sample: [{"name": "res_pjsip.so", "description": "Basic SIP resource", "use_count": 40, "status": "Running",
            "support_level": "core"}]
endpoints:
  description: PJSIP endpoints with their device state, channel count, auths, AORs and contacts.
  returned: when V(endpoints) is gathered
  type: list
  elements: dict
  sample: [{"name": "1001", "callerid": null, "state": "Unavailable", "channels": 0, "max_channels": "inf",
            "in_auths": ["1001"], "out_auths": [], "aors": ["1001"], "contacts": []}]
contacts:
  description: PJSIP contacts (registered or static) with their qualify status.
  returned: when V(contacts) is gathered
  type: list
  elements: dict
  sample: [{"aor": "1002", "uri": "sip:1002@127.0.0.1:5090", "hash": "9f19c0545b", "status": "NonQual",
            "rtt": "nan"}]
registrations:
  description: Outbound PJSIP registrations.
  returned: when V(registrations) is gathered
  type: list
  elements: dict
  sample: [{"name": "trunk", "server_uri": "sip:127.0.0.1:5099", "auth": "trunk-auth", "status": "Unregistered"}]
channels:
  description: Active channels (from C(core show channels concise)).
  returned: when V(channels) is gathered
  type: list
  elements: dict
  sample: [{"channel": "PJSIP/1001-00000001", "context": "staff", "exten": "1000", "priority": "2", "state": "Up",
            "application": "Wait", "data": "120", "callerid": "1001", "duration": 4, "bridge_id": "",
            "uniqueid": "1795644532.1"}]
active_channels:
  description: Number of active channels.
  returned: when V(channels) is gathered
  type: int
  sample: 4
active_calls:
  description: Number of active calls.
  returned: when V(channels) is gathered
  type: int
  sample: 2
calls_processed:
  description: Calls processed since start.
  returned: when V(channels) is gathered
  type: int
  sample: 2
dialplan:
  description: Dialplan contexts with their extensions and includes.
  returned: when V(dialplan) is gathered
  type: list
  elements: dict
  sample: [{"name": "staff", "registrar": "pbx_config", "extensions": ["1000", "_10XX"], "includes": []}]
voicemail:
  description: Voicemail boxes.
  returned: when V(voicemail) is gathered
  type: list
  elements: dict
  sample: [{"context": "default", "mailbox": "1001", "user": "Daddy Nzinga", "zone": "", "new_messages": 0}]
queues:
  description: Queues with their strategy, waiting calls, members and callers.
  returned: when V(queues) is gathered
  type: list
  elements: dict
  sample: [{"name": "support", "calls": 0, "max": "unlimited", "strategy": "ringall", "completed": 0,
            "abandoned": 0, "members": [{"name": "PJSIP/1001", "interface": "PJSIP/1001", "state": "Unavailable",
            "paused": false, "calls_taken": 0}], "callers": []}]
unavailable:
  description: Subsets that could not be gathered because their Asterisk module is not loaded, with the reason.
  returned: always
  type: dict
  sample: {"voicemail": "No such command 'voicemail show users'"}
'''

import re
from typing import Any, Dict, List, Optional

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import (
    cli_argument_spec,
    cli_argv,
    cli_error,
    parse_channel_counts,
)

SUBSETS = ['version', 'modules', 'endpoints', 'contacts', 'registrations', 'channels', 'dialplan', 'voicemail',
           'queues']
DEVICE_STATES = ('Not in use', 'In use', 'Busy', 'Unavailable', 'Ringing', 'Ring+Inuse', 'On Hold', 'Invalid',
                 'Unknown')
_ANSI = re.compile(r'\x1b\[[0-9;]*m')
_STATE_RE = '|'.join(re.escape(s) for s in DEVICE_STATES)


def strip_ansi(text: str) -> str:
    return _ANSI.sub('', text or '')


def parse_version(text: str) -> Dict[str, Any]:
    match = re.search(r'^Asterisk (\S+)', text or '', re.MULTILINE)
    if not match:
        return {'version': None, 'version_major': None}
    major = re.match(r'(\d+)', match.group(1))
    return {'version': match.group(1), 'version_major': int(major.group(1)) if major else None}


_MODULE_RE = re.compile(r'^(?P<name>\S+)\s+(?P<desc>.*?)\s+(?P<use>-?\d+)\s+(?P<status>\S.*?)\s+(?P<support>\S+)\s*$')


def parse_modules(text: str) -> List[Dict[str, Any]]:
    """``module show``: fixed columns, but long names push the others right."""
    out = []
    for line in (text or '').splitlines():
        if not line.strip() or line.startswith('Module ') or re.match(r'^\d+ modules? loaded', line):
            continue
        match = _MODULE_RE.match(line)
        if match:
            out.append({'name': match.group('name'), 'description': match.group('desc'),
                        'use_count': int(match.group('use')), 'status': match.group('status'),
                        'support_level': match.group('support')})
    return out


def _after_rule(text: str) -> List[str]:
    """Lines after the ``=====`` rule that ends PJSIP CLI headers."""
    lines = strip_ansi(text).splitlines()
    for i, line in enumerate(lines):
        if line.startswith('====='):
            return lines[i + 1:]
    return []


_CONTACT_RE = re.compile(r'^\s*Contact:\s+(?P<aor>[^/\s]+)/(?P<uri>\S+)\s+(?P<hash>[0-9a-f]+)\s+(?P<status>\S+)'
                         r'\s+(?P<rtt>\S+)\s*$')
_ENDPOINT_RE = re.compile(r'^\s*Endpoint:\s+(?P<id>.+?)\s+(?P<state>%s)\s+(?P<ch>\d+) of (?P<max>\S+)\s*$'
                          % _STATE_RE)


def _contact(match: 're.Match[str]') -> Dict[str, str]:
    return {k: match.group(k) for k in ('aor', 'uri', 'hash', 'status', 'rtt')}


def parse_contacts(text: str) -> List[Dict[str, str]]:
    return [_contact(m) for m in (_CONTACT_RE.match(line) for line in _after_rule(text)) if m]


def parse_endpoints(text: str) -> List[Dict[str, Any]]:
    """``pjsip show endpoints``: an Endpoint line followed by its detail lines."""
    out: List[Dict[str, Any]] = []
    current: Optional[Dict[str, Any]] = None
    for line in _after_rule(text):
        match = _ENDPOINT_RE.match(line)
        if match:
            name, _sep, cid = match.group('id').partition('/')
            current = {'name': name, 'callerid': cid or None, 'state': match.group('state'),
                       'channels': int(match.group('ch')), 'max_channels': match.group('max'),
                       'in_auths': [], 'out_auths': [], 'aors': [], 'contacts': []}
            out.append(current)
            continue
        if current is None:
            continue
        label, _sep, rest = line.strip().partition(':')
        value = rest.strip().split()
        if label in ('InAuth', 'OutAuth') and value:
            current['in_auths' if label == 'InAuth' else 'out_auths'].append(value[0].split('/')[0])
        elif label == 'Aor' and value:
            current['aors'].append(value[0])
        elif label == 'Contact':
            contact = _CONTACT_RE.match(line)
            if contact:
                current['contacts'].append(_contact(contact))
    return out


REG_STATES = ('Registered', 'Unregistered', 'Rejected', 'Stopping', 'Stopped')


def parse_registrations(text: str) -> List[Dict[str, Optional[str]]]:
    out: List[Dict[str, Optional[str]]] = []
    for line in _after_rule(text):
        parts = re.split(r'\s{2,}', line.strip())
        if not line.strip() or '/' not in parts[0] or line.startswith('Objects found'):
            continue
        name, _sep, server = parts[0].partition('/')
        status = next((p for p in parts[1:] if p in REG_STATES), None)
        auth = parts[1] if len(parts) > 2 and parts[1] not in REG_STATES else None
        out.append({'name': name, 'server_uri': server, 'auth': auth, 'status': status})
    return out


CONCISE_FIELDS = ('channel', 'context', 'exten', 'priority', 'state', 'application', 'data', 'callerid',
                  'accountcode', 'peeraccount', 'amaflags', 'duration', 'bridge_id', 'uniqueid')


def parse_channels(text: str) -> List[Dict[str, Any]]:
    """``core show channels concise``: 14 fields separated by ``!``."""
    out = []
    for line in (text or '').splitlines():
        fields = line.split('!')
        if len(fields) < len(CONCISE_FIELDS):
            continue
        if len(fields) > len(CONCISE_FIELDS):  # a '!' inside the application data
            extra = len(fields) - len(CONCISE_FIELDS)
            fields = fields[:6] + ['!'.join(fields[6:7 + extra])] + fields[7 + extra:]
        item: Dict[str, Any] = dict(zip(CONCISE_FIELDS, fields))
        item['duration'] = int(item['duration']) if item['duration'].isdigit() else item['duration']
        out.append(item)
    return out


_CONTEXT_RE = re.compile(r"^\[ Context '(?P<name>[^']*)' created by '(?P<registrar>[^']*)' \]")
_EXTEN_RE = re.compile(r"^\s+'(?P<exten>[^']*)'(?: \(CID match '[^']*'\))? =>")
_INCLUDE_RE = re.compile(r"^\s+Include =>\s+'(?P<include>[^']*)'")


def parse_dialplan(text: str) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    current: Optional[Dict[str, Any]] = None
    for line in (text or '').splitlines():
        match = _CONTEXT_RE.match(line)
        if match:
            current = {'name': match.group('name'), 'registrar': match.group('registrar'),
                       'extensions': [], 'includes': []}
            out.append(current)
        elif current is not None:
            exten = _EXTEN_RE.match(line)
            include = _INCLUDE_RE.match(line)
            if exten and exten.group('exten') not in current['extensions']:
                current['extensions'].append(exten.group('exten'))
            elif include:
                current['includes'].append(include.group('include'))
    return out


def parse_voicemail(text: str) -> List[Dict[str, Any]]:
    """``voicemail show users``: columns ``%-10s %-5s %-25s %-10s %6s``."""
    out = []
    for line in (text or '').splitlines():
        if not line.strip() or line.startswith('Context ') or re.search(r'voicemail users? configured', line):
            continue
        tokens = line.split()
        if len(tokens) < 3 or not tokens[-1].isdigit():
            continue
        if len(line) >= 54 and line[10] == ' ' and line[16] == ' ' and line[42] == ' ':
            user, zone = line[17:42].strip(), line[43:53].strip()
        else:  # a field overflowed its column: no zone can be told apart
            user, zone = ' '.join(tokens[2:-1]), ''
        out.append({'context': tokens[0], 'mailbox': tokens[1], 'user': user, 'zone': zone,
                    'new_messages': int(tokens[-1])})
    return out


_QUEUE_RE = re.compile(r"^(?P<name>\S+) has (?P<calls>\d+) calls? \(max (?P<max>[^)]*)\) in '(?P<strategy>[^']*)' "
                       r"strategy .*?W:\d+, C:(?P<completed>\d+), A:(?P<abandoned>\d+)")
_CALLER_RE = re.compile(r'^\s+\d+\.\s+(?P<channel>\S+)\s+\(wait: (?P<wait>[^,]*), prio: (?P<prio>\d+)\)')


def _member(line: str) -> Dict[str, Any]:
    groups = re.findall(r'\(([^()]*)\)', line)
    name = line.split(' (', 1)[0].strip()
    interface = groups[0] if groups and '/' in groups[0] and '/' not in name else name
    state = next((g for g in groups if g in DEVICE_STATES), None)
    taken = re.search(r'has taken (\d+) calls?', line)
    return {'name': name, 'interface': interface, 'state': state,
            'paused': any(g.startswith('paused') for g in groups),
            'calls_taken': int(taken.group(1)) if taken else 0}


def parse_queues(text: str) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    current: Optional[Dict[str, Any]] = None
    block = None
    for line in strip_ansi(text).splitlines():
        match = _QUEUE_RE.match(line)
        if match:
            current = {'name': match.group('name'), 'calls': int(match.group('calls')), 'max': match.group('max'),
                       'strategy': match.group('strategy'), 'completed': int(match.group('completed')),
                       'abandoned': int(match.group('abandoned')), 'members': [], 'callers': []}
            out.append(current)
            block = None
            continue
        if current is None or not line.strip():
            continue
        stripped = line.strip()
        if stripped.startswith('Members:'):
            block = 'members'
        elif stripped.startswith('Callers:'):
            block = 'callers'
        elif stripped.startswith(('No Members', 'No Callers')):
            block = None
        elif block == 'members':
            current['members'].append(_member(line))
        elif block == 'callers':
            caller = _CALLER_RE.match(line)
            if caller:
                current['callers'].append({'channel': caller.group('channel'), 'wait': caller.group('wait'),
                                           'priority': int(caller.group('prio'))})
    return out


def gather(run, subsets: List[str]) -> Dict[str, Any]:
    """Collect ``subsets`` with ``run(command) -> (error, stdout)``; pure for tests."""
    result: Dict[str, Any] = {'unavailable': {}}

    def cli(subset: str, command: str) -> Optional[str]:
        error, out = run(command)
        if error:
            result['unavailable'][subset] = error
            return None
        return out

    parsers = {
        'modules': ('module show', parse_modules),
        'endpoints': ('pjsip show endpoints', parse_endpoints),
        'contacts': ('pjsip show contacts', parse_contacts),
        'registrations': ('pjsip show registrations', parse_registrations),
        'dialplan': ('dialplan show', parse_dialplan),
        'voicemail': ('voicemail show users', parse_voicemail),
        'queues': ('queue show', parse_queues),
    }
    for subset in subsets:
        if subset == 'version':
            out = cli(subset, 'core show version')
            result.update(parse_version(out or ''))
        elif subset == 'channels':
            out = cli(subset, 'core show channels concise')
            result['channels'] = parse_channels(out or '')
            result.update(parse_channel_counts(cli(subset, 'core show channels count') or ''))
        else:
            command, parser = parsers[subset]
            out = cli(subset, command)
            result[subset] = parser(out) if out is not None else []
    return result


def main() -> None:
    argument_spec = cli_argument_spec()
    argument_spec.update(
        gather_subset=dict(type='list', elements='str', default=['all'], choices=['all'] + SUBSETS),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    wanted = module.params['gather_subset']
    subsets = SUBSETS if 'all' in wanted else [s for s in SUBSETS if s in wanted]

    def run(command: str):
        rc, out, err = module.run_command(cli_argv(module.params, command))
        error = cli_error(rc, out, err)
        if error and not error.startswith(('No such command', 'No such module')):
            # Not connected, or Asterisk failed: nothing below can be trusted.
            module.fail_json(msg="asterisk -rx '%s' failed: %s" % (command, error), rc=rc, stdout=out, stderr=err)
        return error, out

    module.exit_json(changed=False, **gather(run, subsets))


if __name__ == '__main__':
    main()
