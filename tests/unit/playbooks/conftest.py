# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The set-up of the site.yml pre-flight tests: the lab's group_vars on hosts that cannot be reached.

site.yml's pre-flight runs on the controller only, so a test can feed it bad input (extra
vars) and read what it says; "UNREACHABLE" in the output proves a run got past it.
"""
from __future__ import annotations

import json
import pathlib
import shutil

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
SITE_HOSTS = {'mail': ['mail-x'], 'pbx': ['pbx-x']}


@pytest.fixture(name='lab_inventory')
def lab_inventory_fixture(tmp_path):
    """The test's inventory directory, holding a copy of inventories/lab/group_vars."""
    shutil.copytree(ROOT / 'inventories' / 'lab' / 'group_vars', tmp_path / 'group_vars')
    return tmp_path


@pytest.fixture(name='lab_directory')
def lab_directory_fixture(lab_inventory):
    """``lab_directory(**changes)``: the lab's directory.yml (a fresh dict each call) with fields of its
    second user (extension 1002) changed."""
    def lab_directory(**changes):
        directory = yaml.safe_load((lab_inventory / 'group_vars' / 'all' / 'directory.yml').read_text())
        directory['telecom_users'][1].update(changes)
        return directory
    return lab_directory


@pytest.fixture(name='site')
def site_fixture(lab_inventory, run_playbook):
    """``site(*args, groups=SITE_HOSTS, extra=None)``: site.yml run on the lab inventory -> (exit code, output).

    *args* go to ansible-playbook as they are (``--check``, ``--diff``); *groups* are the unreachable
    hosts by group; *extra*, when given (even empty), is passed as ``-e @extra.json``.
    """
    def site(*args, groups=None, extra=None):
        if extra is not None:
            extra_file = lab_inventory / 'extra.json'
            extra_file.write_text(json.dumps(extra))
            args += ('-e', '@%s' % extra_file)
        run = run_playbook('site.yml', SITE_HOSTS if groups is None else groups, *args, inventory=lab_inventory)
        return run.returncode, run.stdout + run.stderr
    return site
