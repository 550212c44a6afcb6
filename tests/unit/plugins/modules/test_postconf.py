# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.postconf driven through main() against a fake postconf(1)."""

from __future__ import annotations

import os
import stat
import time

import pytest

from ansible.module_utils import basic

from ansible_collections.inpp.telecom.plugins.module_utils._postfix import (
    parse_master_entries,
    parse_postconf,
    render_master_entry,
)
from ansible_collections.inpp.telecom.plugins.modules import postconf

BUILTINS = ['myhostname', 'mydestination', 'relayhost', 'mynetworks', 'smtpd_tls_security_level',
            'smtpd_relay_restrictions', 'biff', 'message_size_limit']


class FakePostconf(object):
    """Just enough of postconf(1): -n, -d, (all), -e, -X, -M, -P, -M name=..., -MX.

    Like the real one it keeps its state in the files of the directory given
    with -c (main.cf as "name = value" lines, master.cf one entry a line), so
    the module may run it on a staging copy.
    """

    def __init__(self, config_dir, main=None, master=None):
        self.config_dir = str(config_dir)
        self.calls = []
        self.fail = {}
        self.save(self.config_dir, dict(main or {}), parse_master_entries(master) if master is not None else None)

    @staticmethod
    def load(cdir):
        main = {}
        if os.path.exists(os.path.join(cdir, 'main.cf')):
            with open(os.path.join(cdir, 'main.cf')) as handle:
                main = parse_postconf(handle.read())
        master = {}
        if os.path.exists(os.path.join(cdir, 'master.cf')):
            with open(os.path.join(cdir, 'master.cf')) as handle:
                master = parse_master_entries(handle.read())
        return main, master

    @staticmethod
    def save(cdir, main, master=None):
        with open(os.path.join(cdir, 'main.cf'), 'w') as handle:
            handle.write(''.join('%s = %s\n' % kv for kv in main.items()))
        if master is not None:
            with open(os.path.join(cdir, 'master.cf'), 'w') as handle:
                handle.write(''.join(render_master_entry(e) + '\n' for e in master.values()))

    @property
    def main(self):
        return self.load(self.config_dir)[0]

    @property
    def master(self):
        return self.load(self.config_dir)[1]

    def __call__(self, argv, **_kwargs):
        assert isinstance(argv, list), 'argv lists only'
        self.calls.append(argv)
        assert argv[1] == '-c', 'the module always names the configuration directory'
        cdir, args = argv[2], argv[3:]
        if len(args) > 1 and args[0] in self.fail:  # edits only, not the -M listing
            return 1, '', self.fail[args[0]]
        main, master = self.load(cdir)
        used = dict((k, v) for k, v in main.items() if k in BUILTINS)
        unused = dict((k, v) for k, v in main.items() if k not in BUILTINS)
        err = ''.join('postconf: warning: /etc/postfix/main.cf: unused parameter: %s=%s\n' % kv for kv in unused.items())
        if args == ['-n']:
            return 0, ''.join('%s = %s\n' % kv for kv in sorted(used.items())), err
        if args == []:
            return 0, ''.join('%s = %s\n' % (k, used.get(k, '')) for k in BUILTINS), err
        if args == ['-d']:
            return 0, ''.join('%s = \n' % k for k in BUILTINS), ''
        if args == ['-h', 'config_directory']:
            return 0, '/etc/postfix\n', ''
        if args == ['-M']:
            return 0, ''.join(render_master_entry(e) + '\n' for e in master.values()), ''
        if args == ['-P']:
            lines = []
            for entry in master.values():
                for name, value in entry['options'].items():
                    lines.append('%s/%s/%s = %s\n' % (entry['service'], entry['type'], name, value))
            return 0, ''.join(lines), ''
        if args[0] == '-e':
            for item in args[1:]:
                name, _sep, value = item.partition('=')
                main[name] = value
        elif args[0] == '-X':
            for name in args[1:]:
                main.pop(name, None)
        elif args[0] == '-M':
            for item in args[1:]:
                _key, _sep, line = item.partition('=')
                master.update(parse_master_entries(line))
        elif args[0] == '-MX':
            for item in args[1:]:
                master.pop(tuple(item.split('/')), None)
        else:
            return 1, '', 'unexpected %r' % (argv,)
        self.save(cdir, main, master)
        return 0, '', ''


