# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_postfix: value normalization, postconf output parsing, change computation, map model."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.inpp.telecom.plugins.module_utils import _postfix as pf


# --------------------------------------------------------------------- values

@pytest.mark.parametrize('value, expected', [
    ('a, b,c', ['a', 'b', 'c']),
    ('a b\n    c', ['a', 'b', 'c']),
    ('  a ,, b  ', ['a', 'b']),
    ('check_policy_service { inet:127.0.0.1:10023, timeout=10s }, reject',
     ['check_policy_service', '{ inet:127.0.0.1:10023, timeout=10s }', 'reject']),
    ('', []),
])
def test_split_tokens(value, expected):
    assert pf.split_tokens(value) == expected


@pytest.mark.parametrize('value, expected', [
    (['a', 'b'], 'a, b'),
    (True, 'yes'),
    (False, 'no'),
    (1000, '1000'),
    (None, ''),
    ('  x  ', 'x'),
    (['permit_mynetworks, permit_sasl_authenticated', 'reject'], 'permit_mynetworks, permit_sasl_authenticated, reject'),
])
def test_render_value(value, expected):
    assert pf.render_value(value) == expected


@pytest.mark.parametrize('value, where', [
    ('a\nb', 'relayhost'),
    (['a', 'b\rc'], 'relayhost[1]'),
    ({'a': 1}, 'relayhost'),
    ([['a']], 'relayhost[0]'),
])
def test_render_value_refuses_control_characters_and_non_scalars(value, where):
    with pytest.raises(ValueError, match=r'^%s: ' % re.escape(where)):
        pf.render_value(value, where='relayhost')


def test_render_value_for_master_overrides_has_no_blanks():
    assert pf.render_value(['permit_sasl_authenticated', 'reject'], ',') == 'permit_sasl_authenticated,reject'


@pytest.mark.parametrize('current, desired', [
    ('localhost, $myhostname', 'localhost $myhostname'),
    ('localhost,$myhostname', 'localhost, $myhostname'),
    ('a,\n    b', 'a, b'),
])
def test_list_spellings_are_equal(current, desired):
    assert pf.values_equal('mydestination', current, desired)


def test_values_differ():
    assert not pf.values_equal('mydestination', 'a, b', 'b, a')
    assert not pf.values_equal('relayhost', None, '')
    assert pf.values_equal('relayhost', '', '')


def test_text_parameter_keeps_commas():
    assert not pf.values_equal('smtpd_banner', '$myhostname, ESMTP', '$myhostname ESMTP')
    assert pf.values_equal('smtpd_banner', '$myhostname   ESMTP', '$myhostname ESMTP')


token = st.text(alphabet='abcdefghijklmnopqrstuvwxyz0123456789_$.:/[]!-', min_size=1, max_size=12)
separator = st.sampled_from([', ', ',', ' ', '\n    ', ' ,\t'])


@given(st.lists(token, min_size=1, max_size=8), st.data())
def test_any_list_spelling_normalizes_to_the_rendered_value(tokens, data):
    spelled = tokens[0]
    for item in tokens[1:]:
        spelled += data.draw(separator) + item
    assert pf.values_equal('mynetworks', spelled, pf.render_value(tokens))
    assert pf.split_tokens(pf.render_value(tokens)) == tokens


# ------------------------------------------------------------ postconf output

def test_parse_postconf():
    out = 'mydestination =\nmyhostname = mail.inpp.cd\nsmtpd_banner = $myhostname ESMTP $mail_name\n'
    assert pf.parse_postconf(out) == {
        'mydestination': '', 'myhostname': 'mail.inpp.cd', 'smtpd_banner': '$myhostname ESMTP $mail_name'}


def test_warnings():
    err = ('postconf: warning: /etc/postfix/main.cf: unused parameter: foo_bar=1\n'
           'postconf: warning: nonexist: unknown parameter\n')
    assert pf.unknown_warnings(err) == {'foo_bar', 'nonexist'}
    assert pf.unused_parameters(err) == {'foo_bar': '1'}


MASTER = (
    'smtp       inet  n       -       y       -       -       smtpd\n'
    'relay      unix  -       -       y       -       -       smtp -o syslog_name=postfix/$service_name\n'
    'submission inet  n       -       y       -       -       smtpd -o syslog_name=postfix/submission '
    '-o {smtpd_client_restrictions=permit_sasl_authenticated, reject}\n'
    'maildrop   unix  -       n       n       -       -       pipe flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}\n'
)


