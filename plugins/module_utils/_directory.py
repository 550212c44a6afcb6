# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one model of INPP's directory of people and of the roles' inputs.

The inventory describes people once (``telecom_domain``, ``telecom_departments``,
``telecom_users``) plus the call-center objects beside them (``asterisk_queues``,
``asterisk_ivr``). This module is the only place that knows the rules those
inputs follow and how each service's objects derive from them:

* :func:`load_directory` normalizes the directory and collects every problem,
  each message starting with the field it is about
  (``telecom_users[3].voicemail_pin: ...``). It never raises, whatever the input.
* The derivations (:func:`mailboxes`, :func:`aliases`, :func:`pjsip_sections`...)
  read a loaded directory and return only objects whose own rules passed: an
  invalid user is left out, and the error list says why.
* :func:`postfix_errors`, :func:`dovecot_errors`, :func:`webmail_errors` and :func:`asterisk_errors`
  check everything one role consumes (its own variables plus the part of the
  directory it derives from). Each role's ``validate.yml`` asserts on one of
  them, and ``playbooks/site.yml`` asserts on all of them before any host
  changes.

Later objects join by adding a loader that fills a section of :class:`Directory` and a
rule set, like queues and IVR menus do. Routing (provider trunks, numbers, business hours,
outbound routes, sites) has its own loader, :func:`load_routing`, checked against a loaded
call center (see the routing section at the end).

Pure Python, no Ansible import: the filter plugins are thin wrappers over it and
the unit tests call it directly. Messages never quote a secret's value.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import re
import typing as t

# --------------------------------------------------------------------------- lexical rules

# RFC 1035 labels, at least two of them: "inpp.cd", "kinshasa.inpp.cd". Lowercase only:
# Postfix and Dovecot compare domains as written in their tables.
DOMAIN_RE = re.compile(r'^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$')
# A host name may be a single label ("localhost", a satellite's short name).
HOSTNAME_RE = re.compile(r'^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$')
# Local part of a mailbox INPP hosts: prenom.nom, service names. No '+': it is the
# recipient delimiter of Dovecot's LMTP (its default) and of sub-addressing in
# general, so "a+b@inpp.cd" would be delivered to "a" and the mailbox never reached.
MAILBOX_LOCAL_RE = re.compile(r'^[a-z0-9]([a-z0-9._-]{0,62}[a-z0-9])?$')
# Local part of any address a list or alias may point to (outside mailboxes use '+').
ADDRESS_LOCAL_RE = re.compile(r'^[a-z0-9]([a-z0-9._+-]{0,62}[a-z0-9])?$')
EXTENSION_RE = re.compile(r'^[0-9]{2,8}$')
# Dialplan extensions a queue, an IVR or voicemail main may also use: digits, *, #.
DIALABLE_RE = re.compile(r'^[0-9*#]{1,8}$')
CONTEXT_RE = re.compile(r'^[A-Za-z0-9_-]{1,79}$')
OBJECT_NAME_RE = re.compile(r'^[A-Za-z0-9_-]{1,70}$')
PIN_RE = re.compile(r'^[0-9]{4,12}$')
IVR_DIGIT_RE = re.compile(r'^[0-9*#]$')
LANGUAGE_RE = re.compile(r'^[a-z]{2}(_[A-Z]{2})?$')
QUOTA_RE = re.compile(r'^[0-9]+[KMGT]?$')
# A sound file name relative to Asterisk's sounds directory, without extension.
SOUND_RE = re.compile(r'^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$')
QUEUE_OPTION_RE = re.compile(r'^[a-z][a-z0-9_-]{0,62}$')
POSTFIX_PARAMETER_RE = re.compile(r'^[A-Za-z0-9_]+$')
MAILHUB_RE = re.compile(r'^(\[[a-z0-9.-]+\]|[a-z0-9.-]+)(:[0-9]{1,5})?$')
SASL_LOGIN_RE = re.compile(r'^[^\s:#]+$')
# An ACME CA's directory: https, a host, optional port and path, nothing the shell or certbot would split.
ACME_DIRECTORY_RE = re.compile(r'^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/%-]*)?$')
# postscreen_dnsbl_sites entry: zone[=filter][*weight], for example zen.spamhaus.org*3.
DNSBL_SITE_RE = re.compile(r'^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(=[0-9.\[\];]+)?(\*-?[0-9]+)?$')
SIP_SECRET_FORBIDDEN_RE = re.compile(r'[\s;]')
# C0 controls and DEL. Free text ends up in passwd-file fields, caller ids, config lines
# and mail headers, where a line break starts a new entry or header.
CONTROL_RE = re.compile(r'[\x00-\x1f\x7f]')
# Vacation bodies are multi-line text: only tab and line breaks are allowed there.
BODY_CONTROL_RE = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')

# Password hashes Dovecot can verify: {SCHEME}hash, never clear text. {CRYPT} is refused:
# it names the libc crypt() of the host (DES on some systems, 8 characters kept) rather
# than a scheme, and a modern crypt hash has its own name ({SHA512-CRYPT} for $6$).
# No ':' or blank in the hash: they separate passwd-file fields.
HASH_SCHEMES = ('SHA512-CRYPT', 'SHA256-CRYPT', 'BLF-CRYPT', 'ARGON2I', 'ARGON2ID', 'PBKDF2', 'SSHA512')
HASH_RE = re.compile(r'^\{(%s)\}[^\s:]+$' % '|'.join(HASH_SCHEMES))

QUEUE_STRATEGIES = ('ringall', 'leastrecent', 'fewestcalls', 'random', 'rrmemory', 'linear', 'wrandom',
                    'rrordered')
IVR_TARGET_KINDS = ('queue', 'ext', 'voicemail', 'ivr')

ASTERISK_DEFAULTS = {
    'transport_name': 'transport-udp',
    'transport_protocol': 'udp',
    'transport_bind': '0.0.0.0:5060',
    'codecs': ['ulaw', 'alaw'],
    'max_contacts': 1,
    'endpoint_options': [],
    'internal_context': 'internal',
    'voicemail_context': 'default',
    'voicemail_main_extension': '*98',
    'dial_timeout': 20,
}


# --------------------------------------------------------------------------- single-value rules
# Each returns None when the value is fine, else the message without the field name.

def is_domain(value: t.Any) -> bool:
    return isinstance(value, str) and bool(DOMAIN_RE.match(value))


def is_hostname(value: t.Any) -> bool:
    return isinstance(value, str) and bool(HOSTNAME_RE.match(value))


def is_address(value: t.Any, mailbox: bool = False) -> bool:
    """``local@domain``; ``mailbox=True`` applies the stricter rule of a mailbox INPP hosts."""
    if not isinstance(value, str) or value.count('@') != 1:
        return False
    local, domain = value.split('@')
    local_re = MAILBOX_LOCAL_RE if mailbox else ADDRESS_LOCAL_RE
    return bool(local_re.match(local)) and is_domain(domain)


def _kind(value: t.Any) -> str:
    """The YAML kind of a value, for messages (Ansible hands over subclasses of str, dict...)."""
    for kind, name in ((bool, 'a boolean'), (int, 'a number'), (float, 'a number'), (str, 'text'),
                       (dict, 'a mapping'), (list, 'a list')):
        if isinstance(value, kind):
            return name
    return 'null' if value is None else type(value).__name__


def _shown(value: t.Any) -> str:
    """A value as quoted in a message: repr-like for text, so control characters show as escapes."""
    if isinstance(value, str):
        return "'%s'" % value.encode('unicode_escape').decode('ascii').replace("'", "\\'")
    return "'%s'" % (value,)


def text_error(value: t.Any, multiline: bool = False) -> t.Optional[str]:
    """Free text (names, subjects, options): a string without control characters or line breaks."""
    if not isinstance(value, str):
        return 'must be text, got %s' % _kind(value)
    pattern = BODY_CONTROL_RE if multiline else CONTROL_RE
    if pattern.search(value):
        if multiline:
            return 'contains control characters (only tabs and line breaks are allowed)'
        return 'contains a line break or another control character (%s)' % _shown(value)
    return None


def digits_error(value: t.Any, pattern: re.Pattern, what: str, secret: bool = False) -> t.Optional[str]:
    """Extensions and PINs: quoted digit strings. A YAML number loses leading zeros (0100 loads as 64)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return 'must be %s as a quoted string' % what
    if isinstance(value, int):
        shown = 'a number' if secret else 'the number %d' % value
        return "is %s in YAML: quote it (\"0100\" unquoted loads as 64); must be %s" % (shown, what)
    if not pattern.match(value):
        return ('must be %s' % what) if secret else ('%s must be %s' % (_shown(value), what))
    return None


def _is_sequence(digits: str) -> bool:
    """Every digit one more (or one less) than the previous one, wrapping 9 -> 0: 1234, 7890, 4321."""
    steps = {(int(b) - int(a)) % 10 for a, b in zip(digits, digits[1:])}
    return steps in ({1}, {9})


def pin_error(pin: t.Any, extension: t.Any) -> t.Optional[str]:
    """A voicemail PIN: 4 to 12 digits that are not guessable from the box itself."""
    error = digits_error(pin, PIN_RE, '4 to 12 digits', secret=True)
    if error:
        return error
    if pin == extension:
        return 'equals the extension: choose a PIN nobody can guess from the box number'
    if len(set(pin)) == 1:
        return 'is one digit repeated: choose a PIN that is not guessable'
    if _is_sequence(pin):
        return 'is a plain sequence of digits (like 1234 or 4321): choose a PIN that is not guessable'
    return None


def sip_secret_error(secret: t.Any, extension: t.Any, login: t.Any) -> t.Optional[str]:
    if not isinstance(secret, str) or len(secret) < 8 or SIP_SECRET_FORBIDDEN_RE.search(secret):
        return 'must be a string of at least 8 characters without spaces or ;'
    if secret == extension:
        return 'equals the extension: SIP scanners try it first'
    if isinstance(login, str) and secret.lower() == login.lower():
        return 'equals the login: SIP scanners try it first'
    return None


def hash_error(value: t.Any) -> t.Optional[str]:
    if not isinstance(value, str) or not HASH_RE.match(value):
        return ('not a {SCHEME}hash value such as {SHA512-CRYPT}$6$... (schemes: %s; clear-text passwords '
                'are refused)' % ', '.join(HASH_SCHEMES))
    return None


def quota_error(value: t.Any) -> t.Optional[str]:
    if isinstance(value, bool) or not QUOTA_RE.match(str(value)):
        return '%s is not a size such as 500M or 1G' % _shown(value)
    return None


def sound_error(value: t.Any) -> t.Optional[str]:
    """A sound name Asterisk looks up under its sounds directory: no absolute path, no '..'."""
    if not isinstance(value, str) or not SOUND_RE.match(value):
        return ("%s is not a sound name (letters, digits, _ - and / between names; no absolute path, "
                "no '..', no file extension)" % _shown(value))
    return None


def _is_blank(value: t.Any) -> bool:
    return value is None or value == ''


def _is_none(value: t.Any) -> bool:
    """Absent for fields where an empty string is a value to check (sound and class names)."""
    return value is None


def _language_error(value: t.Any) -> t.Optional[str]:
    if not isinstance(value, str) or not LANGUAGE_RE.match(value):
        return '%s is not a language code such as fr or en' % _shown(value)
    return None


def _context_error(value: t.Any) -> t.Optional[str]:
    if not isinstance(value, str) or not CONTEXT_RE.match(value):
        return '%s is not a valid dialplan context name' % _shown(value)
    return None


def _seconds_error(value: t.Any, minimum: int = 0) -> t.Optional[str]:
    if isinstance(value, bool) or not str(value).isdigit() or int(value) < minimum:
        return '%s must be a number of seconds%s' % (_shown(value), ' above 0' if minimum else '')
    return None


def _known(value: t.Any, known: t.Container) -> bool:
    """``value in known`` for a reference read from the inventory (which may be a list or a mapping)."""
    return isinstance(value, str) and value in known


def _flag_error(value: t.Any) -> t.Optional[str]:
    if not isinstance(value, bool):
        return 'must be true or false, got %s' % _shown(value)
    return None


def vacation_errors(vacation: t.Any, where: str) -> list:
    """An out-of-office reply: one-line subject (a mail header), multi-line body, days >= 1."""
    if not isinstance(vacation, dict):
        return ['%s: must be a mapping with a subject and a body' % where]
    errors = []
    for key, multiline in (('subject', False), ('body', True)):
        value = vacation.get(key)
        if _is_blank(value):
            errors.append('%s.%s: missing (a vacation reply needs a subject and a body)' % (where, key))
            continue
        error = text_error(value, multiline)
        if error:
            errors.append('%s.%s: %s' % (where, key, error))
    days = vacation.get('days', 1)
    if isinstance(days, bool) or not str(days).isdigit() or int(days) < 1:
        errors.append('%s.days: must be a positive number of days' % where)
    return errors


def _as_list(value: t.Any, field: str, errors: list) -> list:
    """A list input; None is empty. Anything else is reported and treated as empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append('%s: must be a list, got %s' % (field, _kind(value)))
        return []
    return value


def _entries(value: t.Any, field: str, errors: list) -> t.Iterator[t.Tuple[str, dict]]:
    """``(where, entry)`` for each mapping of a list input; any other entry is reported."""
    for index, entry in enumerate(_as_list(value, field, errors)):
        where = '%s[%d]' % (field, index)
        if isinstance(entry, dict):
            yield where, entry
        else:
            errors.append('%s: must be a mapping, got %s' % (where, _kind(entry)))


# ---- the shape of the list inputs: a list of mappings, each identified by a unique key
# (departments, queues, menus, ring groups, time groups, trunks, sites, numbers). The helpers
# below hold that shape once, so every loader reports an entry's problems the same way,
# ``field[i].key: message``, and keeps only what is its own.

# A single-value rule: the message without the field name, or None when the value is fine.
Check = t.Callable[[t.Any], t.Optional[str]]


def _field_error(errors: list, where: str, key: str, error: t.Optional[str]) -> bool:
    """Report *error*, if any, as ``where.key: error``; True when it did."""
    if error:
        errors.append('%s.%s: %s' % (where, key, error))
    return bool(error)


def _optional_field(entry: dict, where: str, key: str, check: Check, errors: list,
                    absent: t.Callable[[t.Any], bool] = _is_blank) -> t.Any:
    """The optional *key* of *entry*: its value, or None when *absent* or reported by *check*."""
    value = entry.get(key)
    if absent(value) or _field_error(errors, where, key, check(value)):
        return None
    return value


def _required_error(value: t.Any, check: Check, missing: str = 'missing') -> t.Optional[str]:
    """A field that must be given: *missing* when blank, else what *check* says."""
    return missing if _is_blank(value) else check(value)


def _unpaired(first: t.Tuple[str, t.Any], second: t.Tuple[str, t.Any]) -> t.Optional[str]:
    """Of two ``(name, value)`` that go together (certificate and key, user and secret), the name of
    the blank one when the other is given; None when both or neither are."""
    if _is_blank(first[1]) == _is_blank(second[1]):
        return None
    return first[0] if _is_blank(first[1]) else second[0]


def _one_of_error(value: t.Any, choices: t.Sequence[str]) -> t.Optional[str]:
    if value not in choices:
        return '%s is not one of %s' % (_shown(value), ', '.join(choices))
    return None


def _duplicate_error(value: t.Any, seen: dict) -> t.Optional[str]:
    """A key given twice; *seen* maps each key met so far to where it was."""
    if value in seen:
        return "duplicate '%s' (already %s)" % (value, seen[value])
    return None


def _object_name_syntax_error(name: t.Any) -> t.Optional[str]:
    """Departments, queues, menus...: a name usable as a section or context."""
    if not isinstance(name, str) or not OBJECT_NAME_RE.match(name):
        return '%s must be letters, digits, _ or -' % _shown(name)
    return None


def _unique_entries(value: t.Any, field: str, errors: list, key: str = 'name',
                    key_error: Check = _object_name_syntax_error, missing: t.Optional[str] = None,
                    skip_invalid: bool = False) -> t.Iterator[t.Tuple[str, dict, int]]:
    """``(where, entry, before)`` for each mapping of a list of objects identified by *key*.

    Non-mappings are reported (:func:`_entries`); *key* must pass *key_error* and be unique, else
    ``where.key`` is reported (a blank key as *missing* when given). ``before`` is the error count
    before the entry's own checks: ``len(errors) == before`` after them says the entry is usable.
    With *skip_invalid*, an entry whose key failed is not yielded (nothing can refer to it).
    """
    seen: dict = {}
    for where, entry in _entries(value, field, errors):
        before = len(errors)
        ident = entry.get(key)
        if missing is not None and _is_blank(ident):
            error: t.Optional[str] = missing
        else:
            error = key_error(ident) or _duplicate_error(ident, seen)
        if _field_error(errors, where, key, error):
            if skip_invalid:
                continue
        else:
            seen[ident] = where
        yield where, entry, before


def _unknown_key_errors(entry: dict, where: str, known: t.Sequence[str], what: str) -> list:
    """``where.key: not a WHAT option (known...)`` for each key of *entry* not in *known*."""
    return ['%s.%s: not a %s option (%s)' % (where, key, what, ', '.join(known)) for key in entry if key not in known]


def _extension_reference_errors(references: t.Iterable[t.Tuple[str, t.Any]], extensions: t.Container,
                                unique: bool = True, key: t.Optional[str] = None) -> list:
    """``(where, extension)`` references to users' extensions (queue members, agents, ring group members):
    each known and, if *unique*, not repeated. Messages name ``where.key`` (``where`` without *key*);
    a duplicate points back to the first ``where``."""
    errors = []
    seen: dict = {}
    for where, ext in references:
        field = '%s.%s' % (where, key) if key else where
        if not _known(ext, extensions):
            errors.append('%s: %s is not the extension of any user%s'
                          % (field, _shown(ext), ' (quote it)' if isinstance(ext, int) else ''))
            continue
        error = _duplicate_error(ext, seen) if unique else None
        if error:
            errors.append('%s: %s' % (field, error))
        else:
            seen[ext] = where
    return errors


