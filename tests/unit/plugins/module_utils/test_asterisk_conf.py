# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parser, renderer and editor of _asterisk_conf: corpus and targeted cases."""

from __future__ import annotations

import gzip
import pathlib

import pytest

from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import (
    MARKER,
    AsteriskConfError,
    SectionSpec,
    apply_specs,
    parse,
    strip_comments,
    to_value,
)

DATA = pathlib.Path(__file__).resolve().parents[2] / 'data' / 'asterisk'

# Stock files the Asterisk config parser itself does not accept: the first
# three are read by other programs (bash, dbsep.cgi, muted) and only share
# the directory; the sid cel_sqlite3_custom.conf sample has an option before
# any section ("No category context" in Asterisk's config.c).  The engine
# must refuse them with a file name and line number, never rewrite them.
NOT_ASTERISK_FORMAT = {
    '16/ast_debug_tools.conf': 1,
    '16/dbsep.conf': 1,
    '16/muted.conf': 1,
    '22/ast_debug_tools.conf': 1,
    '22/dbsep.conf': 1,
    '22/cel_sqlite3_custom.conf': 64,
}

# Two stock files are stored gzipped, byte for byte: minivm.conf is Latin-1
# and basic-pbx/extensions.conf has typographic quotes, which the text checks
# of ansible-test sanity reject in a plain file.
CORPUS = sorted(
    str(p.relative_to(DATA))[:-len('.gz')] if p.suffix == '.gz' else str(p.relative_to(DATA))
    for version in ('16', '22') for pattern in ('*.conf', '*.conf.gz') for p in (DATA / version).rglob(pattern)
)
VALID = [c for c in CORPUS if c not in NOT_ASTERISK_FORMAT]


def _bytes(rel: str) -> bytes:
    plain = DATA / rel
    if plain.exists():
        return plain.read_bytes()
    with gzip.open(str(plain) + '.gz') as handle:
        return handle.read()


def _read(rel: str) -> str:
    # Byte-exact: no newline translation, undecodable bytes kept as surrogates.
    return _bytes(rel).decode('utf-8', 'surrogateescape')


def _apply(text: str, sections, purge: bool = False):
    doc = parse(text, 'test.conf')
    result = apply_specs(doc, [SectionSpec.from_dict(s) for s in sections], purge=purge)
    return doc.render(), result


# ---------------------------------------------------------------- corpus

def test_corpus_is_present():
    assert len(CORPUS) > 200
    assert '16/minivm.conf' in CORPUS and '22/basic-pbx/extensions.conf' in CORPUS
    assert len([c for c in CORPUS if c.startswith('16/')]) > 100
    assert len([c for c in CORPUS if c.startswith('22/')]) > 100


@pytest.mark.parametrize('rel', VALID)
def test_corpus_round_trip_is_byte_identical(rel):
    raw = _bytes(rel)
    doc = parse(_read(rel), rel)
    assert doc.render().encode('utf-8', 'surrogateescape') == raw


@pytest.mark.parametrize('rel', VALID)
def test_corpus_no_op_and_purge_are_safe(rel):
    text = _read(rel)
    # No spec, purge on: stock files have no managed section, nothing goes.
    after, result = _apply(text, [], purge=True)
    assert after == text
    assert result == {'added': [], 'changed': [], 'removed': []}


@pytest.mark.parametrize('rel', VALID)
def test_corpus_add_then_purge_restores_file(rel):
    text = _read(rel)
    spec = [{'name': 'inpp-test', 'type': 'endpoint', 'options': [{'context': 'staff'}, {'allow': ['ulaw', 'alaw']}]}]
    added, result = _apply(text, spec)
    assert result['added'] == [{'name': 'inpp-test', 'type': 'endpoint'}]
    assert added.startswith(text.rstrip('\n'))
    assert '[inpp-test] ; %s' % MARKER in added
    again, result2 = _apply(added, spec)
    assert again == added and not any(result2.values())
    restored, result3 = _apply(added, [], purge=True)
    assert result3['removed'] == [{'name': 'inpp-test', 'type': 'endpoint'}]
    if text.endswith('\n') and not text.endswith('\n\n'):
        assert restored == text


