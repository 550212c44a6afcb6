# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode on the converged hosts reports no change (runs first, before any traffic)."""
from __future__ import annotations

import importlib.util
import os
import pathlib

import pytest

# tests/molecule_support/check_mode.py, shared by the scenarios (a file, not an installed package).
SPEC = importlib.util.spec_from_file_location(
    'check_mode', pathlib.Path(__file__).resolve().parents[3] / 'tests' / 'molecule_support' / 'check_mode.py')
check_mode = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check_mode)


@pytest.mark.skipif('MOLECULE_INVENTORY_FILE' not in os.environ, reason='needs Molecule\'s inventory')
def test_check_mode_on_converged_hosts_reports_no_change():
    check_mode.assert_check_mode_reports_no_change(hosts=6)