# --------------------------------------------------------------------------- the directory

class Directory:
    """A loaded directory: normalized objects plus the errors of each rule set.

    ``common`` errors concern every service (identities, extensions, departments, free
    text); ``mail`` and ``phone`` errors concern only the services that use those fields,
    so a mailhub does not require SIP secrets and a PBX does not require password hashes.
    A user's ``mail_ok`` / ``phone_ok`` say whether its derived objects can be produced.
    """

    def __init__(self, domain: t.Any, users_name: str, departments_name: str) -> None:
        self.domain = domain
        self.users_name = users_name
        self.departments_name = departments_name
        self.departments: list = []
        # False when the caller has no departments to give (a filter called with the users
        # alone): users' department references are then not checked.
        self.departments_given = True
        self.users: list = []
        self.queues: list = []
        self.ivr: list = []
        self.ring_groups: list = []
        self.errors: dict = {'common': [], 'mail': [], 'phone': []}

    def errors_for(self, *rule_sets: str) -> list:
        return [e for name in ('common',) + rule_sets for e in self.errors[name]]

    def people_errors(self) -> list:
        """The errors about users and departments (not queues, menus or settings)."""
        prefixes = (self.users_name, self.departments_name)
        return [e for e in self.errors_for('phone') if e.startswith(prefixes)]

    @property
    def contexts(self) -> dict:
        """Department name -> dialplan context (its own, else its name)."""
        return {d['name']: d['context'] for d in self.departments}


def _load_departments(directory: Directory, departments: t.Any) -> None:
    errors = directory.errors['common']
    # A department without a valid name is left out: users and routes refer to it by name.
    for where, department, _before in _unique_entries(departments, directory.departments_name, errors,
                                                      missing='missing', skip_invalid=True):
        name = department['name']
        context = _optional_field(department, where, 'context', _context_error, errors) or name
        address = department.get('list')
        if not _is_blank(address):
            if not is_address(address, mailbox=True):
                errors.append('%s.list: %s is not a valid mail address' % (where, _shown(address)))
                address = None
            elif is_domain(directory.domain) and address.split('@')[1] != directory.domain:
                errors.append("%s.list: '%s' is not in telecom_domain '%s'" % (where, address, directory.domain))
                address = None
        language = _optional_field(department, where, 'language', _language_error, errors)
        # Recording concerns the PBX only: its errors are phone rules (a mailhub ignores them).
        record = _record_field(department.get('record'), where, directory.errors['phone'])
        directory.departments.append({'name': name, 'context': context, 'list': address or None, 'where': where,
                                      'language': language or None, 'record': record})


def _mailbox_field_errors(entry: dict, where: str, hash_key: str, hint: str) -> list:
    """The fields of a mailbox (password hash, quota, vacation), for a directory user and a
    ``dovecot_users`` entry alike."""
    errors: list = []
    _field_error(errors, where, hash_key, _required_error(
        entry.get(hash_key), hash_error, 'missing (a mailbox needs a password hash; %s)' % hint))
    _optional_field(entry, where, 'quota', quota_error, errors)
    if entry.get('vacation') is not None:
        errors.extend(vacation_errors(entry['vacation'], '%s.vacation' % where))
    return errors


def _identity_errors(user: dict, where: str, seen_logins: dict) -> list:
    """Login and name. Logins are refused in mixed case rather than folded: the login is the
    mailbox's local part and the IMAP/SMTP user name, and a folded value would be a login
    the inventory never wrote. Logins equal but for case are duplicates all the same."""
    errors = []
    login = user.get('login')
    if _is_blank(login):
        errors.append('%s.login: missing' % where)
    elif not isinstance(login, str):
        errors.append('%s.login: must be text, got %s' % (where, _kind(login)))
    elif login.lower() in seen_logins:
        errors.append("%s.login: duplicate '%s' (already %s, logins are compared without case)"
                      % (where, login, seen_logins[login.lower()]))
    else:
        seen_logins[login.lower()] = where
        if login != login.lower() and MAILBOX_LOCAL_RE.match(login.lower()):
            errors.append("%s.login: '%s' has capitals: write it in lowercase ('%s')" % (where, login, login.lower()))
        elif not MAILBOX_LOCAL_RE.match(login):
            errors.append('%s.login: %s is not a valid mailbox name (lowercase letters, digits, . _ -)'
                          % (where, _shown(login)))
    _field_error(errors, where, 'name', _required_error(user.get('name'), text_error))
    return errors


def _load_user(directory: Directory, where: str, user: dict, seen: dict) -> None:
    common, mail, phone = (directory.errors[k] for k in ('common', 'mail', 'phone'))
    before = len(common)
    common.extend(_identity_errors(user, where, seen['login']))
    flags = {}
    for key, default in (('mail', True), ('voicemail', True), ('voicemail_email', False)):
        value = user.get(key, default)
        error = _flag_error(value)
        if error:
            common.append('%s.%s: %s' % (where, key, error))
        flags[key] = value is True
    extension = user.get('extension')
    if not _is_blank(extension):
        error = digits_error(extension, EXTENSION_RE, '2 to 8 digits')
        if error:
            common.append('%s.extension: %s' % (where, error))
            extension = None
        elif not _field_error(common, where, 'extension', _duplicate_error(extension, seen['extension'])):
            seen['extension'][extension] = where
    else:
        extension = None
    department = user.get('department')
    if department is not None and directory.departments_given and not _known(department, directory.contexts):
        common.append('%s.department: %s is not declared in %s' % (where, _shown(department), directory.departments_name))
    if flags['voicemail_email'] and not flags['mail'] and _is_blank(user.get('email')):
        common.append('%s.voicemail_email: needs a mailbox, but mail is false' % where)
    email = user.get('email')
    if not _is_blank(email) and not is_address(email):
        common.append('%s.email: %s is not a valid mail address' % (where, _shown(email)))
    identity_ok = len(common) == before

    mail_before = len(mail)
    if flags['mail']:
        mail.extend(_mailbox_field_errors(user, where, 'mail_password_hash', 'set mail: false for none'))
    mail_ok = len(mail) == mail_before

    phone_before = len(phone)
    if extension is not None:
        secret = user.get('sip_secret')
        if _is_blank(secret):
            phone.append('%s.sip_secret: missing (extension %s needs a SIP password)' % (where, extension))
        else:
            error = sip_secret_error(secret, extension, user.get('login'))
            if error:
                phone.append('%s.sip_secret: %s' % (where, error))
        if flags['voicemail']:
            pin = user.get('voicemail_pin')
            if _is_blank(pin):
                phone.append('%s.voicemail_pin: missing (voicemail box %s needs a PIN; set voicemail: false for none)'
                             % (where, extension))
            else:
                error = pin_error(pin, extension)
                if error:
                    phone.append('%s.voicemail_pin: %s' % (where, error))
        elif flags['voicemail_email']:
            phone.append('%s.voicemail_email: needs a voicemail box, but voicemail is false' % where)
    phone_ok = len(phone) == phone_before

    directory.users.append({
        'where': where, 'login': user.get('login'), 'name': user.get('name'), 'extension': extension,
        'department': department, 'mail': flags['mail'], 'voicemail': flags['voicemail'],
        'voicemail_email': flags['voicemail_email'], 'email': email or None,
        'password_hash': user.get('mail_password_hash'), 'quota': user.get('quota'),
        'vacation': user.get('vacation'), 'sip_secret': user.get('sip_secret'),
        'voicemail_pin': user.get('voicemail_pin'),
        'sip': {key: user.get(key) for key in SIP_USER_FIELDS},
        'mail_ok': identity_ok and mail_ok and flags['mail'],
        'phone_ok': identity_ok and phone_ok and extension is not None,
    })


def load_directory(users: t.Any, departments: t.Any = None, domain: t.Any = None,
                   users_name: str = 'telecom_users', departments_name: str = 'telecom_departments',
                   check_domain: bool = True) -> Directory:
    """Normalize the directory of people; every problem lands in ``Directory.errors``. Never raises.

    ``departments=None`` means "not given" (users' department references are not checked);
    the roles always give a list, empty when the inventory declares none.
    """
    directory = Directory(domain, users_name, departments_name)
    directory.departments_given = departments is not None
    if check_domain and _is_blank(domain):
        directory.errors['common'].append('telecom_domain: missing (the mail domain of the directory)')
    elif check_domain and not is_domain(domain):
        directory.errors['common'].append('telecom_domain: %s is not a valid domain name (lowercase)' % _shown(domain))
    _load_departments(directory, departments)
    seen: dict = {'login': {}, 'extension': {}}
    for where, user in _entries(users, users_name, directory.errors['common']):
        _load_user(directory, where, user, seen)
    return directory


# --------------------------------------------------------------------------- mail derivations

def _address(user: dict, domain: str) -> str:
    return '%s@%s' % (user['login'], domain)


def mailboxes(directory: Directory) -> list:
    """One virtual mailbox per valid user with mail, in directory order (files stay stable).

    ``[{address, login, name, password_hash, quota?, vacation?}]``.
    """
    boxes: list = []
    if not is_domain(directory.domain):
        return boxes
    for user in directory.users:
        if not user['mail_ok']:
            continue
        box = {'address': _address(user, directory.domain), 'login': user['login'], 'name': user['name'],
               'password_hash': user['password_hash']}
        for optional in ('quota', 'vacation'):
            if not _is_blank(user[optional]):
                box[optional] = user[optional]
        boxes.append(box)
    return boxes


def aliases(directory: Directory) -> dict:
    """Distribution lists: each department with a ``list`` address -> its members' mailboxes."""
    members: dict = {}
    if not is_domain(directory.domain):
        return {}
    for box_user in directory.users:
        if box_user['mail_ok'] and box_user['department']:
            members.setdefault(box_user['department'], []).append(_address(box_user, directory.domain))
    return {d['list']: members.get(d['name'], []) for d in directory.departments if d['list']}


# --------------------------------------------------------------------------- call-center objects

def asterisk_settings(defaults: t.Any) -> dict:
    settings = dict(ASTERISK_DEFAULTS)
    if isinstance(defaults, dict):
        settings.update({k: v for k, v in defaults.items() if v is not None})
    return settings


def _queue_name_error(name: t.Any) -> t.Optional[str]:
    error = _object_name_syntax_error(name)
    if not error and name == 'general':
        error = "'general' is reserved in queues.conf"
    return error


def _load_queues(directory: Directory, queues: t.Any) -> None:
    errors = directory.errors['phone']
    extensions = {u['extension'] for u in directory.users if u['extension'] is not None}
    for where, queue, before in _unique_entries(queues, 'asterisk_queues', errors, key_error=_queue_name_error):
        name = queue.get('name')
        strategy = queue.get('strategy') or 'ringall'
        _field_error(errors, where, 'strategy', _one_of_error(strategy, QUEUE_STRATEGIES))
        timeout = queue.get('timeout', 15)
        _field_error(errors, where, 'timeout', _seconds_error(timeout))
        members = queue.get('members') or []
        if not isinstance(members, list):
            errors.append('%s.members: must be a list of extensions' % where)
            members = []
        options = queue.get('options') or {}
        if not isinstance(options, dict):
            errors.append('%s.options: must be a mapping of queues.conf options' % where)
            options = {}
        for key, value in options.items():
            if not isinstance(key, str) or not QUEUE_OPTION_RE.match(key):
                errors.append('%s.options: %s is not a queues.conf option name' % (where, _shown(key)))
            values = value if isinstance(value, list) else [value]
            for item in values:
                error = None if isinstance(item, (bool, int)) else text_error(item)
                if error:
                    errors.append('%s.options.%s: %s' % (where, key, error))
        fallback = queue.get('fallback_voicemail')
        operations = _queue_operations(queue, where, errors)
        # ``ok``: the queue's own fields can be rendered. References to users are checked
        # after it, so a filter given the queues alone can still render them.
        directory.queues.append({'where': where, 'name': name, 'strategy': strategy,
                                 'timeout': timeout, 'members': members, 'fallback_voicemail': fallback,
                                 'options': options, 'extension': queue.get('extension'),
                                 'ok': len(errors) == before, **operations})
        errors.extend(_extension_reference_errors(
            (('%s.members[%d]' % (where, index), member) for index, member in enumerate(members)),
            extensions, unique=False))
        if not _is_blank(fallback) and not _known(fallback, extensions):
            errors.append('%s.fallback_voicemail: %s is not the extension of any user' % (where, _shown(fallback)))
        errors.extend(_extension_reference_errors(
            ((agent['field'], agent['extension']) for agent in operations['agents']), extensions, key='extension'))


# ---- call-center operations: agents, overflow, announcements (issue 9)

AGENT_PENALTY_MAX = 99
MUSIC_CLASS_RE = re.compile(r'^[A-Za-z0-9_-]{1,40}$')
# Feature codes an agent dials from the phone; the role's asterisk_agent_codes override them.
AGENT_CODES = {'login': '*45', 'logout': '*46', 'pause': '*47', 'unpause': '*48'}


def _music_class_error(value: t.Any) -> t.Optional[str]:
    if not isinstance(value, str) or not MUSIC_CLASS_RE.match(value):
        return '%s is not a musiconhold.conf class name' % _shown(value)
    return None


def _queue_operations(queue: dict, where: str, errors: list) -> dict:
    """The queue's call-center fields (own rules only; references are checked once all objects are loaded)."""
    agents = []
    raw_agents = queue.get('agents') or []
    if not isinstance(raw_agents, list):
        errors.append('%s.agents: must be a list of extensions or {extension, penalty}' % where)
        raw_agents = []
    for index, agent in enumerate(raw_agents):
        field = '%s.agents[%d]' % (where, index)
        entry = agent if isinstance(agent, dict) else {'extension': agent}
        penalty = entry.get('penalty', 0)
        if isinstance(penalty, bool) or not str(penalty).isdigit() or int(penalty) > AGENT_PENALTY_MAX:
            errors.append('%s.penalty: %s must be a whole number from 0 to %d'
                          % (field, _shown(penalty), AGENT_PENALTY_MAX))
            penalty = 0
        agents.append({'field': field, 'extension': entry.get('extension'), 'penalty': int(penalty)})
    fields: dict = {'agents': agents}
    for key, default, minimum in (('wrapup', 0, 0), ('max_wait', None, 1)):
        value = queue.get(key, default)
        if value is not None and _field_error(errors, where, key, _seconds_error(value, minimum)):
            value = default
        fields[key] = int(value) if value is not None else None
    for key in ('announce_position',):
        value = queue.get(key, False)
        if not isinstance(value, bool):
            errors.append('%s.%s: %s must be true or false' % (where, key, _shown(value)))
            value = False
        fields[key] = value
    fields['music_class'] = _optional_field(queue, where, 'music_class', _music_class_error, errors,
                                            absent=_is_none)
    overflow = queue.get('overflow')
    if overflow is not None:
        error = _ivr_target_syntax_error(overflow)
        if not error and not _is_blank(queue.get('fallback_voicemail')):
            error = 'set either overflow or fallback_voicemail, not both'
        if error:
            errors.append('%s.overflow: %s' % (where, error))
            overflow = None
    fields['overflow'] = overflow
    fields['record'] = _record_field(queue.get('record'), where, errors)
    if fields['record'] and queue.get('name') == DEPARTMENT_RECORDINGS:
        errors.append("%s.name: a recorded queue cannot be named '%s' (the folder of the departments' recordings)"
                      % (where, DEPARTMENT_RECORDINGS))
        fields['record'] = None
    return fields


# ---- call recording: per queue (MixMonitor on the agent's channel once connected) and per
# department (the same subroutine on the called phone's channel once it answers, Dial's U option)

RECORDINGS_DIR = '/var/spool/asterisk/recordings'
# A department's recordings go one level down, so no department name can meet a queue's folder;
# the one queue name that could meet this folder is refused when recorded (_load_queues).
DEPARTMENT_RECORDINGS = 'departments'
RECORD_OPTIONS = ('retention_days', 'announcement')


def _record_field(record: t.Any, where: str, errors: list) -> t.Optional[dict]:
    """A queue's or department's ``record``: absent/false (not recorded) or ``{retention_days, announcement?}``."""
    if record is None or record is False:
        return None
    field = '%s.record' % where
    if not isinstance(record, dict):
        errors.append('%s: must be a mapping {retention_days, announcement} (or false)' % field)
        return None
    before = len(errors)
    days = record.get('retention_days')
    if days is None:
        errors.append('%s.retention_days: missing (how many days recordings are kept)' % field)
    elif isinstance(days, bool) or not isinstance(days, (int, str)) or not str(days).isdigit() or int(days) < 1:
        errors.append('%s.retention_days: %s must be a whole number of days above 0' % (field, _shown(days)))
    announcement = _optional_field(record, field, 'announcement', sound_error, errors, absent=_is_none)
    errors.extend(_unknown_key_errors(record, field, RECORD_OPTIONS, 'recording'))
    if len(errors) != before:
        return None
    return {'retention_days': int(days), 'announcement': announcement}


def record_context(name: str, kind: str = 'queue') -> str:
    return 'record-%s-%s' % (kind, name)


def recordings(directory: Directory) -> list:
    """``[{name, kind, path, retention_days, announcement, retention_command}]``: the valid recorded queues
    (``kind`` queue, folder ``RECORDINGS_DIR/QUEUE``), then the recorded departments (``kind`` department,
    folder ``RECORDINGS_DIR/departments/DEPARTMENT``), each in input order."""
    out = [{'name': q['name'], 'kind': 'queue', 'path': '%s/%s' % (RECORDINGS_DIR, q['name']),
            'retention_days': q['record']['retention_days'], 'announcement': q['record']['announcement']}
           for q in directory.queues if q['ok'] and q.get('record')]
    out.extend({'name': d['name'], 'kind': 'department',
                'path': '%s/%s/%s' % (RECORDINGS_DIR, DEPARTMENT_RECORDINGS, d['name']),
                'retention_days': d['record']['retention_days'], 'announcement': d['record']['announcement']}
               for d in directory.departments if d.get('record'))
    for record in out:
        record['retention_command'] = retention_command(record)
    return out