@pytest.mark.parametrize('rel', VALID)
def test_corpus_edit_first_section_is_idempotent_and_local(rel):
    text = _read(rel)
    doc = parse(text, rel)
    names = {}
    for sec in doc.sections:
        names[sec.name] = names.get(sec.name, 0) + 1
    candidates = [s for s in doc.sections if names[s.name] == 1 and s.append is None]
    if not candidates:
        pytest.skip('no uniquely named section')
    target = candidates[0]
    spec = [{'name': target.name, 'options': [{'inpp_probe': 'yes'}]}]
    once, result = _apply(text, spec)
    assert result['changed'] == [{'name': target.name, 'type': result['changed'][0]['type']}]
    twice, result2 = _apply(once, spec)
    assert twice == once and not any(result2.values())
    # Exactly one line was added, everything else is untouched.
    before_lines, after_lines = text.splitlines(True), once.splitlines(True)
    assert len(after_lines) == len(before_lines) + 1
    removed, dummy = _apply(once, [{'name': target.name, 'absent_options': ['inpp_probe']}])
    assert removed == text or removed == text + '\n'


@pytest.mark.parametrize('rel', sorted(NOT_ASTERISK_FORMAT))
def test_corpus_foreign_formats_fail_with_line(rel):
    with pytest.raises(AsteriskConfError) as exc:
        parse(_read(rel), rel)
    assert exc.value.lineno == NOT_ASTERISK_FORMAT[rel]
    assert str(exc.value).startswith('%s:%d: ' % (rel, NOT_ASTERISK_FORMAT[rel]))


def test_corpus_pjsip_types_including_inherited():
    doc = parse(_read('22/basic-pbx/pjsip.conf'))
    from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import Editor
    editor = Editor(doc)
    kinds = sorted(editor.type_of(s) or '-' for s in doc.sections if s.name == '1101')
    assert kinds == ['aor', 'auth', 'endpoint']  # all three inherited from templates


# ---------------------------------------------------------------- syntax

def test_headers_flags_parents_append():
    doc = parse('[a]\n[b](!)\n[c](b, x)\n[d](!,b)\n[a](+)\n[e](+type=aor)\n[ f ] ; c\n')
    got = [(s.name, s.template, s.parents, s.append) for s in doc.sections]
    assert got == [
        ('a', False, [], None), ('b', True, [], None), ('c', False, ['b', 'x'], None),
        ('d', True, ['b'], None), ('a', False, [], ''), ('e', False, [], 'type=aor'), (' f ', False, [], None),
    ]


def test_options_operators_and_values():
    doc = parse('[s]\nexten => 1,1,NoOp(a=b)\nallow=ulaw\nallow = alaw ; inline\nx += y\nempty =\nv = a\\;b\n')
    assert [(ln.key, ln.op, ln.value) for ln in doc.sections[0].lines] == [
        ('exten', '=>', '1,1,NoOp(a=b)'), ('allow', '=', 'ulaw'), ('allow', '=', 'alaw'),
        ('x', '+=', 'y'), ('empty', '=', ''), ('v', '=', 'a\\;b'),
    ]


@pytest.mark.parametrize('text,expected,depth', [
    ('a = b ; c', 'a = b ', 0),
    ('a = b \\; c', 'a = b \\; c', 0),
    (';-- block --; a = b', ' a = b', 0),
    ('a = b ;-- open', 'a = b ', 1),
    (';------------- rule', '', 0),
    ('x ;-- a ;-- nested --; still --; y', 'x  y', 0),
])
def test_strip_comments(text, expected, depth):
    content, new_depth, _touched = strip_comments(text, 0)
    assert (content, new_depth) == (expected, depth)


