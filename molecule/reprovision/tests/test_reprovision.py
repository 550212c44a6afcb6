# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""After the loss of the mail host and the PBX, site.yml then restore.yml brought everything back."""
from __future__ import annotations

import datetime
import json
import re

import pytest

MAIL, PBX = 'rp-mail', 'rp-pbx'
PASSWORDS = {'daddy.nzinga@inpp.cd': 'Daddy-Test-2024', 'marie.kabila@inpp.cd': 'Marie-Test-2024'}

# Seconds of a WAV file whose 0.1 s windows are louder than silence (RMS > 500).
SPOKEN_SECONDS = '''
import math, struct, sys, wave
with wave.open(sys.argv[1]) as audio:
    frames = audio.getnframes()
    samples = struct.unpack('<%dh' % frames, audio.readframes(frames))
window = 800
print(sum(1 for i in range(0, frames - window, window)
          if math.sqrt(sum(x * x for x in samples[i:i + window]) / window) > 500) * window / 8000)
'''
VM = '/var/spool/asterisk/voicemail/default'

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


def _spoken(host, path):
    return float(host.check_output('python3 -c %s %s', SPOKEN_SECONDS, path))


def test_the_voicemail_left_through_sip_is_back(pbx_host):
    # Left by sipp (data.yml: 1002 calls 1001, who is away, and speaks); Asterisk wrote it.
    users = pbx_host.check_output("asterisk -rx 'voicemail show users'")
    line = [row for row in users.splitlines() if ' 1001 ' in ' %s ' % row]
    assert line and line[0].split()[-1] == '1', users
    info = pbx_host.file(VM + '/1001/INBOX/msg0000.txt').content_string
    assert 'callerid="Marie Kabila" <1002>' in info and 'callerchan=PJSIP/1002-' in info, info
    assert _spoken(pbx_host, VM + '/1001/INBOX/msg0000.wav') >= 2, 'no speech in the message'


def test_the_greeting_recorded_through_the_voicemail_menu_is_back(pbx_host):
    # Recorded by sipp through VoiceMailMain (*98): PIN and menu keys as SIP INFO DTMF.
    greeting = pbx_host.file(VM + '/1002/unavail.wav')
    assert greeting.user == 'asterisk'
    assert _spoken(pbx_host, greeting.path) >= 2, 'no speech in the greeting'
    cdr = pbx_host.file('/var/log/asterisk/cdr-csv/Master.csv').content_string
    assert re.search(r'^"","1002","\*98","staff",.*"VoiceMailMain","1002@default",.*"ANSWERED"', cdr, re.M), cdr


def test_the_astdb_is_back(pbx_host):
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


def test_the_health_check_reads_the_certificate_with_ansible_core_only(evidence, mail):
    # side_effect.yml ran check.yml with the `ansible` package's collections hidden.
    log = evidence.log('check')
    found = re.search(r'certificate: /etc/inpp-telecom/tls/host\.crt expires (\d{4}-\d\d-\d\d) \((\d+) days\), '
                      r'sha256 ([0-9A-F:]{95})', log)
    assert found, log[-3000:]
    on_disk = mail.check_output('openssl x509 -in /etc/inpp-telecom/tls/host.crt -noout -enddate -fingerprint -sha256')
    assert found.group(3).lower() == on_disk.split('Fingerprint=')[1].strip().lower()
    expires = datetime.datetime.strptime(on_disk.split('notAfter=')[1].splitlines()[0].strip(), '%b %d %H:%M:%S %Y %Z')
    assert found.group(1) == expires.strftime('%Y-%m-%d')
    assert abs(int(found.group(2)) - (expires - datetime.datetime.utcnow()).days) <= 1


def _unchanged(evidence, name, hosts):
    recap = evidence.recap(name)
    assert {host: recap[host]['changed'] for host in hosts} == dict.fromkeys(hosts, 0), recap


