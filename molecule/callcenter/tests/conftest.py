# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the callcenter scenario: sipp inside each container, on its own loopback
(tests/sipp/sipp_client.py, shared with the pbx scenario and the lab tests)."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest
import testinfra

SECRETS = {'1001': 'Molecule-1001-secret', '1002': 'Molecule-1002-secret', '1003': 'Molecule-1003-secret'}
SCENARIO_DIR = '/root/sipp'

SPEC = importlib.util.spec_from_file_location(
    'sipp_client', pathlib.Path(__file__).resolve().parents[3] / 'tests' / 'sipp' / 'sipp_client.py')
sipp_client = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(sipp_client)


@pytest.fixture(scope='module')
def host(_testinfra_host):
    """The molecule host through ``docker exec`` (container names are the inventory names)."""
    return testinfra.get_host('docker://%s' % _testinfra_host.backend.get_hostname())


@pytest.fixture(scope='module')
def pbx(host):
    return sipp_client.Pbx(host, SCENARIO_DIR, SECRETS)
