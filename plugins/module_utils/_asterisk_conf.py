# -*- coding: utf-8 -*-
# Copyright (c) 2025, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lossless parser, editor and renderer for Asterisk configuration files.

This is a private helper shared by the ``inpp.telecom.asterisk_*`` modules.

Model
-----
A :class:`Document` is a *preamble* (the lines before the first section) and
a list of :class:`Section`.  Every physical line is a :class:`Line` that keeps
its raw text, line ending included.  Rendering concatenates the raw texts, so
a document that was not edited renders byte for byte as it was read: comments,
``;-- --;`` blocks, blank lines, trailing whitespace, CRLF endings and a
missing final newline all survive.  Edits replace or insert whole lines and
touch nothing else.

The comment rules follow ``main/config.c`` of Asterisk:

* ``;`` starts a comment unless it is escaped as ``\\;``;
* ``;--`` (not followed by a fourth ``-``) opens a block comment that may
  span lines and nest, ``--;`` closes it;
* ``[name]`` opens a section, optionally followed by ``(options)`` where
  ``!`` marks a template, ``+`` (or ``+filter``) an append to an earlier
  section of the same name, and anything else names a template to inherit;
* ``key = value``, ``key => value`` and ``key += value`` are options, values
  are kept in file syntax (``\\;`` stays escaped);
* ``#include``, ``#tryinclude`` and ``#exec`` are directives, kept in place.

Values handled by this module are always in *file syntax*: what you see in
the file between the operator and the end of the line, stripped.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ansible_collections.inpp.telecom.plugins.module_utils._textfile import TextFileError, check_text

MARKER = 'managed by inpp.telecom.asterisk_config'

# Keys written with "=>" when the module creates them and the section has no
# line with that key yet.  Asterisk treats "=" and "=>" alike for these; the
# arrow is the convention of the sample configs (dialplan, queues, voicemail).
ARROW_KEYS = frozenset((
    'exten', 'same', 'include', 'switch', 'eswitch', 'lswitch', 'ignorepat',
    'member',
))

DIRECTIVES = frozenset(('include', 'tryinclude', 'exec'))

# What Asterisk's ast_strip() considers white space (C isspace), unlike
# Python's str.strip() which also strips \x1c-\x1f and Unicode spaces.
WS = ' \t\n\r\f\v'

BLANK = 'blank'
COMMENT = 'comment'
DIRECTIVE = 'directive'
OPTION = 'option'
HEADER = 'header'


