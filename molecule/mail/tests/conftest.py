# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the mail scenario's tests.

Each test runs once per Debian release (bullseye, sid) against that release's trio of
containers: mailhub-<os>, satellite-<os>, smarthost-<os>. Clients run INSIDE the
containers (testinfra's docker backend, i.e. docker exec), so test traffic never
leaves the scenario's network.
"""
import json
import pathlib
import uuid

import pytest
import testinfra

RELEASES = ['bullseye', 'sid']
CLIENT = (pathlib.Path(__file__).parent / 'mailclient.py').read_text()

PASSWORDS = {
    'daddy.nzinga@inpp.cd': 'Daddy-Test-2024',
    'marie.kabila@inpp.cd': 'Marie-Test-2024',
    'paul.lukusa@inpp.cd': 'Paul-Test-2024',
    'relay@example.net': 'Relay-Test-2024',
    'partner@example.net': 'Partner-Test-2024',
}


class Node:
    """One container and a way to run the mail client inside it."""

    def __init__(self, name):
        self.name = name
        self.host = testinfra.get_host('docker://' + name)

    def client(self, *args):
        cmd = self.host.run('python3 -c %s ' + ' '.join(['%s'] * len(args)), CLIENT, *[str(a) for a in args])
        assert cmd.rc == 0, '%s: mail client failed: %s' % (self.name, cmd.stderr)
        return json.loads(cmd.stdout.strip().splitlines()[-1])

    def count(self, server, user, subject, expect=1, wait=60, pop3=False, to=None):
        args = ['count', server, user, PASSWORDS[user], subject, '--expect', expect, '--wait', wait]
        args += (['--pop3'] if pop3 else []) + (['--to', to] if to else [])
        return self.client(*args)

    def smtp(self, server, port, sender, to, subject, *options):
        args = ['smtp', server, port, '--from', sender, '--subject', subject]
        for rcpt in [to] if isinstance(to, str) else to:
            args += ['--to', rcpt]
        return self.client(*(args + list(options)))

    def login_options(self, user):
        return ['--user', user, '--password', PASSWORDS[user]]

    def run(self, command, *args):
        return self.host.run(command, *args)

    def check(self, command, *args):
        return self.host.check_output(command, *args)


class Trio:
    def __init__(self, release):
        self.release = release
        self.mailhub = Node('mailhub-' + release)
        self.satellite = Node('satellite-' + release)
        self.smarthost = Node('smarthost-' + release)


@pytest.fixture(params=RELEASES)
def trio(request):
    return Trio(request.param)


@pytest.fixture
def subject():
    """A subject no other test uses, so counts are exact."""
    return 'inpp-test-' + uuid.uuid4().hex[:12]
