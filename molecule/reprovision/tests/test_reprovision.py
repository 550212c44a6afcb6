# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""After the loss of the mail host and the PBX, site.yml then restore.yml brought everything back."""
from __future__ import annotations

import json

import pytest

MAIL, PBX = 'rp-mail', 'rp-pbx'
PASSWORDS = {'daddy.nzinga@inpp.cd': 'Daddy-Test-2024', 'marie.kabila@inpp.cd': 'Marie-Test-2024'}

IMAP_COUNT = '''
import imaplib, json, ssl, sys
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
client = imaplib.IMAP4_SSL('127.0.0.1', 993, ssl_context=context)
client.login(sys.argv[1], sys.argv[2])
counts = {}
for folder in sys.argv[3:]:
    typ, data = client.select(folder, readonly=True)
    counts[folder] = int(data[0]) if typ == 'OK' else None
client.logout()
print(json.dumps(counts))
'''


@pytest.mark.parametrize('name, minimum', [(MAIL, 15), (PBX, 5)])
def test_every_file_is_back_byte_for_byte(evidence, name, minimum):
    before, after = evidence.json('before-' + name), evidence.json('after-' + name)
    assert len(before) >= minimum, sorted(before)
    missing = sorted(set(before) - set(after))
    different = sorted(path for path in before if path in after and before[path] != after[path])
    assert not missing and not different, {'missing': missing, 'different': different}


def test_the_restore_verified_itself(evidence):
    log = evidence.log('restore')
    assert evidence.rc('restore') == 0, log[-3000:]
    assert log.count('"sha256_mismatches": "0"') == 2 or log.count('"sha256_mismatches": 0') == 2, log[-3000:]
    assert log.count('"missing_or_resized": "0"') == 2 or log.count('"missing_or_resized": 0') == 2, log[-3000:]


def test_imap_login_with_unchanged_passwords_finds_every_message(evidence, mail):
    counts = evidence.json('imap-counts-' + MAIL)
    for user, folders in counts.items():
        result = mail.run('python3 -c %s %s %s ' + ' '.join(['%s'] * len(folders)),
                          IMAP_COUNT, user, PASSWORDS[user], *folders)
        assert result.rc == 0, result.stderr
        found = json.loads(result.stdout)
        # One message arrived after the restore (side_effect.yml: the refused restore over newer mail).
        expected = dict(folders, INBOX=folders['INBOX'] + (1 if user.startswith('daddy') else 0))
        assert found == expected, (user, found, expected)


def test_sip_registers_with_unchanged_credentials(pbx):
    result = pbx.register('1001', port=5071)
    assert result.rc == 0, result.stdout + result.stderr


def test_voicemail_greeting_and_astdb_are_known_to_asterisk(pbx_host):
    users = pbx_host.check_output("asterisk -rx 'voicemail show users'")
    line = [row for row in users.splitlines() if ' 1001 ' in ' %s ' % row]
    assert line and line[0].split()[-1] == '1', users
    assert pbx_host.file('/var/spool/asterisk/voicemail/default/1002/greet.wav').user == 'asterisk'
    marker = pbx_host.check_output("asterisk -rx 'database get inppdrill marker'")
    assert 'before-the-loss' in marker, marker


def test_the_certificate_is_the_same(evidence, mail):
    path = '/etc/inpp-telecom/tls/host.crt'
    assert evidence.json('before-' + MAIL)[path] == evidence.json('after-' + MAIL)[path]
    on_disk = mail.check_output('openssl x509 -in %s -noout -fingerprint -sha256' % path)
    served = mail.check_output('openssl s_client -connect 127.0.0.1:993 </dev/null 2>/dev/null'
                               ' | openssl x509 -noout -fingerprint -sha256')
    assert served == on_disk


def test_a_second_site_run_changes_nothing(evidence):
    recap = evidence.recap('site-again')
    assert evidence.rc('site-again') == 0
    assert {host: counts['changed'] for host, counts in recap.items()} == {MAIL: 0, PBX: 0}, recap


def test_the_health_check_passes(evidence):
    log = evidence.log('check')
    assert evidence.rc('check') == 0, log[-3000:]
    for name in (MAIL, PBX):
        assert '%s: OK' % name in log, log[-3000:]


def test_an_unknown_snapshot_is_refused_before_any_change(evidence):
    log = evidence.log('restore-unknown-snapshot')
    assert evidence.rc('restore-unknown-snapshot') != 0
    assert "restore_snapshot: '0badc0de' is not a snapshot of %s" % MAIL in log, log[-3000:]
    assert 'Restore | stop the services' not in log


def test_a_restore_over_newer_mail_is_refused_before_any_change(evidence, mail):
    log = evidence.log('restore-over-newer-data')
    assert evidence.rc('restore-over-newer-data') != 0
    assert 'newer than snapshot' in log and 'restore_force=true' in log, log[-3000:]
    assert 'Restore | stop the services' not in log
    assert mail.service('dovecot').is_running


def test_a_corrupted_repository_fails_the_backup_loudly(evidence):
    log = evidence.log('backup-corrupted')
    assert evidence.rc('backup-corrupted') != 0
    assert 'BACKUP FAILED on %s' % PBX in log, log[-3000:]
