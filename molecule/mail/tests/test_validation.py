# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Invalid input stops the roles at validation, naming the field, before any change."""
import json
import os
import pathlib
import re
import subprocess
import sys

import pytest

HASH = '{SHA512-CRYPT}$6$f6dbe536d037c336$JL43NXTHkmjijhCzYcojeIv1ZJRPQaQMis0Ct8hdV85mJtQ.32K/ArnnHS5i63Y6UL02llrm5Qck.58JClDgF1'

CASES = {
    'dovecot': ('inpp.telecom.dovecot', {
        'dovecot_domains': ['inpp.cd', 'not_a_domain'],
        'dovecot_users': [
            {'address': 'daddy.nzinga@inpp.cd', 'password_hash': HASH},
            {'address': 'daddy.nzinga@inpp.cd', 'password_hash': HASH},
            {'address': 'someone@elsewhere.org', 'password_hash': HASH},
            {'address': 'not an address', 'password_hash': HASH},
            {'address': 'marie.kabila@inpp.cd'},
            {'address': 'paul.lukusa@inpp.cd', 'password_hash': 'secret'},
        ],
    }, [
        "dovecot_domains[1]: 'not_a_domain' is not a valid domain name",
        "dovecot_users[1].address: duplicate mailbox 'daddy.nzinga@inpp.cd'",
        "dovecot_users[2].address: domain 'elsewhere.org' is not declared",
        "dovecot_users[3].address: 'not an address' is not a valid mail address",
        'dovecot_users[4].password_hash: missing',
        'dovecot_users[5].password_hash: not a {SCHEME}hash value',
    ]),
    # The directory itself, as the dovecot role derives its mailboxes from it (the one model's rules).
    'directory': ('inpp.telecom.dovecot', {
        'telecom_users': [
            {'name': 'Daddy\nNzinga', 'login': 'Daddy.Nzinga', 'mail_password_hash': '{CRYPT}$6$salt$hash'},
            {'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'mail_password_hash': HASH,
             'vacation': {'subject': 'Absent\nBcc: everyone@example.org', 'body': 'Back on Monday.\nDaddy'}},
            'not a user',
        ],
    }, [
        "telecom_users[0].login: 'Daddy.Nzinga' has capitals: write it in lowercase ('daddy.nzinga')",
        'telecom_users[0].name: contains a line break',
        'telecom_users[0].mail_password_hash: not a {SCHEME}hash value',
        "telecom_users[1].login: duplicate 'daddy.nzinga' (already telecom_users[0]",
        'telecom_users[1].vacation.subject: contains a line break',
        'telecom_users[2]: must be a mapping, got text',
    ]),
    'postfix': ('inpp.telecom.postfix', {
        'postfix_virtual_aliases': {'empty@inpp.cd': [], 'contact@inpp.cd': ['paul.lukusa@inpp.cd']},
    }, [
        'postfix_virtual_aliases',
        'empty@inpp.cd',
    ]),
}


@pytest.mark.skipif('MOLECULE_INVENTORY_FILE' not in os.environ, reason="needs Molecule's inventory")
@pytest.mark.parametrize('case', sorted(CASES))
def test_invalid_input_fails_before_any_change(case, tmp_path):
    role, variables, expected = CASES[case]
    extra = tmp_path / 'invalid.json'
    extra.write_text(json.dumps(dict(variables, role_under_test=role)))
    scenario = pathlib.Path(os.environ.get('MOLECULE_SCENARIO_DIRECTORY', pathlib.Path(__file__).parent.parent))
    env = dict(os.environ, ANSIBLE_FORCE_COLOR='0', ANSIBLE_NOCOLOR='1')
    run = subprocess.run([str(pathlib.Path(sys.executable).parent / 'ansible-playbook'),
                          '-i', os.environ['MOLECULE_INVENTORY_FILE'], '-e', '@%s' % extra,
                          str(scenario / 'invalid.yml')],
                         capture_output=True, text=True, timeout=600, check=False, env=env)
    output = re.sub(r'\x1b\[[0-9;]*m', '', run.stdout + run.stderr)
    assert run.returncode != 0, output[-3000:]
    for fragment in expected:
        assert fragment in output, (fragment, output[-3000:])
    recap = re.search(r'mailhub-bullseye\s+:\s+ok=\d+\s+changed=(\d+)', output)
    assert recap and recap.group(1) == '0', output[-3000:]
