# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sipp and the Asterisk CLI on a PBX host, shared by the Molecule pbx scenario and the lab tests.

The SIP scenarios are the XML files beside this module; each suite copies them into the host
(molecule/pbx/prepare.yml, tests/lab/conftest.py) and runs sipp there, on the host's own loopback,
so no SIP packet leaves the container. Imported by molecule/pbx/tests/conftest.py and
tests/lab/conftest.py through SCENARIO_DIR's folder on sys.path.
"""
from __future__ import annotations

import os
import time

SCENARIO_DIR = os.path.dirname(os.path.abspath(__file__))
SCENARIOS = tuple(sorted(name for name in os.listdir(SCENARIO_DIR) if name.endswith('.xml')))
SIPP = ('sipp 127.0.0.1:5060 -i 127.0.0.1 -m 1 -nostdin -timeout 60s -timeout_error '
        '-trace_err -error_file {dir}/sipp-{name}.err -sf {dir}/{name}.xml')


def wait_for(predicate, timeout: float = 30, step: float = 1):
    """Call *predicate* until it returns something true or *timeout* seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


class Pbx:
    """sipp runs and Asterisk CLI commands on a testinfra host whose scenarios sit in *scenario_dir*.

    *secrets* maps each extension to its SIP password. Each sipp run gets its own local port
    (``port``) and media port (``port + 1000``) so parallel or lingering runs never collide.
    """

    wait_for = staticmethod(wait_for)

    def __init__(self, host, scenario_dir: str, secrets: dict):
        self.host = host
        self.scenario_dir = scenario_dir
        self.secrets = secrets

    def cli(self, command: str) -> str:
        return self.host.check_output("asterisk -rx '%s'" % command)

    def sipp(self, name: str, args: str, port: int):
        return self.host.run(SIPP.format(dir=self.scenario_dir, name=name) + ' -p %d %s' % (port, args))

    def register(self, ext: str, port: int, contact_port: int = 0, expires: int = 3600, secret: str = ''):
        """REGISTER *ext* (digest auth); the contact's port is *contact_port*, else the sipp port."""
        return self.sipp('register', '-s %s -au %s -ap %s -key contact_port %d -key expires %d'
                         % (ext, ext, secret or self.secrets[ext], contact_port or port, expires), port)

    def call(self, scenario: str, caller: str, callee: str, port: int, extra: str = ''):
        """Run the call *scenario* from *caller* (authenticated) to *callee*."""
        return self.sipp(scenario, '-s %s -key caller %s -au %s -ap %s -mp %d %s'
                         % (callee, caller, caller, self.secrets[caller], port + 1000, extra), port)
