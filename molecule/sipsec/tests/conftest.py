# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the sipsec scenario: every check runs a real client inside a container (docker exec).

The PBXs are sipsec-bullseye and sipsec-sid; sipsec-client is the outside client; each PBX is the
other one's well-behaved client.
"""
from __future__ import annotations

import pytest
import testinfra

PBXS = ('sipsec-bullseye', 'sipsec-sid')
SECRETS = {'1001': 'Sipsec-1001-secret', '1002': 'Sipsec-1002-secret', '1003': 'Sipsec-1003-secret'}
SIPP = ('sipp {target}:5060 -i {source} -m 1 -nostdin -timeout {timeout}s -timeout_error '
        '-sf /root/sipp/{name}.xml -p {port} {args}')


class Node:
    """A container of the scenario, its address on the scenario's network, and its clients."""

    def __init__(self, name: str):
        self.name = name
        self.host = testinfra.get_host('docker://%s' % name)
        self.address = self.host.check_output("hostname -I | awk '{print $1}'").strip()

    def sipp(self, target: 'Node', name: str, args: str, port: int, timeout: int = 15):
        return self.host.run(SIPP.format(target=target.address, source=self.address, name=name, port=port,
                                         args=args, timeout=timeout))

    def register(self, target: 'Node', ext: str, port: int, secret: str = '', timeout: int = 15):
        return self.sipp(target, 'register', '-s %s -au %s -ap %s -key contact_port %d -key expires 60'
                         % (ext, ext, secret or SECRETS[ext], port), port, timeout)

    def check(self, *args: str):
        return self.host.run('python3 /root/sipp/sipcheck.py %s' % ' '.join(args))


@pytest.fixture(scope='session')
def nodes():
    return {name: Node(name) for name in PBXS + ('sipsec-client',)}


@pytest.fixture(scope='session')
def client(nodes):
    return nodes['sipsec-client']


@pytest.fixture(scope='session', params=PBXS)
def pbx(request, nodes):
    return nodes[request.param]


@pytest.fixture(scope='session')
def friend(nodes, pbx):
    """The other PBX, as a well-behaved client of *pbx*."""
    return nodes[[name for name in PBXS if name != pbx.name][0]]
