#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: sieve_vacation
short_description: Write, activate and deactivate the Sieve vacation scripts of every mailbox in one call
version_added: 0.1.0
description:
  - Manages the out-of-office (Sieve C(vacation)) replies of all the virtual mailboxes of a Dovecot host at once,
    so a role never loops over its users.
  - For each mailbox in O(vacations), writes C(<home>/sieve/<script_name>) when its text differs and makes it the
    active script by pointing the C(<home>/.dovecot.sieve) symlink at it (a different active script is replaced).
  - For each other mailbox in O(mailboxes), removes C(<home>/.dovecot.sieve) when it points at the vacation script,
    which switches the reply off; any other active script of the user is left alone. The script file itself stays.
  - Every input error is reported, each naming its field, before anything changes on the host.
  - The home and C(sieve) directories get mode C(0700), the script C(0600), all owned by O(owner) and O(group).
    Dovecot (Pigeonhole) compiles the script itself at the next delivery.
author:
  - INPP infrastructure team (@inpp-cd)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - inpp.telecom.attributes
options:
  mailboxes:
    description:
      - Every mailbox of the host, as its address mapped to its home directory (an absolute path).
      - Mailboxes missing from O(vacations) have their vacation script deactivated.
    type: dict
    required: true
  vacations:
    description:
      - The mailboxes that have an out-of-office reply, as their address (a key of O(mailboxes)) mapped to the
        reply. An address mapped to null (or an empty mapping) has no reply.
      - Each reply is a mapping with C(subject) and C(body) (non-empty strings; the body is stripped of leading
        and trailing blanks) and optionally C(days), the number of days (at least 1) before the same sender is
        answered again, O(default_days) when missing.
    type: dict
    default: {}
  default_days:
    description: Days before the same sender gets another reply, for replies without C(days).
    type: int
    default: 1
  script_name:
    description: File name of the vacation script in each mailbox's C(sieve) directory.
    type: str
    default: inpp-vacation.sieve
  header:
    description:
      - Comment lines put at the top of each script, for example
        C({{ lookup('ansible.builtin.config', 'DEFAULT_MANAGED_STR') | comment }}). Every line must start with
        C(#). Empty for none.
    type: str
    default: ''
  owner:
    description: User owning the directories and scripts (the virtual mail user). Unset keeps the module's user.
    type: str
  group:
    description: Group of the directories and scripts. Unset keeps the module's group.
    type: str
notes:
  - The layout (C(~/sieve/) with C(~/.dovecot.sieve) as the active script) is Dovecot's C(sieve = file:~/sieve;
    active=~/.dovecot.sieve) default, used by both Dovecot 2.3 and 2.4 configurations of M(inpp.telecom.dovecot).
  - Replies go to senders only for mail addressed to the mailbox's own address, lower-cased.
seealso:
  - name: Sieve vacation extension (RFC 5230)
    description: The C(vacation) action the scripts use.
    link: https://www.rfc-editor.org/rfc/rfc5230
'''

EXAMPLES = r'''
- name: Vacation replies of every mailbox
  inpp.telecom.sieve_vacation:
    mailboxes:
      daddy.nzinga@inpp.cd: /var/vmail/inpp.cd/daddy.nzinga
      grace.mbuyi@inpp.cd: /var/vmail/inpp.cd/grace.mbuyi
    vacations:
      grace.mbuyi@inpp.cd:
        subject: Out of office
        body: Back on Monday. For urgent matters call 1001.
        days: 3
    owner: vmail
    group: vmail
    header: "{{ lookup('ansible.builtin.config', 'DEFAULT_MANAGED_STR') | comment }}"

- name: Switch every vacation reply off
  inpp.telecom.sieve_vacation:
    mailboxes: "{{ homes_by_address }}"
    vacations: {}