@pytest.mark.parametrize('run', ['restore-unreachable', 'backup-unreachable'])
def test_an_unreachable_repository_fails_naming_it_before_any_change(evidence, mail, pbx_host, run):
    log = evidence.log(run)
    assert evidence.rc(run) != 0
    for name in (MAIL, PBX):
        assert 'Cannot open the restic repository rp-backup:/srv/restic/%s/repository from %s' % (name, name) in log, log[-3000:]
    assert 'Restore | stop the services' not in log and 'Run | back up' not in log
    _unchanged(evidence, run, (MAIL, PBX))
    assert mail.service('dovecot').is_running and pbx_host.service('asterisk').is_running


def test_an_unknown_snapshot_is_refused_before_any_change(evidence):
    log = evidence.log('restore-unknown-snapshot')
    assert evidence.rc('restore-unknown-snapshot') != 0
    assert "restore_snapshot: '0badc0de' is not a snapshot of %s" % MAIL in log, log[-3000:]
    assert 'Restore | stop the services' not in log
    _unchanged(evidence, 'restore-unknown-snapshot', (MAIL,))


def test_a_restore_over_newer_mail_is_refused_before_any_change(evidence, mail):
    log = evidence.log('restore-over-newer-data')
    assert evidence.rc('restore-over-newer-data') != 0
    assert 'newer than snapshot' in log and 'restore_force=true' in log, log[-3000:]
    assert 'Restore | stop the services' not in log
    _unchanged(evidence, 'restore-over-newer-data', (MAIL,))
    assert mail.service('dovecot').is_running


def test_a_forced_restore_puts_the_snapshot_back_and_keeps_newer_mail(evidence, mail):
    log = evidence.log('restore-forced')
    assert evidence.rc('restore-forced') == 0, log[-3000:]
    damaged = evidence.json('damaged')['path']
    assert damaged.startswith('/var/vmail/inpp.cd/daddy.nzinga/')
    assert mail.check_output('sha256sum %s', damaged).split()[0] == evidence.json('before-' + MAIL)[damaged]
    # The mail that arrived after the first restore is still there (test_imap_login_... counts it).
    assert mail.run('find /var/vmail/inpp.cd/daddy.nzinga/Maildir -type f -newer '
                    '/var/backups/inpp-telecom/manifest.sha256 -name "*.rp-mail*"').stdout.strip()


SFTP = ('sftp -b - -i /etc/inpp-backup/id_ed25519 -o BatchMode=yes -o UserKnownHostsFile=/etc/inpp-backup/known_hosts'
        ' %s@rp-backup')


def test_the_pbx_key_reaches_its_own_repository(pbx_host):
    own = pbx_host.run('echo "ls /repository" | ' + SFTP % 'restic-rp-pbx')
    assert own.rc == 0 and '/repository/config' in own.stdout, own.stdout + own.stderr


def test_the_pbx_key_cannot_log_in_to_the_mail_hosts_account(pbx_host):
    other = pbx_host.run('echo "ls /repository" | ' + SFTP % 'restic-rp-mail')
    assert other.rc != 0 and 'Permission denied' in other.stderr, other.stdout + other.stderr
    assert 'config' not in other.stdout


def test_the_pbx_account_sees_no_other_repository_and_has_no_shell(pbx_host):
    # Chrooted to its own folder: the mail host's repository is not there to list.
    for path in ('/srv/restic/rp-mail/repository', '../rp-mail/repository', '/../rp-mail'):
        listing = pbx_host.run('echo "ls %s" | %s' % (path, SFTP % 'restic-rp-pbx'))
        assert listing.rc != 0 and 'not found' in listing.stderr, (path, listing.stdout, listing.stderr)
    shell = pbx_host.run('ssh -i /etc/inpp-backup/id_ed25519 -o BatchMode=yes -o UserKnownHostsFile=/etc/inpp-backup/known_hosts'
                         ' restic-rp-pbx@rp-backup id </dev/null')
    assert 'uid=' not in shell.stdout, shell.stdout


def test_a_corrupted_repository_fails_the_backup_loudly(evidence):
    log = evidence.log('backup-corrupted')
    assert evidence.rc('backup-corrupted') != 0
    assert 'BACKUP FAILED on %s' % PBX in log, log[-3000:]
