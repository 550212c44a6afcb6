# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):
    """Options shared by the modules that drive Postfix's own tools."""

    DOCUMENTATION = r'''
options:
  config_dir:
    description:
      - Postfix configuration directory, passed to C(postconf), C(postmap) and C(postalias) as C(-c).
      - Unset uses Postfix's default (C(/etc/postfix) on Debian).
    type: path
  backup:
    description:
      - Keep a timestamped copy of each file before changing it.
    type: bool
    default: false
notes:
  - Needs Postfix's command-line tools on the managed host.
'''
