#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: postconf
short_description: Manage Postfix main.cf parameters and master.cf services in one call
version_added: 0.1.0
description:
  - Sets or removes many C(main.cf) parameters at once with C(postconf -e) / C(postconf -X), one command for all
    changes.
  - Manages C(master.cf) service entries and their C(-o) overrides with C(postconf -M) / C(postconf -MX).
  - List values are normalized (commas, blanks, newlines), so a rerun with the same values reports no change.
  - What would change is computed before check mode is honoured; C(--diff) shows C(name = value) lines.
  - Every parameter and service is checked before anything is written, and the C(postconf) edits run on a private
    copy of C(main.cf) and C(master.cf) first; only when all of them succeed are the real files replaced (each
    atomically). A call with one bad item leaves both files untouched, and the error names every bad item (for
    example C(parameters.relayhost) or C(masters[1].private)).
  - Refuses control characters in names and values (line breaks, carriage returns, NUL, the other C0 controls,
    DEL, C1 controls and the Unicode line/paragraph separators; a tab is a blank), values that are not scalars (a
    mapping, a list inside a list), parameter names that are not Postfix names (and, unless O(allow_unknown=true),
    names Postfix does not know), a service listed twice or without a command, C(master.cf) columns that are not
    what Postfix accepts, and C(-o) overrides whose name is not a parameter name or whose value has unbalanced
    C({ }).
  - A C(main.cf) or C(master.cf) that is a symbolic link is edited at its target, and stays a link (C(postconf -e)
    alone would replace the link with a plain file). A directory, device, FIFO or socket in their place is refused
    and left alone; a permission problem is an error naming the file.
  - Concurrent runs serialize on exclusive locks (C(flock)) on hidden files beside C(main.cf) and C(master.cf)
    (C(.main.cf.lock), C(.master.cf.lock)), always taken in that order and held from the first read to the last
    write, so no change is lost. The lock files stay (they are empty); check mode takes no lock.
  - When neither C(main.cf) nor C(master.cf) exists, a call that only removes (O(state=absent), services with
    O(masters[].state=absent)) has nothing to do - it reports no change and creates nothing, not even a lock file.
  - Does not reload Postfix; notify a handler that runs C(postfix check) then C(postfix reload).
author:
  - INPP infrastructure team (@inpp-cd)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - inpp.telecom.attributes
  - inpp.telecom.postfix
options:
  parameters:
    description:
      - C(main.cf) parameters, name -> value.
      - A list value is written joined with C(, ); a boolean as C(yes)/C(no); a number as text.
      - A value with a line break is refused; give a list instead.
      - With O(state=absent) only the names matter.
    type: dict
    default: {}
  state:
    description:
      - V(present) sets the O(parameters), V(absent) removes them from C(main.cf) (back to Postfix defaults).
    type: str
    choices: [present, absent]
    default: present
  allow_unknown:
    description:
      - Accept parameter names Postfix does not know (user-defined parameters referenced as C($name) elsewhere).
      - When false the module fails, before any change, on a name that is neither a built-in parameter
        (C(postconf -d)) nor one Postfix already knows from the current configuration.
    type: bool
    default: false
  masters:
    description:
      - C(master.cf) service entries to manage.
    type: list
    elements: dict
    default: []
    suboptions:
      service:
        description: Service name (first column), for example V(submission).
        type: str
        required: true
      type:
        description: Service type.
        type: str
        choices: [inet, unix, unix-dgram, fifo, pass]
        default: inet
      private:
        description: "Private column: V(y), V(n) or V(-); a boolean becomes V(y)/V(n)."
        type: raw
        default: '-'
      unpriv:
        description: "Unprivileged column: V(y), V(n) or V(-); a boolean becomes V(y)/V(n)."
        type: raw
        default: '-'
      chroot:
        description: "Chroot column: V(y), V(n) or V(-); a boolean becomes V(y)/V(n)."
        type: raw
        default: '-'
      wakeup:
        description: "Wakeup column: seconds, optionally followed by C(?), or V(-)."
        type: raw
        default: '-'
      maxproc:
        description: "Process limit column: a number or V(-)."
        type: raw
        default: '-'
      command:
        description:
          - The command and its arguments, without C(-o) overrides (those go in O(masters[].options)).
          - Required with O(masters[].state=present).
        type: str
      options:
        description:
          - The C(-o name=value) overrides of this service; the entry ends up with exactly these.
          - List values are joined with commas; a value with blanks is written as C(-o { name = value }), so its
            C({ }) must balance.
        type: dict
        default: {}
      state:
        description: Whether the entry exists.
        type: str
        choices: [present, absent]
        default: present