def test_parse_master_entries():
    entries = pf.parse_master_entries(MASTER)
    assert set(entries) == {('smtp', 'inet'), ('relay', 'unix'), ('submission', 'inet'), ('maildrop', 'unix')}
    sub = entries[('submission', 'inet')]
    assert sub['private'] == 'n' and sub['chroot'] == 'y' and sub['command'] == 'smtpd'
    assert sub['options'] == {'syslog_name': 'postfix/submission',
                              'smtpd_client_restrictions': 'permit_sasl_authenticated, reject'}
    assert entries[('maildrop', 'unix')]['command'] == 'pipe flags=DRXhu user=vmail argv=/usr/bin/maildrop -d ${recipient}'


def test_master_entry_compare_and_render():
    desired = pf.normalize_master_entry({
        'service': 'submission', 'type': 'inet', 'private': 'n', 'unpriv': None, 'chroot': 'y', 'wakeup': '-',
        'maxproc': '-', 'command': 'smtpd',
        'options': {'syslog_name': 'postfix/submission',
                    'smtpd_client_restrictions': ['permit_sasl_authenticated', 'reject']}})
    current = pf.parse_master_entries(MASTER)[('submission', 'inet')]
    assert pf.master_entries_equal(current, desired)
    desired['options']['smtpd_tls_security_level'] = 'encrypt'
    assert not pf.master_entries_equal(current, desired)
    line = pf.render_master_entry(desired)
    assert line == ('submission inet n - y - - smtpd -o syslog_name=postfix/submission '
                    '-o smtpd_client_restrictions=permit_sasl_authenticated,reject -o smtpd_tls_security_level=encrypt')
    assert pf.parse_master_entries(line)[('submission', 'inet')] == desired
    assert not pf.master_entries_equal(None, desired)


def test_render_master_option_with_blanks_uses_braces():
    entry = pf.normalize_master_entry({'service': 'x', 'type': 'unix', 'command': 'smtp',
                                       'options': {'smtp_helo_name': 'a b'}})
    assert pf.render_master_entry(entry).endswith('-o { smtp_helo_name = a b }')
    assert pf.parse_master_entries(pf.render_master_entry(entry))[('x', 'unix')]['options'] == {'smtp_helo_name': 'a b'}


def test_compute_parameter_changes():
    current = {'mydestination': 'localhost, $myhostname', 'relayhost': '[old]:587', 'biff': 'no'}
    desired = {'mydestination': 'localhost $myhostname', 'relayhost': '[new]:587', 'mynetworks': '127.0.0.0/8'}
    changes = pf.compute_parameter_changes(current, desired, 'present')
    assert changes == {'set': {'relayhost': '[new]:587', 'mynetworks': '127.0.0.0/8'}, 'remove': []}
    absent = pf.compute_parameter_changes(current, {'biff': '', 'nothere': ''}, 'absent')
    assert absent == {'set': {}, 'remove': ['biff']}


def test_parameter_diff_lines():
    assert pf.parameter_diff_lines({'a': '1', 'b': ''}, ['a', 'b', 'c']) == 'a = 1\nb = \n'


# ------------------------------------------------------------------ map model

MAP = ('# virtual aliases\n'
       '\n'
       'direction@inpp.cd  daddy.nzinga@inpp.cd,\n'
       '    marie.kabila@inpp.cd\n'
       'info@inpp.cd\tjean@inpp.cd   # trailing text is part of the value for postmap\n'
       'old@inpp.cd x@inpp.cd\n')


def test_parse_map_entries_and_continuations():
    items = pf.parse_map(MAP)
    entries = [item for item in items if isinstance(item, pf.MapEntry)]
    assert [e.key for e in entries] == ['direction@inpp.cd', 'info@inpp.cd', 'old@inpp.cd']
    assert entries[0].value == 'daddy.nzinga@inpp.cd, marie.kabila@inpp.cd'
    assert pf.render_map(items) == MAP


def test_update_map_keeps_untouched_lines_byte_identical():
    items = pf.parse_map(MAP)
    new, report = pf.update_map(items, {
        'direction@inpp.cd': pf.render_map_value(['daddy.nzinga@inpp.cd', 'marie.kabila@inpp.cd']),
        'new@inpp.cd': 'n@inpp.cd'})
    assert report == {'added': ['new@inpp.cd'], 'changed': [], 'removed': []}
    assert pf.render_map(new) == MAP + 'new@inpp.cd n@inpp.cd\n'


def test_update_map_change_exclusive_absent():
    items = pf.parse_map(MAP)
    new, report = pf.update_map(items, {'old@inpp.cd': 'y@inpp.cd'}, exclusive=True)
    assert report == {'added': [], 'changed': ['old@inpp.cd'], 'removed': ['direction@inpp.cd', 'info@inpp.cd']}
    assert pf.render_map(new) == '# virtual aliases\n\nold@inpp.cd y@inpp.cd\n'
    new, report = pf.update_map(pf.parse_map(MAP), {'info@inpp.cd': ''}, state='absent')
    assert report['removed'] == ['info@inpp.cd']
    assert 'info@inpp.cd' not in pf.render_map(new)
    assert 'jean@inpp.cd' not in pf.render_map(new)


