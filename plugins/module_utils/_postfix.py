# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Postfix helpers shared by the postconf and postfix_map modules.

Three things live here, all pure functions unit tests can call without a host:

* value normalization: how a main.cf / master.cf ``-o`` value given as a
  string, list, int or bool is written, and when two spellings of the same
  value ("a, b", "a b", "a,\\n    b") are the same setting;
* ``postconf`` output parsing (``-n``, ``-d``, ``-M``, ``-P``) and the
  computation of what has to change (the change set is computed before check
  mode is honoured, so check mode reports exactly what a real run would do);
* the lookup-table source model (``key value`` files and aliases(5) files):
  parse, update and render while keeping untouched lines byte-identical.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.inpp.telecom.plugins.module_utils._textfile import CONTROL_CHARACTERS

# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------

# Free-text parameters where a comma is text, not a list separator.
TEXT_PARAMETERS = frozenset([
    'smtpd_banner', 'mail_name', 'lmtpd_banner', 'smtp_helo_name', 'lmtp_lhlo_name',
    'myhostname', 'mydomain', 'mail_owner', 'setgid_group',
])

_SEPARATORS = ' \t\r\n,'


def split_tokens(value: str) -> list:
    """Split a Postfix list value on commas, blanks and newlines.

    A ``{ ... }`` group (Postfix 3.0+ syntax for values that contain blanks or
    commas, e.g. ``check_policy_service { inet:127.0.0.1:10023, timeout=10s }``)
    stays one token, with its inner blanks collapsed.
    """
    tokens = _split_outside_braces(value, _SEPARATORS)
    return [_tidy_group(token) for token in tokens]


def _tidy_group(token: str) -> str:
    if '{' not in token:
        return token
    return re.sub(r'\s+', ' ', token)


def _scalar(value: t.Any) -> str:
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if value is None:
        return ''
    return str(value)


def checked_scalar(value: t.Any, where: str) -> str:
    """*value* as text; ValueError naming *where* for a non-scalar or a control character."""
    if isinstance(value, (dict, list, tuple, set)):
        raise ValueError('%s: values must be scalars (string, number, boolean), got %s'
                         % (where, type(value).__name__))
    text = _scalar(value)
    match = CONTROL_CHARACTERS.search(text)
    if match:
        raise ValueError('%s: control character %r is not allowed (line breaks, NUL and other control '
                         'characters are refused; give a list for a multi-line value)' % (where, match.group()))
    return text


def render_value(value: t.Any, separator: str = ', ', where: str = 'value') -> str:
    """The text written to main.cf (``separator=', '``) or to a ``-o`` override (``','``).

    Lists are joined, booleans become yes/no, numbers become text. Control
    characters are refused (ValueError naming *where*): a line break would
    reach ``postconf -e`` as a second parameter of the caller's choosing.
    """
    if isinstance(value, (list, tuple)):
        tokens = []
        for index, item in enumerate(value):
            tokens.extend(split_tokens(checked_scalar(item, '%s[%d]' % (where, index))))
        return separator.join(tokens)
    return checked_scalar(value, where).strip()


def values_equal(name: str, current: t.Optional[str], desired: str) -> bool:
    """Whether main.cf already holds *desired* for parameter *name*.

    List spellings compare token by token, so a rerun with the same list never
    reports a change whatever separators main.cf uses; free-text parameters
    only collapse blanks.
    """
    if current is None:
        return False
    if name in TEXT_PARAMETERS or name.endswith('_banner'):
        return ' '.join(current.split()) == ' '.join(desired.split())
    return split_tokens(current) == split_tokens(desired)


# ---------------------------------------------------------------------------
# postconf output
# ---------------------------------------------------------------------------

def parse_postconf(output: str) -> dict:
    """Parse ``postconf [-n|-d|-P]`` output (``name = value`` lines) into a dict."""
    result = {}
    for line in output.splitlines():
        if not line.strip() or ' = ' not in line and not line.rstrip().endswith(' ='):
            continue
        if line.rstrip().endswith(' =') and ' = ' not in line:
            name, value = line.rstrip()[:-2], ''
        else:
            name, value = line.split(' = ', 1)
        result[name.strip()] = value.strip()
    return result


def unknown_warnings(stderr: str) -> set:
    """Parameter names postconf warned about as unknown or unused."""
    names = set()
    for match in re.finditer(r'warning: (?:\S+: unused parameter: ([A-Za-z0-9_]+)=|([A-Za-z0-9_]+): unknown parameter)',
                             stderr or ''):
        names.add(match.group(1) or match.group(2))
    return names