def recording_dialplan(directory: Directory) -> list:
    """extensions.conf: a ``record-KIND-NAME`` subroutine per recorded queue or department, run on the answering
    channel once the call is connected: by app_queue on the agent's channel (queues.conf ``membergosub``), by
    Dial on the called phone's channel (its ``U`` option) - the same on Asterisk 16 and 22.

    MixMonitor on the answering channel hears both parties; ``b`` keeps only the bridged call. The file is
    ``FOLDER/YYYYMMDD-HHMMSS_NAME_CALLER_ANSWERER.wav``: the caller's number comes from ``RECORD_CALLER``,
    set (inherited) by the queue context before Queue() or by the station before Dial(), the answerer is the
    endpoint.
    """
    sections = []
    for record in recordings(directory):
        name = record['name']
        path = '%s/${STRFTIME(${EPOCH},,%%Y%%m%%d-%%H%%M%%S)}_%s_${RECORD_CALLER}_${CHANNEL(endpoint)}.wav' % (
            record['path'], name)
        sections.append({'name': record_context(name, record['kind']), 'exclusive': True, 'options': [
            {'exten': 's,1,Set(RECORDING=%s)' % path},
            {'same': 'n,MixMonitor(${RECORDING},b)'},
            {'same': 'n,Return()'},
        ]})
    return sections


def retention_command(record: dict) -> list:
    """argv deleting the recordings of one queue or department older than its retention (by modification time)."""
    return ['/usr/bin/find', record['path'], '-type', 'f', '-name', '*.wav',
            '-mmin', '+%d' % (record['retention_days'] * 1440), '-delete']


# ---- ring groups: simple hunt groups of users (no agents, no queue_log)

RING_STRATEGIES = ('ringall', 'linear')
RING_OPTIONS = ('name', 'extension', 'members', 'strategy', 'timeout', 'destination')


def ring_group_context(name: str) -> str:
    return 'ringgroup-%s' % name


def _load_ring_groups(directory: Directory, groups: t.Any) -> None:
    """``asterisk_ring_groups``: {name, extension, members, strategy ringall|linear, timeout, destination}."""
    errors = directory.errors['phone']
    extensions = {u['extension'] for u in directory.users if u['extension'] is not None}
    for where, group, before in _unique_entries(groups, 'asterisk_ring_groups', errors):
        if _is_blank(group.get('extension')):
            errors.append('%s.extension: missing (a ring group is reached by its number)' % where)
        strategy = group.get('strategy', 'ringall')
        _field_error(errors, where, 'strategy', _one_of_error(strategy, RING_STRATEGIES))
        timeout = group.get('timeout', 20)
        _field_error(errors, where, 'timeout', _seconds_error(timeout, 1))
        members = group.get('members')
        if not isinstance(members, list) or not members:
            errors.append('%s.members: must be a list of at least one extension' % where)
            members = []
        destination = _optional_field(group, where, 'destination', _ivr_target_syntax_error, errors,
                                      absent=_is_none)
        errors.extend(_unknown_key_errors(group, where, RING_OPTIONS, 'ring group'))
        directory.ring_groups.append({'where': where, 'name': group.get('name'), 'extension': group.get('extension'),
                                      'members': members, 'strategy': strategy,
                                      'timeout': timeout if len(errors) == before else 20,
                                      'destination': destination, 'ok': len(errors) == before})
        errors.extend(_extension_reference_errors(
            (('%s.members[%d]' % (where, index), member) for index, member in enumerate(members)), extensions))


def _ring_group_reference_errors(directory: Directory, ivr: t.Any) -> list:
    menus = ivr if isinstance(ivr, list) else []
    ivr_names = {m['name'] for m in menus if isinstance(m, dict) and isinstance(m.get('name'), str)}
    errors = []
    for group in directory.ring_groups:
        if group['destination']:
            error = _ivr_target_reference_error(group['destination'], directory, ivr_names)
            if error:
                errors.append('%s.destination: %s' % (group['where'], error))
    return errors


def ring_group_dialplan(directory: Directory, defaults: t.Any = None) -> list:
    """extensions.conf: a ``ringgroup-NAME`` context per ring group.

    ``ringall`` rings every member at once for ``timeout`` seconds, ``linear`` each member in turn for
    ``timeout`` seconds; the first to answer takes the call (an answered call ends the context). Unanswered,
    the call goes to ``destination`` (queue, extension, voicemail or IVR), else it is hung up.
    """
    settings = asterisk_settings(defaults)
    sections = []
    for group in directory.ring_groups:
        if not group['ok']:
            continue
        timeout = int(group['timeout'])
        if group['strategy'] == 'ringall':
            dials = ['Dial(%s,%d)' % ('&'.join('PJSIP/%s' % m for m in group['members']), timeout)]
        else:
            dials = ['Dial(PJSIP/%s,%d)' % (m, timeout) for m in group['members']]
        options = [{'exten': 's,1,%s' % dials[0]}] + [{'same': 'n,%s' % d} for d in dials[1:]]
        if group['destination']:
            options.append({'same': 'n,%s' % _ivr_application(group['destination'], settings)})
        options.append({'same': 'n,Hangup()'})
        sections.append({'name': ring_group_context(group['name']), 'exclusive': True, 'options': options})
    return sections


def _overflow_errors(directory: Directory, ivr: t.Any) -> list:
    """Each queue's overflow names a queue, user, voicemail box or IVR menu that exists, never itself."""
    menus = ivr if isinstance(ivr, list) else []
    ivr_names = {m['name'] for m in menus if isinstance(m, dict) and isinstance(m.get('name'), str)}
    errors = []
    for queue in directory.queues:
        target = queue.get('overflow')
        if not target:
            continue
        error = _ivr_target_reference_error(target, directory, ivr_names)
        if not error and target == 'queue:%s' % queue['name']:
            error = 'a queue cannot overflow to itself'
        if error:
            errors.append('%s.overflow: %s' % (queue['where'], error))
    return errors


def agent_codes_errors(codes: t.Any) -> list:
    """``asterisk_agent_codes``: login, logout, pause, unpause, each a distinct dialable code."""
    if not isinstance(codes, dict):
        return ['asterisk_agent_codes: must be a mapping of %s' % ', '.join(AGENT_CODES)]
    errors = []
    seen: dict = {}
    for key in AGENT_CODES:
        value = codes.get(key, AGENT_CODES[key])
        error = digits_error(value, DIALABLE_RE, '1 to 8 digits, * or #')
        if not error and value in seen:
            error = "'%s' is also the %s code" % (value, seen[value])
        if error:
            errors.append('asterisk_agent_codes.%s: %s' % (key, error))
        else:
            seen[value] = key
    errors.extend('asterisk_agent_codes.%s: not a feature code (%s)' % (k, ', '.join(AGENT_CODES))
                  for k in codes if k not in AGENT_CODES)
    return errors


def agent_context(extension: str) -> str:
    return 'agent-%s' % extension


def agents_of(directory: Directory) -> dict:
    """``{extension: [(queue, penalty), ...]}`` over the valid queues, in queue order."""
    out: dict = {}
    for queue in directory.queues:
        if queue['ok']:
            for agent in queue.get('agents', []):
                if isinstance(agent['extension'], str):
                    out.setdefault(agent['extension'], []).append((queue['name'], agent['penalty']))
    return out


def queue_general_section(directory: Directory) -> list:
    """queues.conf ``[general]``: dynamic agents survive reloads and restarts (only when a queue has agents)."""
    if not agents_of(directory):
        return []
    return [{'name': 'general', 'exclusive': True, 'options': [{'persistentmembers': 'yes'}]}]


def queue_operation_options(queue: dict) -> list:
    """queues.conf options of the call-center fields of one queue."""
    options: list = [{'ringinuse': 'no'}] if queue.get('agents') else []
    if queue.get('wrapup'):
        options.append({'wrapuptime': queue['wrapup']})
    if queue.get('overflow') or queue.get('agents'):
        # No agent logged in (or all gone): leave at once for the overflow; paused agents keep the caller.
        options.append({'joinempty': 'unavailable,invalid,unknown'})
        options.append({'leavewhenempty': 'unavailable,invalid,unknown'})
    if queue.get('announce_position'):
        options.extend([{'announce-position': 'yes'}, {'announce-holdtime': 'yes'}, {'announce-frequency': 30}])
    if queue.get('music_class'):
        options.append({'musicclass': queue['music_class']})
    if queue.get('record'):
        options.append({'membergosub': record_context(queue['name'])})
    return options


def agent_dialplan(directory: Directory, defaults: t.Any = None) -> list:
    """extensions.conf: the agent feature codes (context ``callcenter-agents``, included in every department
    context through the internal one) and an ``agent-EXT`` context per agent with its queues and penalties.

    An agent is a dynamic member named by its interface ``PJSIP/EXT``, so queue_log names it the
    same way in every event. Pausing and unpausing apply to all the agent's queues.
    """
    agents = agents_of(directory)
    if not agents:
        return []
    codes = asterisk_settings(defaults).get('agent_codes')
    codes = dict(AGENT_CODES, **(codes if isinstance(codes, dict) else {}))
    features: list = []
    for action in ('login', 'logout', 'pause', 'unpause'):
        features.extend([
            {'exten': '%s,1,Answer()' % codes[action]},
            {'same': 'n,Set(AGENT=agent-${CHANNEL(endpoint)})'},
            {'same': 'n,GotoIf($[${DIALPLAN_EXISTS(${AGENT},%s,1)}]?${AGENT},%s,1)' % (action, action)},
            {'same': 'n,Playback(pbx-invalid)'},
            {'same': 'n,Hangup()'},
        ])
    sections = [{'name': 'callcenter-agents', 'exclusive': True, 'options': features}]
    for ext, queues in sorted(agents.items()):
        interface = 'PJSIP/%s' % ext
        options: list = [{'exten': 'login,1,NoOp(agent %s logs in)' % ext}]
        options.extend({'same': 'n,AddQueueMember(%s,%s,%d)' % (name, interface, penalty)} for name, penalty in queues)
        options.extend([{'same': 'n,Playback(agent-loginok)'}, {'same': 'n,Hangup()'},
                        {'exten': 'logout,1,NoOp(agent %s logs out)' % ext}])
        options.extend({'same': 'n,RemoveQueueMember(%s,%s)' % (name, interface)} for name, _penalty in queues)
        options.extend([{'same': 'n,Playback(agent-loggedoff)'}, {'same': 'n,Hangup()'},
                        {'exten': 'pause,1,PauseQueueMember(,%s)' % interface},
                        {'same': 'n,Playback(beep)'}, {'same': 'n,Hangup()'},
                        {'exten': 'unpause,1,UnpauseQueueMember(,%s)' % interface},
                        {'same': 'n,Playback(beep)'}, {'same': 'n,Hangup()'}])
        sections.append({'name': agent_context(ext), 'exclusive': True, 'options': options})
    return sections


def _ivr_target_syntax_error(target: t.Any) -> t.Optional[str]:
    kind, sep, _value = target.partition(':') if isinstance(target, str) else ('', '', '')
    if not sep or kind not in IVR_TARGET_KINDS:
        return '%s must be queue:NAME, ext:EXT, voicemail:EXT or ivr:NAME' % _shown(target)
    return None


def _ivr_target_reference_error(target: str, directory: Directory, ivr_names: set) -> t.Optional[str]:
    kind, _sep, value = target.partition(':')
    # Names that are no text (already reported) can neither be referred to nor hashed.
    if kind == 'queue' and value not in {q['name'] for q in directory.queues if isinstance(q['name'], str)}:
        return "unknown queue '%s'" % value
    if kind == 'ext' and value not in {u['extension'] for u in directory.users if u['extension']}:
        return "unknown extension '%s'" % value
    if kind == 'voicemail' and value not in {u['extension'] for u in directory.users if u['extension'] and u['voicemail']}:
        return "unknown voicemail box '%s'" % value
    if kind == 'ivr' and value not in ivr_names:
        return "unknown IVR '%s'" % value
    return None


def _ivr_hours_fields(where: str, menu: dict, name: t.Any, errors: list) -> tuple:
    """A menu's business hours: ``hours`` (a time group, checked in :func:`load_routing`), then
    ``closed_message`` and ``closed_destination`` (required with hours, never the menu itself)."""
    hours, closed, message = menu.get('hours'), menu.get('closed_destination'), menu.get('closed_message')
    if not _is_blank(hours) and not isinstance(hours, str):
        errors.append('%s.hours: %s must be the name of a time group of telecom_time_groups' % (where, _shown(hours)))
    if not _is_blank(hours) and _is_blank(closed):
        errors.append('%s.closed_destination: missing (where calls go when %s is closed)' % (where, _shown(hours)))
    for key, present in (('closed_destination', closed), ('closed_message', message)):
        if not _is_blank(present) and _is_blank(hours):
            errors.append('%s.%s: set without hours (a time group)' % (where, key))
    _optional_field(menu, where, 'closed_message', sound_error, errors)
    if not _is_blank(closed):
        error = _ivr_target_syntax_error(closed)
        if not error and closed == 'ivr:%s' % name:
            error = '%s is the menu itself: its closed calls would come back to it' % _shown(closed)
        if error:
            errors.append('%s.closed_destination: %s' % (where, error))
            closed = None
    return (hours if isinstance(hours, str) and hours else None), (closed or None), (message or None)


def _ivr_hours_errors(directory: Directory, groups: t.Container) -> list:
    """Each menu's ``hours`` names a time group of telecom_time_groups."""
    return ['%s.hours: %s is not a time group of telecom_time_groups' % (menu['where'], _shown(menu['hours']))
            for menu in directory.ivr if menu.get('hours') and not _known(menu['hours'], groups)]


def _load_ivr(directory: Directory, ivr: t.Any) -> None:
    errors = directory.errors['phone']
    menus = ivr if isinstance(ivr, list) else []
    ivr_names = {m['name'] for m in menus if isinstance(m, dict) and isinstance(m.get('name'), str)}
    for where, menu, before in _unique_entries(ivr, 'asterisk_ivr', errors):
        name = menu.get('name')
        # The raw values are kept (not the checked ones): a menu with an error is not rendered.
        _optional_field(menu, where, 'language', _language_error, errors)
        language = menu.get('language')
        _optional_field(menu, where, 'greeting', sound_error, errors, absent=_is_none)
        greeting = menu.get('greeting')
        wait = menu.get('wait', 5)
        _field_error(errors, where, 'wait', _seconds_error(wait))
        options = menu.get('options') or {}
        if not isinstance(options, dict) or not options:
            errors.append('%s.options: must map digits to targets' % where)
            options = {}
        references = []
        for digit, target in options.items():
            field = '%s.options.%s' % (where, digit)
            if isinstance(digit, int) and not isinstance(digit, bool):
                errors.append("%s: the digit %d is a YAML number: quote it ('1': ...)" % (field, digit))
            elif not isinstance(digit, str) or not IVR_DIGIT_RE.match(digit):
                errors.append('%s: %s must be one digit, * or # (quote it in YAML)' % (field, _shown(digit)))
            error = _ivr_target_syntax_error(target)
            if error:
                errors.append('%s: %s' % (field, error))
            else:
                references.append((field, target))
        hours, closed, message = _ivr_hours_fields(where, menu, name, errors)
        if closed:
            references.append(('%s.closed_destination' % where, closed))
        # As for queues, ``ok`` is about the menu's own fields; references come after (the time
        # group's in load_routing, where the time groups are).
        directory.ivr.append({'where': where, 'name': name, 'greeting': greeting, 'wait': wait,
                              'language': language or None,
                              'options': options, 'extension': menu.get('extension'),
                              'hours': hours, 'closed_destination': closed, 'closed_message': message,
                              'ok': len(errors) == before})
        for field, target in references:
            error = _ivr_target_reference_error(target, directory, ivr_names)
            if error:
                errors.append('%s: %s' % (field, error))


def _dialable_errors(directory: Directory, settings: dict) -> list:
    """Queues, IVR menus and voicemail main share the internal context with the users' extensions."""
    errors = []
    used = {u['extension']: u['where'] + '.extension' for u in directory.users if u['extension'] is not None}
    main = settings['voicemail_main_extension']
    if not isinstance(main, str) or not DIALABLE_RE.match(main):
        errors.append('asterisk_voicemail_main_extension: %s must be 1 to 8 digits, * or # (quoted)' % _shown(main))
    elif main in used:
        errors.append("asterisk_voicemail_main_extension: '%s' is also %s" % (main, used[main]))
    else:
        used[main] = 'asterisk_voicemail_main_extension'
    for item in directory.queues + directory.ivr + directory.ring_groups:
        ext = item['extension']
        if _is_blank(ext):
            continue
        where = item['where'] + '.extension'
        error = digits_error(ext, DIALABLE_RE, '1 to 8 digits, * or #')
        if not error and ext in used:
            error = "'%s' already used by %s" % (ext, used[ext])
        if error:
            errors.append('%s: %s' % (where, error))
            item['ok'] = False
        else:
            used[ext] = where
    if agents_of(directory):
        # A feature code equal to a number would make that number unreachable (or the code).
        codes = settings.get('agent_codes')
        codes = dict(AGENT_CODES, **(codes if isinstance(codes, dict) else {}))
        for key in AGENT_CODES:
            if isinstance(codes[key], str) and codes[key] in used:
                errors.append("asterisk_agent_codes.%s: '%s' is also %s" % (key, codes[key], used[codes[key]]))
    return errors


def _settings_errors(settings: dict) -> list:
    errors = []
    for key in ('internal_context', 'voicemail_context'):
        error = _context_error(settings[key])
        if error:
            errors.append('asterisk_%s: %s' % (key, error))
    return errors