'''

RETURN = r'''
changed_addresses:
  description: Mailboxes whose script, directories or active script changed (or would change in check mode).
  returned: always
  type: list
  elements: str
  sample: [grace.mbuyi@inpp.cd]
activated:
  description: Mailboxes whose vacation script became the active script.
  returned: always
  type: list
  elements: str
  sample: [grace.mbuyi@inpp.cd]
deactivated:
  description: Mailboxes whose vacation script stopped being the active script.
  returned: always
  type: list
  elements: str
  sample: [daddy.nzinga@inpp.cd]
'''

import grp
import os
import pwd
import typing as t

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.inpp.telecom.plugins.module_utils._textfile import (
    CONTROL_CHARACTERS,
    TextFileError,
    build_diff,
    read_text,
    write_text_atomically,
)

ACTIVE_LINK = '.dovecot.sieve'
SCRIPT_DIR = 'sieve'


def positive_days(value: t.Any) -> t.Optional[int]:
    """The number of days as an int, or None when *value* is not a whole number of at least 1."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and value >= 1:
        return value
    return None


def validate(mailboxes: dict, vacations: dict, default_days: int, script_name: str, header: str) -> list:
    """Every problem in the input, each naming its field; [] when the input is usable."""
    errors = []
    if positive_days(default_days) is None:
        errors.append('default_days: %r is not a whole number of days of at least 1' % (default_days,))
    if not script_name or '/' in script_name or script_name.startswith('.') or '\n' in script_name:
        errors.append('script_name: %r must be a plain file name (no "/", not hidden)' % (script_name,))
    if any(line and not line.startswith('#') for line in header.splitlines()):
        errors.append('header: every line must be a comment starting with "#"')
    for address, home in mailboxes.items():
        if not isinstance(home, str) or not os.path.isabs(home):
            errors.append('mailboxes[%s]: home %r is not an absolute path' % (address, home))
    for address, vacation in vacations.items():
        where = 'vacations[%s]' % address
        if address not in mailboxes:
            errors.append('%s: not a mailbox listed in mailboxes' % where)
        if not isinstance(vacation, dict):
            errors.append('%s: must be a mapping with subject and body' % where)
            continue
        for field in ('subject', 'body'):
            text = vacation.get(field)
            if not isinstance(text, str) or not text.strip():
                errors.append('%s.%s: missing or empty' % (where, field))
            # A line break is the body's business; anywhere else a control character is refused.
            elif CONTROL_CHARACTERS.search(text.replace('\n', '') if field == 'body' else text):
                errors.append('%s.%s: control characters are not allowed%s'
                              % (where, field, ' (line breaks only in the body)' if field == 'subject' else ''))
        unknown = sorted(set(vacation) - {'subject', 'body', 'days'})
        if unknown:
            errors.append('%s: unknown field(s) %s (expected subject, body, days)' % (where, ', '.join(unknown)))
        if vacation.get('days') is not None and positive_days(vacation['days']) is None:
            errors.append('%s.days: %r is not a whole number of days of at least 1' % (where, vacation['days']))
    return errors


def sieve_string(text: str) -> str:
    """*text* as a Sieve quoted string (RFC 5228 2.4.2): backslash and double quote escaped."""
    return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')


def render_script(address: str, vacation: dict, default_days: int, header: str = '') -> str:
    """The vacation script of *address*: one reply per sender every ``days`` days."""
    days = positive_days(vacation.get('days')) or default_days
    lines = [header] if header else []
    lines += [
        '# Out-of-office reply for %s: one reply per sender every %d day(s).' % (address, days),
        'require ["vacation"];',
        '',
        'vacation',
        '  :days %d' % days,
        '  :subject %s' % sieve_string(vacation['subject']),
        '  :addresses [%s]' % sieve_string(address.lower()),
        '  %s;' % sieve_string(vacation['body'].strip()),
    ]
    return '\n'.join(lines) + '\n'


def active_target(home: str) -> t.Optional[str]:
    """Where ``<home>/.dovecot.sieve`` points; None when it is missing, '' when it is not a symlink."""
    try:
        return os.readlink(os.path.join(home, ACTIVE_LINK))
    except FileNotFoundError:
        return None
    except OSError:
        # EINVAL: a regular file or a directory, i.e. not our symlink.
        return ''


def blocking_path(home: str, script_name: str) -> t.Optional[str]:
    """A path of the wrong type in the way of *home*'s vacation script, or None.

    The home and sieve directories must be directories (or absent); the script and the active
    script must not be directories (a regular file as active script is replaced, as Dovecot's
    single-script setups have one).
    """
    sieve_dir = os.path.join(home, SCRIPT_DIR)
    for path in (home, sieve_dir):
        if os.path.lexists(path) and not os.path.isdir(path):
            return path
    for path in (os.path.join(sieve_dir, script_name), os.path.join(home, ACTIVE_LINK)):
        if os.path.isdir(path) and not os.path.islink(path):
            return path
    return None


class Plan(t.NamedTuple):
    """What one mailbox needs; computed before anything changes."""
    address: str
    home: str
    script: t.Optional[str]  # the desired script text, None for a mailbox without a vacation reply
    current: t.Optional[str]  # the script text on disk
    link_target: t.Optional[str]  # the active script symlink's target ('' when not a symlink)


def plan_mailboxes(mailboxes: dict, vacations: dict, default_days: int, script_name: str, header: str) -> list:
    """One Plan per mailbox, in the order of *mailboxes*."""
    plans = []
    for address, home in mailboxes.items():
        vacation = vacations.get(address)
        script = render_script(address, vacation, default_days, header) if vacation else None
        current = read_text(os.path.join(home, SCRIPT_DIR, script_name)) if script is not None else None
        plans.append(Plan(address, home, script, current, active_target(home)))
    return plans


def link_diff(path: str, before: t.Optional[str], after: t.Optional[str]) -> dict:
    def describe(target):
        if target is None:
            return '%s (absent)' % path, ''
        if target == '':
            return '%s (not a symlink)' % path, ''
        return '%s (symlink)' % path, '-> %s\n' % target
    before_header, before_text = describe(before)
    after_header, after_text = describe(after)
    return dict(before_header=before_header, before=before_text, after_header=after_header, after=after_text)


class Applier:
    """Carries out plans through AnsibleModule (check mode, ownership, atomic writes) and records the result."""

    def __init__(self, module: AnsibleModule, script_name: str):
        self.module = module
        self.script_name = script_name
        self.target = '%s/%s' % (SCRIPT_DIR, script_name)
        self.owner = module.params['owner']
        self.group = module.params['group']
        self.diffs: list = []

    def attributes(self, path: str, mode: int, changed: bool) -> bool:
        """Owner, group and mode of an existing *path*; True when they (would) change."""
        file_args = dict(path=path, mode=mode, owner=self.owner, group=self.group, attributes=None,
                         secontext=[None, None, None])
        return self.module.set_fs_attributes_if_different(file_args, changed, expand=False)

    def directory(self, path: str) -> bool:
        if not os.path.isdir(path):
            if not self.module.check_mode:
                os.mkdir(path, 0o700)
                self.attributes(path, 0o700, True)
            return True
        return self.attributes(path, 0o700, False)

    def enable(self, plan: Plan) -> t.Tuple[bool, bool]:
        """Write and activate the vacation script; returns (anything changed, newly activated)."""
        sieve_dir = os.path.join(plan.home, SCRIPT_DIR)
        script_path = os.path.join(sieve_dir, self.script_name)
        changed = self.directory(plan.home)
        changed = self.directory(sieve_dir) or changed
        if plan.current != plan.script:
            changed = True
            if self.module._diff:
                self.diffs.append(build_diff(script_path, plan.current, plan.script))
            if not self.module.check_mode:
                write_text_atomically(self.module, script_path, plan.script)
        if os.path.exists(script_path):
            changed = self.attributes(script_path, 0o600, changed) or changed
        activated = plan.link_target != self.target
        if activated:
            link_path = os.path.join(plan.home, ACTIVE_LINK)
            if self.module._diff:
                self.diffs.append(link_diff(link_path, plan.link_target, self.target))
            if not self.module.check_mode:
                replace_with_symlink(link_path, self.target)
        return changed or activated, activated

    def disable(self, plan: Plan) -> bool:
        """Remove the active script symlink when it is the vacation script; True when it was."""
        if plan.link_target != self.target:
            return False
        link_path = os.path.join(plan.home, ACTIVE_LINK)
        if self.module._diff:
            self.diffs.append(link_diff(link_path, plan.link_target, None))
        if not self.module.check_mode:
            os.unlink(link_path)
        return True


def replace_with_symlink(path: str, target: str) -> None:
    """Point *path* at *target*, replacing whatever file or symlink is there in one rename."""
    tmp_path = os.path.join(os.path.dirname(path), '.%s.inpp-tmp' % os.path.basename(path))
    if os.path.lexists(tmp_path):
        os.unlink(tmp_path)
    os.symlink(target, tmp_path)
    os.replace(tmp_path, path)


def check_accounts(owner: t.Optional[str], group: t.Optional[str]) -> list:
    errors = []
    if owner is not None:
        try:
            pwd.getpwnam(owner)
        except KeyError:
            errors.append('owner: user %r does not exist on the host' % owner)
    if group is not None:
        try:
            grp.getgrnam(group)
        except KeyError:
            errors.append('group: group %r does not exist on the host' % group)
    return errors


def main():
    module = AnsibleModule(
        argument_spec=dict(
            mailboxes=dict(type='dict', required=True),
            vacations=dict(type='dict', default={}),
            default_days=dict(type='int', default=1),
            script_name=dict(type='str', default='inpp-vacation.sieve'),
            header=dict(type='str', default=''),
            owner=dict(type='str'),
            group=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    mailboxes = dict((str(address), home) for address, home in params['mailboxes'].items())
    vacations = dict((str(address), vacation) for address, vacation in params['vacations'].items() if vacation)
    errors = validate(mailboxes, vacations, params['default_days'], params['script_name'], params['header'])
    errors += check_accounts(params['owner'], params['group'])
    if not errors:
        for address in vacations:
            blocker = blocking_path(mailboxes[address], params['script_name'])
            if blocker:
                errors.append('vacations[%s]: %s is in the way (wrong file type)' % (address, blocker))
    if errors:
        module.fail_json(msg='; '.join(errors), errors=errors)

    try:
        plans = plan_mailboxes(mailboxes, vacations, params['default_days'], params['script_name'],
                               params['header'].rstrip('\n'))
    except TextFileError as exc:
        module.fail_json(msg=str(exc))
    applier = Applier(module, params['script_name'])
    changed_addresses, activated, deactivated = [], [], []
    for plan in plans:
        try:
            if plan.script is not None:
                changed, newly_active = applier.enable(plan)
                if newly_active:
                    activated.append(plan.address)
            else:
                changed = applier.disable(plan)
                if changed:
                    deactivated.append(plan.address)
        except (OSError, TextFileError) as exc:
            # A mailbox's files cannot be changed (missing domain directory, permissions):
            # report which one, and which were already done.
            module.fail_json(msg='%s: cannot update the vacation script under %s: %s'
                             % (plan.address, plan.home, getattr(exc, 'strerror', None) or exc),
                             changed=bool(changed_addresses), changed_addresses=changed_addresses)
        if changed:
            changed_addresses.append(plan.address)

    result = dict(changed=bool(changed_addresses), changed_addresses=changed_addresses, activated=activated,
                  deactivated=deactivated)
    if module._diff:
        result['diff'] = applier.diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
