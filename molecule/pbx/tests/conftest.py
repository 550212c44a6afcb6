# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers for the pbx scenario: real sipp runs inside each container, on its own loopback."""
from __future__ import annotations

import time

import pytest
import testinfra

SECRETS = {'1001': 'Molecule-1001-secret', '1002': 'Molecule-1002-secret'}
SIPP = ('sipp 127.0.0.1:5060 -i 127.0.0.1 -m 1 -nostdin -timeout 60s -timeout_error '
        '-trace_err -error_file /var/tmp/sipp-{name}.err -sf /root/sipp/{name}.xml')


class Pbx:
    def __init__(self, host):
        self.host = host

    def cli(self, command: str) -> str:
        return self.host.check_output("asterisk -rx '%s'" % command)

    def sipp(self, name: str, args: str, port: int):
        cmd = SIPP.format(name=name) + ' -p %d %s' % (port, args)
        return self.host.run(cmd)

    def register(self, ext: str, port: int, contact_port: int = 0, expires: int = 3600, secret: str = ''):
        return self.sipp('register', '-s %s -au %s -ap %s -key contact_port %d -key expires %d'
                         % (ext, ext, secret or SECRETS[ext], contact_port or port, expires), port)

    def call(self, scenario: str, caller: str, callee: str, port: int, extra: str = ''):
        return self.sipp(scenario, '-s %s -key caller %s -au %s -ap %s -mp %d %s'
                         % (callee, caller, caller, SECRETS[caller], port + 1000, extra), port)

    def wait_for(self, predicate, timeout: float = 30, step: float = 1):
        deadline = time.time() + timeout
        while True:
            value = predicate()
            if value or time.time() > deadline:
                return value
            time.sleep(step)


@pytest.fixture(scope='module')
def host(_testinfra_host):
    """The molecule host, reached with ``docker exec`` instead of one Ansible run per command.

    One ``docker exec`` per command rather than one Ansible module run. The verify step still takes
    about 3 min 40 s: the sipp calls themselves (the voicemail greeting alone is ~12 s) and the
    check-mode playbook runs dominate. Molecule's container names are the inventory host names.
    """
    name = _testinfra_host.backend.get_hostname()
    return testinfra.get_host('docker://%s' % name)


@pytest.fixture()
def pbx(host):
    return Pbx(host)
