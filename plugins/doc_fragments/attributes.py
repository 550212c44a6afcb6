# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Support levels of the collection's modules, used with ansible.builtin.action_common_attributes.

    A module may still add details to one attribute in its own ``attributes:``
    (its keys win over the fragment's).
    """

    # Modules that edit files: full check mode, --diff shows the change.
    DOCUMENTATION = r'''
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    platforms: posix
'''

    # Modules that talk to a running service and have no file to compare.
    NO_DIFF = r'''
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: posix
'''