seealso:
  - module: inpp.telecom.postfix_map
  - name: postconf(5)
    description: Postfix configuration parameters.
    link: https://www.postfix.org/postconf.5.html
'''

EXAMPLES = r'''
- name: Relay through the ISP with SASL over mandatory TLS
  inpp.telecom.postconf:
    parameters:
      relayhost: "[smtp.isp.example]:587"
      smtp_sasl_auth_enable: true
      smtp_tls_security_level: secure
      smtp_tls_protocols: ["!SSLv2", "!SSLv3", "!TLSv1", "!TLSv1.1"]
  notify: Reload postfix

- name: Forget a parameter
  inpp.telecom.postconf:
    parameters:
      smtpd_tls_dh1024_param_file:
    state: absent

- name: Submission on port 587
  inpp.telecom.postconf:
    masters:
      - service: submission
        type: inet
        private: n
        chroot: y
        command: smtpd
        options:
          syslog_name: postfix/submission
          smtpd_tls_security_level: encrypt
          smtpd_sasl_auth_enable: true
          smtpd_relay_restrictions: [permit_sasl_authenticated, reject]
'''

RETURN = r'''
changed_parameters:
  description: Parameters set (name -> new value).
  returned: always
  type: dict
  sample: {"relayhost": "[smtp.isp.example]:587"}
removed_parameters:
  description: Parameters removed from main.cf.
  returned: always
  type: list
  elements: str
  sample: [smtpd_tls_dh1024_param_file]
changed_masters:
  description: master.cf entries created, replaced or removed, as C(service/type).
  returned: always
  type: list
  elements: str
  sample: [submission/inet]
backup_file:
  description: Backups made (main.cf and/or master.cf).
  returned: when O(backup=true) and something changed
  type: list
  elements: str
  sample: [/etc/postfix/main.cf.2345.2026-01-01@10:00:00~]