def unused_parameters(stderr: str) -> dict:
    """Parameters set in main.cf that Postfix does not use (``postconf -n`` omits them, only warns)."""
    found = {}
    for match in re.finditer(r'warning: \S+main\.cf: unused parameter: ([A-Za-z0-9_]+)=(.*)', stderr or ''):
        found[match.group(1)] = match.group(2).strip()
    return found


PARAMETER_NAME_RE = re.compile(r'^[A-Za-z0-9_]+$')
SERVICE_FIELDS = ('service', 'type', 'private', 'unpriv', 'chroot', 'wakeup', 'maxproc')


def parse_master_entries(output: str) -> dict:
    """Parse ``postconf -M`` output into {(service, type): entry}.

    Each entry holds the seven fields, ``command`` (the command and its
    arguments without the ``-o`` overrides) and ``options`` ({name: value}).
    """
    entries = {}
    for line in output.splitlines():
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        tokens = _split_blanks(line)
        if len(tokens) < 8:
            continue
        entry = dict(zip(SERVICE_FIELDS, tokens[:7]))
        command, options = [], {}
        rest = tokens[7:]
        index = 0
        while index < len(rest):
            token = rest[index]
            if token == '-o' and index + 1 < len(rest):
                name, value = _split_override(rest[index + 1])
                options[name] = value
                index += 2
                continue
            if token.startswith('-o') and len(token) > 2 and '=' in token:
                name, value = _split_override(token[2:])
                options[name] = value
                index += 1
                continue
            command.append(token)
            index += 1
        entry['command'] = ' '.join(command)
        entry['options'] = options
        entries[(entry['service'], entry['type'])] = entry
    return entries


def _split_outside_braces(text: str, separators: str) -> list:
    """Split *text* on any of *separators*, except inside ``{ ... }`` groups."""
    tokens, current, depth = [], [], 0
    for char in text:
        if char == '{':
            depth += 1
        elif char == '}' and depth:
            depth -= 1
        if depth == 0 and char in separators:
            if current:
                tokens.append(''.join(current))
                current = []
            continue
        current.append(char)
    if current:
        tokens.append(''.join(current))
    return tokens


def _split_blanks(line: str) -> list:
    return _split_outside_braces(line, ' \t')


def _split_override(text: str) -> tuple:
    if text.startswith('{') and text.endswith('}'):
        text = text[1:-1].strip()
    name, _sep, value = text.partition('=')
    return name.strip(), value.strip()


# master.cf columns: y/n/- flags, wakeup time (an optional "?" means "only when used"), process limit.
_FLAG_RE = re.compile(r'^[yn-]$')
_FIELD_RES = {
    'private': _FLAG_RE,
    'unpriv': _FLAG_RE,
    'chroot': _FLAG_RE,
    'wakeup': re.compile(r'^(-|[0-9]+\??)$'),
    'maxproc': re.compile(r'^(-|[0-9]+)$'),
}
_SERVICE_RE = re.compile(r'^[^\s/=]+$')


def braces_balanced(text: str) -> bool:
    depth = 0
    for char in text:
        if char == '{':
            depth += 1
        elif char == '}':
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def normalize_master_entry(spec: dict, where: str = 'masters[0]') -> dict:
    """A desired master.cf entry (module option) in the shape parse_master_entries returns.

    Booleans in the y/n columns become ``y``/``n``; every field is checked and
    a ValueError names the first bad one (``masters[1].private: ...``).
    """
    service = checked_scalar(spec['service'], '%s.service' % where)
    if not _SERVICE_RE.match(service):
        raise ValueError('%s.service: invalid service name %r (no blanks, "/" or "=")' % (where, service))
    entry = {'service': service, 'type': str(spec['type'])}
    for field in SERVICE_FIELDS[2:]:
        value = spec.get(field)
        if isinstance(value, bool):
            value = 'y' if value else 'n'
        text = '-' if value is None or value == '' else checked_scalar(value, '%s.%s' % (where, field)).strip()
        if not _FIELD_RES[field].match(text):
            raise ValueError('%s.%s: invalid value %r (%s)' % (
                where, field, text, 'y, n or -' if field in ('private', 'unpriv', 'chroot') else
                'a number or -' if field == 'maxproc' else 'seconds, optionally followed by ?, or -'))
        entry[field] = text
    entry['command'] = ' '.join(checked_scalar(spec['command'], '%s.command' % where).split())
    options = {}
    for name, value in (spec.get('options') or {}).items():
        name = str(name)
        if not PARAMETER_NAME_RE.match(name):
            raise ValueError('%s.options: invalid parameter name %r' % (where, name))
        rendered = render_value(value, ',', '%s.options.%s' % (where, name))
        if not braces_balanced(rendered):
            raise ValueError('%s.options.%s: unbalanced { } in %r; master.cf would read the override '
                             'differently' % (where, name, rendered))
        options[name] = rendered
    entry['options'] = options
    return entry


