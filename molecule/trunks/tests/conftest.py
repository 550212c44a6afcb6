# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the trunks scenario: the two site PBXs and the operator stand-in, each reached with
``docker exec``; sipp runs inside the containers (tests/sipp/sipp_client.py, shared with the pbx
scenario and the lab tests). The tests take the hosts they need by name, so each runs once."""
from __future__ import annotations

import importlib.util
import pathlib

import pytest
import testinfra

SCENARIO_DIR = '/root/sipp'
SECRETS = {
    'trunks-kin': {'1001': 'Molecule-1001-secret', '1002': 'Molecule-1002-secret'},
    'trunks-mat': {'2001': 'Molecule-2001-secret', '2002': 'Molecule-2002-secret'},
    'trunks-operator': {'tester': 'Tester-secret-1'},
}

SPEC = importlib.util.spec_from_file_location(
    'sipp_client', pathlib.Path(__file__).resolve().parents[3] / 'tests' / 'sipp' / 'sipp_client.py')
sipp_client = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(sipp_client)


def _pbx(name):
    return sipp_client.Pbx(testinfra.get_host('docker://%s' % name), SCENARIO_DIR, SECRETS[name])


@pytest.fixture(scope='session')
def kin():
    return _pbx('trunks-kin')


@pytest.fixture(scope='session')
def mat():
    return _pbx('trunks-mat')


@pytest.fixture(scope='session')
def operator():
    return _pbx('trunks-operator')
