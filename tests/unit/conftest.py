# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests that run a playbook of the collection.

Those tests point the playbook at hosts that cannot be reached (SSH to 127.0.0.1
port 1, a two-second timeout): what they check happens on the controller before
any host is contacted, and "UNREACHABLE" in the output proves the run got past it.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / 'build'


def unreachable_inventory(groups: dict) -> str:
    """An inventory (YAML text) of unreachable hosts: ``{'mail': ['mail-x'], ...}``."""
    lines = ['all:', '  vars:', '    ansible_host: 127.0.0.1', '    ansible_port: 1',
             '    ansible_connection: ssh', '    ansible_ssh_common_args: -o ConnectTimeout=2', '  children:']
    for group, hosts in groups.items():
        lines += ['    %s:' % group, '      hosts:'] + ['        %s:' % host for host in hosts]
    return '\n'.join(lines) + '\n'


def _playbook_runner(tmp_path: pathlib.Path):
    """``run(name, groups, *args, inventory=tmp_path)``: ``playbooks/<name>`` of this tree run against
    an inventory directory; returns the CompletedProcess.

    The inventory directory gets ``hosts.yml`` from *groups* (see unreachable_inventory) and
    keeps whatever group_vars the test put there.
    """
    if not (COLLECTIONS / 'ansible_collections' / 'inpp' / 'telecom').exists():
        pytest.skip('the collection is not linked into build/ (make link)')

    def run(name: str, groups: dict, *args: str, inventory: pathlib.Path = tmp_path) -> subprocess.CompletedProcess:
        (inventory / 'hosts.yml').write_text(unreachable_inventory(groups))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_FORCE_COLOR='0',
                   ANSIBLE_NOCOLOR='1', ANSIBLE_HOST_KEY_CHECKING='False',
                   ANSIBLE_HOME=str(tmp_path / 'ansible-home'))
        command = [str(pathlib.Path(sys.executable).parent / 'ansible-playbook'), '-i', str(inventory / 'hosts.yml'),
                   str(ROOT / 'playbooks' / name), *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)

    return run


@pytest.fixture(name='run_playbook')
def run_playbook_fixture(tmp_path):
    """A playbook runner in the test's own temporary directory (see _playbook_runner)."""
    return _playbook_runner(tmp_path)


@pytest.fixture(name='run_playbook_module', scope='module')
def run_playbook_module_fixture(tmp_path_factory):
    """The same runner for a whole test file, for files that check one run from many angles."""
    return _playbook_runner(tmp_path_factory.mktemp('playbook'))