def master_entries_equal(current: t.Optional[dict], desired: dict) -> bool:
    if current is None:
        return False
    for field in SERVICE_FIELDS + ('command',):
        if current[field] != desired[field]:
            return False
    if set(current['options']) != set(desired['options']):
        return False
    return all(values_equal(name, current['options'][name], value) for name, value in desired['options'].items())


def render_master_entry(entry: dict) -> str:
    """One-line master.cf entry, as ``postconf -M service/type=...`` takes it."""
    words = [entry[field] for field in SERVICE_FIELDS] + [entry['command']]
    for name, value in entry['options'].items():
        if re.search(r'\s', value):
            words.append('-o { %s = %s }' % (name, value))
        else:
            words.append('-o %s=%s' % (name, value))
    return ' '.join(words)


def compute_parameter_changes(current: dict, desired: dict, state: str) -> dict:
    """What ``postconf -e``/``-X`` must do: {'set': {name: value}, 'remove': [names]}.

    *current* is ``postconf -n`` (explicit settings only); *desired* is already
    rendered (see render_value).
    """
    changes = {'set': {}, 'remove': []}
    for name in desired:
        if state == 'absent':
            if name in current:
                changes['remove'].append(name)
        elif not values_equal(name, current.get(name), desired[name]):
            changes['set'][name] = desired[name]
    return changes


def parameter_diff_lines(values: dict, names: t.Iterable) -> str:
    lines = ['%s = %s' % (name, values[name]) for name in names if name in values]
    return ''.join(line + '\n' for line in lines)


# ---------------------------------------------------------------------------
# Lookup tables (postmap / postalias sources)
# ---------------------------------------------------------------------------

DATABASE_SUFFIXES = {'hash': '.db', 'btree': '.db', 'lmdb': '.lmdb', 'cdb': '.cdb', 'dbm': '.dir', 'sdbm': '.dir'}
# Types read straight from the source file: nothing to build.
TEXT_MAP_TYPES = frozenset(['texthash', 'regexp', 'pcre', 'cidr'])
MAP_TYPES = frozenset(DATABASE_SUFFIXES) | TEXT_MAP_TYPES
# postmap folds the keys of these to lower case when it builds or queries them
# (unless -f), so two keys that differ only by case are one entry: postmap
# keeps the first and only warns. Pattern tables (regexp, pcre) and cidr do not.
CASE_FOLDING_MAP_TYPES = frozenset(DATABASE_SUFFIXES) | frozenset(['texthash'])

# What postmap(1) treats as blank space (C isspace), unlike Python's str.split()
# which also splits on NO-BREAK SPACE and the other Unicode spaces.
MAP_BLANKS = ' \t\n\v\f\r'
_MAP_BLANKS_RE = re.compile('[ \t\n\v\f\r]+')


def check_map_type(map_type: str) -> str:
    if map_type not in MAP_TYPES:
        raise ValueError('unknown map_type %r: use one of %s' % (map_type, ', '.join(sorted(MAP_TYPES))))
    return map_type


def case_collisions(keys: t.Iterable[str]) -> list:
    """Groups of keys (in file order) that a case-folding table would take as one."""
    groups: dict = {}
    for key in keys:
        group = groups.setdefault(key.casefold(), [])
        if key not in group:
            group.append(key)
    return [group for group in groups.values() if len(group) > 1]


def postmap_warnings(stderr: str) -> list:
    """The warnings postmap/postalias printed (they exit 0 on duplicates and bad lines)."""
    found = []
    for line in (stderr or '').splitlines():
        program, sep, message = line.partition(': warning: ')
        if sep:
            found.append('%s: %s' % (program.rsplit('/', 1)[-1], message.strip()))
    return found


class MapEntry(object):
    """One ``key value`` entry with its original text (continuation lines included)."""

    __slots__ = ('key', 'value', 'text')

    def __init__(self, key: str, value: str, text: t.Optional[str]):
        self.key = key
        self.value = value
        self.text = text

    def __repr__(self):
        return 'MapEntry(%r, %r)' % (self.key, self.value)


def _split_entry(line: str, alias: bool) -> tuple:
    body = line.strip(MAP_BLANKS)
    if alias:
        key, sep, value = body.partition(':')
        if sep:
            return key.strip(MAP_BLANKS), value.strip(MAP_BLANKS)
    parts = _MAP_BLANKS_RE.split(body, 1)
    key = parts[0]
    value = parts[1] if len(parts) > 1 else ''
    if alias and key.endswith(':'):
        key = key[:-1]
    return key, value.strip(MAP_BLANKS)


