# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""site.yml --check on bare hosts: it succeeds, previews what it would install, changes nothing."""
from __future__ import annotations

import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

SITE = pathlib.Path(__file__).resolve().parents[3] / 'playbooks' / 'site.yml'
# What each host's roles would install (the apt diff of check mode lists them).
PACKAGES = {
    'preview-mail': ['postfix', 'dovecot-core', 'dovecot-imapd'],
    'preview-pbx': ['postfix', 'asterisk', 'asterisk-voicemail'],
}
SERVICES = {'preview-mail': ['Postfix', 'Dovecot'], 'preview-pbx': ['Postfix', 'Asterisk']}
# Nothing a real run would create may exist after the dry run.
ABSENT = ['/etc/postfix/main.cf', '/etc/dovecot/dovecot.conf', '/etc/asterisk/pjsip.conf',
          '/etc/inpp-telecom', '/var/vmail']


def preview_log() -> str:
    """The output of converge.yml's `ansible-playbook --check --diff playbooks/site.yml`."""
    return (pathlib.Path(os.environ['MOLECULE_EPHEMERAL_DIRECTORY']) / 'site-check.log').read_text()


def host_output(log: str, host: str) -> str:
    """The lines of the log that a task printed for this host (its results and their diffs)."""
    blocks = re.split(r'^(?=TASK \[|RUNNING HANDLER \[|PLAY RECAP)', log, flags=re.M)
    return '\n'.join(block for block in blocks if re.search(r'^\S+: \[%s\]' % re.escape(host), block, re.M))


def test_the_dry_run_succeeds_on_both_hosts():
    log = preview_log()
    assert log.startswith('rc=0\n'), log[-4000:]
    recap = dict(re.findall(r'^(preview-\w+)\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=(\d+)', log, re.M))
    assert recap == {'preview-mail': '0', 'preview-pbx': '0'}, log[-3000:]


@pytest.mark.parametrize('name', sorted(PACKAGES))
def test_the_dry_run_previews_the_installation(name):
    output = host_output(preview_log(), name)
    installs = ' '.join(re.findall(r'The following NEW packages will be installed:\n((?:\s+\S.*\n)+)', output))
    for package in PACKAGES[name]:
        assert re.search(r'(?<![\w.-])%s(?![\w.-])' % re.escape(package), installs), (package, installs)
    for service in SERVICES[name]:
        assert 'Check mode: %s is not installed yet' % service in output, output[-3000:]


def test_the_dry_run_changed_nothing(host):
    name = host.backend.get_hostname()
    for package in PACKAGES[name]:
        assert not host.package(package).is_installed, package
    for path in ABSENT:
        assert not host.file(path).exists, path
    assert not host.user('vmail').exists
    if host.file('/etc/mailname').exists:
        assert 'inpp.cd' not in host.file('/etc/mailname').content_string


def test_a_missing_supplied_certificate_stops_the_run_naming_the_variable():
    """host_base_tls_cert_file/key_file name files that must exist: the run stops before installing."""
    extra = {'ansible_become': False,  # as in converge.yml
             'host_base_tls_cert_file': '/etc/ssl/inpp/absent.crt', 'host_base_tls_key_file': '/etc/ssl/inpp/absent.key'}
    playbook = pathlib.Path(sys.executable).parent / 'ansible-playbook'
    run = subprocess.run([str(playbook), '--check', '-i', os.environ['MOLECULE_INVENTORY_FILE'], '-l', 'preview-mail',
                          '-e', json.dumps(extra), str(SITE)],
                         capture_output=True, text=True, check=False, timeout=600,
                         env=dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1'))
    out = run.stdout + run.stderr
    assert run.returncode != 0, out[-3000:]
    assert ('host_base_tls_cert_file: /etc/ssl/inpp/absent.crt does not exist on preview-mail; '
            'host_base_tls_key_file: /etc/ssl/inpp/absent.key does not exist on preview-mail') in out, out[-3000:]
    assert 'install those of Postfix' not in out, out[-3000:]
