# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.sieve_vacation: script text, validation, and main() on a temporary mail root."""

from __future__ import annotations

import grp
import os
import pwd
import stat

import pytest
from hypothesis import given, strategies as st

from ansible_collections.inpp.telecom.plugins.modules import sieve_vacation

HEADER = '#\n# Ansible managed\n#'
TARGET = 'sieve/inpp-vacation.sieve'
OWNER = pwd.getpwuid(os.getuid()).pw_name
GROUP = grp.getgrgid(os.getgid()).gr_name


@pytest.fixture
def run(run_module):
    return lambda args, **kw: run_module(sieve_vacation, args, **kw)


@pytest.fixture
def root(tmp_path):
    (tmp_path / 'inpp.cd').mkdir()
    return tmp_path


def homes(root, *locals_):
    return dict(('%s@inpp.cd' % local, str(root / 'inpp.cd' / local)) for local in locals_)


def args(root, vacations, *locals_):
    return {'mailboxes': homes(root, *locals_), 'vacations': vacations, 'owner': OWNER, 'group': GROUP,
            'header': HEADER}


AWAY = {'subject': 'Out "of" office \\ x', 'body': '  Back on Monday.\n Line "2" \\ \n\n', 'days': 3}


def test_script_is_the_text_the_role_template_rendered():
    # Rendered by roles/dovecot/templates/vacation.sieve.j2 through ansible.builtin.template
    # (ansible-core 2.19) before the module replaced it: hosts converged then must not change.
    expected = (
        '#\n# Ansible managed\n#\n'
        '# Out-of-office reply for Daddy.Nzinga@inpp.cd: one reply per sender every 3 day(s).\n'
        'require ["vacation"];\n'
        '\n'
        'vacation\n'
        '  :days 3\n'
        '  :subject "Out \\"of\\" office \\\\ x"\n'
        '  :addresses ["daddy.nzinga@inpp.cd"]\n'
        '  "Back on Monday.\n Line \\"2\\" \\\\";\n'
    )
    assert sieve_vacation.render_script('Daddy.Nzinga@inpp.cd', AWAY, 1, HEADER) == expected


def test_script_uses_the_default_period_without_days():
    text = sieve_vacation.render_script('b@inpp.cd', {'subject': 's', 'body': 'b'}, 7)
    assert text.startswith('# Out-of-office reply for b@inpp.cd: one reply per sender every 7 day(s).\n')
    assert '  :days 7\n' in text


def unquote_sieve(quoted):
    """Decode a Sieve quoted string (RFC 5228 2.4.2): a backslash takes the next character literally."""
    assert quoted[0] == quoted[-1] == '"'
    out, chars = [], iter(quoted[1:-1])
    for char in chars:
        if char == '\\':
            char = next(chars)
        else:
            assert char != '"', 'unescaped quote ends the string early'
        out.append(char)
    return ''.join(out)


@given(st.text())
def test_any_text_survives_sieve_quoting(text):
    assert unquote_sieve(sieve_vacation.sieve_string(text)) == text


@pytest.mark.parametrize('vacations, field', [
    ({'nobody@inpp.cd': {'subject': 's', 'body': 'b'}}, 'vacations[nobody@inpp.cd]: not a mailbox'),
    ({'a@inpp.cd': {'subject': '', 'body': 'b'}}, 'vacations[a@inpp.cd].subject: missing or empty'),
    ({'a@inpp.cd': {'subject': 's'}}, 'vacations[a@inpp.cd].body: missing or empty'),
    ({'a@inpp.cd': {'subject': 's', 'body': 'b', 'days': 0}}, 'vacations[a@inpp.cd].days: 0 is not'),
    ({'a@inpp.cd': {'subject': 's', 'body': 'b', 'days': True}}, 'vacations[a@inpp.cd].days: True is not'),
    ({'a@inpp.cd': {'subject': 's', 'body': 'b', 'dayz': 2}}, 'vacations[a@inpp.cd]: unknown field(s) dayz'),
    ({'a@inpp.cd': 'away'}, 'vacations[a@inpp.cd]: must be a mapping'),
])
def test_validation_names_the_field(vacations, field):
    errors = sieve_vacation.validate({'a@inpp.cd': '/var/vmail/inpp.cd/a'}, vacations, 1, 'v.sieve', '')
    assert len(errors) == 1 and errors[0].startswith(field)


