# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the webmail scenario.

Every client (tests/webclient.py: smtplib, imaplib, Chromium + Selenium) runs INSIDE the browser
container (docker exec) against mail.inpp.cd, the mail host's alias on the scenario's network.
"""
import importlib.util
import os
import pathlib
import subprocess
import uuid

import pytest
import testinfra

# tests/molecule_support/container_client.py (a file, not an installed package).
SPEC = importlib.util.spec_from_file_location(
    'container_client', pathlib.Path(__file__).resolve().parents[3] / 'tests' / 'molecule_support' / 'container_client.py')
container_client = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(container_client)

CLIENT = (pathlib.Path(__file__).parent / 'webclient.py').read_text()
MAIL = 'webmail-mail'
BROWSER = 'webmail-browser'
HOST = 'mail.inpp.cd'
PASSWORDS = {
    'daddy.nzinga@inpp.cd': 'Daddy-Test-2024',
    'marie.kabila@inpp.cd': 'Marie-Test-2024',
}
ROOT = pathlib.Path(os.environ.get('MOLECULE_PROJECT_DIRECTORY', pathlib.Path(__file__).parents[3]))
ARTIFACTS = ROOT / 'build' / 'molecule' / 'artifacts' / 'webmail'
SHOTS = '/root/webmail-shots'


class Browser:
    """The browser container and the clients it runs."""

    def __init__(self):
        self.host = testinfra.get_host('docker://' + BROWSER)
        self.mail = testinfra.get_host('docker://' + MAIL)

    def client(self, *args, timeout=300):
        return container_client.run_client(BROWSER, CLIENT, *args, timeout=timeout)

    def submit(self, user, to, subject, body):
        return self.client('smtp', HOST, user, PASSWORDS[user], to, subject, '--body', body)

    def subjects(self, user, expect, wait=60):
        return self.client('subjects', HOST, user, PASSWORDS[user], '--expect', expect, '--wait', wait)

    def copy_screenshots(self):
        """Keep the browser's screenshots as artifacts (build/ is not committed)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(['docker', 'cp', '%s:%s/.' % (BROWSER, SHOTS), str(ARTIFACTS)], check=False)
        return sorted(p.name for p in ARTIFACTS.glob('*.png'))


@pytest.fixture(scope='session')
def browser():
    return Browser()


@pytest.fixture
def tag():
    """A string no other run uses, so what a test finds is its own."""
    return uuid.uuid4().hex[:10]
