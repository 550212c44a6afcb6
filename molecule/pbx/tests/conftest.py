# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the pbx scenario: real sipp runs inside each container, on its own loopback
(tests/sipp/sipp_client.py, shared with the lab tests)."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest
import testinfra

SECRETS = {'1001': 'Molecule-1001-secret', '1002': 'Molecule-1002-secret'}
# Where prepare.yml copies tests/sipp/*.xml in the container.
SCENARIO_DIR = '/root/sipp'


# tests/sipp/sipp_client.py, shared with the lab tests (a file, not an installed package).
SPEC = importlib.util.spec_from_file_location(
    'sipp_client', pathlib.Path(__file__).resolve().parents[3] / 'tests' / 'sipp' / 'sipp_client.py')
sipp_client = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(sipp_client)


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
    return sipp_client.Pbx(host, SCENARIO_DIR, SECRETS)