def test_validation_of_the_other_options():
    errors = sieve_vacation.validate({'a@inpp.cd': 'relative/a'}, {}, 0, '../x', 'Ansible managed')
    assert [e.split(':')[0] for e in errors] == ['default_days', 'script_name', 'header', 'mailboxes[a@inpp.cd]']


def test_string_days_are_accepted():
    assert sieve_vacation.validate({'a@inpp.cd': '/h'}, {'a@inpp.cd': {'subject': 's', 'body': 'b', 'days': '2'}},
                                   1, 'v.sieve', '') == []


def test_write_activate_then_nothing_to_do(root, run):
    first = run(args(root, {'a@inpp.cd': AWAY}, 'a', 'b'))
    assert first['changed'] is True
    assert first['changed_addresses'] == first['activated'] == ['a@inpp.cd'] and first['deactivated'] == []
    home = root / 'inpp.cd' / 'a'
    script = home / 'sieve' / 'inpp-vacation.sieve'
    assert script.read_text() == sieve_vacation.render_script('a@inpp.cd', AWAY, 1, HEADER)
    assert os.readlink(home / '.dovecot.sieve') == TARGET
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / 'sieve').stat().st_mode) == 0o700
    assert stat.S_IMODE(script.stat().st_mode) == 0o600
    assert not (root / 'inpp.cd' / 'b').exists(), 'a mailbox without a reply is not created'
    second = run(args(root, {'a@inpp.cd': AWAY}, 'a', 'b'))
    assert second['changed'] is False and second['changed_addresses'] == []


def test_changed_text_rewrites_the_script_only(root, run):
    run(args(root, {'a@inpp.cd': AWAY}, 'a'))
    result = run(args(root, {'a@inpp.cd': dict(AWAY, days=5)}, 'a'), diff=True)
    assert result['changed'] is True and result['activated'] == []
    assert ':days 5' in (root / 'inpp.cd' / 'a' / 'sieve' / 'inpp-vacation.sieve').read_text()
    assert len(result['diff']) == 1 and ':days 3' in result['diff'][0]['before']


def test_loosened_mode_is_restored(root, run):
    run(args(root, {'a@inpp.cd': AWAY}, 'a'))
    script = root / 'inpp.cd' / 'a' / 'sieve' / 'inpp-vacation.sieve'
    script.chmod(0o644)
    result = run(args(root, {'a@inpp.cd': AWAY}, 'a'))
    assert result['changed_addresses'] == ['a@inpp.cd']
    assert stat.S_IMODE(script.stat().st_mode) == 0o600


def test_removed_reply_is_deactivated_and_other_scripts_stay(root, run):
    run(args(root, {'a@inpp.cd': AWAY, 'b@inpp.cd': AWAY}, 'a', 'b', 'c'))
    own = root / 'inpp.cd' / 'c'
    (own / 'sieve').mkdir(parents=True)
    (own / '.dovecot.sieve').symlink_to('sieve/filters.sieve')
    result = run(args(root, {'b@inpp.cd': AWAY}, 'a', 'b', 'c'), diff=True)
    assert result['changed_addresses'] == result['deactivated'] == ['a@inpp.cd']
    assert not os.path.lexists(root / 'inpp.cd' / 'a' / '.dovecot.sieve')
    assert (root / 'inpp.cd' / 'a' / 'sieve' / 'inpp-vacation.sieve').exists(), 'the script itself stays'
    assert os.readlink(own / '.dovecot.sieve') == 'sieve/filters.sieve'
    assert result['diff'] == [{'before_header': '%s/.dovecot.sieve (symlink)' % (root / 'inpp.cd' / 'a'),
                               'before': '-> %s\n' % TARGET,
                               'after_header': '%s/.dovecot.sieve (absent)' % (root / 'inpp.cd' / 'a'),
                               'after': ''}]


