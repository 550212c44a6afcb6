# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.postconf driven through main() against a fake postconf(1)."""

from __future__ import annotations

import pytest

from ansible.module_utils import basic

from ansible_collections.inpp.telecom.plugins.module_utils._postfix import (
    parse_master_entries,
    render_master_entry,
)
from ansible_collections.inpp.telecom.plugins.modules import postconf

BUILTINS = ['myhostname', 'mydestination', 'relayhost', 'mynetworks', 'smtpd_tls_security_level',
            'smtpd_relay_restrictions', 'biff', 'message_size_limit']


class FakePostconf(object):
    """Just enough of postconf(1): -n, -d, (all), -e, -X, -M, -P, -M name=..., -MX."""

    def __init__(self, main=None, master=''):
        self.main = dict(main or {})
        self.master = parse_master_entries(master)
        self.calls = []

    def __call__(self, argv, **_kwargs):
        assert isinstance(argv, list), 'argv lists only'
        self.calls.append(argv)
        args = argv[3:] if argv[1] == '-c' else argv[1:]
        used = dict((k, v) for k, v in self.main.items() if k in BUILTINS)
        unused = dict((k, v) for k, v in self.main.items() if k not in BUILTINS)
        err = ''.join('postconf: warning: /etc/postfix/main.cf: unused parameter: %s=%s\n' % kv for kv in unused.items())
        if args == ['-n']:
            return 0, ''.join('%s = %s\n' % kv for kv in sorted(used.items())), err
        if args == []:
            return 0, ''.join('%s = %s\n' % (k, used.get(k, '')) for k in BUILTINS), err
        if args == ['-d']:
            return 0, ''.join('%s = \n' % k for k in BUILTINS), ''
        if args[0] == '-e':
            for item in args[1:]:
                name, _sep, value = item.partition('=')
                self.main[name] = value
            return 0, '', ''
        if args[0] == '-X':
            for name in args[1:]:
                self.main.pop(name, None)
            return 0, '', ''
        if args == ['-M']:
            return 0, ''.join(render_master_entry(e) + '\n' for e in self.master.values()), ''
        if args == ['-P']:
            lines = []
            for entry in self.master.values():
                for name, value in entry['options'].items():
                    lines.append('%s/%s/%s = %s\n' % (entry['service'], entry['type'], name, value))
            return 0, ''.join(lines), ''
        if args[0] == '-M':
            for item in args[1:]:
                _key, _sep, line = item.partition('=')
                self.master.update(parse_master_entries(line))
            return 0, '', ''
        if args[0] == '-MX':
            for item in args[1:]:
                self.master.pop(tuple(item.split('/')), None)
            return 0, '', ''
        return 1, '', 'unexpected %r' % (argv,)


def fake_bin_path(self, name, *args, **kwargs):
    """postfix tools live in /usr/sbin; anything else (lsattr...) is absent."""
    return '/usr/sbin/' + name if name.startswith('post') else None


@pytest.fixture
def fake(monkeypatch):
    box = {}

    def install(**kwargs):
        box['fake'] = FakePostconf(**kwargs)
        monkeypatch.setattr(basic.AnsibleModule, 'run_command', lambda self, argv, **kw: box['fake'](argv, **kw))
        monkeypatch.setattr(basic.AnsibleModule, 'get_bin_path', fake_bin_path)
        return box['fake']
    return install


@pytest.fixture
def run(run_module, tmp_path):
    def run_postconf(args, **kw):
        (tmp_path / 'main.cf').touch()
        return run_module(postconf, dict(args, config_dir=str(tmp_path)), **kw)
    return run_postconf


def test_sets_all_changes_in_one_call_then_idempotent(fake, run, tmp_path):
    pc = fake(main={'mydestination': 'localhost, $myhostname'})
    args = {'parameters': {'mydestination': ['localhost', '$myhostname'], 'relayhost': '[isp]:587',
                           'biff': False, 'message_size_limit': 1000}}
    result = run(args)
    assert result['changed'] is True
    assert result['changed_parameters'] == {'relayhost': '[isp]:587', 'biff': 'no', 'message_size_limit': '1000'}
    edits = [c for c in pc.calls if '-e' in c]
    assert len(edits) == 1
    assert edits[0][-3:] == ['relayhost=[isp]:587', 'biff=no', 'message_size_limit=1000']
    assert run(args)['changed'] is False


