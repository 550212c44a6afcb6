#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: asterisk_command
short_description: Run Asterisk CLI commands, such as targeted reloads, through the remote console
version_added: 0.1.0
description:
  - Runs one or more Asterisk CLI commands with C(asterisk -rx), for example the narrow reloads
    C(pjsip reload), C(dialplan reload), C(voicemail reload), C(queue reload all) or C(module reload NAME).
  - Fails when Asterisk reports an error, even with exit status 0 (C(No such command), C(No such module),
    C(Unable to connect to remote asterisk), a module that failed to reload).
  - Read-only commands (C(... show ...), C(... list ...), C(core ping), C(database get)) report no change and also
    run in check mode. Any other command is assumed to change the running state - it reports a change and is not
    run in check mode.
  - Refuses C(core restart now|gracefully) and C(core stop now|gracefully) while calls are up, unless O(force=true).
author:
  - INPP infrastructure team (@inpp-cd)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - inpp.telecom.attributes.no_diff
  - inpp.telecom.asterisk
attributes:
  check_mode:
    details: Read-only commands run; other commands are reported as changed without running.
options:
  command:
    description:
      - One CLI command. Exactly one of O(command) and O(commands) is required.
    type: str
  commands:
    description:
      - CLI commands run in order; the module stops at the first one that fails.
    type: list
    elements: str
  read_only:
    description:
      - Whether the commands only read state. V(true) reports C(changed=false) and runs in check mode;
        V(false) reports a change and skips in check mode.
      - When omitted it is guessed from each command, see the description.
    type: bool
  force:
    description:
      - Run C(core restart|stop now|gracefully) even when calls are active.
    type: bool
    default: false
seealso:
  - module: inpp.telecom.asterisk_info
  - module: inpp.telecom.asterisk_config
'''

EXAMPLES = r'''
- name: Reload PJSIP after pjsip.conf changed (handler)
  inpp.telecom.asterisk_command:
    command: pjsip reload

- name: Reload the dialplan and the queues
  inpp.telecom.asterisk_command:
    commands:
      - dialplan reload
      - queue reload all

- name: Restart Asterisk, but only when no call is up
  inpp.telecom.asterisk_command:
    command: core restart now

- name: Read-only command, runs in check mode too
  inpp.telecom.asterisk_command:
    command: pjsip show endpoints
  register: endpoints
'''

RETURN = r'''
results:
  description: One entry per command, in order.
  returned: always
  type: list
  elements: dict
  contains:
    command:
      description: The command.
      type: str
      sample: pjsip reload
    stdout:
      description: What Asterisk printed (empty when skipped in check mode).
      type: str
      sample: Module 'res_pjsip.so' reloaded successfully.
    stdout_lines:
      description: RV(results[].stdout) split into lines.
      type: list
      elements: str
    changed:
      description: Whether the command changed (or in check mode would change) the running state.
      type: bool
    skipped:
      description: Whether the command was not run because of check mode.
      type: bool
  sample: [{"command": "dialplan reload", "stdout": "Dialplan reloaded.", "stdout_lines": ["Dialplan reloaded."],
            "changed": true, "skipped": false}]
stdout:
  description: Output of all the commands run, joined with newlines.
  returned: always
  type: str
  sample: Dialplan reloaded.
stdout_lines:
  description: RV(stdout) split into lines.
  returned: always
  type: list
  elements: str
  sample: [Dialplan reloaded.]
'''

import re
from typing import Any, Dict, List, Optional

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import (
    cli_argument_spec,
    cli_argv,
    cli_error,
    parse_channel_counts,
)

READ_ONLY = re.compile(
    r'^\s*(?:(?:\S+\s+)?(?:show|list)\b|core\s+ping\b|database\s+(?:get|show|showkey)\b|help\b)',
    re.IGNORECASE,
)
DISRUPTIVE = re.compile(r'^\s*core\s+(?:restart|stop)\s+(?:now|gracefully)\b', re.IGNORECASE)


def is_read_only(command: str, override: Optional[bool] = None) -> bool:
    """Whether ``command`` only reads state (``override`` wins when given)."""
    if override is not None:
        return override
    return bool(READ_ONLY.match(command))


def run_cli(module: AnsibleModule, command: str) -> str:
    """Run one command; fail the module on any error Asterisk reports."""
    rc, out, err = module.run_command(cli_argv(module.params, command))
    error = cli_error(rc, out, err)
    if error:
        module.fail_json(msg="asterisk -rx '%s' failed: %s" % (command, error), rc=rc, stdout=out, stderr=err,
                         command=command)
    return out


def guard_calls(module: AnsibleModule, command: str) -> None:
    """Refuse a restart/stop that would drop calls, unless forced."""
    if module.params['force'] or not DISRUPTIVE.match(command):
        return
    counts = parse_channel_counts(run_cli(module, 'core show channels count'))
    if counts['active_calls']:
        module.fail_json(msg="refusing '%s': %d active call(s); set force=true to run it anyway"
                         % (command, counts['active_calls']), **counts)


def main() -> None:
    argument_spec = cli_argument_spec()
    argument_spec.update(
        command=dict(type='str'),
        commands=dict(type='list', elements='str'),
        read_only=dict(type='bool'),
        force=dict(type='bool', default=False),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('command', 'commands')],
        required_one_of=[('command', 'commands')],
        supports_check_mode=True,
    )
    commands: List[str] = [module.params['command']] if module.params['command'] else module.params['commands']
    if not commands or any(not c or not c.strip() for c in commands):
        module.fail_json(msg='commands must not be empty')

    results: List[Dict[str, Any]] = []
    for command in commands:
        read_only = is_read_only(command, module.params['read_only'])
        guard_calls(module, command)
        if module.check_mode and not read_only:
            results.append(dict(command=command, stdout='', stdout_lines=[], changed=True, skipped=True))
            continue
        out = run_cli(module, command).rstrip('\n')
        results.append(dict(command=command, stdout=out, stdout_lines=out.splitlines(),
                            changed=not read_only, skipped=False))

    stdout = '\n'.join(r['stdout'] for r in results if not r['skipped'])
    module.exit_json(changed=any(r['changed'] for r in results), results=results,
                     stdout=stdout, stdout_lines=stdout.splitlines())


if __name__ == '__main__':
    main()