def test_another_active_script_is_replaced_by_the_reply(root, run):
    home = root / 'inpp.cd' / 'a'
    (home / 'sieve').mkdir(parents=True)
    (home / '.dovecot.sieve').write_text('keep;\n')
    result = run(args(root, {'a@inpp.cd': AWAY}, 'a'))
    assert result['activated'] == ['a@inpp.cd']
    assert os.readlink(home / '.dovecot.sieve') == TARGET


def test_check_mode_reports_and_changes_nothing(root, run):
    run(args(root, {'a@inpp.cd': AWAY}, 'a', 'b'))
    before = sorted(str(p) for p in root.rglob('*'))
    result = run(args(root, {'b@inpp.cd': AWAY}, 'a', 'b'), check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['activated'] == ['b@inpp.cd'] and result['deactivated'] == ['a@inpp.cd']
    assert sorted(str(p) for p in root.rglob('*')) == before
    headers = [d['after_header'] for d in result['diff']]
    assert '%s (content)' % (root / 'inpp.cd' / 'b' / 'sieve' / 'inpp-vacation.sieve') in headers


def test_errors_are_all_reported_before_any_change(root, run):
    home = root / 'inpp.cd' / 'a'
    home.mkdir()
    (home / 'sieve').write_text('not a directory\n')
    result = run(dict(args(root, {'a@inpp.cd': AWAY, 'x@inpp.cd': AWAY,
                                  'b@inpp.cd': {'subject': 's', 'body': ''}}, 'a', 'b'),
                      owner='no-such-user-inpp'))
    assert result['failed'] is True
    assert result['errors'] == [
        'vacations[x@inpp.cd]: not a mailbox listed in mailboxes',
        'vacations[b@inpp.cd].body: missing or empty',
        "owner: user 'no-such-user-inpp' does not exist on the host",
    ]
    assert not (root / 'inpp.cd' / 'b').exists()
    result = run(args(root, {'a@inpp.cd': AWAY}, 'a'))
    assert result['errors'] == ['vacations[a@inpp.cd]: %s is in the way (wrong file type)' % (home / 'sieve')]


def test_null_reply_means_none(root, run):
    result = run(args(root, {'a@inpp.cd': None}, 'a'))
    assert result['changed'] is False


def test_unwritable_mailbox_is_named_not_a_traceback(tmp_path, run):
    result = run(args(tmp_path, {'a@inpp.cd': AWAY}, 'a'))  # no inpp.cd directory under the root
    assert result['failed'] is True
    assert result['msg'].startswith('a@inpp.cd: cannot update the vacation script under %s: ' % (tmp_path / 'inpp.cd' / 'a'))


@pytest.mark.parametrize('field, text', [('subject', 'Away\nBcc: x@example.net'), ('body', 'Back\x00soon')])
def test_control_characters_are_refused(field, text):
    vacation = dict({'subject': 's', 'body': 'b'}, **{field: text})
    errors = sieve_vacation.validate({'a@inpp.cd': '/h'}, {'a@inpp.cd': vacation}, 1, 'v.sieve', '')
    assert len(errors) == 1 and errors[0].startswith('vacations[a@inpp.cd].%s: control characters' % field)


def test_line_breaks_stay_allowed_in_the_body():
    vacation = {'subject': 's', 'body': 'Back on Monday.\n\tUrgent: 1001.\n'}
    assert sieve_vacation.validate({'a@inpp.cd': '/h'}, {'a@inpp.cd': vacation}, 1, 'v.sieve', '') == []