def test_update_map_drops_duplicates_of_managed_keys():
    new, report = pf.update_map(pf.parse_map('a 1\nb 2\na 3\n'), {'a': '1'})
    assert pf.render_map(new) == 'a 1\nb 2\n'
    assert report['removed'] == ['a']


def test_update_map_adds_newline_before_appending():
    new, _report = pf.update_map(pf.parse_map('a 1'), {'b': '2'})
    assert pf.render_map(new) == 'a 1\nb 2\n'


def test_alias_files():
    text = '# See man 5 aliases for format\npostmaster:    root\n'
    items = pf.parse_map(text, alias=True)
    assert items[1].key == 'postmaster' and items[1].value == 'root'
    new, report = pf.update_map(items, {'postmaster': 'root', 'root': 'a@inpp.cd'}, alias=True)
    assert report['added'] == ['root']
    assert pf.render_map(new) == text + 'root: a@inpp.cd\n'


def test_masked_map_and_database_path():
    items = pf.parse_map('# c\n[smtp.isp]:587 user:secret\n')
    assert pf.masked_map(items) == '# c\n[smtp.isp]:587 ********\n'
    assert pf.database_path('/etc/postfix/x', 'hash') == '/etc/postfix/x.db'
    assert pf.database_path('/etc/postfix/x', 'lmdb') == '/etc/postfix/x.lmdb'
    assert pf.database_path('/etc/postfix/x', 'cdb') == '/etc/postfix/x.cdb'
    assert pf.database_path('/etc/postfix/x', 'texthash') is None


line_text = st.text(alphabet=st.characters(blacklist_categories=('Cs',), blacklist_characters='\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029'),
                    max_size=30)


@settings(max_examples=200)
@given(st.lists(line_text, max_size=12), st.booleans(), st.booleans())
def test_parse_render_round_trip(lines, alias, final_newline):
    text = '\n'.join(lines) + ('\n' if final_newline and lines else '')
    assert pf.render_map(pf.parse_map(text, alias=alias)) == text


key = st.text(alphabet='abcdefghijklmnopqrstuvwxyz0123456789.@-_', min_size=1, max_size=15)
value = st.text(alphabet='abcdefghijklmnopqrstuvwxyz0123456789.@-_:', min_size=1, max_size=15)


@settings(max_examples=200)
@given(st.dictionaries(key, value, max_size=8), st.dictionaries(key, value, max_size=8), st.booleans())
def test_update_is_idempotent_and_parses_back(existing, desired, exclusive):
    text = ''.join(pf.format_entry(k, v) for k, v in existing.items())
    once, _report = pf.update_map(pf.parse_map(text), desired, exclusive=exclusive)
    rendered = pf.render_map(once)
    parsed = dict((e.key, e.value) for e in pf.parse_map(rendered) if isinstance(e, pf.MapEntry))
    for k, v in desired.items():
        assert parsed[k] == v
    if exclusive:
        assert set(parsed) == set(desired)
    twice, report = pf.update_map(pf.parse_map(rendered), desired, exclusive=exclusive)
    assert report == {'added': [], 'changed': [], 'removed': []}
    assert pf.render_map(twice) == rendered


def test_parse_map_reads_lines_and_blanks_as_postmap_does():
    # postmap ends lines at \n only and splits on ASCII blanks: U+2028 and
    # NO-BREAK SPACE are text inside a key or value, not separators.
    text = 'a b\u2028c d\nx\xa0y z\n'
    items = pf.parse_map(text)
    assert [(e.key, e.value) for e in items] == [('a', 'b\u2028c d'), ('x\xa0y', 'z')]
    assert pf.render_map(items) == text


def test_render_map_value_keeps_unicode_spaces():
    assert pf.render_map_value('a\xa0b  c') == 'a\xa0b c'


def test_case_collisions_and_postmap_warnings():
    assert pf.case_collisions(['Info@x', 'b', 'info@x', 'INFO@X', 'Info@x']) == [['Info@x', 'info@x', 'INFO@X']]
    stderr = '/usr/sbin/postmap: warning: /etc/postfix/virtual, line 2: duplicate entry: "a"\nnoise\n'
    assert pf.postmap_warnings(stderr) == ['postmap: /etc/postfix/virtual, line 2: duplicate entry: "a"']