def load_call_center(users: t.Any, departments: t.Any = None, queues: t.Any = None, ivr: t.Any = None,
                     domain: t.Any = None, users_name: str = 'telecom_users', defaults: t.Any = None,
                     departments_name: t.Optional[str] = None, ring_groups: t.Any = None) -> Directory:
    """The directory plus queues, IVR menus and ring groups, with the call-center rules applied. Never raises."""
    if departments_name is None:
        departments_name = 'telecom_departments' if users_name == 'telecom_users' else 'asterisk_departments'
    directory = load_directory(users, departments, domain, users_name, departments_name, check_domain=False)
    settings = asterisk_settings(defaults)
    _load_queues(directory, queues)
    _load_ivr(directory, ivr)
    _load_ring_groups(directory, ring_groups)
    directory.errors['phone'].extend(_overflow_errors(directory, ivr))
    directory.errors['phone'].extend(_ring_group_reference_errors(directory, ivr))
    if agents_of(directory):
        directory.errors['phone'].extend(agent_codes_errors(settings.get('agent_codes') or {}))
    directory.errors['phone'].extend(_dialable_errors(directory, settings))
    directory.errors['phone'].extend(_settings_errors(settings))
    if any(u['voicemail_email'] and u['phone_ok'] and not u['email'] for u in directory.users) \
            and not is_domain(domain):
        directory.errors['phone'].append(
            'asterisk_domain: %s is not a mail domain, and users with voicemail_email need one '
            '(set telecom_domain or asterisk_domain)' % _shown(domain))
    return directory


# ---- pjsip.conf

def _display_name(user: dict) -> str:
    # Commas separate voicemail fields and quotes delimit the caller id name.
    name = str(user['name'] or user['login'] or user['extension'])
    return re.sub(r'[,"<>;]', ' ', name).strip()


def _phone_users(directory: Directory) -> list:
    return [u for u in directory.users if u['phone_ok']]


def pjsip_sections(directory: Directory, defaults: t.Any = None) -> list:
    """pjsip.conf: a transport, three templates and endpoint/auth/aor per extension.

    The three objects of a user share the extension as their name and are told apart by ``type``.
    """
    settings = asterisk_settings(defaults)
    transport = settings['transport_name']
    sections: list = [
        {'name': transport, 'type': 'transport', 'exclusive': True,
         'options': [{'type': 'transport'}, {'protocol': settings['transport_protocol']},
                     {'bind': settings['transport_bind']}] + nat_options(settings)},
        *tls_transport_sections(settings),
        {'name': 'endpoint-tpl', 'type': 'endpoint', 'template': True, 'exclusive': True,
         'options': [{'type': 'endpoint'}, {'transport': transport}, {'disallow': 'all'},
                     {'allow': list(settings['codecs'])}, {'direct_media': 'no'}]
         + list(settings['endpoint_options'])},
        {'name': 'auth-tpl', 'type': 'auth', 'template': True, 'exclusive': True,
         'options': [{'type': 'auth'}, {'auth_type': 'userpass'}]},
        {'name': 'aor-tpl', 'type': 'aor', 'template': True, 'exclusive': True,
         'options': [{'type': 'aor'}, {'max_contacts': int(settings['max_contacts'])},
                     {'remove_existing': 'yes'}]},
    ]
    contexts = directory.contexts
    languages = {d['name']: d['language'] for d in directory.departments}
    for user in _phone_users(directory):
        ext = user['extension']
        context = contexts.get(user['department'], settings['internal_context'])
        endpoint = [{'type': 'endpoint'}, {'context': context}, {'auth': ext}, {'aors': ext},
                    {'callerid': '"%s" <%s>' % (_display_name(user), ext)}]
        if user['voicemail']:
            endpoint.append({'mailboxes': '%s@%s' % (ext, settings['voicemail_context'])})
        if languages.get(user['department']):
            endpoint.append({'language': languages[user['department']]})
        endpoint.extend(endpoint_security_options(user, settings))
        sections.extend([
            {'name': ext, 'type': 'endpoint', 'parents': ['endpoint-tpl'], 'exclusive': True,
             'options': endpoint},
            {'name': ext, 'type': 'auth', 'parents': ['auth-tpl'], 'exclusive': True,
             'options': [{'type': 'auth'}, {'username': ext}, {'password': user['sip_secret']}]},
            {'name': ext, 'type': 'aor', 'parents': ['aor-tpl'], 'exclusive': True,
             'options': [{'type': 'aor'}]},
        ])
    return sections


# ---- voicemail.conf

def voicemail_boxes(directory: Directory) -> list:
    """One box per user with an extension and voicemail: ``[{mailbox, pin, name, email}]``.

    ``email`` is the user's ``email``, else ``login@domain``, when ``voicemail_email`` is true.
    """
    boxes = []
    for user in _phone_users(directory):
        if not user['voicemail']:
            continue
        email = ''
        if user['voicemail_email']:
            if user['email']:
                email = user['email']
            elif user['login'] and directory.domain:
                email = '%s@%s' % (user['login'], directory.domain)
        boxes.append({'mailbox': user['extension'], 'pin': user['voicemail_pin'],
                      'name': _display_name(user), 'email': email})
    return boxes


def voicemail_sections(boxes: list, general: t.Optional[dict] = None, context: str = 'default') -> list:
    """voicemail.conf: ``[general]`` (options merged, others kept) and the box context, exactly."""
    sections = []
    if general:
        sections.append({'name': 'general', 'options': [{k: v} for k, v in general.items()]})
    options = []
    for box in boxes:
        fields = [str(box['pin']), str(box.get('name') or '')]
        if box.get('email'):
            fields.append(str(box['email']))
        options.append({str(box['mailbox']): ','.join(fields)})
    sections.append({'name': context, 'exclusive': True, 'options': options})
    return sections


# ---- extensions.conf

def _station(ext: str, settings: dict, department: t.Optional[dict] = None) -> list:
    """Dial one phone, then its voicemail. A phone of a recorded department is recorded once it answers
    (Dial's U option runs the department's recording subroutine on the answering channel)."""
    record = department.get('record') if department else None
    if not record:
        return [
            {'exten': '%s,1,Dial(PJSIP/%s,%s)' % (ext, ext, settings['dial_timeout'])},
            {'same': 'n,VoiceMail(%s@%s,u)' % (ext, settings['voicemail_context'])},
            {'same': 'n,Hangup()'},
        ]
    lines = [{'exten': '%s,1,Set(__RECORD_CALLER=${FILTER(0-9,${CALLERID(num)})})' % ext}]
    if record['announcement']:
        # Answered first, as a recorded queue does: every phone hears the notice. (Early media would keep
        # the call unanswered, but not every phone plays it, and a late 180 after a 183 confuses some.)
        lines.extend([{'same': 'n,Answer()'}, {'same': 'n,Playback(%s)' % record['announcement']}])
    subroutine = record_context(department['name'], 'department')
    lines.extend([
        {'same': 'n,Dial(PJSIP/%s,%s,U(%s))' % (ext, settings['dial_timeout'], subroutine)},
        {'same': 'n,VoiceMail(%s@%s,u)' % (ext, settings['voicemail_context'])},
        {'same': 'n,Hangup()'},
    ])
    return lines


def queue_context(name: str) -> str:
    return 'queue-%s' % name


def ivr_context(name: str) -> str:
    return 'ivr-%s' % name


def dialplan_contexts(directory: Directory, defaults: t.Any = None) -> list:
    """extensions.conf: the shared internal context and one context per department context.

    The internal context dials every extension (busy or no answer: voicemail), reaches
    voicemail main, and the queues and IVRs that have an extension. Each department
    context dials its own extensions and includes the internal one.
    """
    settings = asterisk_settings(defaults)
    internal = settings['internal_context']
    phone_users = _phone_users(directory)
    departments = {d['name']: d for d in directory.departments}
    options: list = []
    for user in phone_users:
        options.extend(_station(user['extension'], settings, departments.get(user['department'])))
    options.extend([
        {'exten': '%s,1,Answer()' % settings['voicemail_main_extension']},
        {'same': 'n,VoiceMailMain(${CALLERID(num)}@%s)' % settings['voicemail_context']},
        {'same': 'n,Hangup()'},
    ])
    for queue in directory.queues:
        if queue['ok'] and not _is_blank(queue['extension']):
            options.append({'exten': '%s,1,Goto(%s,s,1)' % (queue['extension'], queue_context(queue['name']))})
    for menu in directory.ivr:
        if menu['ok'] and not _is_blank(menu['extension']):
            options.append({'exten': '%s,1,Goto(%s,s,1)' % (menu['extension'], ivr_context(menu['name']))})
    for group in directory.ring_groups:
        if group['ok']:
            options.append({'exten': '%s,1,Goto(%s,s,1)' % (group['extension'], ring_group_context(group['name']))})
    if agents_of(directory):
        options.append({'include': 'callcenter-agents'})
    sections = [{'name': internal, 'exclusive': True, 'options': options}]

    stations: dict = {}
    for user in phone_users:
        context = directory.contexts.get(user['department'])
        if context:
            stations.setdefault(context, []).extend(
                _station(user['extension'], settings, departments.get(user['department'])))
    seen = {internal}
    for department in directory.departments:
        context = department['context']
        if context in seen:
            continue
        seen.add(context)
        sections.append({'name': context, 'exclusive': True,
                         'options': [{'include': internal}] + stations.get(context, [])})
    return sections


# ---- queues.conf and queue contexts

def queue_sections(directory: Directory) -> list:
    """queues.conf: a section per queue, static members ``member => PJSIP/EXT`` in order."""
    sections = []
    for queue in directory.queues:
        if not queue['ok']:
            continue
        options = [{'strategy': queue['strategy']}, {'timeout': int(queue['timeout'] or 15)}]
        options.extend(queue_operation_options(queue))
        options.extend({key: value} for key, value in queue['options'].items())
        options.append({'member': ['PJSIP/%s' % m for m in queue['members']]})
        sections.append({'name': queue['name'], 'exclusive': True, 'options': options})
    return queue_general_section(directory) + sections


def queue_dialplan(directory: Directory, defaults: t.Any = None) -> list:
    """extensions.conf: a ``queue-NAME`` context per queue (answer, queue, then voicemail or hang up)."""
    settings = asterisk_settings(defaults)
    sections = []
    for queue in directory.queues:
        if not queue['ok']:
            continue
        wait = ',,,,%d' % queue['max_wait'] if queue.get('max_wait') else ''
        options = [{'exten': 's,1,Answer()'}]
        if queue.get('record'):
            # Inherited by the agents' channels, where the recording subroutine names the file with it.
            options.append({'same': 'n,Set(__RECORD_CALLER=${FILTER(0-9,${CALLERID(num)})})'})
            if queue['record']['announcement']:
                options.append({'same': 'n,Playback(%s)' % queue['record']['announcement']})
        options.append({'same': 'n,Queue(%s%s)' % (queue['name'], wait)})
        if queue.get('overflow'):
            options.append({'same': 'n,%s' % _ivr_application(queue['overflow'], settings)})
        elif not _is_blank(queue['fallback_voicemail']):
            box = '%s@%s' % (queue['fallback_voicemail'], settings['voicemail_context'])
            options.append({'same': 'n,VoiceMail(%s,u)' % box})
        options.append({'same': 'n,Hangup()'})
        sections.append({'name': queue_context(queue['name']), 'exclusive': True, 'options': options})
    return sections


# ---- IVR contexts

def _ivr_application(target: str, settings: dict) -> str:
    kind, _sep, value = target.partition(':')
    if kind == 'queue':
        return 'Goto(%s,s,1)' % queue_context(value)
    if kind == 'ext':
        return 'Goto(%s,%s,1)' % (settings['internal_context'], value)
    if kind == 'voicemail':
        return 'VoiceMail(%s@%s,u)' % (value, settings['voicemail_context'])
    return 'Goto(%s,s,1)' % ivr_context(value)


def ivr_contexts(directory: Directory, defaults: t.Any = None) -> list:
    """extensions.conf: an ``ivr-NAME`` context per menu: greeting, wait for a digit, one extension per option."""
    settings = asterisk_settings(defaults)
    sections = []
    for menu in directory.ivr:
        if not menu['ok']:
            continue
        options = [{'exten': 's,1,Answer()'}]
        if menu.get('language'):
            options.append({'same': 'n,Set(CHANNEL(language)=%s)' % menu['language']})
        if menu.get('hours'):
            # The menu's time group (tg-NAME, from the routing) decides; closed: message, then elsewhere.
            options.extend([
                {'same': 'n,Gosub(tg-%s,s,1)' % menu['hours']},
                {'same': 'n,GotoIf($[${TG_OPEN}]?open)'},
                {'same': 'n,NoOp(IVR %s closed by time group %s)' % (menu['name'], menu['hours'])},
            ])
            if menu.get('closed_message'):
                options.append({'same': 'n,Playback(%s)' % menu['closed_message']})
            options.extend([
                {'same': 'n,%s' % _ivr_application(menu['closed_destination'], settings)},
                {'same': 'n,Hangup()'},
                {'same': 'n(open),Set(TIMEOUT(digit)=3)'},
            ])
        else:
            options.append({'same': 'n,Set(TIMEOUT(digit)=3)'})
        options += [
            {'same': 'n,Background(%s)' % (menu['greeting'] or 'vm-enter-num-to-call')},
            {'same': 'n,WaitExten(%s)' % int(menu['wait'] or 5)},
        ]
        for digit, target in menu['options'].items():
            options.append({'exten': '%s,1,%s' % (digit, _ivr_application(target, settings))})
        options.extend([
            {'exten': 'i,1,Playback(pbx-invalid)'},
            {'same': 'n,Goto(s,1)'},
            {'exten': 't,1,Hangup()'},
        ])
        sections.append({'name': ivr_context(menu['name']), 'exclusive': True, 'options': options})
    return sections


# --------------------------------------------------------------------------- role checks

def _directory_of(directory: t.Any) -> t.Optional[Directory]:
    """The ``{users, departments, domain}`` mapping the roles pass, loaded; None when undefined."""
    if not isinstance(directory, dict) or directory.get('users') is None:
        return None
    return load_directory(directory.get('users'), directory.get('departments') or [], directory.get('domain'))


def _string_setting(settings: dict, key: str) -> str:
    value = settings.get(key)
    return value if isinstance(value, str) else ''


def _mailbox_errors(boxes: t.Any, domains: list) -> t.Tuple[list, set]:
    errors: list = []
    known: set = set()
    for index, box in enumerate(_as_list(boxes, 'postfix_virtual_mailboxes', errors)):
        where = 'postfix_virtual_mailboxes[%d]' % index
        if not is_address(box, mailbox=True):
            errors.append('%s: %s is not a valid mailbox address' % (where, _shown(box)))
        elif box.split('@')[1] not in domains:
            errors.append("%s: '%s' is in domain '%s', which is not in postfix_virtual_mailbox_domains"
                          % (where, box, box.split('@')[1]))
        elif box in known:
            errors.append("%s: duplicate mailbox '%s'" % (where, box))
        known.add(box if isinstance(box, str) else '')
    return errors, known


def _alias_errors(alias_map: t.Any, domains: list, boxes: set) -> list:
    if not isinstance(alias_map, dict):
        return ['postfix_virtual_aliases: must be a mapping address -> list of targets']
    errors = []
    known = boxes | set(alias_map)
    for alias, targets in alias_map.items():
        where = "postfix_virtual_aliases['%s']" % (alias,)
        target_list = [targets] if isinstance(targets, str) else (targets if isinstance(targets, list) else [])
        if not is_address(alias, mailbox=True):
            errors.append('%s: %s is not a valid mail address' % (where, _shown(alias)))
        elif alias.split('@')[1] not in domains:
            errors.append("%s: domain '%s' is not in postfix_virtual_mailbox_domains" % (where, alias.split('@')[1]))
        elif alias in boxes:
            errors.append("%s: '%s' is also a mailbox" % (where, alias))
        if not [target for target in target_list if target]:
            errors.append('%s: points to nothing (no target)' % where)
        for tindex, target in enumerate(target_list):
            if not is_address(target):
                errors.append('%s[%d]: %s is not a valid mail address' % (where, tindex, _shown(target)))
            elif target.split('@')[1] in domains and target not in known:
                errors.append("%s[%d]: '%s' is neither a mailbox nor an alias" % (where, tindex, target))
    return errors


def _relay_errors(settings: dict) -> list:
    errors = []
    relayhost = _string_setting(settings, 'relayhost')
    if not relayhost:
        return errors
    if not is_hostname(relayhost):
        errors.append("postfix_relayhost: %s must be a bare host name (no brackets, no port)" % _shown(relayhost))
    port = settings.get('relayhost_port')
    if isinstance(port, bool) or not str(port).isdigit() or not 0 < int(port) < 65536:
        errors.append('postfix_relayhost_port: %s is not a port number' % _shown(port))
    username = _string_setting(settings, 'relayhost_username')
    password = _string_setting(settings, 'relayhost_password')
    if username and not password:
        errors.append('postfix_relayhost_password: missing (postfix_relayhost_username is set)')
    if password and not username:
        errors.append('postfix_relayhost_username: missing (postfix_relayhost_password is set)')
    return errors


