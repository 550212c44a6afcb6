# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reprovision scenario: the drill's evidence (side_effect.yml) and the hosts."""
from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import re

import pytest
import testinfra

MAIL, PBX = 'rp-mail', 'rp-pbx'
SECRETS = {'1001': 'Reprovision-1001-secret', '1002': 'Reprovision-1002-secret'}

# tests/sipp/sipp_client.py, shared with the pbx scenario and the lab tests.
SPEC = importlib.util.spec_from_file_location(
    'sipp_client', pathlib.Path(__file__).resolve().parents[3] / 'tests' / 'sipp' / 'sipp_client.py')
sipp_client = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(sipp_client)


class Evidence:
    """What side_effect.yml kept in <ephemeral>/drill: logs of operator commands and digests."""

    def __init__(self, folder: pathlib.Path):
        self.folder = folder

    def log(self, name: str) -> str:
        return (self.folder / (name + '.log')).read_text()

    def rc(self, name: str) -> int:
        return int(re.match(r'rc=(-?\d+)', self.log(name)).group(1))

    def json(self, name: str):
        return json.loads((self.folder / (name + '.json')).read_text())

    def recap(self, name: str) -> dict:
        """{host: {'ok': n, 'changed': n, ...}} from the PLAY RECAP of a run."""
        # The recap's host lines end at the first blank line (profile_tasks' TASKS RECAP follows).
        recap = self.log(name).split('PLAY RECAP', 1)[1].split('\n\n', 1)[0]
        return {match.group(1): {key: int(value) for key, value in re.findall(r'(\w+)=(\d+)', match.group(2))}
                for match in re.finditer(r'^(\S+)\s+:\s+(ok=.*)$', recap, re.M)}


@pytest.fixture(scope='session')
def evidence() -> Evidence:
    return Evidence(pathlib.Path(os.environ['MOLECULE_EPHEMERAL_DIRECTORY']) / 'drill')


@pytest.fixture(scope='session')
def mail():
    return testinfra.get_host('docker://' + MAIL)


@pytest.fixture(scope='session')
def pbx_host():
    return testinfra.get_host('docker://' + PBX)


@pytest.fixture()
def pbx(pbx_host):
    return sipp_client.Pbx(pbx_host, '/root/sipp', SECRETS)
