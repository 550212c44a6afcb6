# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The routing filters wrap the directory model and refuse invalid input, naming the field."""
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.inpp.telecom.plugins.filter import routing as filters

USERS = [{'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'extension': '1001', 'department': 'direction',
          'sip_secret': 'S3cret-1001', 'voicemail_pin': '4821'}]
DEPARTMENTS = [{'name': 'direction', 'calls': 'national'}]
ROUTING = {'trunks': [{'name': 'operator', 'host': 'operator', 'username': 'inpp', 'secret': 'Trunk-secret-1'}],
           'numbers': [{'number': '0815550100', 'destination': 'ext:1001'}],
           'outbound': {'trunk': 'operator'}}


def test_trunk_sections_and_contexts():
    sections = filters.trunk_sections(ROUTING, USERS, DEPARTMENTS)
    assert [s['type'] for s in sections] == ['endpoint', 'auth', 'aor', 'identify', 'registration']
    contexts = filters.routing_contexts([{'name': 'direction', 'options': [{'include': 'internal'}]}], ROUTING,
                                        USERS, DEPARTMENTS)
    assert contexts[0]['options'][-1] == {'include': 'outbound-national'}
    assert 'from-trunks' in [c['name'] for c in contexts]


@pytest.mark.parametrize('routing, message', [
    (dict(ROUTING, numbers=[{'number': '0815550100', 'destination': 'ext:1999'}]),
     "telecom_numbers[0].destination: unknown extension '1999'"),
    (dict(ROUTING, trunks=[{'name': 'operator', 'host': 'operator'}]), 'telecom_trunks[0].username: missing'),
    ('operator', 'routing: expects the mapping'),
])
def test_invalid_input_is_refused(routing, message):
    with pytest.raises(AnsibleFilterError, match=message.replace('[', r'\[').replace(']', r'\]')):
        filters.trunk_sections(routing, USERS, DEPARTMENTS)


def test_routing_contexts_wants_sections():
    with pytest.raises(AnsibleFilterError, match='expects the extensions.conf sections'):
        filters.routing_contexts('internal', ROUTING, USERS, DEPARTMENTS)