def parse_map(text: t.Optional[str], alias: bool = False) -> list:
    """Parse a table source into a list of str (comments, blank lines) and MapEntry.

    As postmap(1) reads it: only ``\\n`` ends a line (not the Unicode line
    separators Python's splitlines() knows), a line starting with blank space
    continues the previous entry; ``#`` lines and blank lines are comments.
    Each item keeps its exact text, so render_map(parse_map(x)) == x.
    """
    items: list = []
    if not text:
        return items
    lines = text.split('\n')
    lines = [line + '\n' for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    for line in lines:
        stripped = line.strip(MAP_BLANKS)
        if not stripped or stripped.startswith('#'):
            items.append(line)
            continue
        if line[0] in ' \t' and items and isinstance(items[-1], MapEntry):
            entry = items[-1]
            entry.text += line
            entry.value = (entry.value + ' ' + stripped).strip(MAP_BLANKS)
            continue
        key, value = _split_entry(line, alias)
        items.append(MapEntry(key, value, line))
    return items


def render_map(items: list) -> str:
    return ''.join(item if isinstance(item, str) else item.text for item in items)


def format_entry(key: str, value: str, alias: bool = False) -> str:
    if alias:
        return '%s: %s\n' % (key, value)
    return '%s %s\n' % (key, value)


def map_values_equal(current: str, desired: str) -> bool:
    """Two table values are the same when their comma/blank separated tokens match."""
    return split_tokens(current) == split_tokens(desired)


def render_map_value(value: t.Any, where: str = 'value') -> str:
    """The text of a table value: a list joined with ``, ``, blanks collapsed.

    Refuses what would change the table behind the caller's back: control
    characters (a line break would add an entry of the caller's choosing) and
    values that are not scalars.
    """
    if isinstance(value, (list, tuple)):
        items = [checked_scalar(item, '%s[%d]' % (where, index)).strip(MAP_BLANKS)
                 for index, item in enumerate(value)]
        return ', '.join(items)
    return ' '.join(word for word in _MAP_BLANKS_RE.split(checked_scalar(value, where)) if word)


def update_map(items: list, entries: dict, state: str = 'present', exclusive: bool = False,
               alias: bool = False) -> tuple:
    """Apply the desired entries to a parsed table.

    *entries* maps keys to rendered values (render_map_value); for
    ``state=absent`` only the keys matter. Returns ``(new_items, report)`` where
    report lists the keys ``added``, ``changed`` and ``removed``. Lines that are
    not touched keep their exact text; a key that appears more than once keeps
    its first occurrence only when it is managed.
    """
    report: dict = {'added': [], 'changed': [], 'removed': []}
    new_items: list = []
    seen: set = set()
    for item in items:
        if isinstance(item, str):
            new_items.append(item)
            continue
        key = item.key
        if state == 'absent':
            if key in entries:
                if key not in report['removed']:
                    report['removed'].append(key)
                continue
            new_items.append(item)
            continue
        if key in entries:
            if key in seen:
                report['removed'].append(key)
                continue
            seen.add(key)
            if map_values_equal(item.value, entries[key]):
                new_items.append(item)
            else:
                new_items.append(MapEntry(key, entries[key], format_entry(key, entries[key], alias)))
                report['changed'].append(key)
            continue
        if exclusive:
            report['removed'].append(key)
            continue
        new_items.append(item)
    if state == 'present':
        if new_items and isinstance(new_items[-1], str) and not new_items[-1].endswith(('\n', '\r')):
            new_items[-1] += '\n'
        elif new_items and isinstance(new_items[-1], MapEntry) and not new_items[-1].text.endswith(('\n', '\r')):
            new_items[-1].text += '\n'
        for key, value in entries.items():
            if key not in seen:
                new_items.append(MapEntry(key, value, format_entry(key, value, alias)))
                report['added'].append(key)
    return new_items, report


def masked_map(items: list, alias: bool = False, mask: str = '********') -> str:
    """The table text with every value replaced by *mask* (diffs of secret tables)."""
    lines = []
    for item in items:
        if isinstance(item, str):
            lines.append(item)
        else:
            lines.append(format_entry(item.key, mask, alias))
    return ''.join(lines)


def database_path(path: str, map_type: str) -> t.Optional[str]:
    """The file postmap/postalias builds for *path*, or None for types without one."""
    suffix = DATABASE_SUFFIXES.get(map_type)
    if suffix is None:
        return None
    return path + suffix