def postfix_errors(settings: t.Any, directory: t.Any = None) -> list:
    """Every problem of the postfix role's input; [] when valid.

    ``settings`` maps the ``postfix_*`` variables without their prefix (``myhostname``,
    ``profile``...); ``directory`` is ``{users, departments, domain}`` (users None when
    the inventory has no directory). A mailhub derives its mailboxes and lists from the
    directory, so the directory's common and mail rules are checked with it.
    """
    if not isinstance(settings, dict):
        return ['postfix_errors: the settings must be a mapping']
    errors = []
    for key, what in (('myhostname', 'host name'), ('mydomain', 'domain name')):
        if not is_hostname(settings.get(key)):
            errors.append('postfix_%s: %s is not a valid %s' % (key, _shown(settings.get(key)), what))
    if settings.get('profile') == 'satellite':
        mailhub = _string_setting(settings, 'mailhub')
        if not mailhub:
            errors.append('postfix_mailhub: required with postfix_profile=satellite (for example "[mail.inpp.cd]:25")')
        elif not MAILHUB_RE.match(mailhub):
            errors.append('postfix_mailhub: %s is not host, [host] or [host]:port' % _shown(mailhub))
    else:
        loaded = _directory_of(directory)
        if loaded is not None:
            errors.extend(loaded.errors_for('mail'))
        domains = _as_list(settings.get('virtual_mailbox_domains'), 'postfix_virtual_mailbox_domains', errors)
        for index, domain in enumerate(domains):
            if not is_domain(domain):
                errors.append('postfix_virtual_mailbox_domains[%d]: %s is not a valid domain name' % (index, _shown(domain)))
            elif domain in (settings.get('myhostname'), 'localhost'):
                errors.append("postfix_virtual_mailbox_domains[%d]: '%s' is also in mydestination" % (index, domain))
            elif domain in domains[:index]:
                errors.append("postfix_virtual_mailbox_domains[%d]: duplicate '%s'" % (index, domain))
        box_errors, boxes = _mailbox_errors(settings.get('virtual_mailboxes'), domains)
        errors.extend(box_errors)
        errors.extend(_alias_errors(settings.get('virtual_aliases'), domains, boxes))
        catchall = _string_setting(settings, 'catchall')
        if catchall and not is_address(catchall, mailbox=True):
            errors.append('postfix_catchall: %s is not a valid mail address' % _shown(catchall))
        elif catchall and catchall not in boxes:
            errors.append("postfix_catchall: '%s' is not one of postfix_virtual_mailboxes" % catchall)
        root_alias = _string_setting(settings, 'root_alias')
        if root_alias and not is_address(root_alias):
            errors.append('postfix_root_alias: %s is not a valid mail address' % _shown(root_alias))
        errors.extend(_relay_errors(settings))
        for index, site in enumerate(_as_list(settings.get('postscreen_dnsbl_sites'), 'postfix_postscreen_dnsbl_sites', errors)):
            if not isinstance(site, str) or not DNSBL_SITE_RE.match(site):
                errors.append('postfix_postscreen_dnsbl_sites[%d]: %s is not zone[=filter][*weight] (for example '
                              'zen.spamhaus.org*3)' % (index, _shown(site)))
        threshold = settings.get('postscreen_dnsbl_threshold', 1)
        if isinstance(threshold, bool) or not str(threshold).isdigit() or int(threshold) < 1:
            errors.append('postfix_postscreen_dnsbl_threshold: %s is not a positive whole number' % _shown(threshold))
        logins = _as_list(settings.get('submission_any_sender_logins'), 'postfix_submission_any_sender_logins', errors)
        for index, login in enumerate(logins):
            if not isinstance(login, str) or not SASL_LOGIN_RE.match(login):
                errors.append('postfix_submission_any_sender_logins[%d]: %s is not a login name' % (index, _shown(login)))
    extra = settings.get('extra_parameters') or {}
    for name in extra if isinstance(extra, dict) else ():
        if not isinstance(name, str) or not POSTFIX_PARAMETER_RE.match(name):
            errors.append('postfix_extra_parameters: %s is not a parameter name' % _shown(name))
    if settings.get('profile') != 'satellite':  # only the mailhub speaks TLS with the host's certificate
        errors.extend(certificate_errors(settings))
    return errors


def _address_error(value: t.Any) -> t.Optional[str]:
    if not is_address(value):
        return '%s is not a valid mail address' % _shown(value)
    return None


def certificate_errors(settings: dict) -> list:
    """The host's certificate (inpp.telecom.host_base): supplied, from an ACME CA, or self-signed.

    ``settings`` holds ``tls_cert_file`` and ``tls_key_file`` (the ``host_base_tls_*`` values,
    blank for a self-signed certificate) and, optionally, ``tls_acme_directory``,
    ``tls_acme_email``, ``tls_acme_ca_file`` and ``tls_names`` (ACME: the CA's directory URL, the
    account's address, a CA bundle to trust the CA's API with, the names to certify). A supplied
    certificate needs its key, and the reverse; ACME needs an https directory URL, an address and
    at least one name, and excludes a supplied certificate. Whether files exist is checked on the host.
    """
    cert, key = settings.get('tls_cert_file'), settings.get('tls_key_file')
    errors = []
    missing = _unpaired(('host_base_tls_cert_file', cert), ('host_base_tls_key_file', key))
    if missing:
        errors.append('%s: missing (host_base_tls_cert_file and host_base_tls_key_file go together, or neither '
                      'for a self-signed certificate)' % missing)
    directory = settings.get('tls_acme_directory')
    if _is_blank(directory):
        return errors
    if not isinstance(directory, str) or not ACME_DIRECTORY_RE.match(directory):
        errors.append('host_base_tls_acme_directory: %s is not an https:// URL (the ACME directory, for example '
                      'https://acme-v02.api.letsencrypt.org/directory)' % _shown(directory))
    if not _is_blank(cert) or not _is_blank(key):
        errors.append('host_base_tls_acme_directory: set together with a supplied certificate '
                      '(host_base_tls_cert_file/host_base_tls_key_file); keep one of the two')
    error = _required_error(settings.get('tls_acme_email'), _address_error,
                            'missing (the ACME account needs an address, host_base_tls_acme_directory is set)')
    if error:
        errors.append('host_base_tls_acme_email: %s' % error)
    ca_file = settings.get('tls_acme_ca_file')
    if not _is_blank(ca_file) and not (isinstance(ca_file, str) and ca_file.startswith('/')):
        errors.append('host_base_tls_acme_ca_file: %s is not an absolute path' % _shown(ca_file))
    names = _as_list(settings.get('tls_names'), 'host_base_tls_names', errors)
    if settings.get('tls_names') in (None, []):
        errors.append('host_base_tls_names: missing (the public names the ACME CA validates over http-01, for '
                      'example [mail.inpp.cd]; host_base_tls_acme_directory is set)')
    for index, name in enumerate(names):
        if not is_domain(name):
            errors.append('host_base_tls_names[%d]: %s is not a public DNS name' % (index, _shown(name)))
    return errors


def _dovecot_user_errors(where: str, user: dict, domains: list, seen: dict) -> list:
    errors = []
    address = user.get('address')
    if _is_blank(address):
        errors.append('%s.address: missing' % where)
    elif not is_address(address, mailbox=True):
        errors.append('%s.address: %s is not a valid mail address' % (where, _shown(address)))
    elif address.split('@')[1] not in domains:
        errors.append("%s.address: domain '%s' is not declared in dovecot_domains %s" % (where, address.split('@')[1], domains))
    elif address in seen:
        errors.append("%s.address: duplicate mailbox '%s' (already %s)" % (where, address, seen[address]))
    else:
        seen[address] = where
    _optional_field(user, where, 'name', text_error, errors)
    errors.extend(_mailbox_field_errors(user, where, 'password_hash', 'clear-text passwords are refused'))
    return errors


def dovecot_errors(settings: t.Any, directory: t.Any = None) -> list:
    """Every problem of the dovecot role's input; [] when valid.

    ``settings`` maps the ``dovecot_*`` variables without their prefix (``domains``,
    ``users``, ``quota``); with a directory,
    its common and mail rules are checked too (the default users derive from it, and a
    user the derivation leaves out must not go unnoticed).
    """
    if not isinstance(settings, dict):
        return ['dovecot_errors: the settings must be a mapping']
    errors = []
    loaded = _directory_of(directory)
    if loaded is not None:
        errors.extend(loaded.errors_for('mail'))
    domains = _as_list(settings.get('domains'), 'dovecot_domains', errors)
    if not domains:
        errors.append('dovecot_domains: empty (define telecom_domain or dovecot_domains)')
    for index, domain in enumerate(domains):
        if not is_domain(domain):
            errors.append('dovecot_domains[%d]: %s is not a valid domain name' % (index, _shown(domain)))
    quota = settings.get('quota')
    if not _is_blank(quota):
        error = quota_error(quota)
        if error:
            errors.append('dovecot_quota: %s' % error)
    seen: dict = {}
    for where, user in _entries(settings.get('users'), 'dovecot_users', errors):
        errors.extend(_dovecot_user_errors(where, user, domains, seen))
    if settings.get('managesieve') is True:
        if settings.get('sieve') is False:
            errors.append('dovecot_managesieve: needs dovecot_sieve (ManageSieve edits the Sieve scripts run at delivery)')
        port = settings.get('managesieve_port')
        if _port_error(port):
            errors.append('dovecot_managesieve_port: %s' % _port_error(port))
    errors.extend(certificate_errors(settings))
    return errors


WEBMAIL_PLUGIN_RE = re.compile(r'^[a-z0-9_]{1,64}$')
WEBMAIL_SECURITY = ('ssl', 'starttls')


def _hostname_error(value: t.Any) -> t.Optional[str]:
    if not is_hostname(value):
        return '%s is not a valid host name' % _shown(value)
    return None


def webmail_errors(settings: t.Any) -> list:
    """Every problem of the webmail role's input; [] when valid.

    ``settings`` maps the ``webmail_*`` variables without their prefix: ``server_name``,
    ``domain`` (completes a bare login), ``imap_host``/``smtp_host``/``managesieve_host``,
    ``imap_security`` (``ssl`` on 993 or ``starttls`` on 143), the ports, ``tls_cert_file`` and
    ``tls_key_file`` (the certificate nginx serves; both blank for the host's), ``product_name``, ``plugins``,
    ``managesieve``; and ``dovecot_managesieve``, whether the local Dovecot serves ManageSieve
    (the vacation form needs it).
    """
    if not isinstance(settings, dict):
        return ['webmail_errors: the settings must be a mapping']
    errors = []
    for key in ('server_name', 'imap_host', 'smtp_host', 'managesieve_host'):
        value = settings.get(key)
        if key == 'managesieve_host' and settings.get('managesieve') is not True:
            continue
        error = _required_error(value, _hostname_error)
        if error:
            errors.append('webmail_%s: %s' % (key, error))
    domain = settings.get('domain')
    if not _is_blank(domain) and not is_domain(domain):
        errors.append('webmail_domain: %s is not a valid domain name' % _shown(domain))
    error = _one_of_error(settings.get('imap_security'), WEBMAIL_SECURITY)
    if error:
        errors.append('webmail_imap_security: %s' % error)
    for key in ('https_port', 'imap_port', 'smtp_port', 'managesieve_port'):
        error = _port_error(settings.get(key))
        if error:
            errors.append('webmail_%s: %s' % (key, error))
    # Both blank: the host's certificate (inpp.telecom.host_base). Otherwise a pair of absolute paths.
    cert, key = settings.get('tls_cert_file'), settings.get('tls_key_file')
    missing = _unpaired(('webmail_tls_cert_file', cert), ('webmail_tls_key_file', key))
    if missing:
        errors.append('%s: missing (webmail_tls_cert_file and webmail_tls_key_file go together, or neither for '
                      "the host's certificate)" % missing)
    for name, value in (('tls_cert_file', cert), ('tls_key_file', key)):
        if not _is_blank(value) and (not isinstance(value, str) or not value.startswith('/')):
            errors.append('webmail_%s: %s is not an absolute path' % (name, _shown(value)))
    error = text_error(settings.get('product_name'))
    if error:
        errors.append('webmail_product_name: %s' % error)
    plugins = _as_list(settings.get('plugins'), 'webmail_plugins', errors)
    for index, plugin in enumerate(plugins):
        if not isinstance(plugin, str) or not WEBMAIL_PLUGIN_RE.match(plugin):
            errors.append('webmail_plugins[%d]: %s is not a Roundcube plugin name' % (index, _shown(plugin)))
    if settings.get('managesieve') is True and settings.get('dovecot_managesieve') is not True \
            and settings.get('managesieve_host') in ('localhost', '127.0.0.1', '::1'):
        errors.append('dovecot_managesieve: must be true on a webmail host whose out-of-office form uses the '
                      'local Dovecot (webmail_managesieve), or set webmail_managesieve to false')
    errors.extend(certificate_errors(settings.get('host_certificate') or {}))
    return errors


DKIM_SELECTOR_RE = re.compile(r'^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$')
RSPAMD_MODULE_RE = re.compile(r'^[a-z][a-z0-9_]{0,62}$')
# Modules the rspamd role renders itself: turning one off would fight its own file.
RSPAMD_OWN_MODULES = ('dkim_signing', 'milter_headers', 'arc', 'antivirus', 'greylist')
REDIS_SERVER_RE = re.compile(r'^([a-z0-9.-]+|\[[0-9a-f:]+\]|[0-9a-f:]+):[0-9]{1,5}$')


def _score(value: t.Any) -> t.Optional[float]:
    """A spam score (int or float, not a boolean), or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _ip_error(value: t.Any, network: bool) -> t.Optional[str]:
    if not isinstance(value, str):
        return '%s is not %s' % (_shown(value), 'a network' if network else 'an IP address')
    try:
        if network:
            ipaddress.ip_network(value, strict=False)
        else:
            ipaddress.ip_address(value)
    except ValueError:
        return '%s is not %s' % (_shown(value), 'a network (address/prefix)' if network else 'an IP address')
    return None


def rspamd_errors(settings: t.Any) -> list:
    """Every problem of the rspamd role's input; [] when valid.

    ``settings`` maps the ``rspamd_*`` variables without their prefix. The scores must rise
    from greylisting (optional) to marking to refusing, or rspamd would never reach the
    lower action.
    """
    if not isinstance(settings, dict):
        return ['rspamd_errors: the settings must be a mapping']
    errors = []
    scores = {}
    for key in ('greylist_score', 'add_header_score', 'reject_score'):
        value = settings.get(key)
        if key == 'greylist_score' and _is_blank(value):
            continue
        score = _score(value)
        if score is None:
            errors.append('rspamd_%s: %s is not a number' % (key, _shown(value)))
        else:
            scores[key] = score
    if 'add_header_score' in scores and 'reject_score' in scores and scores['add_header_score'] >= scores['reject_score']:
        errors.append('rspamd_add_header_score: %g must be below rspamd_reject_score (%g)'
                      % (scores['add_header_score'], scores['reject_score']))
    if 'greylist_score' in scores and 'add_header_score' in scores and scores['greylist_score'] >= scores['add_header_score']:
        errors.append('rspamd_greylist_score: %g must be below rspamd_add_header_score (%g)'
                      % (scores['greylist_score'], scores['add_header_score']))
    if settings.get('milter_default_action') not in ('tempfail', 'accept'):
        errors.append('rspamd_milter_default_action: %s is neither tempfail nor accept'
                      % _shown(settings.get('milter_default_action')))
    domains = _as_list(settings.get('dkim_domains'), 'rspamd_dkim_domains', errors)
    for index, domain in enumerate(domains):
        if not is_domain(domain):
            errors.append('rspamd_dkim_domains[%d]: %s is not a valid domain name' % (index, _shown(domain)))
        elif domain in domains[:index]:
            errors.append("rspamd_dkim_domains[%d]: duplicate '%s'" % (index, domain))
    selector = settings.get('dkim_selector')
    if not isinstance(selector, str) or not DKIM_SELECTOR_RE.match(selector):
        errors.append('rspamd_dkim_selector: %s is not a DNS label (lower case letters, digits, hyphens)' % _shown(selector))
    bits = settings.get('dkim_key_bits')
    if isinstance(bits, bool) or str(bits) not in ('2048', '3072', '4096'):
        errors.append('rspamd_dkim_key_bits: %s is not 2048, 3072 or 4096' % _shown(bits))
    for field, network in (('local_addrs', True), ('dns_servers', False)):
        for index, value in enumerate(_as_list(settings.get(field), 'rspamd_' + field, errors)):
            error = _ip_error(value, network)
            if error:
                errors.append('rspamd_%s[%d]: %s' % (field, index, error))
    redis = settings.get('redis_server')
    if not isinstance(redis, str) or not REDIS_SERVER_RE.match(redis) or not 0 < int(redis.rsplit(':', 1)[1]) < 65536:
        errors.append('rspamd_redis_server: %s is not host:port' % _shown(redis))
    for index, module in enumerate(_as_list(settings.get('disabled_modules'), 'rspamd_disabled_modules', errors)):
        if not isinstance(module, str) or not RSPAMD_MODULE_RE.match(module):
            errors.append('rspamd_disabled_modules[%d]: %s is not a module name' % (index, _shown(module)))
        elif module in RSPAMD_OWN_MODULES:
            errors.append("rspamd_disabled_modules[%d]: '%s' is configured by the role itself" % (index, module))
    return errors


DMARC_POLICIES = ('none', 'quarantine', 'reject')
# The services a mail client finds through SRV records (RFC 6186, RFC 8314): name -> port.
MAIL_SRV_PORTS = {'imaps': 993, 'imap': 143, 'submissions': 465, 'submission': 587, 'pop3s': 995}
TXT_CHUNK = 255


def mail_dns_errors(settings: t.Any) -> list:
    """Every problem of playbooks/dns.yml's input (the ``dns_*`` variables); [] when valid."""
    if not isinstance(settings, dict):
        return ['mail_dns_errors: the settings must be a mapping']
    errors = []
    if not is_domain(settings.get('domain')):
        errors.append('dns_domain: %s is not a valid domain name' % _shown(settings.get('domain')))
    if not is_hostname(settings.get('mailhub')) or '.' not in str(settings.get('mailhub')):
        errors.append('dns_mailhub: %s is not a fully qualified host name' % _shown(settings.get('mailhub')))
    address = settings.get('mailhub_address')
    if not _is_blank(address):
        error = _ip_error(address, False)
        if error:
            errors.append('dns_mailhub_address: %s' % error)
    for key in ('ttl', 'mx_priority'):
        value = settings.get(key)
        if isinstance(value, bool) or not str(value).isdigit() or int(value) > 2147483647:
            errors.append('dns_%s: %s is not a whole number of %s' % (key, _shown(value), 'seconds' if key == 'ttl' else 'points'))
    spf = settings.get('spf')
    if not isinstance(spf, str) or not spf.startswith('v=spf1') or text_error(spf) or '"' in spf:
        errors.append('dns_spf: %s is not an SPF record (it starts with v=spf1, one line, no quotes)' % _shown(spf))
    if settings.get('dmarc_policy') not in DMARC_POLICIES:
        errors.append('dns_dmarc_policy: %s is not one of %s' % (_shown(settings.get('dmarc_policy')), ', '.join(DMARC_POLICIES)))
    rua = settings.get('dmarc_rua')
    if not _is_blank(rua) and not is_address(rua):
        errors.append('dns_dmarc_rua: %s is not a valid mail address' % _shown(rua))
    for index, service in enumerate(_as_list(settings.get('srv_services'), 'dns_srv_services', errors)):
        if service not in MAIL_SRV_PORTS:
            errors.append('dns_srv_services[%d]: %s is not one of %s' % (index, _shown(service), ', '.join(sorted(MAIL_SRV_PORTS))))
    for where, record in _entries(settings.get('dkim'), 'dns_dkim', errors):
        if not isinstance(record.get('selector'), str) or not DKIM_SELECTOR_RE.match(record['selector']):
            errors.append('%s.selector: %s is not a DNS label' % (where, _shown(record.get('selector'))))
        value = record.get('value')
        if not isinstance(value, str) or not re.match(r'^v=DKIM1;( [a-z]=[^;"\s]*;)* p=[A-Za-z0-9+/=]+$', value):
            errors.append('%s.value: %s is not a DKIM key record (v=DKIM1; k=rsa; p=...)' % (where, _shown(value)))
    return errors


