# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Call-center filters: thin wrappers over the directory model (plugins/module_utils/_directory.py).

Every section filter returns the input format of ``inpp.telecom.asterisk_config``
(``[{name, type?, template?, parents?, options, exclusive?}]``), so the role writes
each file with one module call. The filters that write secrets or dial plans refuse
input the model reports as invalid, rather than leave an object out silently.
Each filter is documented in its own ``plugins/filter/<name>.yml``.
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model


def _checked(directory: model.Directory, errors: list) -> model.Directory:
    if errors:
        raise AnsibleFilterError('; '.join(errors))
    return directory


def _people(users: t.Any, departments: t.Any, users_name: str, domain: t.Any = None,
            queues: t.Any = None, ivr: t.Any = None, defaults: t.Any = None,
            ring_groups: t.Any = None) -> model.Directory:
    directory = model.load_call_center(users, departments, queues, ivr, domain, users_name, defaults,
                                       ring_groups=ring_groups)
    return _checked(directory, directory.people_errors())


def _menus(queues: t.Any = None, ivr: t.Any = None, ring_groups: t.Any = None,
           departments: t.Any = None) -> model.Directory:
    """Queues, menus or ring groups alone (with the departments when given): their own fields are checked;
    references to users cannot be."""
    directory = model.load_call_center(None, departments, queues, ivr, ring_groups=ring_groups)
    broken = ['%s: invalid (check it with inpp.telecom.asterisk_errors)' % item['where']
              for item in directory.queues + directory.ivr + directory.ring_groups if not item['ok']]
    if departments is not None:
        broken += [e for e in directory.errors_for('phone') if e.startswith(directory.departments_name)]
    return _checked(directory, broken)


def pjsip_sections(users: t.Any, departments: t.Any = None, defaults: t.Any = None,
                   users_name: str = 'telecom_users') -> list:
    return model.pjsip_sections(_people(users, departments, users_name, defaults=defaults), defaults)


def voicemail_boxes(users: t.Any, domain: t.Any = None, users_name: str = 'telecom_users') -> list:
    return model.voicemail_boxes(_people(users, None, users_name, domain))


def voicemail_sections(boxes: t.Any, general: t.Any = None, context: str = 'default') -> list:
    if not isinstance(boxes, list) or not all(isinstance(b, dict) and 'mailbox' in b and 'pin' in b for b in boxes):
        raise AnsibleFilterError('voicemail_sections: expects the list voicemail_boxes returns')
    if general is not None and not isinstance(general, dict):
        raise AnsibleFilterError('voicemail general options must be a mapping')
    return model.voicemail_sections(boxes, general, context)


def dialplan_contexts(users: t.Any, departments: t.Any = None, defaults: t.Any = None,
                      queues: t.Any = None, ivr: t.Any = None, ring_groups: t.Any = None) -> list:
    return model.dialplan_contexts(_people(users, departments, 'telecom_users', None, queues, ivr, defaults,
                                           ring_groups), defaults)


def queue_sections(queues: t.Any) -> list:
    return model.queue_sections(_menus(queues=queues))


def queue_dialplan(queues: t.Any, defaults: t.Any = None) -> list:
    return model.queue_dialplan(_menus(queues=queues), defaults)


def ivr_contexts(ivr: t.Any, defaults: t.Any = None) -> list:
    return model.ivr_contexts(_menus(ivr=ivr), defaults)


def agent_dialplan(queues: t.Any, defaults: t.Any = None) -> list:
    directory = _menus(queues=queues)
    codes = model.asterisk_settings(defaults).get('agent_codes')
    errors = model.agent_codes_errors(codes) if codes is not None and model.agents_of(directory) else []
    return model.agent_dialplan(_checked(directory, errors), defaults)


def call_recordings(queues: t.Any, departments: t.Any = None) -> list:
    return model.recordings(_menus(queues=queues, departments=departments))


def recording_dialplan(queues: t.Any, departments: t.Any = None) -> list:
    return model.recording_dialplan(_menus(queues=queues, departments=departments))


def ring_group_dialplan(ring_groups: t.Any, defaults: t.Any = None) -> list:
    return model.ring_group_dialplan(_menus(ring_groups=ring_groups), defaults)


def asterisk_errors(users: t.Any, departments: t.Any = None, queues: t.Any = None, ivr: t.Any = None,
                    domain: t.Any = None, users_name: str = 'telecom_users', defaults: t.Any = None,
                    routing: t.Any = None, ring_groups: t.Any = None) -> list:
    return model.asterisk_errors(users, departments, queues, ivr, domain, users_name, defaults, routing,
                                 ring_groups)


class FilterModule:
    """Asterisk call-center derivations and the asterisk role's checks."""

    def filters(self) -> dict:
        return {
            'pjsip_sections': pjsip_sections,
            'voicemail_boxes': voicemail_boxes,
            'voicemail_sections': voicemail_sections,
            'dialplan_contexts': dialplan_contexts,
            'queue_sections': queue_sections,
            'queue_dialplan': queue_dialplan,
            'agent_dialplan': agent_dialplan,
            'ivr_contexts': ivr_contexts,
            'call_recordings': call_recordings,
            'recording_dialplan': recording_dialplan,
            'ring_group_dialplan': ring_group_dialplan,
            'asterisk_errors': asterisk_errors,
        }