def test_check_mode_reports_but_does_not_write(fake, run, tmp_path):
    pc = fake(main={'relayhost': '[old]:587'})
    result = run({'parameters': {'relayhost': '[new]:587'}}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['diff']['before'] == 'relayhost = [old]:587\n'
    assert result['diff']['after'] == 'relayhost = [new]:587\n'
    assert pc.main['relayhost'] == '[old]:587'
    assert not [c for c in pc.calls if '-e' in c]


def test_unknown_parameter_fails_before_any_change(fake, run, tmp_path):
    pc = fake()
    result = run({'parameters': {'smtpd_tls_securty_level': 'may', 'relayhost': 'x'}})
    assert result['failed'] is True
    assert result['unknown_parameters'] == ['smtpd_tls_securty_level']
    assert not [c for c in pc.calls if '-e' in c]


def test_unknown_allowed_and_unused_parameters_are_current(fake, run, tmp_path):
    fake(main={'my_custom': 'x'})
    result = run({'parameters': {'my_custom': 'x'}, 'allow_unknown': True})
    assert result['changed'] is False
    result = run({'parameters': {'my_custom': None}, 'state': 'absent'})
    assert result['changed'] is True and result['removed_parameters'] == ['my_custom']


def test_absent(fake, run, tmp_path):
    pc = fake(main={'relayhost': '[old]:587'})
    result = run({'parameters': {'relayhost': None, 'biff': None}, 'state': 'absent'}, diff=True)
    assert result['changed'] is True
    assert result['removed_parameters'] == ['relayhost']
    assert result['diff']['before'] == 'relayhost = [old]:587\n' and result['diff']['after'] == ''
    assert 'relayhost' not in pc.main
    assert run({'parameters': {'relayhost': None}, 'state': 'absent'})['changed'] is False


def test_invalid_parameter_name(fake, run, tmp_path):
    fake()
    result = run({'parameters': {'bad name': 'x'}, 'allow_unknown': True})
    assert result['failed'] is True and 'invalid parameter name' in result['msg']


SUBMISSION = {
    'service': 'submission', 'type': 'inet', 'private': 'n', 'chroot': 'y', 'command': 'smtpd',
    'options': {'syslog_name': 'postfix/submission', 'smtpd_tls_security_level': 'encrypt',
                'smtpd_client_restrictions': ['permit_sasl_authenticated', 'reject']},
}


def test_master_entries(fake, run, tmp_path):
    pc = fake(master='smtp inet n - y - - smtpd\n')
    result = run({'masters': [SUBMISSION]}, diff=True)
    assert result['changed'] is True and result['changed_masters'] == ['submission/inet']
    assert 'submission/inet = submission inet n - y - - smtpd -o syslog_name=postfix/submission' in result['diff']['after']
    assert pc.master[('submission', 'inet')]['options']['smtpd_client_restrictions'] == 'permit_sasl_authenticated,reject'
    assert run({'masters': [SUBMISSION]})['changed'] is False
    changed = dict(SUBMISSION, options=dict(SUBMISSION['options'], smtpd_sasl_auth_enable=True))
    result = run({'masters': [changed]})
    assert result['changed'] is True
    assert pc.master[('submission', 'inet')]['options']['smtpd_sasl_auth_enable'] == 'yes'
    result = run({'masters': [{'service': 'submission', 'state': 'absent'}]})
    assert result['changed'] is True and ('submission', 'inet') not in pc.master
    assert run({'masters': [{'service': 'submission', 'state': 'absent'}]})['changed'] is False


def test_master_entry_needs_command(fake, run, tmp_path):
    fake()
    result = run({'masters': [{'service': 'submission'}]})
    assert result['failed'] is True and 'needs a command' in result['msg']


def test_backup(fake, run, tmp_path):
    fake()
    (tmp_path / 'master.cf').write_text('')
    result = run({'parameters': {'relayhost': 'x'}, 'masters': [SUBMISSION], 'backup': True})
    assert len(result['backup_file']) == 2
