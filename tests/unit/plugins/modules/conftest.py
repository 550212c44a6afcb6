# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixture of the module tests: run a module's main() as Ansible would."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils import _internal
from ansible.module_utils.testing import patch_module_args


@pytest.fixture
def run_module(capsys, monkeypatch):
    """``run_module(module, args, check_mode=False, diff=False)`` -> the module's JSON result.

    The module reads *args* as its task arguments, exits through exit_json or
    fail_json, and the result is parsed from what it printed.
    """
    # Once any test imported controller code, ansible-core sends module.warn()
    # to the controller's display instead of the result; a module runs on a
    # managed host, where warnings belong to the result.
    monkeypatch.setattr(_internal, 'is_controller', False)

    def run(module, args, check_mode=False, diff=False):
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                module.main()
        return json.loads(capsys.readouterr().out)
    return run
