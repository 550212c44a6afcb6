# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inpp.telecom.backup: the backup run (roles/backup/files/inpp-backup) and the role's input check.

The run is executed for real with bash against a temporary tree and a stand-in for
inpp-restic that records its arguments (and fails when told to), so the manifest, the SQLite
copy and the order backup -> check -> forget --prune -> check are checked without restic.
"""
from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
RUN = ROOT / 'roles' / 'backup' / 'files' / 'inpp-backup'
FAKE_RESTIC = """#!/bin/bash
echo "$*" >> "$RESTIC_LOG"
if [ -n "${RESTIC_FAIL:-}" ] && [ "$1" = "$RESTIC_FAIL" ]; then echo "Fatal: $1 failed" >&2; exit 1; fi
"""


@pytest.fixture(name='tree')
def tree_fixture(tmp_path):
    mail = tmp_path / 'vmail' / 'inpp.cd' / 'a' / 'Maildir' / 'cur'
    mail.mkdir(parents=True)
    (mail / '1700000000.M1.host:2,S').write_text('Subject: one\n\nbody\n')
    (tmp_path / 'vmail' / 'inpp.cd' / 'a' / '.dovecot.sieve').symlink_to('sieve/inpp-vacation.sieve')
    database = sqlite3.connect(str(tmp_path / 'astdb.sqlite3'))
    database.execute('CREATE TABLE astdb (key TEXT, value TEXT)')
    database.execute("INSERT INTO astdb VALUES ('/inppdrill/marker', 'kept')")
    database.commit()
    database.close()
    conf = tmp_path / 'conf'
    conf.mkdir()
    staging = tmp_path / 'staging'
    (conf / 'backup.conf').write_text(
        'BACKUP_HOST=pbx-1\nBACKUP_STAGING=%s\nBACKUP_KEEP_DAILY=7\nBACKUP_KEEP_WEEKLY=4\n'
        'BACKUP_KEEP_MONTHLY=6\nBACKUP_CHECK_ARGS=--read-data-subset=1/7\n' % staging)
    (conf / 'sets').write_text(
        '# comment lines are skipped\n'
        'mail\t%s\tfiles\nastdb\t%s\tsqlite\nabsent\t%s\tfiles\n'
        % (tmp_path / 'vmail', tmp_path / 'astdb.sqlite3', tmp_path / 'nowhere'))
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    (bin_dir / 'inpp-restic').write_text(FAKE_RESTIC)
    (bin_dir / 'inpp-restic').chmod(0o755)
    return tmp_path


def run(tree, fail=''):
    if not shutil.which('bash') or not shutil.which('sha256sum') or not shutil.which('flock'):
        pytest.skip('bash, sha256sum and flock are needed')
    env = dict(os.environ, INPP_BACKUP_CONF_DIR=str(tree / 'conf'), INPP_BACKUP_LOCK=str(tree / 'lock'),
               RESTIC_LOG=str(tree / 'restic.log'), RESTIC_FAIL=fail,
               PATH='%s:%s' % (tree / 'bin', os.environ['PATH']))
    # The run calls python3 for the SQLite copy: the interpreter running the tests.
    (tree / 'bin' / 'python3').symlink_to(sys.executable)
    return subprocess.run(['bash', str(RUN)], capture_output=True, text=True, env=env, timeout=60, check=False)


def restic_calls(tree):
    return [line.split() for line in (tree / 'restic.log').read_text().splitlines()]


def test_a_run_backs_up_checks_forgets_and_checks_again(tree):
    result = run(tree)
    assert result.returncode == 0, result.stderr
    calls = restic_calls(tree)
    assert [call[0] for call in calls] == ['backup', 'check', 'forget', 'check']
    assert calls[0][:5] == ['backup', '--host', 'pbx-1', '--tag', 'inpp-telecom']
    # Existing file sets and the staging folder; the live database and missing paths are not.
    assert calls[0][5:] == [str(tree / 'vmail'), str(tree / 'staging')]
    assert calls[1] == ['check', '--read-data-subset=1/7']
    assert calls[2] == ['forget', '--host', 'pbx-1', '--prune', '--keep-daily', '7', '--keep-weekly', '4',
                        '--keep-monthly', '6']


def test_the_manifest_holds_the_sha256_of_every_file(tree):
    assert run(tree).returncode == 0
    manifest = (tree / 'staging' / 'manifest.sha256').read_text().splitlines()
    expected = {}
    for path in [*(tree / 'vmail').rglob('*'), *(tree / 'staging' / 'sqlite').rglob('*')]:
        if path.is_file() and not path.is_symlink():
            expected[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    assert dict(line.split('  ', 1)[::-1] for line in manifest) == expected
    assert str(tree / 'staging' / 'sqlite' / 'astdb.sqlite3') in expected


def test_sqlite_databases_are_copied_through_the_backup_api(tree):
    assert run(tree).returncode == 0
    copy = sqlite3.connect(str(tree / 'staging' / 'sqlite' / 'astdb.sqlite3'))
    assert copy.execute('SELECT value FROM astdb').fetchall() == [('kept',)]
    copy.close()


def test_a_damaged_repository_is_never_pruned_and_fails_the_run(tree):
    result = run(tree, fail='check')
    assert result.returncode != 0
    assert [call[0] for call in restic_calls(tree)] == ['backup', 'check']
    assert 'Fatal: check failed' in result.stderr


def test_a_failed_backup_stops_the_run(tree):
    result = run(tree, fail='backup')
    assert result.returncode != 0
    assert [call[0] for call in restic_calls(tree)] == ['backup']


def test_a_second_run_waits_for_nobody_and_fails(tree):
    # The lock is held (the timer's run, say): a second run refuses at once.
    with open(tree / 'lock', 'w', encoding='utf-8') as lock:
        holder = subprocess.Popen(['flock', str(tree / 'lock'), 'sleep', '5'], stdin=lock)
        try:
            subprocess.run(['sleep', '0.5'], check=True)
            result = run(tree)
        finally:
            holder.kill()
            holder.wait()
    assert result.returncode != 0
    assert 'another backup is running' in result.stderr
    assert not (tree / 'restic.log').exists()


MAIL_ONLY = {'mail': ['mail-x']}
WITH_BACKUP_HOST = {'mail': ['mail-x'], 'backup': ['backup-x']}


def test_no_password_and_no_backup_host_stop_the_run_before_the_host_is_contacted(run_playbook):
    result = run_playbook('backup.yml', MAIL_ONLY)
    assert result.returncode != 0
    assert 'backup_password: missing' in result.stdout
    assert 'backup_server: no backup host' in result.stdout
    assert 'UNREACHABLE' not in result.stdout


def test_bad_retention_is_named(run_playbook):
    result = run_playbook('backup.yml', WITH_BACKUP_HOST, '-e', 'vault_backup_password=x',
                          '-e', '{"backup_keep_daily": 0, "backup_keep_weekly": 0, "backup_keep_monthly": 0}',
                          '--limit', 'mail-x')
    assert result.returncode != 0
    assert 'backup_keep_daily/backup_keep_weekly/backup_keep_monthly: all 0 would forget every snapshot' in result.stdout
    assert 'UNREACHABLE' not in result.stdout


def test_valid_input_passes_the_check_and_reaches_for_the_host(run_playbook):
    result = run_playbook('backup.yml', WITH_BACKUP_HOST, '-e', 'vault_backup_password=x', '--limit', 'mail-x')
    assert result.returncode != 0
    assert 'invalid input' not in result.stdout
    assert 'UNREACHABLE' in result.stdout


def test_restore_without_a_password_stops_before_the_host_is_contacted(run_playbook):
    result = run_playbook('restore.yml', WITH_BACKUP_HOST, '--limit', 'mail-x')
    assert result.returncode != 0
    assert 'backup_password: missing' in result.stdout
    assert 'UNREACHABLE' not in result.stdout


def test_a_snapshot_id_for_several_hosts_is_refused_before_any_host_is_contacted(run_playbook):
    result = run_playbook('restore.yml', {'mail': ['mail-x'], 'pbx': ['pbx-x'], 'backup': ['backup-x']},
                          '-e', 'vault_backup_password=x', '-e', 'restore_snapshot=0badc0de', '--limit', 'mail:pbx')
    assert result.returncode != 0
    assert "restore_snapshot: '0badc0de' is one host's snapshot; run with --limit HOST (2 hosts selected)" in result.stdout
    assert 'UNREACHABLE' not in result.stdout


@pytest.mark.parametrize('extra, message', [
    ('{"backup_server_user": "Restic.Mail"}',
     "backup_server_user: 'Restic.Mail' is not an account name"),
    ('{"backup_server_user": "restic-%s"}' % ('x' * 30),
     "backup_server_user: 'restic-%s' is not an account name" % ('x' * 30)),
    ('{"backup_repository_path": "/repository"}',
     "backup_repository_path: '/repository' must be an absolute path with a parent folder"),
    ('{"backup_repository_path": "/srv/restic/../etc"}',
     "backup_repository_path: '/srv/restic/../etc' must be an absolute path with a parent folder"),
])
def test_a_bad_account_or_repository_path_is_named(run_playbook, extra, message):
    result = run_playbook('backup.yml', WITH_BACKUP_HOST, '-e', 'vault_backup_password=x', '-e', extra,
                          '--limit', 'mail-x')
    assert result.returncode != 0
    assert message in result.stdout
    assert 'UNREACHABLE' not in result.stdout


def test_the_default_account_of_a_dotted_host_name_is_valid(run_playbook):
    # A long inventory name with dots: restic-<name>, dots replaced, within 32 characters.
    result = run_playbook('backup.yml', {'mail': ['mail.kin.inpp.cd'], 'backup': ['backup-x']},
                          '-e', 'vault_backup_password=x', '--limit', 'mail.kin.inpp.cd')
    assert 'invalid input' not in result.stdout
    assert 'UNREACHABLE' in result.stdout
