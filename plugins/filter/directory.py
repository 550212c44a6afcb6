# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Derive each service's objects from INPP's one directory of people.

The inventory describes people once (``telecom_users``, ``telecom_departments``,
``telecom_domain``); these filters turn that description into what each role
manages. They are pure functions so they can be unit-tested without a host, and
roles call them from their defaults instead of carrying long Jinja expressions.
"""

from __future__ import annotations

import re
import typing as t

from ansible.errors import AnsibleFilterError

# RFC 1035 labels, at least two of them: "inpp.cd", "kinshasa.inpp.cd".
_DOMAIN_RE = re.compile(r'^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$')
# The local parts INPP uses: prenom.nom, service names; no quoting, no plus.
_LOCAL_PART_RE = re.compile(r'^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$')
_EXTENSION_RE = re.compile(r'^[0-9]{2,8}$')
_CONTEXT_RE = re.compile(r'^[A-Za-z0-9_-]{1,79}$')
# Password hashes Dovecot can verify: {SCHEME}hash, never clear text.
_HASH_RE = re.compile(r'^\{(SHA512-CRYPT|SHA256-CRYPT|BLF-CRYPT|ARGON2I|ARGON2ID|PBKDF2|SSHA512|CRYPT)\}\S+$')


def is_domain(value: t.Any) -> bool:
    return isinstance(value, str) and bool(_DOMAIN_RE.match(value))


def is_address(value: t.Any) -> bool:
    if not isinstance(value, str) or value.count('@') != 1:
        return False
    local, domain = value.split('@')
    return bool(_LOCAL_PART_RE.match(local)) and is_domain(domain)


def _wants_mail(user: dict) -> bool:
    return bool(user.get('mail', True))


def _user_address(user: dict, domain: str) -> str:
    return '%s@%s' % (user['login'], domain)


def _require_list(value: t.Any, field: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise AnsibleFilterError('%s must be a list, got %s' % (field, type(value).__name__))
    return value


def mail_mailboxes(users: t.Any, domain: str) -> list:
    """One virtual mailbox per user that has mail (``mail`` defaults to true).

    Returns ``[{address, login, name, password_hash, quota?, vacation?}]`` in the
    directory's order so rendered files stay stable between runs.
    """
    mailboxes = []
    for user in _require_list(users, 'telecom_users'):
        if not _wants_mail(user):
            continue
        box = {
            'address': _user_address(user, domain),
            'login': user['login'],
            'name': user.get('name', user['login']),
            'password_hash': user.get('mail_password_hash'),
        }
        for optional in ('quota', 'vacation'):
            if user.get(optional) not in (None, ''):
                box[optional] = user[optional]
        mailboxes.append(box)
    return mailboxes


def mail_aliases(users: t.Any, departments: t.Any, domain: str) -> dict:
    """Distribution lists: each department with a ``list`` address maps to its members' mailboxes."""
    members: dict = {}
    for user in _require_list(users, 'telecom_users'):
        if _wants_mail(user) and user.get('department'):
            members.setdefault(user['department'], []).append(_user_address(user, domain))
    aliases = {}
    for department in _require_list(departments, 'telecom_departments'):
        if department.get('list'):
            aliases[department['list']] = members.get(department['name'], [])
    return aliases


def _user_errors(index: int, user: t.Any, domain: str, departments: set, seen: dict) -> list:
    where = 'telecom_users[%d]' % index
    if not isinstance(user, dict):
        return ['%s: must be a mapping' % where]
    errors = []
    login = user.get('login')
    if not login:
        errors.append('%s.login: missing' % where)
    elif not isinstance(login, str) or not _LOCAL_PART_RE.match(login):
        errors.append("%s.login: '%s' is not a valid mailbox name (lowercase letters, digits, . _ -)" % (where, login))
    elif login in seen['login']:
        errors.append("%s.login: duplicate '%s' (already telecom_users[%d])" % (where, login, seen['login'][login]))
    else:
        seen['login'][login] = index
        if is_domain(domain) and not is_address(_user_address(user, domain)):
            errors.append("%s.login: '%s@%s' is not a valid address" % (where, login, domain))
    if not user.get('name'):
        errors.append('%s.name: missing' % where)
    extension = user.get('extension')
    if extension is not None:
        extension = str(extension)
        if not _EXTENSION_RE.match(extension):
            errors.append("%s.extension: '%s' must be 2 to 8 digits (quote it in YAML)" % (where, extension))
        elif extension in seen['extension']:
            errors.append("%s.extension: duplicate '%s' (already telecom_users[%d])"
                          % (where, extension, seen['extension'][extension]))
        else:
            seen['extension'][extension] = index
    department = user.get('department')
    if department is not None and department not in departments:
        errors.append("%s.department: '%s' is not declared in telecom_departments" % (where, department))
    if _wants_mail(user):
        password_hash = user.get('mail_password_hash')
        if not password_hash:
            errors.append('%s.mail_password_hash: missing (a mailbox needs a password hash; set mail: false for none)'
                          % where)
        elif not isinstance(password_hash, str) or not _HASH_RE.match(password_hash):
            errors.append('%s.mail_password_hash: not a {SCHEME}hash value (clear-text passwords are refused)' % where)
    elif user.get('voicemail_email'):
        errors.append('%s.voicemail_email: needs a mailbox, but mail is false' % where)
    return errors


def _department_errors(departments: list, domain: str) -> list:
    errors = []
    names: dict = {}
    for index, department in enumerate(departments):
        where = 'telecom_departments[%d]' % index
        if not isinstance(department, dict) or not department.get('name'):
            errors.append('%s.name: missing' % where)
            continue
        name = department['name']
        if name in names:
            errors.append("%s.name: duplicate '%s' (already telecom_departments[%d])" % (where, name, names[name]))
        names[name] = index
        context = department.get('context')
        if context is not None and not _CONTEXT_RE.match(str(context)):
            errors.append("%s.context: '%s' is not a valid dialplan context name" % (where, context))
        address = department.get('list')
        if address is not None:
            if not is_address(address):
                errors.append("%s.list: '%s' is not a valid mail address" % (where, address))
            elif is_domain(domain) and address.split('@')[1] != domain:
                errors.append("%s.list: '%s' is not in telecom_domain '%s'" % (where, address, domain))
    return errors


def directory_errors(users: t.Any, departments: t.Any, domain: t.Any) -> list:
    """Every problem in the directory, each naming the field; [] when valid.

    Roles assert on this list before changing anything, so a typo in the
    inventory stops the run with all the errors at once.
    """
    errors = []
    if not is_domain(domain):
        errors.append("telecom_domain: '%s' is not a valid domain name" % (domain,))
    if not isinstance(departments, list) and departments is not None:
        return errors + ['telecom_departments: must be a list']
    if not isinstance(users, list) and users is not None:
        return errors + ['telecom_users: must be a list']
    departments = departments or []
    errors.extend(_department_errors(departments, domain))
    declared = {d['name'] for d in departments if isinstance(d, dict) and d.get('name')}
    seen: dict = {'login': {}, 'extension': {}}
    for index, user in enumerate(users or []):
        errors.extend(_user_errors(index, user, domain, declared, seen))
    return errors


class FilterModule:
    """Directory derivation filters."""

    def filters(self) -> dict:
        return {
            'mail_mailboxes': mail_mailboxes,
            'mail_aliases': mail_aliases,
            'directory_errors': directory_errors,
        }
