# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Arbitrary text as keys and values: the file round-trips with exactly the intended change, or
the call fails and the file is byte-for-byte what it was (issue 7)."""

from __future__ import annotations

import os
import re
import tempfile

from hypothesis import HealthCheck, given, settings, strategies as st

from ansible.module_utils import basic

from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import WS, parse
from ansible_collections.inpp.telecom.plugins.module_utils._postfix import MAP_BLANKS, parse_map
from ansible_collections.inpp.telecom.plugins.module_utils._textfile import CONTROL_CHARACTERS
from ansible_collections.inpp.telecom.plugins.modules import asterisk_config, postconf, postfix_map

# Text biased towards what breaks line-based formats, plus anything at all.
NASTY = st.sampled_from(list('\n\r\x00\t\x0b\x0c\x1c\x85\u2028 ;=[]#\\>+:{},()!\xa0') + [';--', '--;', '=>', '\\;'])
TEXT = st.one_of(st.text(), st.lists(st.one_of(NASTY, st.text(max_size=3)), max_size=8).map(''.join))
SCALAR = st.one_of(TEXT, st.integers(), st.booleans(), st.floats(allow_nan=False))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def asterisk_reads(value: str) -> str:
    """The value Asterisk sees for an option written in file syntax: an escaped ';' is a ';'."""
    return value.replace('\\;', ';')


def intended_text(value) -> str:
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    return str(value)


ASTERISK_BASE = '[general]\nstatic=yes\n\n[sec]\nkeep=1\n'


@SETTINGS
@given(key=TEXT, value=SCALAR)
def test_asterisk_config_round_trips_or_changes_nothing(run_module, key, value):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'x.conf')
        with open(path, 'w', encoding='utf-8', newline='') as handle:
            handle.write(ASTERISK_BASE)
        result = run_module(asterisk_config, {'path': path, 'sections': [{'name': 'sec', 'options': [{key: value}]}]})
        with open(path, encoding='utf-8', newline='') as handle:
            after = handle.read()
    if result.get('failed'):
        assert after == ASTERISK_BASE
        return
    doc = parse(after)
    sections = {sec.name: sec.options() for sec in doc.sections}
    assert list(sections) == ['general', 'sec']
    assert sections['general'] == [('static', 'yes')]
    name = key.strip(WS)
    read_back = [(k, asterisk_reads(v)) for k, v in sections['sec']]
    wanted = asterisk_reads(intended_text(value).strip(WS))
    expected = [('keep', wanted)] if name == 'keep' else [('keep', '1'), (name, wanted)]
    assert read_back == expected


def _no_postfix_tools(monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', lambda self, name, required=False, **kw: None)


@SETTINGS
@given(key=TEXT, value=SCALAR, kind=st.sampled_from(['map', 'alias']))
def test_postfix_map_round_trips_or_changes_nothing(run_module, monkeypatch, key, value, kind):
    _no_postfix_tools(monkeypatch)  # texthash is read from the source: nothing to build
    base = 'keep: 1\n' if kind == 'alias' else 'keep 1\n'
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'virtual')
        with open(path, 'w', encoding='utf-8', newline='') as handle:
            handle.write(base)
        result = run_module(postfix_map, {'path': path, 'entries': {key: value}, 'kind': kind,
                                          'map_type': 'texthash'})
        with open(path, encoding='utf-8', newline='') as handle:
            after = handle.read()
    if result.get('failed'):
        assert after == base
        return
    entries = [(e.key, e.value) for e in parse_map(after, alias=kind == 'alias') if not isinstance(e, str)]
    wanted = ' '.join(word for word in re.split('[%s]+' % re.escape(MAP_BLANKS), intended_text(value)) if word)
    expected = [('keep', wanted)] if key == 'keep' else [('keep', '1'), (key, wanted)]
    assert entries == expected


@SETTINGS
@given(name=TEXT, value=st.one_of(SCALAR, st.lists(SCALAR, max_size=3)), option=TEXT, option_value=SCALAR)
def test_postconf_validation_lets_no_control_character_through(name, value, option, option_value):
    params = {'parameters': {name: value},
              'masters': [{'service': 'submission', 'type': 'inet', 'private': 'n', 'unpriv': '-', 'chroot': 'y',
                           'wakeup': '-', 'maxproc': '-', 'command': 'smtpd', 'options': {option: option_value},
                           'state': 'present'}]}
    try:
        desired, masters = postconf.validate(params)
    except ValueError:
        return
    texts = list(desired) + list(desired.values())
    for entry in masters.values():
        texts += list(entry['options']) + list(entry['options'].values())
    assert not any(CONTROL_CHARACTERS.search(text) for text in texts)
    assert re.match(r'^[A-Za-z0-9_]+$', name)
