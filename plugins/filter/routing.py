# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routing filters: provider trunks, numbers, business hours, outbound routes and the trunks
between INPP's sites. Thin wrappers over the directory model (plugins/module_utils/_directory.py);
each refuses input the model reports as invalid rather than leave an object out. Each filter is
documented in its own ``plugins/filter/<name>.yml``.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model


def _load(routing: t.Any, users: t.Any, departments: t.Any, queues: t.Any, ivr: t.Any,
          defaults: t.Any) -> t.Tuple[model.Directory, model.Routing]:
    if not isinstance(routing, dict):
        raise AnsibleFilterError('routing: expects the mapping {trunks, numbers, time_groups, outbound, sites, '
                                 'site, sites_secret}')
    center = model.load_call_center(users, departments, queues, ivr, None, defaults=defaults)
    loaded = model.load_routing(center, dict(routing, departments=departments))
    if loaded.errors:
        raise AnsibleFilterError('; '.join(loaded.errors))
    return center, loaded


def trunk_sections(routing: t.Any, users: t.Any = None, departments: t.Any = None, queues: t.Any = None,
                   ivr: t.Any = None, defaults: t.Any = None) -> list:
    center, loaded = _load(routing, users, departments, queues, ivr, defaults)
    return model.trunk_sections(center, loaded, defaults)


def routing_contexts(sections: t.Any, routing: t.Any, users: t.Any = None, departments: t.Any = None,
                     queues: t.Any = None, ivr: t.Any = None, defaults: t.Any = None) -> list:
    if not isinstance(sections, list) or not all(isinstance(s, dict) and 'name' in s for s in sections):
        raise AnsibleFilterError('routing_contexts: expects the extensions.conf sections of the call center')
    center, loaded = _load(routing, users, departments, queues, ivr, defaults)
    return model.routing_contexts(center, loaded, sections, defaults)


def site_users(users: t.Any, sites: t.Any = None, site: t.Any = None) -> list:
    return model.site_users(users, sites, site)


class FilterModule:
    """Trunks, numbers, hours, outbound routes and sites."""

    def filters(self) -> dict:
        return {
            'trunk_sections': trunk_sections,
            'routing_contexts': routing_contexts,
            'site_users': site_users,
        }
