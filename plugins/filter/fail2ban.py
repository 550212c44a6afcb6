# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""fail2ban filters: thin wrappers over the directory model (plugins/module_utils/_directory.py).

Each filter is documented in its own ``plugins/filter/<name>.yml``.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model


def fail2ban_errors(settings: t.Any) -> list:
    return model.fail2ban_errors(settings)


def fail2ban_jails(settings: t.Any) -> list:
    errors = model.fail2ban_errors(settings)
    if errors:
        raise AnsibleFilterError('; '.join(errors))
    return model.fail2ban_jails(settings)


class FilterModule:
    """The inpp.telecom.fail2ban role's checks and jails."""

    def filters(self) -> dict:
        return {
            'fail2ban_errors': fail2ban_errors,
            'fail2ban_jails': fail2ban_jails,
        }