def _txt(text: str) -> str:
    """TXT rdata in zone syntax: the text in quoted strings of at most 255 characters."""
    return ' '.join('"%s"' % text[i:i + TXT_CHUNK] for i in range(0, len(text), TXT_CHUNK))


def mail_dns_records(settings: dict) -> list:
    """The records a mail domain publishes: MX, the mailhub's A, SPF, DKIM, DMARC, SRV.

    Each is ``{name, type, ttl, value, rdata}``: ``name`` absolute with its trailing dot,
    ``value`` the record's text (a TXT record unsplit) and ``rdata`` its zone-file form (a TXT
    record in 255-character strings, as nsupdate and zone files take it). Call it on input
    that ``mail_dns_errors`` accepts.
    """
    domain = settings['domain'].rstrip('.')
    mailhub = settings['mailhub'].rstrip('.')
    ttl = int(settings['ttl'])
    records = []

    def add(name: str, rtype: str, value: str) -> None:
        rdata = _txt(value) if rtype == 'TXT' else value
        records.append({'name': name + '.', 'type': rtype, 'ttl': ttl, 'value': value, 'rdata': rdata})

    add(domain, 'MX', '%d %s.' % (int(settings['mx_priority']), mailhub))
    if not _is_blank(settings.get('mailhub_address')) and (mailhub == domain or mailhub.endswith('.' + domain)):
        add(mailhub, 'AAAA' if ':' in settings['mailhub_address'] else 'A', settings['mailhub_address'])
    add(domain, 'TXT', settings['spf'])
    for record in settings.get('dkim') or []:
        add('%s._domainkey.%s' % (record['selector'], domain), 'TXT', record['value'])
    dmarc = 'v=DMARC1; p=%s' % settings['dmarc_policy']
    if not _is_blank(settings.get('dmarc_rua')):
        dmarc += '; rua=mailto:%s' % settings['dmarc_rua']
    add('_dmarc.' + domain, 'TXT', dmarc)
    for service in settings.get('srv_services') or []:
        add('_%s._tcp.%s' % (service, domain), 'SRV', '0 1 %d %s.' % (MAIL_SRV_PORTS[service], mailhub))
    return records


def zone_snippet(records: list) -> str:
    """Zone-file lines for ``mail_dns_records``' output, one record per line."""
    return ''.join('%s %d IN %s %s\n' % (r['name'], r['ttl'], r['type'], r['rdata']) for r in records)


def dns_changes(records: list, answer: str) -> list:
    """The records of ``mail_dns_records`` that a name server does not hold as they should be.

    ``answer`` is ``dig +noall +answer`` output for those names and types (one
    ``name ttl class type rdata`` per line). A record set differs when its TTL or any of its
    values differs; each record here is the whole set of its name and type.
    """
    current: dict = {}
    for line in answer.splitlines():
        fields = line.split(None, 4)
        if len(fields) == 5 and not line.startswith(';'):
            key = (fields[0].lower(), fields[3].upper())
            current.setdefault(key, set()).add((int(fields[1]), ' '.join(fields[4].split())))
    return [record for record in records
            if current.get((record['name'].lower(), record['type'])) != {(int(record['ttl']), ' '.join(record['rdata'].split()))}]


def nsupdate_script(changes: list, server: str, zone: str, key_algorithm: str, key_name: str, key_secret: str) -> str:
    """nsupdate's input replacing each changed record set, signed with the TSIG key (given on stdin,
    never on the command line); one ``send``, so the zone changes in one transaction."""
    lines = ['server %s' % server, 'zone %s' % zone, 'key %s:%s %s' % (key_algorithm, key_name, key_secret)]
    for record in changes:
        lines.append('update delete %s %s' % (record['name'], record['type']))
        lines.append('update add %s %d %s %s' % (record['name'], int(record['ttl']), record['type'], record['rdata']))
    lines.append('send')
    return '\n'.join(lines) + '\n'


def asterisk_errors(users: t.Any, departments: t.Any = None, queues: t.Any = None, ivr: t.Any = None,
                    domain: t.Any = None, users_name: str = 'telecom_users', defaults: t.Any = None,
                    routing: t.Any = None, ring_groups: t.Any = None) -> list:
    """Every problem of the asterisk role's input (users, departments, queues, IVR, settings); [] when valid.

    Each rule runs once, on what the role consumes: the directory's common rules and the
    telephony rules, never the mail rules (a PBX does not need password hashes).
    """
    center = load_call_center(users, departments, queues, ivr, domain, users_name, defaults,
                              ring_groups=ring_groups)
    errors = center.errors_for('phone')
    if routing is not None:  # trunks, numbers, hours, outbound routes, sites
        errors.extend(load_routing(center, dict(routing, departments=departments)).errors)
    else:  # no routing: no time group for a menu's hours
        errors.extend(_ivr_hours_errors(center, ()))
    errors.extend(sip_security_errors(center, defaults))
    return errors


# =========================================================================== routing
# Provider trunks, the numbers (DIDs) they bring in, business hours, outbound routes with
# permission classes, and the trunks between INPP's sites. Everything comes from one mapping
# the asterisk role assembles from the inventory (``__asterisk_routing``):
#
#   {trunks, numbers, time_groups, outbound, sites, site, sites_secret, departments}
#
# :func:`load_routing` checks it against a loaded call center (its users, queues, menus) and
# returns a :class:`Routing`; the derivations (:func:`trunk_sections`, :func:`routing_contexts`)
# only render what passed. Field names in messages are the inventory's (``telecom_trunks[0]...``).

TRUNK_HOST_RE = re.compile(r'^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*'
                           r'|[0-9]{1,3}(\.[0-9]{1,3}){3})(:[0-9]{1,5})?$')
# identify/match: an address, a network (CIDR) or a host name.
MATCH_RE = re.compile(r'^([0-9]{1,3}(\.[0-9]{1,3}){3}(/[0-9]{1,2})?|[a-z0-9.-]+)$')
NUMBER_RE = re.compile(r'^\+?[0-9]{3,15}$')
SIP_USER_RE = re.compile(r'^[A-Za-z0-9._+-]{1,64}$')
CODEC_RE = re.compile(r'^[a-z0-9_]{2,16}$')
DATE_RE = re.compile(r'^([0-9]{4})-([0-9]{2})-([0-9]{2})$')
HOURS_RE = re.compile(r'^([0-9]{1,2}):([0-9]{2})-([0-9]{1,2}):([0-9]{2})$')
DIAL_PREFIX_RE = re.compile(r'^[0-9]{0,3}$')
# A dial pattern without the leading '_': digits and Asterisk's X Z N and the final '.'.
DIAL_PATTERN_RE = re.compile(r'^[0-9XZN]{1,20}\.?$')
RANGE_RE = re.compile(r'^([0-9]{2,8})-([0-9]{2,8})$')
WEEKDAYS = ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')
# Ordered: a department may call its class and every class before it. Emergency numbers are
# always allowed, whatever the class.
CALL_CLASSES = ('internal', 'local', 'national', 'international')
DESTINATION_KINDS = ('ivr', 'queue', 'ext', 'voicemail')
ROUTING_DEFAULTS = {
    'prefix': '0',
    'trunk': None,
    'default_class': 'internal',
    'emergency': ['112', '113', '114', '118'],
    # The number after the dial prefix, as Asterisk patterns (without '_'). INPP's defaults
    # follow the DRC plan: 0 + 9 digits nationally, 00 + country code abroad.
    'classes': {'local': ['ZXXXXXX'], 'national': ['0ZXXXXXXXX'], 'international': ['00Z.']},
    'max_calls': 2,
}
SITES_SECRET_MIN = 16


class Routing:
    """The checked routing objects; each carries ``ok`` (its own fields and references passed)."""

    def __init__(self) -> None:
        self.trunks: list = []
        self.numbers: list = []
        self.time_groups: list = []
        self.outbound: dict = {}
        self.sites: list = []
        self.site: t.Optional[dict] = None
        self.sites_secret: str = ''
        self.classes: dict = {}      # department context -> call class
        self.errors: list = []


def _text_list(value: t.Any, field: str, errors: list, pattern: re.Pattern, what: str) -> list:
    """A list of short strings (codecs, matches, dates...), each matching *pattern*."""
    items = [value] if isinstance(value, str) else _as_list(value, field, errors)
    good = []
    for index, item in enumerate(items):
        if isinstance(item, str) and pattern.match(item):
            good.append(item)
        else:
            errors.append('%s[%d]: %s is not %s' % (field, index, _shown(item), what))
    return good


def _hours_error(value: t.Any) -> t.Optional[str]:
    """``HH:MM-HH:MM`` within one day, opening before closing (24:00 is the end of the day)."""
    match = HOURS_RE.match(value) if isinstance(value, str) else None
    if not match:
        return '%s must be HH:MM-HH:MM (for example 08:00-16:30)' % _shown(value)
    start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
    for hour, minute in ((start_h, start_m), (end_h, end_m)):
        if hour > 24 or minute > 59 or (hour == 24 and minute):
            return "%s: %02d:%02d is not an hour of the day" % (_shown(value), hour, minute)
    if (start_h, start_m) >= (end_h, end_m):
        return '%s: the opening hour must come before the closing hour' % _shown(value)
    return None


def _days_error(value: t.Any) -> t.Optional[str]:
    """``mon-fri``, ``sat``, ``*`` (every day)."""
    if value == '*':
        return None
    parts = value.split('-') if isinstance(value, str) else []
    if not 1 <= len(parts) <= 2 or not all(p in WEEKDAYS for p in parts):
        return '%s must be a day or a range of days among %s, or *' % (_shown(value), ', '.join(WEEKDAYS))
    return None


def _date_error(value: t.Any) -> t.Optional[str]:
    match = DATE_RE.match(value) if isinstance(value, str) else None
    if not match:
        if isinstance(value, datetime.date):
            return "%s is a YAML date: quote it ('%s')" % (_shown(str(value)), value)
        return '%s must be a date YYYY-MM-DD (quoted)' % _shown(value)
    try:
        datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        return '%s is not a date of the calendar' % _shown(value)
    return None


def _timezone_error(value: t.Any) -> t.Optional[str]:
    if not isinstance(value, str) or not re.match(r'^[A-Za-z0-9_+/-]+$', value):
        return '%s is not a time zone name such as Africa/Kinshasa' % _shown(value)
    return None


def _load_time_groups(routing: Routing, groups: t.Any, errors: list) -> None:
    for where, group, before in _unique_entries(groups, 'telecom_time_groups', errors):
        name = group.get('name')
        periods = []
        for pwhere, period in _entries(group.get('open'), where + '.open', errors):
            days = period.get('days', 'mon-fri')
            _field_error(errors, pwhere, 'days', _days_error(days))
            if not _field_error(errors, pwhere, 'hours', _hours_error(period.get('hours'))):
                periods.append({'days': days, 'hours': period['hours']})
        if not group.get('open'):
            errors.append('%s.open: must list the opening periods ({days, hours})' % where)
        holidays = []
        for index, day in enumerate(_as_list(group.get('holidays'), where + '.holidays', errors)):
            error = _date_error(day)
            if error:
                errors.append('%s.holidays[%d]: %s' % (where, index, error))
            else:
                holidays.append(day)
        _optional_field(group, where, 'timezone', _timezone_error, errors)
        timezone = group.get('timezone')
        routing.time_groups.append({'where': where, 'name': name, 'open': periods, 'holidays': holidays,
                                    'timezone': timezone or '', 'ok': len(errors) == before})


def _phone_number_error(value: t.Any) -> t.Optional[str]:
    return digits_error(value, NUMBER_RE, 'a phone number (3 to 15 digits, + allowed first)')


def _destination_error(target: t.Any, directory: Directory) -> t.Optional[str]:
    """``ivr:NAME``, ``queue:NAME``, ``ext:EXT`` or ``voicemail:EXT``, naming an object that exists."""
    if _is_blank(target):
        return 'missing: a number must lead somewhere (ivr:NAME, queue:NAME, ext:EXT or voicemail:EXT)'
    kind, sep, _value = target.partition(':') if isinstance(target, str) else ('', '', '')
    if not sep or kind not in DESTINATION_KINDS:
        return '%s must be ivr:NAME, queue:NAME, ext:EXT or voicemail:EXT' % _shown(target)
    names = {m['name'] for m in directory.ivr if m['ok']}
    return _ivr_target_reference_error(target, directory, names)


def _load_numbers(routing: Routing, directory: Directory, numbers: t.Any, errors: list) -> None:
    # Only text names can be referred to (a list as a name is reported by its loader, and is unhashable).
    groups = {g['name'] for g in routing.time_groups if isinstance(g['name'], str)}
    for where, number, before in _unique_entries(numbers, 'telecom_numbers', errors, key='number',
                                                 key_error=_phone_number_error):
        value = number.get('number')
        _field_error(errors, where, 'destination', _destination_error(number.get('destination'), directory))
        hours = number.get('hours')
        closed = number.get('closed_destination')
        message = number.get('closed_message')
        if not _is_blank(hours):
            if not _known(hours, groups):
                errors.append('%s.hours: %s is not a time group of telecom_time_groups' % (where, _shown(hours)))
            if _is_blank(closed):
                errors.append('%s.closed_destination: missing (where calls go when %s is closed)'
                              % (where, _shown(hours)))
        for key, present in (('closed_destination', closed), ('closed_message', message)):
            if not _is_blank(present) and _is_blank(hours):
                errors.append('%s.%s: set without hours (a time group)' % (where, key))
        _optional_field(number, where, 'closed_destination', lambda v: _destination_error(v, directory), errors)
        _optional_field(number, where, 'closed_message', sound_error, errors)
        _optional_field(number, where, 'language', _language_error, errors)
        language = number.get('language')
        routing.numbers.append({'where': where, 'number': value, 'destination': number.get('destination'),
                                'hours': hours or None, 'closed_destination': closed or None,
                                'closed_message': message or None, 'language': language or None,
                                'ok': len(errors) == before})


def _load_trunks(routing: Routing, trunks: t.Any, errors: list) -> None:
    for where, trunk, before in _unique_entries(trunks, 'telecom_trunks', errors):
        name = trunk.get('name')
        host = trunk.get('host')
        _field_error(errors, where, 'host', _required_error(
            host, lambda v: _host_port_error(v, 'host or host:port'),
            "missing (the provider's SIP server, host or host:port)"))
        register = trunk.get('register', True)
        _field_error(errors, where, 'register', _flag_error(register))
        username, secret = trunk.get('username'), trunk.get('secret')
        if register is True:
            for key, value in (('username', username), ('secret', secret)):
                if _is_blank(value):
                    errors.append('%s.%s: missing (the trunk registers: it needs a username and a secret)'
                                  % (where, key))
        if not _is_blank(username) and (not isinstance(username, str) or not SIP_USER_RE.match(username)):
            errors.append('%s.username: %s is not a SIP user name' % (where, _shown(username)))
        if not _is_blank(secret) and (not isinstance(secret, str) or SIP_SECRET_FORBIDDEN_RE.search(secret)):
            errors.append('%s.secret: must be text without spaces or ;' % where)
        unpaired = _unpaired(('username', username), ('secret', secret))
        if unpaired:
            errors.append('%s.%s: missing (username and secret go together)' % (where, unpaired))
        default_match = [host.split(':')[0]] if isinstance(host, str) and host else []
        match = _text_list(trunk.get('match', default_match), where + '.match', errors, MATCH_RE,
                           'an address, a network (a.b.c.d/nn) or a host name')
        codecs = _text_list(trunk.get('codecs', ['alaw', 'ulaw']), where + '.codecs', errors, CODEC_RE,
                            'a codec name')
        _optional_field(trunk, where, 'callerid', _phone_number_error, errors)
        callerid = trunk.get('callerid')
        routing.trunks.append({'where': where, 'name': name, 'host': host, 'register': register is True,
                               'username': username or None, 'secret': secret or None, 'match': match,
                               'codecs': codecs, 'callerid': callerid or None, 'ok': len(errors) == before})


def _host_port_error(value: t.Any, what: str) -> t.Optional[str]:
    if not isinstance(value, str) or not TRUNK_HOST_RE.match(value):
        return '%s is not %s' % (_shown(value), what)
    return None


def _range_of(value: t.Any) -> t.Optional[t.Tuple[str, str]]:
    match = RANGE_RE.match(value) if isinstance(value, str) else None
    if not match or len(match.group(1)) != len(match.group(2)) or int(match.group(1)) > int(match.group(2)):
        return None
    return match.group(1), match.group(2)


