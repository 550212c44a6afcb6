# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the mail_internet scenario.

The clients (tests/inetclient.py) run INSIDE the name server container (docker exec), which stands for
"the Internet": it sends to the mailhub on 25 and 587, reads over IMAPS, and verifies DKIM
against its own bind9. Nothing leaves the scenario's network.
"""
import base64
import email
import importlib.util
import pathlib
import uuid

import pytest
import testinfra

# tests/molecule_support/container_client.py, shared with the webmail scenario (a file, not an installed package).
SPEC = importlib.util.spec_from_file_location(
    'container_client', pathlib.Path(__file__).resolve().parents[3] / 'tests' / 'molecule_support' / 'container_client.py')
container_client = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(container_client)

CLIENT = (pathlib.Path(__file__).parent / 'inetclient.py').read_text()
HUB = 'mail-internet-hub'
NS = 'mail-internet-ns'
# A bare client container: the one fail2ban bans (no other test speaks from it).
BARE = 'mail-internet-client'
PASSWORDS = {
    'daddy.nzinga@inpp.cd': 'Daddy-Test-2024',
    'marie.kabila@inpp.cd': 'Marie-Test-2024',
}


class Internet:
    """The name server container and the clients it runs."""

    def __init__(self):
        self.host = testinfra.get_host('docker://' + NS)
        self.hub = testinfra.get_host('docker://' + HUB)
        self.bare = testinfra.get_host('docker://' + BARE)

    def client(self, *args, on=None):
        return container_client.run_client((on or self.host).backend.name, CLIENT, *args)

    def login(self, kind, user, password=None, count=1, on=None, timeout=10):
        """The outcomes ('ok', 'refused', 'unreachable') of ``count`` simultaneous logins."""
        password = PASSWORDS[user] if password is None else password
        return self.client('login', kind, HUB, user, password, '--count', count, '--timeout', timeout,
                           on=on)['outcomes']

    def send(self, port, sender, to, subject, *options):
        return self.client('smtp', HUB, port, '--from', sender, '--to', to, '--subject', subject, *options)

    def submit(self, user, to, subject, *options):
        return self.send(587, user, to, subject, '--user', user, '--password', PASSWORDS[user], *options)

    def fetch(self, user, subject, wait=60):
        """The messages with this subject in the user's INBOX, raw (bytes)."""
        got = self.client('fetch', HUB, user, PASSWORDS[user], subject, '--wait', wait)
        return [base64.b64decode(m) for m in got['messages']]

    def dns(self, name, rtype):
        return self.client('dns', '--dns', '127.0.0.1', name, rtype)

    def dkim(self, raw, tamper=False):
        return self.client('dkim', '--dns', '127.0.0.1', *(['--tamper'] if tamper else []),
                           base64.b64encode(raw).decode())


@pytest.fixture(scope='session')
def internet():
    return Internet()


@pytest.fixture
def subject():
    """A subject no other test uses, so counts are exact."""
    return 'inpp-inet-' + uuid.uuid4().hex[:12]


def headers(raw):
    return email.message_from_bytes(raw)
