# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Mail filters: thin wrappers over the directory model (plugins/module_utils/_directory.py).

The rules and derivations live in the model; these functions only adapt the
filter call shapes the roles use. Each filter is documented in its own
``plugins/filter/<name>.yml`` (``ansible-doc -t filter inpp.telecom.<name>``).
"""

from __future__ import annotations

import typing as t

from ansible.errors import AnsibleFilterError
from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model


def mail_mailboxes(users: t.Any, domain: t.Any) -> list:
    """The mailboxes of the valid users with mail. Never raises: role defaults derive from it
    before validation runs, and the validation reports the users it leaves out."""
    return model.mailboxes(model.load_directory(users, None, domain))


def mail_aliases(users: t.Any, departments: t.Any, domain: t.Any) -> dict:
    """Department lists -> their members' mailboxes. Never raises, like mail_mailboxes."""
    return model.aliases(model.load_directory(users, departments, domain))


def postfix_errors(settings: t.Any, directory: t.Any = None) -> list:
    return model.postfix_errors(settings, directory)


def dovecot_errors(settings: t.Any, directory: t.Any = None) -> list:
    return model.dovecot_errors(settings, directory)


def webmail_errors(settings: t.Any) -> list:
    return model.webmail_errors(settings)


def rspamd_errors(settings: t.Any) -> list:
    return model.rspamd_errors(settings)


def mail_dns_errors(settings: t.Any) -> list:
    return model.mail_dns_errors(settings)


def mail_dns_records(settings: t.Any) -> list:
    """The records to publish; refuses input that mail_dns_errors does not accept."""
    errors = model.mail_dns_errors(settings)
    if errors:
        raise AnsibleFilterError('mail_dns_records: ' + '; '.join(errors))
    return model.mail_dns_records(settings)


def mail_zone_snippet(records: t.Any) -> str:
    return model.zone_snippet(records)


def mail_dns_changes(records: t.Any, answer: t.Any) -> list:
    return model.dns_changes(records, answer or '')


def mail_nsupdate_script(changes: t.Any, server: str, zone: str, key_algorithm: str, key_name: str,
                         key_secret: str) -> str:
    return model.nsupdate_script(changes, server, zone, key_algorithm, key_name, key_secret)


class FilterModule:
    """Mail derivations and the mail roles' checks."""

    def filters(self) -> dict:
        return {
            'mail_mailboxes': mail_mailboxes,
            'mail_aliases': mail_aliases,
            'postfix_errors': postfix_errors,
            'dovecot_errors': dovecot_errors,
            'webmail_errors': webmail_errors,
            'rspamd_errors': rspamd_errors,
            'mail_dns_errors': mail_dns_errors,
            'mail_dns_records': mail_dns_records,
            'mail_zone_snippet': mail_zone_snippet,
            'mail_dns_changes': mail_dns_changes,
            'mail_nsupdate_script': mail_nsupdate_script,
        }
