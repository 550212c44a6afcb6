# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixture of the module tests: run a module's main() as Ansible would."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import sys

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


def _main_in_child(module, args):
    """Run *module*'s main() in a forked child; exit 0 when it exited without failing."""
    sys.stdout = io.StringIO()
    with patch_module_args(args):
        try:
            module.main()
        except SystemExit:
            pass
    try:
        failed = json.loads(sys.stdout.getvalue()).get('failed')
    except ValueError:
        failed = True
    os._exit(1 if failed else 0)


@pytest.fixture
def run_concurrently():
    """``run_concurrently(module, [args, ...])`` -> the exit codes of one forked run of main() per args.

    The runs start together, as parallel plays would. Forked children inherit
    the test's monkeypatches (stubbed commands, a slowed-down edit step).
    """
    def run(module, many_args):
        ctx = multiprocessing.get_context('fork')
        children = [ctx.Process(target=_main_in_child, args=(module, args)) for args in many_args]
        for child in children:
            child.start()
        for child in children:
            child.join(60)
        return [child.exitcode for child in children]
    return run