'''

import contextlib
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.inpp.telecom.plugins.module_utils._postfix import (
    PARAMETER_NAME_RE,
    compute_parameter_changes,
    master_entries_equal,
    normalize_master_entry,
    parameter_diff_lines,
    parse_master_entries,
    parse_postconf,
    render_master_entry,
    render_value,
    unknown_warnings,
    unused_parameters,
)
from ansible_collections.inpp.telecom.plugins.module_utils._textfile import (
    TextFileError,
    locked,
    read_text,
    resolve_target,
    write_text_atomically,
)

CONFIG_FILES = ('main.cf', 'master.cf')


class Postconf(object):
    """The postconf(1) commands this module runs (argv lists only)."""

    def __init__(self, module, config_dir=None):
        self.module = module
        self.binary = module.get_bin_path('postconf', required=True)
        self.config_dir = config_dir or module.params.get('config_dir')

    def at(self, config_dir):
        """The same commands run against another configuration directory (the staging copy)."""
        return Postconf(self.module, config_dir)

    def argv(self, *args):
        argv = [self.binary]
        if self.config_dir:
            argv += ['-c', self.config_dir]
        return argv + list(args)

    def run(self, *args):
        rc, out, err = self.module.run_command(self.argv(*args))
        if rc != 0:
            self.module.fail_json(msg='%s failed: %s' % (' '.join(self.argv(*args[:1])), (err or out).strip()),
                                  rc=rc, stdout=out, stderr=err)
        return out, err

    def config_directory(self):
        if self.config_dir:
            return self.config_dir
        out, _err = self.run('-h', 'config_directory')
        return out.strip() or '/etc/postfix'


def validate(params):
    """Every parameter and service, checked before anything is read or written.

    Returns (desired parameters rendered, {(service, type): normalized entry or
    None for state=absent}); raises ValueError listing every bad item.
    """
    errors = []
    desired = {}
    for name, value in (params['parameters'] or {}).items():
        name = str(name)
        if not PARAMETER_NAME_RE.match(name):
            errors.append('parameters: invalid parameter name %r' % name)
            continue
        try:
            desired[name] = render_value(value, where='parameters.%s' % name)
        except ValueError as exc:
            errors.append(str(exc))
    masters = {}
    for index, spec in enumerate(params['masters']):
        where = 'masters[%d]' % index
        key = (str(spec['service']), spec['type'])
        if key in masters:
            errors.append('%s: %s/%s is listed twice' % ((where,) + key))
            continue
        if spec['state'] == 'absent':
            masters[key] = None
            continue
        if not spec.get('command'):
            errors.append('%s: %s/%s needs a command' % ((where,) + key))
            continue
        try:
            masters[key] = normalize_master_entry(spec, where)
        except ValueError as exc:
            errors.append(str(exc))
    if errors:
        raise ValueError('; '.join(errors))
    return desired, masters


def find_unknown(names, known, warned):
    return sorted(name for name in names if name not in known or name in warned)


def compute(module, postconf, desired, masters, config_dir):
    """Everything that has to change, computed before check mode is honoured."""
    params = module.params
    main_cf = os.path.join(config_dir, 'main.cf')
    if os.path.exists(main_cf):
        out, err = postconf.run('-n')
        current = parse_postconf(out)
        # postconf -n leaves out parameters nothing uses (user-defined ones); it only warns about them.
        for name, value in unused_parameters(err).items():
            current.setdefault(name, value)
        known_out, known_err = postconf.run()
        known = set(parse_postconf(known_out))
        warned = unknown_warnings(err) | unknown_warnings(known_err)
    else:
        current = {}
        known = set(parse_postconf(postconf.run('-d')[0]))
        warned = set()

    if params['state'] == 'present' and not params['allow_unknown']:
        # postconf lists every parameter it knows (built-in, per-service, and user-defined ones that
        # are referenced); a name set in main.cf but unused is only warned about, never listed.
        unknown = find_unknown(desired, known, warned)
        if unknown:
            module.fail_json(msg='unknown Postfix parameter(s): %s (set allow_unknown=true for user-defined ones)'
                             % ', '.join(unknown), unknown_parameters=unknown)

    changes = compute_parameter_changes(current, desired, params['state'])

    master_changes = []
    if masters:
        current_masters = parse_master_entries(postconf.run('-M')[0])
        overrides = parse_postconf(postconf.run('-P')[0])
        for (service, service_type), entry in current_masters.items():
            prefix = '%s/%s/' % (service, service_type)
            found = dict((name[len(prefix):], value) for name, value in overrides.items() if name.startswith(prefix))
            if found:
                entry['options'] = found
        for key, desired_entry in masters.items():
            current_entry = current_masters.get(key)
            if desired_entry is None:
                if current_entry is not None:
                    master_changes.append(('absent', key, current_entry, None))
            elif not master_entries_equal(current_entry, desired_entry):
                master_changes.append(('present', key, current_entry, desired_entry))
    return current, changes, master_changes


def build_diff(current, changes, master_changes, config_dir):
    names = list(changes['set']) + list(changes['remove'])
    before = parameter_diff_lines(current, names)
    after = parameter_diff_lines(changes['set'], changes['set'])
    for _state, key, current_entry, desired_entry in master_changes:
        if current_entry is not None:
            before += '%s/%s = %s\n' % (key[0], key[1], render_master_entry(current_entry))
        if desired_entry is not None:
            after += '%s/%s = %s\n' % (key[0], key[1], render_master_entry(desired_entry))
    return {
        'before': before,
        'after': after,
        'before_header': os.path.join(config_dir, 'main.cf') + ' / master.cf (before)',
        'after_header': os.path.join(config_dir, 'main.cf') + ' / master.cf (after)',
    }


def run_edits(postconf, changes, master_changes):
    if changes['set']:
        postconf.run('-e', *['%s=%s' % (name, value) for name, value in changes['set'].items()])
    if changes['remove']:
        postconf.run('-X', *changes['remove'])
    removals = ['%s/%s' % key for state, key, _cur, _des in master_changes if state == 'absent']
    updates = ['%s/%s=%s' % (key[0], key[1], render_master_entry(desired))
               for state, key, _cur, desired in master_changes if state == 'present']
    if updates:
        postconf.run('-M', *updates)
    if removals:
        postconf.run('-MX', *removals)


def apply(module, postconf, changes, master_changes, targets):
    """Run every postconf edit on a staging copy, then write the files that changed.

    postconf -e/-M replace main.cf/master.cf by renaming a new file over them,
    which would turn a linked file into a plain one; and a failure after the
    first command would leave main.cf changed and master.cf not. On a copy,
    every command must succeed before either real file is touched, and the
    results go through the same atomic, link-following writer as the other
    modules (ownership and mode kept, backup beside the target).
    """
    stage = tempfile.mkdtemp(prefix='postconf-', dir=module.tmpdir)
    try:
        before = {}
        for name, target in targets.items():
            before[name] = read_text(target) or ''
            with open(os.path.join(stage, name), 'w', encoding='utf-8', newline='') as handle:
                handle.write(before[name])
        run_edits(postconf.at(stage), changes, master_changes)
        backups = []
        for name, target in targets.items():
            after = read_text(os.path.join(stage, name)) or ''
            if after != before[name]:
                backup = write_text_atomically(module, target, after)
                if backup:
                    backups.append(backup)
        return backups
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def main():
    master_spec = dict(
        service=dict(type='str', required=True),
        type=dict(type='str', default='inet', choices=['inet', 'unix', 'unix-dgram', 'fifo', 'pass']),
        private=dict(type='raw', default='-'),
        unpriv=dict(type='raw', default='-'),
        chroot=dict(type='raw', default='-'),
        wakeup=dict(type='raw', default='-'),
        maxproc=dict(type='raw', default='-'),
        command=dict(type='str'),
        options=dict(type='dict', default={}),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    module = AnsibleModule(
        argument_spec=dict(
            parameters=dict(type='dict', default={}),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            allow_unknown=dict(type='bool', default=False),
            masters=dict(type='list', elements='dict', default=[], options=master_spec),
            config_dir=dict(type='path'),
            backup=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    try:
        desired, masters = validate(module.params)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    postconf = Postconf(module)
    config_dir = postconf.config_directory()
    try:
        targets = dict((name, resolve_target(os.path.join(config_dir, name))) for name in CONFIG_FILES)
        # Removals when neither file exists have nothing to do: no lock
        # either, whose files would be all the run leaves.
        removes_only = (module.params['state'] == 'absent' or not desired) and not any(masters.values())
        nothing_to_do = removes_only and not any(os.path.lexists(target) for target in targets.values())
        with contextlib.ExitStack() as stack:
            # Parallel plays serialize from the first read to the last write;
            # always main.cf then master.cf, so two runs cannot deadlock.
            for name in CONFIG_FILES:
                stack.enter_context(locked(targets[name], enabled=not (module.check_mode or nothing_to_do)))
            if nothing_to_do:
                current, changes, master_changes = {}, {'set': {}, 'remove': []}, []
            else:
                current, changes, master_changes = compute(module, postconf, desired, masters, config_dir)
            changed = bool(changes['set'] or changes['remove'] or master_changes)
            result = dict(
                changed=changed,
                changed_parameters=changes['set'],
                removed_parameters=changes['remove'],
                changed_masters=['%s/%s' % key for _state, key, _cur, _des in master_changes],
            )
            if module._diff:
                result['diff'] = build_diff(current, changes, master_changes, config_dir)
            if changed and not module.check_mode:
                backups = apply(module, postconf, changes, master_changes, targets)
                if backups:
                    result['backup_file'] = backups
    except TextFileError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
