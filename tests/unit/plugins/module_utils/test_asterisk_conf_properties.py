# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Property tests of _asterisk_conf on generated Asterisk configurations.

* parse -> render is the identity on any generated file;
* applying the same edit twice equals applying it once;
* adding new sections leaves every existing byte in place.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import (
    AsteriskConfError,
    SectionSpec,
    apply_specs,
    parse,
)

# ASTERISK_CONF_EXAMPLES=2000 for a deeper run than the default CI one.
SETTINGS = settings(max_examples=int(os.environ.get('ASTERISK_CONF_EXAMPLES', '200')), deadline=None, suppress_health_check=[HealthCheck.too_slow])

WS = st.sampled_from(['', ' ', '  ', '\t'])
EOL = st.sampled_from(['\n', '\r\n'])
WORD = st.text(alphabet='abcdefxyz0123456789_-.', min_size=1, max_size=6)
# Value text: anything on one line; ";" only escaped.
VALUE_CHARS = st.characters(blacklist_characters=';\n\r\\', blacklist_categories=('Cs',))
VALUE = st.lists(st.one_of(st.text(alphabet=VALUE_CHARS, min_size=1, max_size=5), st.just('\\;')),
                 max_size=4).map(''.join)
# Text after a plain ";": must not turn it into a ";--" block opener
# (";---" with a fourth dash is a plain comment, as in Asterisk).
COMMENT_TEXT = st.text(alphabet=st.characters(blacklist_characters='\n\r', blacklist_categories=('Cs',)),
                       max_size=12).filter(lambda t: not (t.startswith('--') and t[2:3] != '-'))


@st.composite
def comment(draw):
    return draw(WS) + ';' + draw(COMMENT_TEXT)


@st.composite
def block_comment(draw):
    """A ;-- --; block on one line or across lines (a list of line bodies)."""
    words = draw(st.lists(WORD, min_size=1, max_size=3))
    if draw(st.booleans()):
        return [draw(WS) + ';-- ' + ' '.join(words) + ' --;' + draw(WS)]
    return [';-- ' + words[0]] + ['[%s] = x' % w for w in words[1:]] + ['--;']


@st.composite
def option(draw):
    key = draw(WORD)
    op = draw(st.sampled_from(['=', '=>', '+=']))
    body = draw(WS) + key + draw(WS) + op + draw(WS) + draw(VALUE)
    if draw(st.booleans()):
        body += draw(WS) + ';' + draw(COMMENT_TEXT)
    return body + draw(WS)


@st.composite
def header(draw, name):
    flags = draw(st.lists(st.one_of(st.just('!'), st.just('+'), WORD), max_size=3, unique=True))
    text = '[%s]' % name
    if flags:
        text += '(%s)' % ','.join(flags)
    if draw(st.booleans()):
        text += draw(WS) + ';' + draw(COMMENT_TEXT)
    return text


@st.composite
def filler(draw):
    kind = draw(st.sampled_from(['blank', 'comment', 'block', 'directive']))
    if kind == 'blank':
        return [draw(WS)]
    if kind == 'comment':
        return [draw(comment())]
    if kind == 'block':
        return draw(block_comment())
    return ['#%s %s' % (draw(st.sampled_from(['include', 'tryinclude', 'exec'])), draw(WORD))]


@st.composite
def config(draw):
    bodies = []
    for dummy in range(draw(st.integers(0, 3))):
        bodies += draw(filler())
    names = draw(st.lists(st.sampled_from(['general', 'a', 'b', '1001', '1002', 'tpl']), max_size=6))
    for name in names:
        bodies.append(draw(header(name)))
        if draw(st.booleans()):
            bodies.append('type=%s' % draw(st.sampled_from(['endpoint', 'aor', 'auth'])))
        for dummy in range(draw(st.integers(0, 4))):
            if draw(st.integers(0, 3)) == 0:
                bodies += draw(filler())
            else:
                bodies.append(draw(option()))
    eol = draw(EOL)
    mixed = draw(st.booleans())
    text = ''.join(b + (draw(EOL) if mixed else eol) for b in bodies)
    if text and draw(st.booleans()):
        text = text[:-1]  # no final newline (or a lone CR left before it)
    return text


@st.composite
def specs(draw):
    out = []
    for name in draw(st.lists(st.sampled_from(['general', 'a', 'b', '1001', 'new1', 'new2']), max_size=4)):
        stype = draw(st.sampled_from([None, 'endpoint', 'aor']))
        keys = draw(st.lists(WORD, max_size=3))
        options = [{k: draw(st.one_of(VALUE, st.integers(0, 99), st.booleans()))} for k in keys]
        absent = [k for k in draw(st.lists(WORD, max_size=2)) if k not in keys]
        out.append({
            'name': name, 'type': stype, 'options': options, 'absent_options': absent,
            'exclusive': draw(st.booleans()),
            'state': draw(st.sampled_from(['present', 'present', 'absent'])),
            'template': draw(st.sampled_from([None, True, False])),
            'parents': draw(st.sampled_from([None, [], ['tpl']])),
        })
    return out


def _apply(text, raw_specs, purge):
    doc = parse(text, 'gen.conf')
    result = apply_specs(doc, [SectionSpec.from_dict(s) for s in raw_specs], purge=purge)
    return doc.render(), result


@SETTINGS
@given(config())
def test_parse_render_is_identity(text):
    assert parse(text, 'gen.conf').render() == text


@SETTINGS
@given(config(), specs(), st.booleans())
def test_applying_twice_equals_applying_once(text, raw_specs, purge):
    try:
        once, dummy = _apply(text, raw_specs, purge)
    except AsteriskConfError as exc:
        # Ambiguous names and duplicate entries are refused, by design.
        assume(False)
        raise AssertionError(exc)
    twice, result = _apply(once, raw_specs, purge)
    assert twice == once
    assert result == {'added': [], 'changed': [], 'removed': []}
    # The result is itself a valid file that round-trips.
    assert parse(once).render() == once


@SETTINGS
@given(config(), st.lists(WORD, min_size=1, max_size=3, unique=True))
def test_new_sections_keep_existing_bytes(text, names):
    raw_specs = [{'name': 'zz-' + n, 'options': [{'k': n}]} for n in names]
    after, result = _apply(text, raw_specs, False)
    assert len(result['added']) == len(names)
    prefix = text if text.endswith('\n') or not text else text
    assert after.startswith(prefix)