class AsteriskConfError(Exception):
    """Malformed configuration or invalid request, with file and line."""

    def __init__(self, message: str, path: Optional[str] = None, lineno: Optional[int] = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.lineno = lineno

    def __str__(self) -> str:
        if self.lineno:
            return '%s:%d: %s' % (self.path or '<config>', self.lineno, self.message)
        if self.path:
            return '%s: %s' % (self.path, self.message)
        return self.message


class Line:
    """One physical line.  ``raw`` includes the line ending (if any)."""

    __slots__ = ('raw', 'kind', 'key', 'op', 'value', 'lineno', 'vspan')

    def __init__(self, raw: str, kind: str, key: Optional[str] = None, op: Optional[str] = None,
                 value: Optional[str] = None, lineno: int = 0,
                 vspan: Optional[Tuple[int, int]] = None):
        self.raw = raw
        self.kind = kind
        self.key = key
        self.op = op
        self.value = value
        self.lineno = lineno
        # (start, end) of the value inside raw, when the line has no block
        # comment so that the value can be replaced in place.
        self.vspan = vspan

    def __repr__(self) -> str:
        return 'Line(%r, %s)' % (self.raw, self.kind)


class Section:
    """A ``[name](options)`` header and the lines up to the next header."""

    __slots__ = ('header', 'name', 'template', 'parents', 'append', 'lines', 'removed')

    def __init__(self, header: Line, name: str, template: bool = False,
                 parents: Optional[List[str]] = None, append: Optional[str] = None,
                 lines: Optional[List[Line]] = None):
        self.header = header
        self.name = name
        self.template = template
        self.parents = list(parents or [])
        # None: not an append section; '' for "(+)"; the filter for "(+type=aor)"
        self.append = append
        self.lines = lines if lines is not None else []
        self.removed = False

    @property
    def type(self) -> Optional[str]:
        """Value of the last ``type`` option (pjsip, sorcery), or None."""
        found = None
        for line in self.lines:
            if line.kind == OPTION and line.key == 'type':
                found = line.value
        return found

    @property
    def managed(self) -> bool:
        """Whether the header carries this module's marker, and nothing else, as its comment.

        ``[name] ; managed by inpp.telecom.asterisk_config`` is the module's;
        a hand-written comment that merely mentions the marker text is not.
        """
        raw = self.header.raw
        if MARKER not in raw:  # fast path: most headers have no comment at all
            return False
        return header_comment(raw) == MARKER

    def options(self) -> List[Tuple[str, str]]:
        return [(ln.key, ln.value) for ln in self.lines if ln.kind == OPTION]  # type: ignore[misc]

    def __repr__(self) -> str:
        return 'Section(%r, type=%r)' % (self.name, self.type)


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------

def split_lines(text: str) -> List[str]:
    """Split keeping line endings; only ``\\n`` ends a line (as for fgets)."""
    if not text:
        return []
    parts = text.split('\n')
    lines = [p + '\n' for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def strip_comments(text: str, depth: int) -> Tuple[str, int, bool]:
    """Return (text outside comments, new block depth, touched a block).

    Mirrors the comment scanner of Asterisk's config.c: escaped ``\\;`` is
    kept (in file syntax), ``;--`` opens a nested block comment unless a
    fourth dash follows, ``--;`` closes one, any other ``;`` outside a block
    ends the line.
    """
    if ';' not in text:
        return ('' if depth else text), depth, bool(depth)
    pieces = []
    start: Optional[int] = 0 if depth == 0 else None
    touched = depth > 0
    scan = 0
    while True:
        j = text.find(';', scan)
        if j < 0:
            break
        if j > 0 and text[j - 1] == '\\':
            scan = j + 1
            continue
        if text.startswith('--', j + 1) and text[j + 3:j + 4] != '-':
            if depth == 0 and start is not None:
                pieces.append(text[start:j])
                start = None
            depth += 1
            touched = True
            scan = j + 3
            continue
        if depth > 0 and j - 2 >= scan and text[j - 2:j] == '--':
            depth -= 1
            scan = j + 1
            if depth == 0:
                start = scan
            continue
        if depth == 0:
            if start is not None:
                pieces.append(text[start:j])
            start = None
            break
        scan = j + 1
    if depth == 0 and start is not None:
        pieces.append(text[start:])
    return ''.join(pieces), depth, touched


def _parse_header(content: str, path: Optional[str], lineno: int) -> Tuple[str, bool, List[str], Optional[str]]:
    """Parse ``[name](opts)``; return (name, template, parents, append)."""
    close = content.find(']')
    if close < 0:
        raise AsteriskConfError("parse error: no closing ']'", path, lineno)
    name = content[1:close]
    if not name.strip(WS):
        raise AsteriskConfError('parse error: empty section name', path, lineno)
    template = False
    parents: List[str] = []
    append: Optional[str] = None
    rest = content[close + 1:]
    if rest.startswith('('):
        end = rest.find(')')
        if end < 0:
            raise AsteriskConfError("parse error: no closing ')'", path, lineno)
        for token in rest[1:end].split(','):
            token = token.strip(WS)
            if token == '!':
                template = True
            elif token.startswith('+'):
                append = token[1:]
            elif token:
                parents.append(token)
    return name, template, parents, append


def header_comment(raw: str) -> Optional[str]:
    """The comment after a header line's ``]`` or ``(...)``, stripped, or None."""
    body = raw.strip(WS)
    close = body.find(']')
    if close < 0:
        return None
    rest = body[close + 1:]
    if rest.startswith('('):
        end = rest.find(')')
        rest = rest[end + 1:] if end >= 0 else rest
    rest = rest.strip(WS)
    if not rest.startswith(';') or rest.startswith(';--'):
        return None
    return rest[1:].strip(WS)


def _parse_option(body: str, content: str, path: Optional[str], lineno: int,
                  simple: bool) -> Line:
    eq = content.find('=')
    if eq < 0:
        raise AsteriskConfError("no '=' (equal sign) in line", path, lineno)
    if content[eq + 1:eq + 2] == '>':
        op, key_end, vstart = '=>', eq, eq + 2
    elif eq > 0 and content[eq - 1] == '+':
        op, key_end, vstart = '+=', eq - 1, eq + 1
    else:
        op, key_end, vstart = '=', eq, eq + 1
    key = content[:key_end].strip(WS)
    if not key:
        raise AsteriskConfError("option without a name before '%s'" % op, path, lineno)
    if key == '\\' or (key.startswith('\\') and key[1] in WS):
        raise AsteriskConfError('invalid escape', path, lineno)
    tail = content[vstart:]
    value = tail.strip(WS)
    vspan = None
    if simple and value:
        vs = vstart + (len(tail) - len(tail.lstrip(WS)))
        vspan = (vs, vs + len(value))
    return Line(body, OPTION, key, op, value, lineno, vspan)


def _check_directive(content: str, path: Optional[str], lineno: int) -> None:
    word = content[1:].split(None, 1)
    if not word or word[0].lower() not in DIRECTIVES:
        raise AsteriskConfError('unknown directive %r' % content.split(None, 1)[0], path, lineno)
    if len(word) < 2 or not word[1].strip(WS):
        raise AsteriskConfError("directive '#%s' needs an argument" % word[0], path, lineno)


class Document:
    """A parsed configuration file."""

    def __init__(self, path: Optional[str] = None):
        self.path = path
        self.preamble: List[Line] = []
        self.sections: List[Section] = []
        self.eol = '\n'

    # -- parsing ---------------------------------------------------------
    @classmethod
    def parse(cls, text: str, path: Optional[str] = None) -> 'Document':
        doc = cls(path)
        raws = split_lines(text)
        if raws and raws[0].endswith('\r\n'):
            doc.eol = '\r\n'
        depth = 0
        depth_started = 0
        current: Optional[Section] = None
        target = doc.preamble
        for lineno, raw in enumerate(raws, 1):
            body = raw[:-1] if raw[-1:] == '\n' else raw
            if depth or ';' in body:
                was_depth = depth
                outside, depth, touched = strip_comments(body, depth)
                if depth and not was_depth:
                    depth_started = lineno
            else:  # fast path: most lines have no comment at all
                outside, touched = body, False
            content = outside.strip(WS)
            if not content:
                target.append(Line(raw, COMMENT if raw.strip(WS) else BLANK, None, None, None, lineno))
                continue
            first = content[0]
            if first == '[':
                name, template, parents, append = _parse_header(content, path, lineno)
                current = Section(Line(raw, HEADER, lineno=lineno), name, template, parents, append)
                doc.sections.append(current)
                target = current.lines
            elif first == '#':
                _check_directive(content, path, lineno)
                target.append(Line(raw, DIRECTIVE, lineno=lineno))
            else:
                if current is None:
                    raise AsteriskConfError('parse error: no category context for this line', path, lineno)
                # When no block comment touched the line, the text outside
                # comments is a prefix of raw and the value can be located.
                target.append(_parse_option(raw, outside if not touched else content,
                                            path, lineno, not touched))
        if depth:
            raise AsteriskConfError('unterminated block comment (;-- without --;)', path, depth_started)
        return doc

    # -- rendering -------------------------------------------------------
    def render(self) -> str:
        out = [ln.raw for ln in self.preamble]
        for sec in self.sections:
            if sec.removed:
                continue
            out.append(sec.header.raw)
            out.extend(ln.raw for ln in sec.lines)
        return ''.join(out)

    def live_sections(self) -> List[Section]:
        return [s for s in self.sections if not s.removed]


def parse(text: str, path: Optional[str] = None) -> Document:
    return Document.parse(text, path)


# --------------------------------------------------------------------------
# Value and spec normalisation
# --------------------------------------------------------------------------

_UNESCAPED_SEMI = re.compile(r'(?<!\\);')
_BAD_KEY = re.compile(r'[=;]')
_BAD_NAME = re.compile(r'[\[\]();,]')


def _text(value: Any, where: str) -> str:
    """*value* as text, refused when it holds a control character (see _textfile.check_text)."""
    text = value if isinstance(value, str) else str(value)
    try:
        return check_text(text, where)
    except TextFileError as exc:
        raise AsteriskConfError(str(exc))


def to_value(value: Any, where: str = 'value') -> str:
    """Convert a YAML scalar to a value in file syntax.

    Booleans become yes/no, numbers their decimal form, None an empty
    value.  A ``;`` not already escaped is escaped, since it would
    otherwise start a comment.  Control characters are refused: a line
    break would add a line of the caller's choosing to the file.
    """
    if isinstance(value, bool):
        text = 'yes' if value else 'no'
    elif value is None:
        text = ''
    elif isinstance(value, (int, float, str)):
        text = _text(value, where)
    else:
        raise AsteriskConfError('%s: option values must be scalars (string, number, boolean), got %s'
                                % (where, type(value).__name__))
    text = text.strip(WS)
    return _UNESCAPED_SEMI.sub(r'\\;', text) if ';' in text else text


def check_key(key: Any, where: str = 'option') -> str:
    key = _text(key, where).strip(WS)
    if not key or _BAD_KEY.search(key) or key[0] in '[#\\' or key[-1] == '+':
        raise AsteriskConfError('%s: invalid option name %r' % (where, key))
    return key


def check_name(name: Any, what: str = 'section name', where: Optional[str] = None) -> str:
    where = where or what
    name = _text('' if name is None else name, where)
    if not name.strip(WS) or _BAD_NAME.search(name):
        raise AsteriskConfError('%s: invalid %s %r' % (where, what, name))
    return name


def option_pairs(items: Optional[Iterable[Any]], allow_bare_keys: bool = False,
                 where: str = 'options') -> Tuple[List[Tuple[str, Optional[str]]], List[str]]:
    """Turn ``[{key: value}, {key: [v1, v2]}, 'key']`` into ordered pairs.

    A bare string (only with ``allow_bare_keys``) yields ``(key, None)``,
    meaning every value of that key.  Returns ``(pairs, cleared)`` where
    *cleared* lists the keys given an empty list (``{allow: []}``): they get
    no value, so their lines go.  Errors name the item, e.g.
    ``sections[2].options[0].callerid``.
    """
    pairs: List[Tuple[str, Optional[str]]] = []
    cleared: List[str] = []
    for index, item in enumerate(items or []):
        here = '%s[%d]' % (where, index)
        if isinstance(item, dict):
            for key, value in item.items():
                key = check_key(key, here)
                named = '%s.%s' % (here, key)
                if isinstance(value, list):
                    if not value:
                        cleared.append(key)
                    for number, val in enumerate(value):
                        pairs.append((key, to_value(val, '%s[%d]' % (named, number))))
                else:
                    pairs.append((key, to_value(value, named)))
        elif allow_bare_keys and isinstance(item, (str, int)) and not isinstance(item, bool):
            pairs.append((check_key(item, here), None))
        else:
            raise AsteriskConfError('%s: each option must be a mapping {name: value}, got %r' % (here, item))
    return pairs, cleared


class SectionSpec:
    """A normalised request for one section."""

    __slots__ = ('name', 'type', 'state', 'template', 'parents', 'options', 'absent', 'exclusive', 'cleared')

    def __init__(self, name: str, type: Optional[str] = None, state: str = 'present',
                 template: Optional[bool] = None, parents: Optional[List[str]] = None,
                 options: Optional[List[Tuple[str, str]]] = None,
                 absent: Optional[List[Tuple[str, Optional[str]]]] = None, exclusive: bool = False,
                 cleared: Optional[List[str]] = None):
        self.name = name
        self.type = type
        self.state = state
        self.template = template
        self.parents = parents
        self.options = options or []
        self.absent = absent or []
        self.exclusive = exclusive
        # Keys given as an empty list, {allow: []}: every line of them goes.
        self.cleared = cleared or []

    @classmethod
    def from_dict(cls, data: Dict[str, Any], where: str = 'section') -> 'SectionSpec':
        """Normalise one ``sections`` item; errors start with *where* (``sections[2]``)."""
        name = check_name(data.get('name'), where='%s.name' % where)
        stype = data.get('type')
        stype = to_value(stype, '%s.type' % where) if stype not in (None, '') else None
        parents = data.get('parents')
        if parents is not None:
            parents = [check_name(p, 'parent template name', '%s.parents[%d]' % (where, i))
                       for i, p in enumerate(parents)]
        options, cleared = option_pairs(data.get('options'), where='%s.options' % where)
        absent, _none = option_pairs(data.get('absent_options'), allow_bare_keys=True,
                                     where='%s.absent_options' % where)
        if stype is not None:
            types = [v for k, v in options if k == 'type']
            if any(v != stype for v in types):
                raise AsteriskConfError("%s: section [%s]: option type=%s contradicts type %s"
                                        % (where, name, types[0], stype))
        wanted = {k for k, _v in options}
        for key, value in absent:
            if key in wanted and (value is None or (key, value) in options):
                raise AsteriskConfError('%s: section [%s]: option %s is both wanted and absent' % (where, name, key))
        return cls(name, stype, data.get('state') or 'present', data.get('template'), parents,
                   options, absent, bool(data.get('exclusive')), cleared)  # type: ignore[arg-type]

    def label(self) -> str:
        return '[%s]' % self.name + (' (type=%s)' % self.type if self.type else '')


# --------------------------------------------------------------------------
# Editing
# --------------------------------------------------------------------------

def _line_styles(lines: Iterable[Line]) -> Dict[str, Tuple[str, str]]:
    """Spacing around each operator, from the first line using it.

    ``static=yes`` and ``exten => 1,1,Answer()`` often live in the same file:
    new lines follow the existing lines with the same operator.
    """
    styles: Dict[str, Tuple[str, str]] = {}
    for ln in lines:
        if ln.kind != OPTION or ln.vspan is None or ln.op in styles:
            continue
        eq = ln.raw.find('=')
        start = eq - 1 if ln.op == '+=' else eq
        end = eq + 2 if ln.op == '=>' else eq + 1
        before = ' ' if start > 0 and ln.raw[start - 1] in ' \t' else ''
        after = ' ' if ln.raw[end:end + 1] in (' ', '\t') else ''
        styles[ln.op or '='] = (before, after)
        if '=' in styles and '=>' in styles:
            break
    return styles


class Editor:
    """Apply section specs to a document with dictionary indexes."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.index: Dict[str, List[Section]] = {}
        for sec in doc.sections:
            if sec.append is None:
                self.index.setdefault(sec.name, []).append(sec)
        self.styles = _line_styles(ln for sec in doc.sections for ln in sec.lines)
        self.types: Dict[int, Optional[str]] = {}
        self._compute_types()
        # Position of each section in doc.sections, for O(1) neighbour walks.
        self.pos: Dict[int, int] = {id(sec): i for i, sec in enumerate(doc.sections)}

    # -- types -----------------------------------------------------------
    def _compute_types(self) -> None:
        """Effective type of every section: its own ``type=`` or inherited.

        ``[1101](endpoint-tpl)`` is an endpoint when the template says
        ``type=endpoint``; like Asterisk, a parent is the first section of
        that name defined earlier in the file.
        """
        first: Dict[str, Section] = {}
        self.types = {}
        for sec in self.doc.sections:
            if sec.removed:
                continue
            self.types[id(sec)] = sec.type or self._inherited(sec.parents, first)
            if sec.append is None:  # "(+)" adds to a section, it is not one
                first.setdefault(sec.name, sec)

    def _inherited(self, parents: List[str], first: Optional[Dict[str, Section]] = None,
                   before: Optional[int] = None) -> Optional[str]:
        """Type inherited from the first parent that has one.

        A parent is the first non-append section of that name defined before
        the child (``before`` is the child's position; None: the end of file).
        """
        for parent in parents:
            if first is not None:
                base = first.get(parent)
            else:
                found = [s for s in self.index.get(parent, ()) if not s.removed]
                base = found[0] if found else None
                if base is not None and before is not None and self.pos[id(base)] >= before:
                    base = None
            if base is not None and self.types.get(id(base)):
                return self.types[id(base)]
        return None

    def type_of(self, sec: Section) -> Optional[str]:
        return self.types.get(id(sec))

    def _retype(self, sec: Section) -> None:
        old = self.types.get(id(sec))
        new = sec.type or self._inherited(sec.parents, before=self.pos[id(sec)])
        self.types[id(sec)] = new
        if sec.template and new != old:
            self._compute_types()  # children inherit it: rare, recompute all

    # -- lookup ----------------------------------------------------------
    def find(self, name: str, stype: Optional[str]) -> Optional[Section]:
        candidates = [s for s in self.index.get(name, ()) if not s.removed]
        if stype is not None:
            candidates = [s for s in candidates if self.types.get(id(s)) == stype]
        if len(candidates) > 1:
            where = ', '.join(str(s.header.lineno) for s in candidates)
            hint = '' if stype else '; give its type'
            raise AsteriskConfError('section [%s]%s is ambiguous: it appears at lines %s%s'
                                    % (name, ' type=%s' % stype if stype else '', where, hint),
                                    self.doc.path)
        return candidates[0] if candidates else None

    # -- line factories ------------------------------------------------
    def _new_line(self, key: str, value: str, op: str) -> Line:
        # Arrow lines without an example get " => "; "=" lines fall back on
        # the arrow style and then " = ".
        before, after = self.styles.get(op) or (
            (' ', ' ') if op == '=>' else self.styles.get('=>', (' ', ' ')))
        if not value:
            after = ''
        elif value.startswith('>') and op == '=':
            after = ' '  # "k=>x" would read back as k => x
        body = '%s%s%s%s%s' % (key, before, op, after, value)
        vspan = (len(body) - len(value), len(body)) if value else None
        return Line(body + self.doc.eol, OPTION, key=key, op=op, value=value, vspan=vspan)

    @staticmethod
    def _with_value(line: Line, value: str) -> Line:
        if line.vspan is not None and value and not (value.startswith('>') and line.op == '='):
            start, end = line.vspan
            raw = line.raw[:start] + value + line.raw[end:]
            return Line(raw, OPTION, key=line.key, op=line.op, value=value, lineno=line.lineno,
                        vspan=(start, start + len(value)))
        return Line('', OPTION, key=line.key, op=line.op, value=value, lineno=line.lineno)

    def _header_raw(self, sec: Section, managed: bool) -> str:
        flags = (['!'] if sec.template else []) + sec.parents
        text = '[%s]' % sec.name + ('(%s)' % ','.join(flags) if flags else '')
        raw = sec.header.raw
        old = raw.lstrip(WS)
        if old.startswith('[') and ';' not in old[:old.find(']') + 1]:
            indent = raw[:len(raw) - len(old)]
            close = old.find(']') + 1
            if old[close:close + 1] == '(' and old.find(')', close) >= 0:
                close = old.find(')', close) + 1
            return indent + text + old[close:]
        suffix = ' ; %s' % MARKER if managed else ''
        return text + suffix + self.doc.eol

    # -- section level -------------------------------------------------
    def set_options(self, sec: Section, target: List[Tuple[str, str]]) -> bool:
        """Make the option lines of ``sec`` equal ``target`` with minimal edits.

        Lines that stay keep their raw text (and inline comments); a changed
        value of the same key is replaced in place; comment, blank and
        directive lines never move.
        """
        opt_pos = [i for i, ln in enumerate(sec.lines) if ln.kind == OPTION]
        cur = [(sec.lines[i].key, sec.lines[i].value) for i in opt_pos]
        if cur == target:
            return False
        ops_by_key = {}
        for i in opt_pos:
            ops_by_key.setdefault(sec.lines[i].key, sec.lines[i].op)
        replace: Dict[int, str] = {}
        delete = set()
        insert: Dict[int, List[Tuple[str, str]]] = {}
        matcher = difflib.SequenceMatcher(None, cur, target, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == 'equal':
                continue
            k = 0
            if tag == 'replace':
                while i1 + k < i2 and j1 + k < j2 and cur[i1 + k][0] == target[j1 + k][0]:
                    replace[i1 + k] = target[j1 + k][1]
                    k += 1
            delete.update(range(i1 + k, i2))
            if j1 + k < j2:
                insert.setdefault(i2 - 1, []).extend(target[j1 + k:j2])

        def fresh(pairs: List[Tuple[str, str]]) -> List[Line]:
            out = []
            for key, value in pairs:
                op = ops_by_key.get(key) or ('=>' if key in ARROW_KEYS or key.isdigit() else '=')
                if op == '+=':
                    op = '='
                out.append(self._new_line(key, value, op))
            return out

        if -1 in insert:
            # Before the first option line, or right after the header when
            # the section has none.
            head = opt_pos[0] if opt_pos else 0
            first_new = fresh(insert.pop(-1))
        else:
            head, first_new = -1, []
        ordinal = {pos: n for n, pos in enumerate(opt_pos)}
        rebuilt: List[Line] = []
        for idx, ln in enumerate(sec.lines):
            if idx == head:
                rebuilt.extend(first_new)
            n = ordinal.get(idx)
            if n is None:
                rebuilt.append(ln)
                continue
            if n in replace:
                fixed = self._with_value(ln, replace[n])
                if not fixed.raw:
                    fixed = self._new_line(ln.key or '', replace[n], ln.op if ln.op != '+=' else '=')
                rebuilt.append(fixed)
            elif n not in delete:
                rebuilt.append(ln)
            if n in insert:
                rebuilt.extend(fresh(insert[n]))
        if head == 0 and not sec.lines:
            rebuilt.extend(first_new)
        # Only the very last line of a file may lack its line ending.
        for ln in rebuilt[:-1]:
            if not ln.raw.endswith('\n'):
                ln.raw += self.doc.eol
        sec.lines = rebuilt
        return True

    def _target(self, sec: Section, spec: SectionSpec) -> List[Tuple[str, str]]:
        cur = sec.options()
        if spec.exclusive:
            target = list(spec.options)
        else:
            wanted: Dict[str, List[str]] = {}
            for key in spec.cleared:
                wanted[key] = []
            for key, value in spec.options:
                wanted.setdefault(key, []).append(value)
            total = {}
            for key, _v in cur:
                total[key] = total.get(key, 0) + 1
            seen: Dict[str, int] = {}
            target = []
            for key, value in cur:
                if key not in wanted:
                    target.append((key, value))
                    continue
                t = seen.get(key, 0)
                seen[key] = t + 1
                values = wanted[key]
                if t < len(values):
                    target.append((key, values[t]))
                if t == total[key] - 1 and len(values) > total[key]:
                    target.extend((key, v) for v in values[total[key]:])
            for key, values in wanted.items():
                if key not in total:
                    target.extend((key, v) for v in values)
        if spec.absent:
            drop_keys = {k for k, v in spec.absent if v is None}
            drop_pairs = {(k, v) for k, v in spec.absent if v is not None}
            target = [(k, v) for k, v in target if k not in drop_keys and (k, v) not in drop_pairs]
        if spec.type is not None and not any(k == 'type' for k, _v in target):
            parents = sec.parents if spec.parents is None else spec.parents
            if self._inherited(parents, before=self.pos.get(id(sec))) != spec.type:
                target.insert(0, ('type', spec.type))
        return target

    def ensure(self, spec: SectionSpec) -> Tuple[Optional[str], Optional[Section]]:
        """Apply one spec; return ('added'|'changed'|'removed'|None, section)."""
        sec = self.find(spec.name, spec.type)
        if spec.state == 'absent':
            if sec is None:
                return None, None
            self.remove(sec)
            return 'removed', sec
        if sec is None:
            return 'added', self.add(spec)
        changed = False
        template = sec.template if spec.template is None else bool(spec.template)
        parents = sec.parents if spec.parents is None else list(spec.parents)
        if template != sec.template or parents != sec.parents:
            sec.template, sec.parents = template, parents
            sec.header = Line(self._header_raw(sec, sec.managed), HEADER, lineno=sec.header.lineno)
            changed = True
        if self.set_options(sec, self._target(sec, spec)):
            changed = True
        if changed:
            self._retype(sec)
        return ('changed' if changed else None), sec

    def add(self, spec: SectionSpec) -> Section:
        doc = self.doc
        sec = Section(Line('', HEADER), spec.name, bool(spec.template), spec.parents or [])
        sec.header = Line(self._header_raw(sec, True), HEADER)
        sec.lines = [self._new_line(k, v, '=>' if k in ARROW_KEYS or k.isdigit() else '=')
                     for k, v in self._target(sec, spec)]
        last = self._last_line()
        if last is not None:
            if not last.raw.endswith('\n'):
                last.raw += doc.eol
            if last.kind != BLANK:
                self._tail_lines().append(Line(doc.eol, BLANK))
        self.pos[id(sec)] = len(doc.sections)
        doc.sections.append(sec)
        self.index.setdefault(sec.name, []).append(sec)
        self._retype(sec)
        return sec

    def _tail_lines(self) -> List[Line]:
        for sec in reversed(self.doc.sections):
            if not sec.removed:
                return sec.lines
        return self.doc.preamble

    def _last_line(self) -> Optional[Line]:
        for sec in reversed(self.doc.sections):
            if sec.removed:
                continue
            return sec.lines[-1] if sec.lines else sec.header
        return self.doc.preamble[-1] if self.doc.preamble else None

    def remove(self, sec: Section) -> None:
        """Remove a section, keeping what follows its last option.

        Comment and directive lines after the last option usually document
        the next section or include other files: they are handed over to the
        previous section (or the preamble) so they stay where they are.
        """
        last_opt = -1
        for i, ln in enumerate(sec.lines):
            if ln.kind == OPTION:
                last_opt = i
        keep_from = last_opt + 1
        while keep_from < len(sec.lines) and sec.lines[keep_from].kind == BLANK:
            keep_from += 1
        kept = sec.lines[keep_from:]
        sec.removed = True
        sections = self.doc.sections
        pos = self.pos[id(sec)]
        prev_lines = self.doc.preamble
        for i in range(pos - 1, -1, -1):
            if not sections[i].removed:
                prev_lines = sections[i].lines
                break
        is_last = True
        for i in range(pos + 1, len(sections)):
            if not sections[i].removed:
                is_last = False
                break
        if not kept and is_last and prev_lines and prev_lines[-1].kind == BLANK:
            # Drop the separator the module wrote before the section.
            prev_lines.pop()
        prev_lines.extend(kept)
        sec.lines = []


def apply_specs(doc: Document, specs: List[SectionSpec], purge: bool = False) -> Dict[str, List[Dict[str, Optional[str]]]]:
    """Apply specs (and purge) to ``doc``; return added/changed/removed idents."""
    editor = Editor(doc)
    result: Dict[str, List[Dict[str, Optional[str]]]] = {'added': [], 'changed': [], 'removed': []}
    seen = set()
    kept = set()
    typed = {spec.name for spec in specs if spec.type is not None}
    for spec in specs:
        if spec.type is None and spec.name in typed:
            # The untyped entry would match the typed one on the next run.
            raise AsteriskConfError('section [%s] is listed both with and without a type' % spec.name, doc.path)
        key = (spec.name, spec.type)
        if key in seen:
            raise AsteriskConfError('section %s is listed twice' % spec.label(), doc.path)
        seen.add(key)
        outcome, sec = editor.ensure(spec)
        if sec is not None and spec.state == 'present':
            kept.add(id(sec))
        if outcome:
            stype = editor.type_of(sec) if sec is not None else None
            result[outcome].append({'name': spec.name, 'type': stype or spec.type})
    if purge:
        for sec in list(doc.sections):
            if not sec.removed and sec.managed and id(sec) not in kept:
                ident = {'name': sec.name, 'type': editor.type_of(sec)}
                editor.remove(sec)
                result['removed'].append(ident)
    doc.sections = [s for s in doc.sections if not s.removed]
    return result


# --------------------------------------------------------------------------
# Asterisk CLI (asterisk -rx), shared by asterisk_command and asterisk_info
# --------------------------------------------------------------------------

def cli_argument_spec() -> Dict[str, Any]:
    """Options documented by the inpp.telecom.asterisk doc fragment."""
    return dict(
        asterisk_bin=dict(type='path', default='asterisk'),
        asterisk_conf=dict(type='path'),
    )


def cli_argv(params: Dict[str, Any], command: str) -> List[str]:
    """The argv list for one CLI command (never a shell string)."""
    argv = [params.get('asterisk_bin') or 'asterisk']
    if params.get('asterisk_conf'):
        argv += ['-C', params['asterisk_conf']]
    return argv + ['-rx', command]


# Messages Asterisk prints (with exit status 0) when a command did not do
# what was asked.  Checked against each line of the output.
CLI_ERRORS = re.compile(
    r"^(No such command '"
    r"|Unable to connect to remote asterisk"
    r"|No such module '"
    r"|The module '[^']*' (does not support reloads|was not properly initialized|reported a reload failure)"
    r"|A module reload request is already in progress"
    r"|Command '.*' failed\."
    r"|There is no existence of '"
    r"|Unable to (load|unload) module"
    r"|Asterisk ending"
    r"|Unable to find "
    r")",
    re.MULTILINE,
)


def cli_error(rc: int, stdout: str, stderr: str) -> Optional[str]:
    """Return the error Asterisk reported for a command, or None."""
    for text in (stdout or '', stderr or ''):
        match = CLI_ERRORS.search(text)
        if match:
            line_end = text.find('\n', match.start())
            return text[match.start():line_end if line_end >= 0 else None].strip()
    if rc != 0:
        return (stderr or stdout or 'asterisk exited with status %d' % rc).strip()
    return None


_COUNT_RE = re.compile(r'^(\d+) (active channels?|active calls?|calls? processed)\s*$', re.MULTILINE)


def parse_channel_counts(text: str) -> Dict[str, int]:
    """Parse ``core show channels count`` (also the tail of ``core show channels``)."""
    out = {'active_channels': 0, 'active_calls': 0, 'calls_processed': 0}
    for number, what in _COUNT_RE.findall(text or ''):
        if what.startswith('active channel'):
            out['active_channels'] = int(number)
        elif what.startswith('active call'):
            out['active_calls'] = int(number)
        else:
            out['calls_processed'] = int(number)
    return out