def test_block_comment_spanning_lines_hides_options_and_headers():
    text = '[s]\na=1\n;-- start\n[hidden]\nb=2\nend --; c=3\n'
    doc = parse(text)
    assert [s.name for s in doc.sections] == ['s']
    assert doc.sections[0].options() == [('a', '1'), ('c', '3')]
    assert doc.render() == text


def test_crlf_and_missing_final_newline_round_trip():
    text = '; x\r\n[s]\r\na = 1 \r\nb=2'
    doc = parse(text)
    assert doc.render() == text
    after, dummy = _apply(text, [{'name': 's', 'options': [{'c': 3}]}])
    # New lines follow the spacing of the file's first option line.
    assert after == '; x\r\n[s]\r\na = 1 \r\nb=2\r\nc = 3\r\n'


def test_directives_are_kept_in_place():
    text = '#include "common.conf"\n[s]\na=1\n#tryinclude extra.conf\n#exec /bin/echo\nb=2\n'
    after, dummy = _apply(text, [{'name': 's', 'exclusive': True, 'options': [{'b': 2}, {'c': 3}]}])
    assert after == '#include "common.conf"\n[s]\n#tryinclude extra.conf\n#exec /bin/echo\nb=2\nc=3\n'


@pytest.mark.parametrize('text,lineno,message', [
    ('[s\na=1\n', 1, "no closing ']'"),
    ('[s](!\n', 1, "no closing ')'"),
    ('; c\na=1\n', 2, 'no category context'),
    ('[s]\n\njust words\n', 3, "no '='"),
    ('[s]\n;-- open\na=1\n', 2, 'unterminated block comment'),
    ('[s]\n#includ x\n', 2, 'unknown directive'),
    ('[s]\n#include\n', 2, 'needs an argument'),
    ('[]\n', 1, 'empty section name'),
    ('[s]\n = v\n', 2, 'without a name'),
])
def test_malformed_input_reports_file_and_line(text, lineno, message):
    with pytest.raises(AsteriskConfError) as exc:
        parse(text, '/etc/asterisk/x.conf')
    assert exc.value.lineno == lineno
    assert message in str(exc.value)
    assert str(exc.value).startswith('/etc/asterisk/x.conf:%d:' % lineno)


def test_to_value_conversions():
    assert to_value(True) == 'yes'
    assert to_value(False) == 'no'
    assert to_value(5) == '5'
    assert to_value(None) == ''
    assert to_value(' a;b\\;c ') == 'a\\;b\\;c'
    with pytest.raises(AsteriskConfError):
        to_value('a\nb')
    with pytest.raises(AsteriskConfError):
        to_value({'a': 1})


# ---------------------------------------------------------------- edits

PJSIP = """; users
[endpoint-tpl](!)
type=endpoint
context=staff

[1001](endpoint-tpl)
allow=ulaw ; preferred
allow=alaw
callerid=Old <1001>

[1001]
type=auth
password=old

[1001]
type=aor
max_contacts=1
"""


def test_non_exclusive_replaces_values_in_place_and_keeps_inline_comment():
    after, result = _apply(PJSIP, [{'name': '1001', 'type': 'endpoint',
                                    'options': [{'allow': ['g722', 'ulaw', 'alaw']}, {'callerid': 'New <1001>'}]}])
    assert result['changed'] == [{'name': '1001', 'type': 'endpoint'}]
    # Minimal edit: the unchanged ulaw line keeps its comment, g722 goes before it.
    assert '[1001](endpoint-tpl)\nallow=g722\nallow=ulaw ; preferred\nallow=alaw\ncallerid=New <1001>\n' in after
    assert after.count('type=endpoint') == 1  # inherited type is not duplicated


def test_fewer_values_drop_extra_lines():
    after, dummy = _apply(PJSIP, [{'name': '1001', 'type': 'endpoint', 'options': [{'allow': 'alaw'}]}])
    assert '[1001](endpoint-tpl)\nallow=alaw\ncallerid=Old <1001>\n' in after