def fake_bin_path(self, name, *args, **kwargs):
    """postfix tools live in /usr/sbin; anything else (lsattr...) is absent."""
    return '/usr/sbin/' + name if name.startswith('post') else None


@pytest.fixture
def fake(monkeypatch, tmp_path):
    box = {}

    def install(**kwargs):
        box['fake'] = FakePostconf(tmp_path, **kwargs)
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


@pytest.mark.parametrize('args', [
    {'parameters': {'relayhost': ''}, 'state': 'absent'},
    {'masters': [{'service': 'submission', 'state': 'absent'}]},
])
def test_removal_without_main_and_master_cf_creates_nothing(fake, run_module, tmp_path, args):
    """No main.cf nor master.cf: nothing to remove, and no lock file (or any file) appears."""
    fake()
    config_dir = tmp_path / 'postfix'
    config_dir.mkdir()
    result = run_module(postconf, dict(args, config_dir=str(config_dir)), diff=True)
    assert result['changed'] is False and result['removed_parameters'] == [] and result['changed_masters'] == []
    assert os.listdir(config_dir) == []


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


# --------------------------------------------------------------------- issue 7

@pytest.mark.parametrize('parameters, where', [
    ({'relayhost': '[isp]:587\nmydestination = evil.example'}, 'parameters.relayhost: control character'),
    ({'mynetworks': ['127.0.0.0/8', '10.0.0.0/8\r']}, 'parameters.mynetworks[1]: control character'),
    ({'smtpd_banner': 'x\x00'}, 'parameters.smtpd_banner: control character'),
    ({'relayhost': {'host': 'x'}}, 'parameters.relayhost: values must be scalars'),
    ({'mynetworks': [['127.0.0.0/8']]}, 'parameters.mynetworks[0]: values must be scalars'),
])
def test_bad_parameter_values_are_refused_before_any_change(fake, run, tmp_path, parameters, where):
    pc = fake(main={'relayhost': 'old'})
    args = {'parameters': dict({'biff': False}, **parameters), 'masters': [SUBMISSION]}
    result = run(args)
    assert result['failed'] is True and result['msg'].startswith(where), result['msg']
    assert pc.main == {'relayhost': 'old'} and pc.master == {}
    assert not [c for c in pc.calls if set(c) & {'-e', '-X', '-MX'} or (c[-1:] != ['-M'] and '-M' in c)]


@pytest.mark.parametrize('master, where', [
    ({'private': 'maybe'}, 'masters[1].private'),
    ({'chroot': 'yes'}, 'masters[1].chroot'),
    ({'maxproc': 'many'}, 'masters[1].maxproc'),
    ({'wakeup': '60s'}, 'masters[1].wakeup'),
    ({'command': 'smtpd\n-o evil=1'}, 'masters[1].command'),
    ({'service': 'sub mission'}, 'masters[1].service'),
    ({'service': 'a/b'}, 'masters[1].service'),
    ({'options': {'smtpd_banner': 'a } b'}}, 'masters[1].options.smtpd_banner'),
    ({'options': {'smtpd_banner': '{ a b'}}, 'masters[1].options.smtpd_banner'),
    ({'options': {'syslog_name': 'x\ny'}}, 'masters[1].options.syslog_name'),
    ({'options': {'bad name': 'x'}}, 'masters[1].options'),
    ({'options': {'smtpd_client_restrictions': {'a': 1}}}, 'masters[1].options.smtpd_client_restrictions'),
])
def test_bad_master_entries_are_refused_before_any_change(fake, run, master, where):
    pc = fake(main={'relayhost': 'old'}, master='smtp inet n - y - - smtpd\n')
    second = dict(dict(SUBMISSION, service='smtps'), **master)
    result = run({'parameters': {'relayhost': 'new'}, 'masters': [SUBMISSION, second]})
    assert result['failed'] is True and result['msg'].startswith(where), result['msg']
    assert pc.main == {'relayhost': 'old'} and list(pc.master) == [('smtp', 'inet')]