def _load_sites(routing: Routing, directory: Directory, sites: t.Any, site: t.Any, secret: t.Any,
                errors: list) -> None:
    for where, entry, before in _unique_entries(sites, 'telecom_sites', errors):
        name = entry.get('name')
        host = entry.get('host')
        _field_error(errors, where, 'host', _required_error(
            host, lambda v: _host_port_error(v, "the PBX's host or host:port"),
            "missing (the site's PBX, host or host:port)"))
        extensions = _range_of(entry.get('extensions'))
        if extensions is None:
            errors.append('%s.extensions: %s must be a range FIRST-LAST of extensions with as many digits '
                          '(for example 1000-1999)' % (where, _shown(entry.get('extensions'))))
        _optional_field(entry, where, 'number', _phone_number_error, errors)
        number = entry.get('number')
        for other in routing.sites:
            if extensions and other['extensions'] and len(other['extensions'][0]) == len(extensions[0]) \
                    and int(extensions[0]) <= int(other['extensions'][1]) \
                    and int(other['extensions'][0]) <= int(extensions[1]):
                errors.append("%s.extensions: '%s-%s' overlaps %s.extensions '%s-%s'"
                              % (where, extensions[0], extensions[1], other['where'], *other['extensions']))
        routing.sites.append({'where': where, 'name': name, 'host': host, 'extensions': extensions,
                              'number': number or None, 'ok': len(errors) == before})
    if not routing.sites:
        if not _is_blank(site):
            errors.append('telecom_site: %s is set but telecom_sites is empty' % _shown(site))
        return
    mine = [s for s in routing.sites if s['name'] == site]
    if not mine:
        errors.append('telecom_site: %s is not one of telecom_sites (the site this PBX serves)' % _shown(site))
        return
    routing.site = mine[0]
    if len(routing.sites) > 1:
        if not isinstance(secret, str) or len(secret) < SITES_SECRET_MIN or SIP_SECRET_FORBIDDEN_RE.search(secret):
            errors.append('telecom_sites_secret: must be a string of at least %d characters without spaces or ; '
                          '(from the vault; every site derives its trunk passwords from it)' % SITES_SECRET_MIN)
        else:
            routing.sites_secret = secret
    # A local extension inside another site's range could never be reached from the other sites.
    for user in directory.users:
        ext = user['extension']
        for other in routing.sites:
            low_high = other['extensions']
            if other is routing.site or not ext or not low_high or len(ext) != len(low_high[0]):
                continue
            if int(low_high[0]) <= int(ext) <= int(low_high[1]):
                errors.append("%s.extension: '%s' is in the range of site '%s' (%s.extensions)"
                              % (user['where'], ext, other['name'], other['where']))


def _load_outbound(routing: Routing, directory: Directory, outbound: t.Any, departments: t.Any,
                   errors: list) -> None:
    if outbound is None:
        outbound = {}
    if not isinstance(outbound, dict):
        errors.append('telecom_outbound: must be a mapping')
        outbound = {}
    settings = dict(ROUTING_DEFAULTS)
    settings.update({k: v for k, v in outbound.items() if v is not None})
    field = 'telecom_outbound'
    ok = True
    prefix = settings['prefix']
    if not isinstance(prefix, str) or not DIAL_PREFIX_RE.match(prefix):
        errors.append('%s.prefix: %s must be 0 to 3 digits, quoted' % (field, _shown(prefix)))
        ok = False
    trunk = settings['trunk']
    names = {tr['name'] for tr in routing.trunks if isinstance(tr['name'], str)}
    if _is_blank(trunk):
        if routing.trunks:
            errors.append('%s.trunk: missing (the trunk of outside calls, one of telecom_trunks)' % field)
        ok = False
    elif not _known(trunk, names):
        errors.append('%s.trunk: %s is not one of telecom_trunks' % (field, _shown(trunk)))
        ok = False
    if _field_error(errors, field, 'default_class', _one_of_error(settings['default_class'], CALL_CLASSES)):
        settings['default_class'] = 'internal'
    emergency = _text_list(settings['emergency'], field + '.emergency', errors, re.compile(r'^[0-9]{2,6}$'),
                           'an emergency number (2 to 6 digits, quoted)')
    extensions = {u['extension']: u['where'] for u in directory.users if u['extension']}
    for number in emergency:
        if number in extensions:
            errors.append("%s.emergency: '%s' is also %s.extension" % (field, number, extensions[number]))
    classes = settings['classes']
    patterns: dict = {}
    if not isinstance(classes, dict):
        errors.append('%s.classes: must map local, national, international to dial patterns' % field)
        classes = {}
    for name in classes:
        if name not in CALL_CLASSES[1:]:
            errors.append('%s.classes: %s is not one of %s' % (field, _shown(name), ', '.join(CALL_CLASSES[1:])))
    for name in CALL_CLASSES[1:]:
        given = classes.get(name, ROUTING_DEFAULTS['classes'][name])
        patterns[name] = _text_list(given, '%s.classes.%s' % (field, name), errors, DIAL_PATTERN_RE,
                                    'a dial pattern (digits, X, Z, N, a final .)')
    max_calls = settings['max_calls']
    if isinstance(max_calls, bool) or not str(max_calls).isdigit() or int(max_calls) < 1:
        errors.append('%s.max_calls: %s must be a positive number of calls' % (field, _shown(max_calls)))
        max_calls = 1
    routing.outbound = {'prefix': prefix if isinstance(prefix, str) else '0', 'trunk': trunk,
                        'emergency': emergency, 'patterns': patterns, 'max_calls': int(max_calls),
                        'ok': ok and bool(routing.trunks)}
    # Each department's call class (telecom_departments[i].calls), by dialplan context.
    contexts = directory.contexts
    for where, department in _entries(departments, directory.departments_name, []):
        name = department.get('name')
        calls = department.get('calls', settings['default_class'])
        if calls not in CALL_CLASSES:
            errors.append('%s.calls: %s is not a permission class (%s)' % (where, _shown(calls), ', '.join(CALL_CLASSES)))
            calls = 'internal'
        if _known(name, contexts):
            context = contexts[name]
            # Departments sharing a context share its class: the narrowest one wins.
            current = routing.classes.get(context, calls)
            routing.classes[context] = min(current, calls, key=CALL_CLASSES.index)


def load_routing(directory: Directory, routing_input: t.Any) -> Routing:
    """Check the routing input against a loaded call center. Never raises; errors in ``Routing.errors``."""
    routing = Routing()
    if routing_input is None:
        routing_input = {}
    if not isinstance(routing_input, dict):
        routing.errors.append('routing: must be a mapping')
        return routing
    errors = routing.errors
    _load_time_groups(routing, routing_input.get('time_groups'), errors)
    _load_trunks(routing, routing_input.get('trunks'), errors)
    _load_numbers(routing, directory, routing_input.get('numbers'), errors)
    errors.extend(_ivr_hours_errors(directory, {g['name'] for g in routing.time_groups if isinstance(g['name'], str)}))
    _load_sites(routing, directory, routing_input.get('sites'), routing_input.get('site'),
                routing_input.get('sites_secret'), errors)
    _load_outbound(routing, directory, routing_input.get('outbound'), routing_input.get('departments'), errors)
    if routing.numbers and not routing.trunks:
        errors.append('telecom_numbers: numbers are set but telecom_trunks is empty (no provider brings them in)')
    return routing


def routing_errors(directory: Directory, routing_input: t.Any) -> list:
    return load_routing(directory, routing_input).errors


def site_users(users: t.Any, sites: t.Any, site: t.Any) -> list:
    """The users a site's PBX serves: those whose extension lies in the site's range.

    One directory (``telecom_users``) holds everybody; each PBX takes its own people by
    extension. Without sites, or when the site is unknown (the model reports it), every user
    is kept. Users without an extension have no phone anywhere and are left out.
    """
    if not isinstance(users, list):
        return []
    entries = [s for s in sites if isinstance(s, dict)] if isinstance(sites, list) else []
    mine = next((s for s in entries if s.get('name') == site), None)
    extensions = _range_of(mine.get('extensions')) if mine else None
    if extensions is None:
        return list(users)
    low, high = extensions
    return [u for u in users if isinstance(u, dict) and isinstance(u.get('extension'), str)
            and len(u['extension']) == len(low) and u['extension'].isdigit()
            and int(low) <= int(u['extension']) <= int(high)]


# ---- secrets between sites

def site_secret(master: str, first: str, second: str) -> str:
    """The password of the trunk between two sites, derived from ``telecom_sites_secret``.

    HMAC-SHA256 of the two site names in sorted order: both PBXs compute the same value from
    the inventory alone, each pair of sites has its own, and none reveals the master.
    """
    pair = '|'.join(sorted((first, second))).encode('utf-8')
    return hmac.new(master.encode('utf-8'), pair, hashlib.sha256).hexdigest()[:32]


# ---- pjsip.conf

def _sip_uri_host(host: str) -> str:
    return host if ':' in host else '%s:5060' % host


def trunk_sections(directory: Directory, routing: Routing, defaults: t.Any = None) -> list:
    """pjsip.conf: per provider trunk an endpoint, aor, identify and (with credentials) auth and
    registration, named ``trunk-NAME``; per other site an authenticated trunk ``site-NAME``."""
    settings = asterisk_settings(defaults)
    transport = settings['transport_name']
    sections: list = []
    for trunk in routing.trunks:
        if not trunk['ok']:
            continue
        name = 'trunk-%s' % trunk['name']
        uri = 'sip:%s' % _sip_uri_host(trunk['host'])
        endpoint = [{'type': 'endpoint'}, {'transport': transport}, {'context': 'from-trunks'},
                    {'disallow': 'all'}, {'allow': list(trunk['codecs'])}, {'aors': name},
                    {'direct_media': 'no'}, {'from_domain': trunk['host'].split(':')[0]}]
        if trunk['username']:
            endpoint.append({'outbound_auth': name})
        # The From user stays the caller ID (the site's number); P-Asserted-Identity repeats it.
        endpoint.append({'send_pai': 'yes'})
        if trunk['callerid']:
            endpoint.append({'callerid': '<%s>' % trunk['callerid']})
        sections.append({'name': name, 'type': 'endpoint', 'exclusive': True, 'options': endpoint})
        if trunk['username']:
            sections.append({'name': name, 'type': 'auth', 'exclusive': True,
                             'options': [{'type': 'auth'}, {'auth_type': 'userpass'},
                                         {'username': trunk['username']}, {'password': trunk['secret']}]})
        sections.append({'name': name, 'type': 'aor', 'exclusive': True,
                         'options': [{'type': 'aor'}, {'contact': uri}, {'qualify_frequency': 60}]})
        sections.append({'name': name, 'type': 'identify', 'exclusive': True,
                         'options': [{'type': 'identify'}, {'endpoint': name}, {'match': list(trunk['match'])}]})
        if trunk['register']:
            sections.append({'name': name, 'type': 'registration', 'exclusive': True,
                             'options': [{'type': 'registration'}, {'transport': transport},
                                         {'outbound_auth': name}, {'server_uri': uri},
                                         {'client_uri': 'sip:%s@%s' % (trunk['username'], _sip_uri_host(trunk['host']))},
                                         {'contact_user': trunk['username']},
                                         {'retry_interval': 30}, {'forbidden_retry_interval': 300},
                                         {'expiration': 600}]})
    own = routing.site
    if own is None or not routing.sites_secret or not own['ok']:
        return sections
    for site in routing.sites:
        if site is own or not site['ok']:
            continue
        name = 'site-%s' % site['name']
        password = site_secret(routing.sites_secret, own['name'], site['name'])
        host = site['host'].split(':')[0]
        sections.extend([
            {'name': name, 'type': 'endpoint', 'exclusive': True,
             'options': [{'type': 'endpoint'}, {'transport': transport}, {'context': 'from-sites'},
                         {'disallow': 'all'}, {'allow': list(settings['codecs'])}, {'aors': name},
                         {'direct_media': 'no'}, {'auth': name + '-in'}, {'outbound_auth': name + '-out'}]},
            # The other site authenticates to us with its own name, we to it with ours.
            {'name': name + '-in', 'type': 'auth', 'exclusive': True,
             'options': [{'type': 'auth'}, {'auth_type': 'userpass'}, {'username': site['name']},
                         {'password': password}]},
            {'name': name + '-out', 'type': 'auth', 'exclusive': True,
             'options': [{'type': 'auth'}, {'auth_type': 'userpass'}, {'username': own['name']},
                         {'password': password}]},
            {'name': name, 'type': 'aor', 'exclusive': True,
             'options': [{'type': 'aor'}, {'contact': 'sip:%s' % _sip_uri_host(site['host'])},
                         {'qualify_frequency': 60}]},
            {'name': name, 'type': 'identify', 'exclusive': True,
             'options': [{'type': 'identify'}, {'endpoint': name}, {'match': host}]},
        ])
    return sections


# ---- extensions.conf

def range_patterns(first: str, last: str) -> list:
    """Asterisk patterns (with '_') matching exactly the extensions first..last (same length)."""
    if first == last:
        return [first]
    width = len(first)
    patterns: list = []

    def split(low: str, high: str, prefix: str) -> None:
        if not low:
            patterns.append(prefix)
            return
        rest = len(low) - 1
        if low[1:] == '0' * rest and high[1:] == '9' * rest:
            if low[0] == high[0]:
                patterns.append(prefix + low[0] + 'X' * rest)
            else:
                patterns.append(prefix + '[%s-%s]' % (low[0], high[0]) + 'X' * rest)
            return
        if low[0] == high[0]:
            split(low[1:], high[1:], prefix + low[0])
            return
        split(low[1:], '9' * rest, prefix + low[0])
        if int(high[0]) - int(low[0]) > 1:
            middle = '%d' % (int(low[0]) + 1) if int(high[0]) - int(low[0]) == 2 else \
                '[%d-%d]' % (int(low[0]) + 1, int(high[0]) - 1)
            patterns.append(prefix + middle + 'X' * rest)
        split('0' * rest, high[1:], prefix + high[0])

    split(first.zfill(width), last.zfill(width), '')
    tidy = [re.sub(r'\[([0-9])-\1\]', r'\1', p.replace('[0-9]', 'X')) for p in patterns]
    return ['_' + p if ('X' in p or '[' in p) else p for p in tidy]


def _goto_destination(target: str, settings: dict) -> str:
    return _ivr_application(target, settings)


def _time_group_context(group: dict) -> dict:
    """``tg-NAME``: a subroutine setting TG_OPEN to 1 or 0. The AstDB key ``timegroup/NAME``
    (``open`` or ``closed``) overrides the calendar: a night switch for the operators."""
    zone = group['timezone']
    options: list = [
        {'exten': 's,1,Set(TG_OPEN=0)'},
        {'same': 'n,GotoIf($["${DB(timegroup/%s)}" = "closed"]?done)' % group['name']},
        {'same': 'n,GotoIf($["${DB(timegroup/%s)}" = "open"]?open)' % group['name']},
        {'same': 'n,Set(TG_TODAY=${STRFTIME(${EPOCH},%s,%%Y-%%m-%%d)})' % zone},
    ]
    for day in group['holidays']:
        options.append({'same': 'n,GotoIf($["${TG_TODAY}" = "%s"]?done)' % day})
    for period in group['open']:
        hours = period['hours'].replace('24:00', '23:59')
        suffix = ',%s' % zone if zone else ''
        options.append({'same': 'n,GotoIfTime(%s,%s,*,*%s?open)' % (hours, period['days'], suffix)})
    options.extend([
        {'same': 'n(done),Return()'},
        {'same': 'n(open),Set(TG_OPEN=1)'},
        {'same': 'n,Return()'},
    ])
    return {'name': 'tg-%s' % group['name'], 'exclusive': True, 'options': options}


def _number_extension(number: dict, settings: dict) -> list:
    num = number['number']
    options: list = [{'exten': '%s,1,NoOp(INPP number %s)' % (num, num)}]
    if number['language']:
        options.append({'same': 'n,Set(CHANNEL(language)=%s)' % number['language']})
    if number['hours']:
        options.extend([
            {'same': 'n,Gosub(tg-%s,s,1)' % number['hours']},
            {'same': 'n,GotoIf($[${TG_OPEN}]?open)'},
            {'same': 'n,Answer()'},
        ])
        if number['closed_message']:
            options.append({'same': 'n,Playback(%s)' % number['closed_message']})
        options.extend([
            {'same': 'n,%s' % _goto_destination(number['closed_destination'], settings)},
            {'same': 'n,Hangup()'},
            {'same': 'n(open),%s' % _goto_destination(number['destination'], settings)},
        ])
    else:
        options.append({'same': 'n,%s' % _goto_destination(number['destination'], settings)})
    options.append({'same': 'n,Hangup()'})
    return options