def test_exclusive_sets_exact_options():
    after, dummy = _apply(PJSIP, [{'name': '1001', 'type': 'aor', 'exclusive': True,
                                   'options': [{'max_contacts': 2}, {'remove_existing': True}]}])
    assert '[1001]\ntype=aor\nmax_contacts=2\nremove_existing=yes\n' in after


def test_absent_options_by_key_and_value():
    after, dummy = _apply(PJSIP, [{'name': '1001', 'type': 'endpoint', 'absent_options': [{'allow': 'alaw'}, 'callerid']}])
    assert '[1001](endpoint-tpl)\nallow=ulaw ; preferred\n\n' in after


def test_header_template_and_parents_rewrite_keeps_comment():
    text = '[a] ; note\nx=1\n'
    after, result = _apply(text, [{'name': 'a', 'template': True, 'parents': ['p', 'q']}])
    assert after == '[a](!,p,q) ; note\nx=1\n'
    assert result['changed'] == [{'name': 'a', 'type': None}]
    back, dummy = _apply(after, [{'name': 'a', 'template': False, 'parents': []}])
    assert back == text


def test_changed_value_is_replaced_in_place():
    after, dummy = _apply('[s]\n  a  =  1   ; why\n', [{'name': 's', 'options': [{'a': 2}]}])
    assert after == '[s]\n  a  =  2   ; why\n'


def test_new_section_style_follows_file_and_arrow_keys():
    after, dummy = _apply('[general]\nstatic = yes\n', [
        {'name': 'staff', 'exclusive': True, 'options': [
            {'include': 'internal'}, {'exten': '100,1,Answer()'}, {'same': 'n,Hangup()'}]},
        {'name': 'default', 'options': [{'1001': '4242,Daddy Nzinga'}]},
    ])
    assert after == ('[general]\nstatic = yes\n\n[staff] ; %s\ninclude => internal\nexten => 100,1,Answer()\n'
                     'same => n,Hangup()\n\n[default] ; %s\n1001 => 4242,Daddy Nzinga\n') % (MARKER, MARKER)


def test_dialplan_exclusive_keeps_interleaving_and_is_idempotent():
    text = '[staff]\nexten => 100,1,Answer()\n same => n,Hangup()\nexten => 200,1,Answer()\n same => n,Hangup()\n'
    spec = [{'name': 'staff', 'exclusive': True, 'options': [
        {'exten': '100,1,Answer()'}, {'same': 'n,Wait(1)'}, {'same': 'n,Hangup()'},
        {'exten': '200,1,Answer()'}, {'same': 'n,Hangup()'}]}]
    after, dummy = _apply(text, spec)
    assert after == ('[staff]\nexten => 100,1,Answer()\nsame => n,Wait(1)\n same => n,Hangup()\n'
                     'exten => 200,1,Answer()\n same => n,Hangup()\n')
    assert _apply(after, spec)[0] == after


def test_purge_removes_only_managed_sections_and_keeps_following_comments():
    text = '[hand]\na=1\n\n[old] ; %s\nb=2\n\n; about next\n#include extra.conf\n[keep] ; %s\nc=3\n' % (MARKER, MARKER)
    after, result = _apply(text, [{'name': 'keep', 'options': [{'c': 3}]}], purge=True)
    assert result['removed'] == [{'name': 'old', 'type': None}]
    assert after == '[hand]\na=1\n\n; about next\n#include extra.conf\n[keep] ; %s\nc=3\n' % MARKER


def test_state_absent_removes_hand_written_section():
    after, result = _apply(PJSIP, [{'name': '1001', 'type': 'auth', 'state': 'absent'}])
    assert result['removed'] == [{'name': '1001', 'type': 'auth'}]
    assert 'password=old' not in after and 'max_contacts=1' in after