def test_master_booleans_become_y_and_n(fake, run):
    pc = fake(master='')
    entry = dict(SUBMISSION, private=False, unpriv=True, chroot=False, wakeup=60, maxproc=0)
    result = run({'masters': [entry]})
    assert result['changed'] is True
    written = pc.master[('submission', 'inet')]
    assert [written[f] for f in ('private', 'unpriv', 'chroot', 'wakeup', 'maxproc')] == ['n', 'y', 'n', '60', '0']
    assert run({'masters': [entry]})['changed'] is False


def test_override_with_blanks_and_balanced_braces(fake, run):
    pc = fake(master='')
    entry = dict(SUBMISSION, options={'smtpd_recipient_restrictions':
                                      ['check_policy_service { inet:127.0.0.1:10023, timeout=10s }', 'reject']})
    assert run({'masters': [entry]})['changed'] is True
    assert run({'masters': [entry]})['changed'] is False
    assert 'timeout=10s' in pc.master[('submission', 'inet')]['options']['smtpd_recipient_restrictions']


def test_a_failing_postconf_step_leaves_both_files(fake, run, tmp_path):
    pc = fake(main={'relayhost': 'old'}, master='smtp inet n - y - - smtpd\n')
    pc.fail['-M'] = 'postconf: fatal: bad entry'
    before = ((tmp_path / 'main.cf').read_text(), (tmp_path / 'master.cf').read_text())
    result = run({'parameters': {'relayhost': 'new'}, 'masters': [SUBMISSION]})
    assert result['failed'] is True and 'bad entry' in result['msg']
    assert ((tmp_path / 'main.cf').read_text(), (tmp_path / 'master.cf').read_text()) == before


def test_symlinked_main_and_master_are_edited_at_their_targets(fake, run, tmp_path):
    pc = fake(main={'relayhost': 'old'}, master='smtp inet n - y - - smtpd\n')
    shared = tmp_path / 'shared'
    shared.mkdir()
    for name in ('main.cf', 'master.cf'):
        (tmp_path / name).rename(shared / name)
        (tmp_path / name).symlink_to(shared / name)
    (shared / 'main.cf').chmod(0o640)
    result = run({'parameters': {'relayhost': 'new'}, 'masters': [SUBMISSION], 'backup': True})
    assert result['changed'] is True
    assert (tmp_path / 'main.cf').is_symlink() and (tmp_path / 'master.cf').is_symlink()
    assert pc.main == {'relayhost': 'new'} and ('submission', 'inet') in pc.master
    assert stat.S_IMODE((shared / 'main.cf').stat().st_mode) == 0o640
    assert all(os.path.dirname(path) == str(shared) for path in result['backup_file'])
    assert run({'parameters': {'relayhost': 'new'}, 'masters': [SUBMISSION]})['changed'] is False


def test_fifo_master_cf_is_refused(fake, run, tmp_path):
    fake(main={'relayhost': 'old'})
    os.mkfifo(tmp_path / 'master.cf')
    result = run({'parameters': {'relayhost': 'new'}, 'masters': [SUBMISSION]})
    assert result['failed'] is True and 'is a FIFO, not a regular file' in result['msg']
    assert stat.S_ISFIFO(os.lstat(tmp_path / 'master.cf').st_mode)


def test_ten_concurrent_runs_keep_all_parameters(fake, tmp_path, monkeypatch, run_concurrently):
    """Ten parallel runs, each setting its own main.cf parameter: all ten end in main.cf."""
    pc = fake(main={'relayhost': 'old'}, master='smtp inet n - y - - smtpd\n')
    # A slow edit between reading main.cf into the staging copy and writing it
    # back: without the locks every run starts from the same text.
    run_edits = postconf.run_edits

    def slow_run_edits(*args, **kwargs):
        time.sleep(0.05)
        return run_edits(*args, **kwargs)
    monkeypatch.setattr(postconf, 'run_edits', slow_run_edits)
    many_args = [{'parameters': {'inpp_parameter_%d' % i: 'value%d' % i}, 'allow_unknown': True,
                  'config_dir': str(tmp_path)} for i in range(10)]
    assert run_concurrently(postconf, many_args) == [0] * 10
    expected = dict(('inpp_parameter_%d' % i, 'value%d' % i) for i in range(10))
    assert pc.main == dict(expected, relayhost='old')
