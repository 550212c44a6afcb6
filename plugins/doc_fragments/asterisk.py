# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Options shared by the modules that talk to a running Asterisk."""

    DOCUMENTATION = r'''
options:
  asterisk_bin:
    description:
      - The C(asterisk) executable used as a remote console client (C(asterisk -rx COMMAND)).
      - A bare name is looked up in E(PATH).
    type: path
    default: asterisk
  asterisk_conf:
    description:
      - Alternate C(asterisk.conf) passed with C(-C), for a non-default control socket location.
    type: path
notes:
  - Requires a running Asterisk and the right to open its control socket (usually root or the C(asterisk) group).
  - Asterisk reports many failures with exit status 0; the module also fails when the output says
    C(No such command), C(Unable to connect to remote asterisk), C(No such module) or a module reload failure.
'''