def test_ambiguous_and_conflicting_requests_fail():
    with pytest.raises(AsteriskConfError, match='ambiguous'):
        _apply(PJSIP, [{'name': '1001', 'options': [{'a': 1}]}])
    with pytest.raises(AsteriskConfError, match='listed twice'):
        _apply(PJSIP, [{'name': 'x'}, {'name': 'x'}])
    with pytest.raises(AsteriskConfError, match='contradicts'):
        _apply(PJSIP, [{'name': 'x', 'type': 'aor', 'options': [{'type': 'auth'}]}])
    with pytest.raises(AsteriskConfError, match='both wanted and absent'):
        _apply(PJSIP, [{'name': 'x', 'options': [{'a': 1}], 'absent_options': ['a']}])
    with pytest.raises(AsteriskConfError, match='invalid section name'):
        _apply(PJSIP, [{'name': 'a]b'}])
    with pytest.raises(AsteriskConfError, match='invalid option name'):
        _apply(PJSIP, [{'name': 'x', 'options': [{'a=b': 1}]}])


def test_append_sections_are_never_matched():
    text = '[a]\nx=1\n[a](+)\ny=2\n'
    after, dummy = _apply(text, [{'name': 'a', 'options': [{'x': 5}]}])
    assert after == '[a]\nx=5\n[a](+)\ny=2\n'


def test_empty_file_and_insert_into_empty_section():
    after, dummy = _apply('', [{'name': 'general', 'options': [{'a': 1}]}])
    assert after == '[general] ; %s\na = 1\n' % MARKER
    after, dummy = _apply('[general]\n\n[other]\nz=1\n', [{'name': 'general', 'options': [{'a': 1}]}])
    assert after == '[general]\na=1\n\n[other]\nz=1\n'


def test_value_starting_with_arrow_survives_compact_style():
    spec = [{'name': 's', 'options': [{'k': '>x'}]}]
    after, dummy = _apply('[s]\na=1\n', spec)
    doc = parse(after)
    assert doc.sections[0].options()[-1] == ('k', '>x')
    assert _apply(after, spec)[0] == after


def test_scales_to_thousands_of_sections():
    sections = []
    for n in range(1000, 2000):
        sections += [
            {'name': str(n), 'type': 'endpoint', 'options': [{'auth': str(n)}, {'aors': str(n)}]},
            {'name': str(n), 'type': 'auth', 'options': [{'username': str(n)}]},
            {'name': str(n), 'type': 'aor', 'options': [{'max_contacts': 1}]},
        ]
    first, result = _apply('', sections)
    assert len(result['added']) == 3000
    second, result2 = _apply(first, sections, purge=True)
    assert second == first and not any(result2.values())


def test_inherited_type_ignores_append_sections_and_later_templates():
    # Found by hypothesis: "[tpl](+)" before "[tpl]" is not the template.
    text = '[general]\n[tpl](+)\n[tpl]\ntype=aor\n'
    spec = [{'name': 'general', 'type': 'aor', 'parents': ['tpl']}]
    once, dummy = _apply(text, spec, purge=True)
    assert _apply(once, spec, purge=True)[0] == once
    # A template defined after the section is not inherited (Asterisk needs it first).
    later = '[1001](tpl)\n[tpl](!)\ntype=endpoint\n'
    after, result = _apply(later, [{'name': '1001', 'type': 'endpoint', 'options': [{'context': 'x'}]}])
    assert result['added'] == [{'name': '1001', 'type': 'endpoint'}]
    assert _apply(after, [{'name': '1001', 'type': 'endpoint', 'options': [{'context': 'x'}]}])[0] == after


def test_new_lines_follow_the_style_of_their_operator():
    # Stock extensions.conf: "static=yes" in [general], "exten => ..." in contexts.
    text = '[general]\nstatic=yes\n\n[demo]\nexten => s,1,Answer()\n'
    after, dummy = _apply(text, [{'name': 'ctx', 'options': [{'exten': '1,1,NoOp()'}, {'x': 1}]}])
    assert after.endswith('[ctx] ; %s\nexten => 1,1,NoOp()\nx=1\n' % MARKER)
