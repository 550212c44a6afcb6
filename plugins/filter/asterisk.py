# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Derive the call center's Asterisk objects from INPP's directory of people.

Every filter returns data in the input format of ``inpp.telecom.asterisk_config``
(a list of sections ``{name, type?, template?, parents?, options, exclusive?}``), so
the role writes each file with one module call. They are pure functions: the
unit tests call them without a host.
"""

from __future__ import annotations

import re
import typing as t

from ansible.errors import AnsibleFilterError

_EXTENSION_RE = re.compile(r'^[0-9]{2,8}$')
# Dialplan extensions an IVR or queue may also use: digits, *, #.
_DIALABLE_RE = re.compile(r'^[0-9*#]{1,8}$')
_NAME_RE = re.compile(r'^[A-Za-z0-9_-]{1,70}$')
_PIN_RE = re.compile(r'^[0-9]{4,12}$')
_SOUND_RE = re.compile(r'^[A-Za-z0-9_/.-]{1,200}$')
_IVR_DIGIT_RE = re.compile(r'^[0-9*#]$')
QUEUE_STRATEGIES = ('ringall', 'leastrecent', 'fewestcalls', 'random', 'rrmemory', 'linear', 'wrandom',
                    'rrordered')
IVR_TARGET_KINDS = ('queue', 'ext', 'voicemail', 'ivr')

DEFAULTS = {
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


def _settings(defaults: t.Any) -> dict:
    settings = dict(DEFAULTS)
    if defaults:
        if not isinstance(defaults, dict):
            raise AnsibleFilterError('defaults must be a mapping, got %s' % type(defaults).__name__)
        settings.update({k: v for k, v in defaults.items() if v is not None})
    return settings


def _list(value: t.Any, field: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise AnsibleFilterError('%s must be a list, got %s' % (field, type(value).__name__))
    return value


def _phone_users(users: t.Any) -> list:
    """(index, user) for users that have an extension, in directory order."""
    return [(i, u) for i, u in enumerate(_list(users, 'users'))
            if isinstance(u, dict) and u.get('extension') not in (None, '')]


def _ext(user: dict) -> str:
    return str(user['extension'])


def _department_contexts(departments: t.Any) -> dict:
    contexts = {}
    for dep in _list(departments, 'departments'):
        if isinstance(dep, dict) and dep.get('name'):
            contexts[dep['name']] = dep.get('context') or dep['name']
    return contexts


def _display_name(user: dict) -> str:
    # Commas separate voicemail fields and quotes delimit the caller id name.
    name = str(user.get('name') or user.get('login') or _ext(user))
    return re.sub(r'[,"<>;]', ' ', name).strip()


def _require(user: dict, index: int, key: str, users_name: str) -> str:
    value = user.get(key)
    if value in (None, ''):
        raise AnsibleFilterError('%s[%d].%s: missing (extension %s needs it)' % (users_name, index, key, _ext(user)))
    return str(value)


def user_context(user: dict, departments: t.Any, defaults: t.Any = None) -> str:
    """The dialplan context of a user's endpoint: its department's context, else the internal one."""
    settings = _settings(defaults)
    return _department_contexts(departments).get(user.get('department'), settings['internal_context'])


# --------------------------------------------------------------------------- pjsip.conf

def pjsip_sections(users: t.Any, departments: t.Any = None, defaults: t.Any = None,
                   users_name: str = 'telecom_users') -> list:
    """pjsip.conf: a transport, three templates and endpoint/auth/aor per extension.

    The three objects of a user share the extension as their name and are told
    apart by ``type``. Raises when a user with an extension has no ``sip_secret``.
    """
    settings = _settings(defaults)
    transport = settings['transport_name']
    sections: list = [
        {'name': transport, 'type': 'transport', 'exclusive': True,
         'options': [{'type': 'transport'}, {'protocol': settings['transport_protocol']},
                     {'bind': settings['transport_bind']}]},
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
    contexts = _department_contexts(departments)
    for index, user in _phone_users(users):
        ext = _ext(user)
        secret = _require(user, index, 'sip_secret', users_name)
        context = contexts.get(user.get('department'), settings['internal_context'])
        endpoint = [{'type': 'endpoint'}, {'context': context}, {'auth': ext}, {'aors': ext},
                    {'callerid': '"%s" <%s>' % (_display_name(user), ext)}]
        if user.get('voicemail', True):
            endpoint.append({'mailboxes': '%s@%s' % (ext, settings['voicemail_context'])})
        sections.extend([
            {'name': ext, 'type': 'endpoint', 'parents': ['endpoint-tpl'], 'exclusive': True,
             'options': endpoint},
            {'name': ext, 'type': 'auth', 'parents': ['auth-tpl'], 'exclusive': True,
             'options': [{'type': 'auth'}, {'username': ext}, {'password': secret}]},
            {'name': ext, 'type': 'aor', 'parents': ['aor-tpl'], 'exclusive': True,
             'options': [{'type': 'aor'}]},
        ])
    return sections


# --------------------------------------------------------------------------- voicemail.conf

def voicemail_boxes(users: t.Any, domain: t.Any = None, users_name: str = 'telecom_users') -> list:
    """One box per user with an extension (unless ``voicemail: false``).

    Returns ``[{mailbox, pin, name, email}]``; ``email`` is ``login@domain`` when
    ``voicemail_email`` is true, else empty.
    """
    boxes = []
    for index, user in _phone_users(users):
        if not user.get('voicemail', True):
            continue
        email = ''
        if user.get('voicemail_email'):
            if user.get('email'):
                email = str(user['email'])
            elif user.get('login') and domain:
                email = '%s@%s' % (user['login'], domain)
        boxes.append({'mailbox': _ext(user), 'pin': _require(user, index, 'voicemail_pin', users_name),
                      'name': _display_name(user), 'email': email})
    return boxes


def voicemail_sections(boxes: t.Any, general: t.Any = None, context: str = 'default') -> list:
    """voicemail.conf: ``[general]`` (options merged, others kept) and the box context, exactly."""
    sections = []
    if general:
        if not isinstance(general, dict):
            raise AnsibleFilterError('voicemail general options must be a mapping')
        sections.append({'name': 'general', 'options': [{k: v} for k, v in general.items()]})
    options = []
    for box in _list(boxes, 'boxes'):
        fields = [str(box['pin']), str(box.get('name') or '')]
        if box.get('email'):
            fields.append(str(box['email']))
        options.append({str(box['mailbox']): ','.join(fields)})
    sections.append({'name': context, 'exclusive': True, 'options': options})
    return sections


# --------------------------------------------------------------------------- extensions.conf

def _station(ext: str, settings: dict) -> list:
    return [
        {'exten': '%s,1,Dial(PJSIP/%s,%s)' % (ext, ext, settings['dial_timeout'])},
        {'same': 'n,VoiceMail(%s@%s,u)' % (ext, settings['voicemail_context'])},
        {'same': 'n,Hangup()'},
    ]


def queue_context(name: str) -> str:
    return 'queue-%s' % name


def ivr_context(name: str) -> str:
    return 'ivr-%s' % name


def dialplan_contexts(users: t.Any, departments: t.Any = None, defaults: t.Any = None,
                      queues: t.Any = None, ivr: t.Any = None) -> list:
    """extensions.conf: the shared internal context and one context per department.

    The internal context dials every extension (busy or no answer: voicemail),
    reaches voicemail main, and the queues and IVRs that have an extension.
    Each department context dials its own extensions and includes the internal one.
    """
    settings = _settings(defaults)
    internal = settings['internal_context']
    vm_context = settings['voicemail_context']
    phone_users = _phone_users(users)
    options: list = []
    for _index, user in phone_users:
        options.extend(_station(_ext(user), settings))
    options.extend([
        {'exten': '%s,1,Answer()' % settings['voicemail_main_extension']},
        {'same': 'n,VoiceMailMain(${CALLERID(num)}@%s)' % vm_context},
        {'same': 'n,Hangup()'},
    ])
    for queue in _list(queues, 'queues'):
        if queue.get('extension') not in (None, ''):
            options.append({'exten': '%s,1,Goto(%s,s,1)' % (queue['extension'], queue_context(queue['name']))})
    for menu in _list(ivr, 'ivr'):
        if menu.get('extension') not in (None, ''):
            options.append({'exten': '%s,1,Goto(%s,s,1)' % (menu['extension'], ivr_context(menu['name']))})
    sections = [{'name': internal, 'exclusive': True, 'options': options}]

    members: dict = {}
    for _index, user in phone_users:
        members.setdefault(user.get('department'), []).append(_ext(user))
    seen = {internal}
    for dep in _list(departments, 'departments'):
        context = dep.get('context') or dep['name']
        if context in seen:
            continue
        seen.add(context)
        dep_options = [{'include': internal}]
        for other in _list(departments, 'departments'):
            if (other.get('context') or other['name']) == context:
                for ext in members.get(other['name'], []):
                    dep_options.extend(_station(ext, settings))
        sections.append({'name': context, 'exclusive': True, 'options': dep_options})
    return sections


# --------------------------------------------------------------------------- queues.conf

def queue_sections(queues: t.Any) -> list:
    """queues.conf: a section per queue, static members ``member => PJSIP/EXT`` in order."""
    sections = []
    for queue in _list(queues, 'queues'):
        options = [{'strategy': queue.get('strategy') or 'ringall'},
                   {'timeout': int(queue.get('timeout') or 15)}]
        for key, value in (queue.get('options') or {}).items():
            options.append({key: value})
        options.append({'member': ['PJSIP/%s' % m for m in queue.get('members') or []]})
        sections.append({'name': queue['name'], 'exclusive': True, 'options': options})
    return sections


def queue_dialplan(queues: t.Any, defaults: t.Any = None) -> list:
    """extensions.conf: a ``queue-NAME`` context per queue (answer, queue, then voicemail or hang up)."""
    settings = _settings(defaults)
    sections = []
    for queue in _list(queues, 'queues'):
        options = [{'exten': 's,1,Answer()'}, {'same': 'n,Queue(%s)' % queue['name']}]
        if queue.get('fallback_voicemail'):
            box = '%s@%s' % (queue['fallback_voicemail'], settings['voicemail_context'])
            options.append({'same': 'n,VoiceMail(%s,u)' % box})
        options.append({'same': 'n,Hangup()'})
        sections.append({'name': queue_context(queue['name']), 'exclusive': True, 'options': options})
    return sections


# --------------------------------------------------------------------------- IVR

def _ivr_target(target: str, settings: dict) -> str:
    kind, _sep, value = str(target).partition(':')
    if kind == 'queue':
        return 'Goto(%s,s,1)' % queue_context(value)
    if kind == 'ext':
        return 'Goto(%s,%s,1)' % (settings['internal_context'], value)
    if kind == 'voicemail':
        return 'VoiceMail(%s@%s,u)' % (value, settings['voicemail_context'])
    if kind == 'ivr':
        return 'Goto(%s,s,1)' % ivr_context(value)
    raise AnsibleFilterError("IVR target '%s': expected queue:NAME, ext:EXT, voicemail:EXT or ivr:NAME" % target)


def ivr_contexts(ivr: t.Any, defaults: t.Any = None) -> list:
    """extensions.conf: an ``ivr-NAME`` context per menu: greeting, wait for a digit, one extension per option."""
    settings = _settings(defaults)
    sections = []
    for menu in _list(ivr, 'ivr'):
        options = [
            {'exten': 's,1,Answer()'},
            {'same': 'n,Set(TIMEOUT(digit)=3)'},
            {'same': 'n,Background(%s)' % (menu.get('greeting') or 'vm-enter-num-to-call')},
            {'same': 'n,WaitExten(%s)' % int(menu.get('wait') or 5)},
        ]
        for digit, target in (menu.get('options') or {}).items():
            options.append({'exten': '%s,1,%s' % (digit, _ivr_target(target, settings))})
        options.extend([
            {'exten': 'i,1,Playback(pbx-invalid)'},
            {'same': 'n,Goto(s,1)'},
            {'exten': 't,1,Hangup()'},
        ])
        sections.append({'name': ivr_context(menu['name']), 'exclusive': True, 'options': options})
    return sections


# --------------------------------------------------------------------------- validation

def _user_errors(users: list, departments: t.Any, users_name: str, extensions: dict) -> list:
    errors = []
    known_departments = set(_department_contexts(departments))
    for index, user in enumerate(users):
        where = '%s[%d]' % (users_name, index)
        if not isinstance(user, dict):
            errors.append('%s: must be a mapping' % where)
            continue
        if user.get('extension') in (None, ''):
            continue
        ext = str(user['extension'])
        if not _EXTENSION_RE.match(ext):
            errors.append("%s.extension: '%s' must be 2 to 8 digits (quote it in YAML)" % (where, ext))
            continue
        if ext in extensions:
            errors.append("%s.extension: duplicate '%s' (already %s)" % (where, ext, extensions[ext]))
        else:
            extensions[ext] = where
        secret = user.get('sip_secret')
        if secret in (None, ''):
            errors.append('%s.sip_secret: missing (extension %s needs a SIP password)' % (where, ext))
        elif not isinstance(secret, str) or len(secret) < 8 or re.search(r'[\s;]', secret):
            errors.append('%s.sip_secret: must be a string of at least 8 characters without spaces or ;' % where)
        if user.get('voicemail', True):
            pin = user.get('voicemail_pin')
            if pin in (None, ''):
                errors.append('%s.voicemail_pin: missing (voicemail box %s needs a PIN; set voicemail: false for none)'
                              % (where, ext))
            elif not _PIN_RE.match(str(pin)):
                errors.append('%s.voicemail_pin: must be 4 to 12 digits (quote it in YAML)' % where)
        elif user.get('voicemail_email'):
            errors.append('%s.voicemail_email: needs a voicemail box, but voicemail is false' % where)
        if user.get('voicemail_email') and not user.get('login') and not user.get('email'):
            errors.append('%s.login: missing (voicemail_email needs the mailbox login@domain)' % where)
        department = user.get('department')
        if department is not None and department not in known_departments:
            errors.append("%s.department: '%s' is not declared in the departments" % (where, department))
    return errors


def _queue_errors(queues: list, extensions: dict) -> list:
    errors = []
    names: dict = {}
    for index, queue in enumerate(queues):
        where = 'asterisk_queues[%d]' % index
        if not isinstance(queue, dict):
            errors.append('%s: must be a mapping' % where)
            continue
        name = queue.get('name')
        if not isinstance(name, str) or not _NAME_RE.match(name):
            errors.append("%s.name: '%s' must be letters, digits, _ or -" % (where, name))
        elif name in names:
            errors.append("%s.name: duplicate '%s' (already %s)" % (where, name, names[name]))
        elif name == 'general':
            errors.append("%s.name: 'general' is reserved in queues.conf" % where)
        else:
            names[name] = where
        strategy = queue.get('strategy', 'ringall')
        if strategy not in QUEUE_STRATEGIES:
            errors.append("%s.strategy: '%s' is not one of %s" % (where, strategy, ', '.join(QUEUE_STRATEGIES)))
        timeout = queue.get('timeout', 15)
        if isinstance(timeout, bool) or not str(timeout).isdigit():
            errors.append("%s.timeout: '%s' must be a number of seconds" % (where, timeout))
        members = queue.get('members') or []
        if not isinstance(members, list):
            errors.append('%s.members: must be a list of extensions' % where)
            members = []
        for mindex, member in enumerate(members):
            if str(member) not in extensions:
                errors.append("%s.members[%d]: '%s' is not the extension of any user" % (where, mindex, member))
        fallback = queue.get('fallback_voicemail')
        if fallback not in (None, '') and str(fallback) not in extensions:
            errors.append("%s.fallback_voicemail: '%s' is not the extension of any user" % (where, fallback))
    return errors


def _ivr_errors(ivr: list, queue_names: set, user_extensions: set) -> list:
    errors = []
    names = set()
    for menu in ivr:
        if isinstance(menu, dict) and isinstance(menu.get('name'), str):
            names.add(menu['name'])
    seen: set = set()
    for index, menu in enumerate(ivr):
        where = 'asterisk_ivr[%d]' % index
        if not isinstance(menu, dict):
            errors.append('%s: must be a mapping' % where)
            continue
        name = menu.get('name')
        if not isinstance(name, str) or not _NAME_RE.match(name):
            errors.append("%s.name: '%s' must be letters, digits, _ or -" % (where, name))
        elif name in seen:
            errors.append("%s.name: duplicate '%s'" % (where, name))
        seen.add(name)
        greeting = menu.get('greeting')
        if greeting is not None and not _SOUND_RE.match(str(greeting)):
            errors.append("%s.greeting: '%s' is not a sound name" % (where, greeting))
        options = menu.get('options') or {}
        if not isinstance(options, dict) or not options:
            errors.append('%s.options: must map digits to targets' % where)
            continue
        for digit, target in options.items():
            field = '%s.options.%s' % (where, digit)
            if not _IVR_DIGIT_RE.match(str(digit)):
                errors.append("%s: '%s' must be one digit, * or # (quote it in YAML)" % (field, digit))
            kind, sep, value = str(target).partition(':')
            if not sep or kind not in IVR_TARGET_KINDS:
                errors.append("%s: '%s' must be queue:NAME, ext:EXT, voicemail:EXT or ivr:NAME" % (field, target))
            elif kind == 'queue' and value not in queue_names:
                errors.append("%s: unknown queue '%s'" % (field, value))
            elif kind in ('ext', 'voicemail') and value not in user_extensions:
                errors.append("%s: unknown extension '%s'" % (field, value))
            elif kind == 'ivr' and value not in names:
                errors.append("%s: unknown IVR '%s'" % (field, value))
    return errors


def asterisk_directory_errors(users: t.Any, departments: t.Any = None, queues: t.Any = None, ivr: t.Any = None,
                              users_name: str = 'telecom_users', defaults: t.Any = None) -> list:
    """Every problem in the call-center input, each naming its field; [] when valid."""
    settings = _settings(defaults)
    for value, field in ((users, users_name), (departments, 'departments'), (queues, 'asterisk_queues'),
                         (ivr, 'asterisk_ivr')):
        if value is not None and not isinstance(value, list):
            return ['%s: must be a list' % field]
    users = users or []
    queues = queues or []
    ivr = ivr or []
    extensions: dict = {}
    errors = _user_errors(users, departments, users_name, extensions)
    user_extensions = set(extensions)
    errors.extend(_queue_errors(queues, extensions))
    queue_names = {q.get('name') for q in queues if isinstance(q, dict)}
    errors.extend(_ivr_errors(ivr, queue_names, user_extensions))
    # Extensions of queues, IVRs and voicemail main share the internal context with the users.
    extensions[str(settings['voicemail_main_extension'])] = 'voicemail main extension'
    for field, items in (('asterisk_queues', queues), ('asterisk_ivr', ivr)):
        for index, item in enumerate(items):
            if not isinstance(item, dict) or item.get('extension') in (None, ''):
                continue
            ext = str(item['extension'])
            where = '%s[%d].extension' % (field, index)
            if not _DIALABLE_RE.match(ext):
                errors.append("%s: '%s' must be 1 to 8 digits, * or #" % (where, ext))
            elif ext in extensions:
                errors.append("%s: '%s' already used by %s" % (where, ext, extensions[ext]))
            else:
                extensions[ext] = where
    return errors


class FilterModule:
    """Asterisk call-center derivation filters."""

    def filters(self) -> dict:
        return {
            'pjsip_sections': pjsip_sections,
            'voicemail_boxes': voicemail_boxes,
            'voicemail_sections': voicemail_sections,
            'dialplan_contexts': dialplan_contexts,
            'queue_sections': queue_sections,
            'queue_dialplan': queue_dialplan,
            'ivr_contexts': ivr_contexts,
            'asterisk_directory_errors': asterisk_directory_errors,
        }