def _outbound_contexts(routing: Routing) -> list:
    """``outbound-dial`` (limit, caller ID, trunk) and one ``outbound-CLASS`` context per class:
    emergency numbers, the class's own patterns and the ones before it are routed, the others
    logged (NOTICE) and refused with 403 (cause 21)."""
    out = routing.outbound
    trunk = 'trunk-%s' % out['trunk']
    site_number = routing.site['number'] if routing.site and routing.site['number'] else None
    trunk_number = next((tr['callerid'] for tr in routing.trunks if tr['name'] == out['trunk']), None)
    number = site_number or trunk_number
    # The site's number as caller ID (no number: the endpoint's own caller ID is sent).
    callerid = 'Set(CALLERID(num)=%s)' % number if number else 'NoOp(caller ID kept)'
    sections = [
        # ARG1: the number to send to the provider; ARG2: 1 for an emergency call (no limit).
        # The limit: GROUP_COUNT of the calling endpoint's outside calls (see the role's README).
        {'name': 'outbound-dial', 'exclusive': True, 'options': [
            {'exten': 's,1,GotoIf($["${ARG2}" = "1"]?dial)'},
            {'same': 'n,Set(GROUP(outbound)=${CHANNEL(endpoint)})'},
            {'same': 'n,GotoIf($[${GROUP_COUNT(${CHANNEL(endpoint)}@outbound)} > %d]?busy)' % out['max_calls']},
            {'same': 'n(dial),%s' % callerid},
            {'same': 'n,Dial(PJSIP/${ARG1}@%s,60)' % trunk},
            {'same': 'n,Return()'},
            {'same': 'n(busy),Busy(5)'},
            {'same': 'n,Return()'},
        ]},
    ]
    prefix = out['prefix']
    emergency = []
    for num in out['emergency']:
        for dialed in sorted({num, prefix + num}):
            emergency.extend([{'exten': '%s,1,Gosub(outbound-dial,s,1(%s,1))' % (dialed, num)},
                              {'same': 'n,Hangup()'}])
    for level, name in enumerate(CALL_CLASSES):
        options = [{'include': 'to-sites'}] + list(emergency)
        for other_level, other in enumerate(CALL_CLASSES[1:], start=1):
            for pattern in out['patterns'][other]:
                exten = '_%s%s' % (prefix, pattern)
                if other_level <= level:
                    options.extend([{'exten': '%s,1,Gosub(outbound-dial,s,1(${EXTEN:%d},0))' % (exten, len(prefix))},
                                    {'same': 'n,Hangup()'}])
                else:
                    # Refused (403); the NOTICE in Asterisk's messages log is the PBX's record of it (a
                    # call never answered nor dialled leaves no CDR: cdr.conf's unanswered is off).
                    options.extend([{'exten': '%s,1,Log(NOTICE,INPP outbound refused: endpoint ${CHANNEL(endpoint)} '
                                              'of class %s may not dial ${EXTEN})' % (exten, name)},
                                    {'same': 'n,Hangup(21)'}])
        sections.append({'name': 'outbound-%s' % name, 'exclusive': True, 'options': options})
    return sections


def routing_contexts(directory: Directory, routing: Routing, sections: list, defaults: t.Any = None) -> list:
    """extensions.conf with routing: *sections* (the call center's contexts) where each department
    context also includes ``outbound-CLASS``, plus ``from-trunks`` (one extension per number),
    ``tg-NAME`` per time group, ``outbound-*``, ``to-sites`` and ``from-sites``."""
    settings = asterisk_settings(defaults)
    if not (routing.trunks or routing.numbers or routing.time_groups or routing.sites):
        return list(sections)  # no routing in the inventory: the call center alone
    result = []
    for section in sections:
        klass = routing.classes.get(section['name'])
        if klass and section['name'] != settings['internal_context']:
            section = dict(section, options=list(section['options']) + [{'include': 'outbound-%s' % klass}])
        result.append(section)
    for group in routing.time_groups:
        if group['ok']:
            result.append(_time_group_context(group))
    inbound: list = []
    for number in routing.numbers:
        if number['ok']:
            inbound.extend(_number_extension(number, settings))
    # Anything else the provider sends is refused as a wrong number (404).
    inbound.extend([{'exten': '_X.,1,Hangup(1)'}, {'exten': '_+X.,1,Hangup(1)'}, {'exten': 'i,1,Hangup(1)'}])
    result.append({'name': 'from-trunks', 'exclusive': True, 'options': inbound})
    to_sites: list = []
    own = routing.site
    for site in routing.sites:
        if own is None or site is own or not site['ok'] or not routing.sites_secret:
            continue
        for pattern in range_patterns(*site['extensions']):
            dial = 'Dial(PJSIP/${EXTEN}@site-%s,%s)' % (site['name'], settings['dial_timeout'])
            to_sites.extend([{'exten': '%s,1,%s' % (pattern, dial)}, {'same': 'n,Hangup()'}])
    result.append({'name': 'to-sites', 'exclusive': True, 'options': to_sites})
    # Calls from the other sites reach this site's extensions, queues and menus, never the trunks.
    result.append({'name': 'from-sites', 'exclusive': True,
                   'options': [{'include': settings['internal_context']}]})
    if routing.outbound.get('ok'):
        result.extend(_outbound_contexts(routing))
    else:
        # No provider: every class still reaches the other sites.
        for name in CALL_CLASSES:
            result.append({'name': 'outbound-%s' % name, 'exclusive': True, 'options': [{'include': 'to-sites'}]})
    return result


# --------------------------------------------------------------------------- SIP security
# The asterisk role's TLS transport, NAT settings, RTP port range and the users' per-endpoint
# transport, SRTP and ACL. Settings come in the role's ``defaults`` mapping (keys below);
# the users' fields are ``sip_transport`` (udp, the main transport, or tls), ``sip_srtp``
# (SDES-SRTP, needs TLS: the keys travel in the SIP body) and ``sip_permit`` (networks the
# endpoint may be reached from; everything else is denied).

SIP_USER_FIELDS = ('sip_transport', 'sip_srtp', 'sip_permit')
SIP_SECURITY_DEFAULTS = {
    'tls': False,
    'tls_bind': '0.0.0.0:5061',
    'tls_cert_file': '/etc/inpp-telecom/tls/host.crt',
    'tls_key_file': '/etc/inpp-telecom/tls/host.key',
    'tls_method': 'tlsv1_2',
    'external_address': '',
    'external_signaling_port': None,
    'external_tls_port': None,
    'local_net': [],
    'rtp_start': 10000,
    'rtp_end': 20000,
    # Asterisk's open-file limit (LimitNOFILE): each call holds about ten descriptors (SIP, RTP,
    # RTCP, timers), so systemd's default of 1,024 refuses calls near 100 (bench sipload).
    'max_open_files': 65536,
}
MAX_OPEN_FILES_RANGE = (1024, 1048576)
TLS_TRANSPORT = 'transport-tls'
BIND_RE = re.compile(r'^(?P<host>[0-9.]+|\[[0-9a-fA-F:]+\]):(?P<port>[0-9]{1,5})$')


def _security_settings(settings: t.Any) -> dict:
    merged = dict(SIP_SECURITY_DEFAULTS)
    if isinstance(settings, dict):
        merged.update({k: v for k, v in settings.items() if k in SIP_SECURITY_DEFAULTS and v is not None})
    return merged


def network_error(value: t.Any) -> t.Optional[str]:
    """An address or a network in CIDR or address/mask form (what Asterisk's ACLs accept)."""
    if not isinstance(value, str) or not value.strip():
        return '%s is not a network (address, address/prefix or address/mask)' % _shown(value)
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return '%s is not a network (address, address/prefix or address/mask)' % _shown(value)
    return None


def _port_error(value: t.Any, low: int = 1) -> t.Optional[str]:
    if isinstance(value, bool) or not str(value).isdigit() or not low <= int(value) <= 65535:
        return '%s is not a port number (%d-65535)' % (_shown(value), low)
    return None


def _external_address_error(value: t.Any) -> t.Optional[str]:
    if _is_blank(value):
        return None
    if isinstance(value, str):
        try:
            ipaddress.ip_address(value)
            return None
        except ValueError:
            if is_hostname(value):
                return None
    return '%s is not an IP address or host name' % _shown(value)


def _transports(settings: dict) -> tuple:
    """The transports an endpoint may name: the main one's protocol, and tls when enabled."""
    main = settings.get('transport_protocol', 'udp')
    return (main, 'tls') if settings['tls'] is True and main != 'tls' else (main,)


def sip_security_errors(directory: Directory, defaults: t.Any = None) -> list:
    """The SIP security settings (``asterisk_pjsip_*``, ``asterisk_rtp_*``) and users' fields."""
    settings = dict(asterisk_settings(defaults), **_security_settings(defaults))
    errors = []
    if not isinstance(settings['tls'], bool):
        errors.append('asterisk_pjsip_tls: %s must be true or false' % _shown(settings['tls']))
    for key in ('tls_bind',) if settings['tls'] is True else ():
        match = BIND_RE.match(settings[key]) if isinstance(settings[key], str) else None
        if not match or _port_error(match.group('port')):
            errors.append('asterisk_pjsip_%s: %s must be ADDRESS:PORT (for example 0.0.0.0:5061)'
                          % (key, _shown(settings[key])))
        elif settings.get('transport_bind') == settings[key]:
            errors.append('asterisk_pjsip_%s: %s is also asterisk_pjsip_transport_bind' % (key, _shown(settings[key])))
    error = _external_address_error(settings['external_address'])
    if error:
        errors.append('asterisk_pjsip_external_address: %s' % error)
    for key in ('external_signaling_port', 'external_tls_port'):
        if settings[key] is not None and _port_error(settings[key]):
            errors.append('asterisk_pjsip_%s: %s' % (key, _port_error(settings[key])))
    for index, net in enumerate(_as_list(settings['local_net'], 'asterisk_pjsip_local_net', errors)):
        error = network_error(net)
        if error:
            errors.append('asterisk_pjsip_local_net[%d]: %s' % (index, error))
    ports_ok = True
    for key in ('rtp_start', 'rtp_end'):
        error = _port_error(settings[key], 1024)
        if error:
            errors.append('asterisk_%s: %s' % (key, error))
            ports_ok = False
    if ports_ok and int(settings['rtp_start']) >= int(settings['rtp_end']):
        errors.append('asterisk_rtp_end: %s must be above asterisk_rtp_start (%s)'
                      % (settings['rtp_end'], settings['rtp_start']))
    low, high = MAX_OPEN_FILES_RANGE
    limit = settings['max_open_files']
    if isinstance(limit, bool) or not str(limit).isdigit() or not low <= int(limit) <= high:
        errors.append('asterisk_max_open_files: %s must be a whole number from %d to %d'
                      % (_shown(limit), low, high))
    transports = _transports(settings)
    for user in directory.users:
        errors.extend(_user_sip_errors(user, transports))
    return errors


def _user_sip_errors(user: dict, transports: tuple) -> list:
    fields = user.get('sip') or {}
    where = user['where']
    errors = []
    transport = fields.get('sip_transport')
    if transport is not None and transport not in transports:
        hint = ' (enable asterisk_pjsip_tls for tls)' if transport == 'tls' else ''
        errors.append('%s.sip_transport: %s is not one of %s%s' % (where, _shown(transport), ', '.join(transports), hint))
    srtp = fields.get('sip_srtp')
    if srtp is not None:
        error = _flag_error(srtp)
        if error:
            errors.append('%s.sip_srtp: %s' % (where, error))
        elif srtp and transport != 'tls':
            errors.append('%s.sip_srtp: SRTP (SDES) needs sip_transport: tls (its keys travel in the SIP messages)'
                          % where)
    permit = fields.get('sip_permit')
    if permit is not None:
        networks = permit if isinstance(permit, list) else None
        if not networks:
            errors.append('%s.sip_permit: must be a non-empty list of networks' % where)
        for index, net in enumerate(networks or []):
            error = network_error(net)
            if error:
                errors.append('%s.sip_permit[%d]: %s' % (where, index, error))
    return errors


def nat_options(defaults: t.Any, tls: bool = False) -> list:
    """Options of a transport behind NAT: the address announced in SIP and SDP, and the local networks."""
    settings = _security_settings(defaults)
    address = settings['external_address']
    if _is_blank(address):
        return []
    options = [{'external_media_address': address}, {'external_signaling_address': address}]
    port = settings['external_tls_port' if tls else 'external_signaling_port']
    if port is not None:
        options.append({'external_signaling_port': int(port)})
    if settings['local_net']:
        options.append({'local_net': list(settings['local_net'])})
    return options


def tls_transport_sections(defaults: t.Any) -> list:
    """The TLS transport (the host's certificate, TLS 1.2 or newer), when enabled."""
    settings = _security_settings(defaults)
    if settings['tls'] is not True:
        return []
    options = [{'type': 'transport'}, {'protocol': 'tls'}, {'bind': settings['tls_bind']},
               {'cert_file': settings['tls_cert_file']}, {'priv_key_file': settings['tls_key_file']},
               {'method': settings['tls_method']}]
    return [{'name': TLS_TRANSPORT, 'type': 'transport', 'exclusive': True,
             'options': options + nat_options(settings, tls=True)}]


def endpoint_security_options(user: dict, defaults: t.Any) -> list:
    """A user's endpoint options: its transport (when not the main one), SRTP and ACL."""
    settings = dict(asterisk_settings(defaults), **_security_settings(defaults))
    fields = user.get('sip') or {}
    options = []
    if fields.get('sip_transport') == 'tls' and 'tls' in _transports(settings):
        options.append({'transport': TLS_TRANSPORT})
    if fields.get('sip_srtp') is True:
        options.append({'media_encryption': 'sdes'})
    permit = fields.get('sip_permit')
    if isinstance(permit, list) and permit and not any(network_error(n) for n in permit):
        options.extend([{'deny': '0.0.0.0/0'}, {'permit': list(permit)}])
    return options


# --------------------------------------------------------------------------- fail2ban
# inpp.telecom.fail2ban: the service jails a play asks for (by name, predefined by the role) and
# the inventory's jails, merged by name. ``settings`` maps the fail2ban_* variables without their
# prefix, plus ``predefined`` (the role's known jails: name -> options).

JAIL_NAME_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')
# Options a jail entry may set, in the order they are written.
JAIL_OPTIONS = ('filter', 'port', 'protocol', 'logpath', 'backend', 'journalmatch', 'maxretry', 'findtime', 'bantime')
JAIL_NUMBERS = ('maxretry', 'findtime', 'bantime')
JAIL_BACKENDS = ('auto', 'polling', 'pyinotify', 'systemd')


def _positive_error(value: t.Any) -> t.Optional[str]:
    if isinstance(value, bool) or not str(value).isdigit() or int(value) < 1:
        return '%s must be a whole number above 0' % _shown(value)
    return None


def _jail_entries(settings: dict, errors: list) -> list:
    """``(where, entry)`` of every jail: the service jails, then the inventory's."""
    entries = []
    for index, name in enumerate(_as_list(settings.get('service_jails'), 'fail2ban_service_jails', errors)):
        entries.append(('fail2ban_service_jails[%d]' % index, {'name': name}, True))
    for where, jail in _entries(settings.get('jails'), 'fail2ban_jails', errors):
        entries.append((where, jail, False))
    return entries


def fail2ban_errors(settings: t.Any) -> list:
    """Every problem of the fail2ban role's input; [] when valid."""
    if not isinstance(settings, dict):
        return ['fail2ban_errors: the settings must be a mapping']
    errors: list = []
    predefined = settings.get('predefined') or {}
    for key in JAIL_NUMBERS:
        error = _positive_error(settings.get(key))
        if error:
            errors.append('fail2ban_%s: %s' % (key, error))
    for index, net in enumerate(_as_list(settings.get('ignoreip'), 'fail2ban_ignoreip', errors)):
        error = network_error(net)
        if error:
            errors.append('fail2ban_ignoreip[%d]: %s' % (index, error))
    seen: dict = {}
    for where, jail, service in _jail_entries(settings, errors):
        name = jail.get('name')
        field = where if service else '%s.name' % where
        if not isinstance(name, str) or not JAIL_NAME_RE.match(name) or name == 'DEFAULT':
            errors.append('%s: %s is not a jail name (letters, digits, . _ -)' % (field, _shown(name)))
            continue
        if service and name not in predefined:
            errors.append('%s: %s is not a jail the role knows (%s)' % (field, _shown(name), ', '.join(sorted(predefined))))
            continue
        if not service and name in seen and not seen[name][1]:
            errors.append("%s: duplicate '%s' (already %s)" % (field, name, seen[name][0]))
            continue
        seen[name] = (where, service)
        if service:
            continue
        unknown = sorted(k for k in jail if k not in JAIL_OPTIONS + ('name', 'enabled'))
        if unknown:
            errors.append('%s: unknown option %s (known: enabled, %s)' % (where, ', '.join(unknown), ', '.join(JAIL_OPTIONS)))
        error = _flag_error(jail.get('enabled', True))
        if error:
            errors.append('%s.enabled: %s' % (where, error))
        for key in JAIL_NUMBERS:
            if key in jail:
                error = _positive_error(jail[key])
                if error:
                    errors.append('%s.%s: %s' % (where, key, error))
        backend = jail.get('backend', (predefined.get(name) or {}).get('backend', 'auto'))
        _field_error(errors, where, 'backend', _one_of_error(backend, JAIL_BACKENDS))
        for key in ('filter', 'port', 'protocol', 'logpath', 'journalmatch'):
            if key in jail:
                error = text_error(jail[key]) if isinstance(jail[key], str) else 'must be text'
                if error:
                    errors.append('%s.%s: %s' % (where, key, error))
        logpath = jail.get('logpath')
        if isinstance(logpath, str) and not logpath.startswith('/'):
            errors.append('%s.logpath: %s must be an absolute path' % (where, _shown(logpath)))
        if name not in predefined and jail.get('enabled', True) is True:
            if backend != 'systemd' and _is_blank(logpath):
                errors.append('%s.logpath: missing (a jail the role does not know needs a log, or backend: systemd)'
                              % where)
    return errors


def fail2ban_jails(settings: t.Any) -> list:
    """The jails to write: ``[{name, enabled, options: [{key: value}]}]``, merged by name.

    Each jail gets ``maxretry``, ``findtime`` and ``bantime`` (its own, else the settings'). A service
    jail is enabled with its predefined options; an inventory entry of the same name
    overrides them (``enabled: false`` turns it off), other entries are jails of their own.
    """
    settings = settings if isinstance(settings, dict) else {}
    predefined = settings.get('predefined') or {}
    merged: dict = {}
    for _where, jail, _service in _jail_entries(settings, []):
        name = jail.get('name')
        if not isinstance(name, str):
            continue
        current = merged.setdefault(name, dict(predefined.get(name) or {}, enabled=True))
        current.update({k: v for k, v in jail.items() if k != 'name'})
    jails = []
    for name, jail in merged.items():
        # The ban settings go into every jail: upstream's jails set their own (asterisk: maxretry 10),
        # which a [DEFAULT] value would not override.
        for key in JAIL_NUMBERS:
            if _is_blank(jail.get(key)) and not _is_blank(settings.get(key)):
                jail[key] = settings[key]
        options = [{key: jail[key]} for key in JAIL_OPTIONS if not _is_blank(jail.get(key))]
        jails.append({'name': name, 'enabled': jail.get('enabled') is True, 'options': options})
    return jails
