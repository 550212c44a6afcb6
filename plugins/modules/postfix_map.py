#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: postfix_map
short_description: Manage a Postfix lookup table source file and rebuild its database
version_added: 0.1.0
description:
  - Adds, changes or removes entries of a Postfix lookup table source (C(key value) lines, or lines with a colon
    after the key for aliases(5) files), keeping every other line byte-identical.
  - Rebuilds the indexed database with C(postmap) (or C(postalias) for O(kind=alias)) only when the source
    changed or the database is missing or older than the source.
  - The database type comes from Postfix's C(default_database_type) (for example C(hash) on Debian 11,
    C(lmdb) where Postfix defaults to it) unless O(map_type) says otherwise.
  - Secret tables (O(secret=true), for example SASL client passwords) are created with mode C(0600), their
    values are kept out of the output and the diff shows keys only.
author:
  - INPP infrastructure team (@inpp-cd)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - inpp.telecom.attributes
  - inpp.telecom.postfix
  - ansible.builtin.files
options:
  path:
    description: The table source file, for example C(/etc/postfix/virtual).
    type: path
    required: true
  entries:
    description:
      - With O(state=present), a mapping key -> value; a list value is written joined with C(, ).
      - With O(state=absent), the keys to remove (a list, or a mapping whose values are ignored).
    type: raw
    default: {}
  state:
    description: Whether the O(entries) are present or absent.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description: With O(state=present), remove every entry whose key is not in O(entries). Comments stay.
    type: bool
    default: false
  kind:
    description:
      - V(map) is a postmap(1) table (C(key value)); V(alias) an aliases(5) file (a colon after each key) built
        with postalias(1).
    type: str
    choices: [map, alias]
    default: map
  map_type:
    description:
      - Database type to build (V(hash), V(lmdb), V(cdb), V(btree)...). V(auto) asks
        C(postconf -h default_database_type).
      - Types without a database file (V(texthash), V(regexp), V(pcre)...) are not built.
    type: str
    default: auto
  secret:
    description:
      - The values are secrets. New files get mode C(0600) (unless O(mode) is given), the database the same
        mode as the source, and values never appear in the result or the diff.
    type: bool
    default: false
  rebuild:
    description: Build the database when needed. V(false) only edits the source.
    type: bool
    default: true
notes:
  - Keys are compared exactly; note that C(hash)/C(lmdb) lookups fold keys to lower case.
seealso:
  - module: inpp.telecom.postconf
  - name: postmap(1)
    description: Postfix lookup table management.
    link: https://www.postfix.org/postmap.1.html
'''

EXAMPLES = r'''
- name: Virtual mailboxes delivered by Dovecot
  inpp.telecom.postfix_map:
    path: /etc/postfix/virtual_mailboxes
    entries:
      daddy.nzinga@inpp.cd: OK
    exclusive: true
  notify: Reload postfix

- name: Distribution lists
  inpp.telecom.postfix_map:
    path: /etc/postfix/virtual_aliases
    entries:
      direction@inpp.cd: [daddy.nzinga@inpp.cd, marie.kabila@inpp.cd]

- name: SASL password for the ISP smarthost
  inpp.telecom.postfix_map:
    path: /etc/postfix/sasl_passwd
    entries:
      "[smtp.isp.example]:587": "inpp:{{ vault_isp_password }}"
    exclusive: true
    secret: true
  no_log: true

- name: Local aliases
  inpp.telecom.postfix_map:
    path: /etc/aliases
    kind: alias
    entries:
      root: postmaster@inpp.cd
'''

RETURN = r'''
added:
  description: Keys added.
  returned: always
  type: list
  elements: str
  sample: [daddy.nzinga@inpp.cd]
changed_keys:
  description: Keys whose value changed.
  returned: always
  type: list
  elements: str
  sample: [direction@inpp.cd]
removed:
  description: Keys removed.
  returned: always
  type: list
  elements: str
  sample: [old.user@inpp.cd]
map_type:
  description: Database type used.
  returned: always
  type: str
  sample: hash
database:
  description: The database file, or null for types without one.
  returned: always
  type: str
  sample: /etc/postfix/virtual_mailboxes.db
rebuilt:
  description: Whether the database was (or, in check mode, would be) rebuilt.
  returned: always
  type: bool
  sample: true
backup_file:
  description: Backup of the source.
  returned: when O(backup=true) and the source changed
  type: str
  sample: /etc/postfix/virtual.2345.2026-01-01@10:00:00~
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.inpp.telecom.plugins.module_utils._postfix import (
    database_path,
    masked_map,
    parse_map,
    render_map,
    render_map_value,
    update_map,
)
from ansible_collections.inpp.telecom.plugins.module_utils._textfile import (
    build_diff,
    read_text,
    write_text_atomically,
)


def desired_entries(module):
    entries = module.params['entries']
    state = module.params['state']
    if entries is None:
        return {}
    if isinstance(entries, dict):
        if state == 'absent':
            return dict((str(key), '') for key in entries)
        return dict((str(key), render_map_value(value)) for key, value in entries.items())
    if isinstance(entries, (list, tuple)) and state == 'absent':
        return dict((str(key), '') for key in entries)
    module.fail_json(msg='entries must be a mapping (or, with state=absent, a list of keys)')


def validate_entries(module, entries):
    for key, value in entries.items():
        if not key or any(char.isspace() for char in key) or key.startswith('#'):
            module.fail_json(msg='entries: invalid key %r (no blanks, not a comment)' % key)
        if module.params['state'] == 'present' and value == '':
            module.fail_json(msg='entries: key %r has an empty value' % key)


def resolve_map_type(module):
    map_type = module.params['map_type']
    if map_type != 'auto':
        return map_type
    argv = [module.get_bin_path('postconf', required=True)]
    if module.params['config_dir']:
        argv += ['-c', module.params['config_dir']]
    rc, out, err = module.run_command(argv + ['-h', 'default_database_type'])
    if rc != 0 or not out.strip():
        module.fail_json(msg='cannot read default_database_type: %s' % (err or out).strip(), rc=rc)
    return out.strip()


def needs_rebuild(source, database, source_changed):
    if database is None:
        return False
    if source_changed or not os.path.exists(database):
        return True
    return os.path.getmtime(database) < os.path.getmtime(source)


def rebuild(module, map_type, path, database):
    command = 'postalias' if module.params['kind'] == 'alias' else 'postmap'
    argv = [module.get_bin_path(command, required=True)]
    if module.params['config_dir']:
        argv += ['-c', module.params['config_dir']]
    argv.append('%s:%s' % (map_type, path))
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg='%s failed: %s' % (command, (err or out).strip()), rc=rc, stdout=out, stderr=err)
    # The database holds the same secrets as its source: give it the source's mode.
    if os.path.exists(database):
        os.chmod(database, os.stat(path).st_mode & 0o7777)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True),
            entries=dict(type='raw', default={}),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            exclusive=dict(type='bool', default=False),
            kind=dict(type='str', default='map', choices=['map', 'alias']),
            map_type=dict(type='str', default='auto'),
            secret=dict(type='bool', default=False),
            rebuild=dict(type='bool', default=True),
            config_dir=dict(type='path'),
            backup=dict(type='bool', default=False),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    params = module.params
    path = params['path']
    alias = params['kind'] == 'alias'
    entries = desired_entries(module)
    if params['secret']:
        for value in entries.values():
            if value:
                module.no_log_values.add(value)
    validate_entries(module, entries)

    if os.path.isdir(path):
        module.fail_json(msg='%s is a directory' % path)
    before = read_text(path)
    items = parse_map(before, alias=alias)
    new_items, report = update_map(items, entries, params['state'], params['exclusive'], alias=alias)
    after = render_map(new_items)
    if before is None and not new_items and params['state'] == 'absent':
        after = None
    source_changed = after is not None and after != before

    map_type = resolve_map_type(module)
    database = database_path(path, map_type)
    do_rebuild = bool(params['rebuild']) and after is not None and needs_rebuild(path, database, source_changed)

    result = dict(changed=source_changed or do_rebuild, added=report['added'], changed_keys=report['changed'],
                  removed=report['removed'], map_type=map_type, database=database, rebuilt=do_rebuild)
    if module._diff:
        if params['secret']:
            result['diff'] = build_diff(path, None if before is None else masked_map(items, alias),
                                        None if after is None else masked_map(new_items, alias))
        else:
            result['diff'] = build_diff(path, before, after)

    file_args = module.load_file_common_arguments(params)
    if before is None and file_args.get('mode') is None:
        file_args['mode'] = '0600' if params['secret'] else '0644'

    if module.check_mode:
        if after is not None and before is not None:
            result['changed'] = module.set_fs_attributes_if_different(file_args, result['changed'], diff=None,
                                                                      expand=False) or result['changed']
        module.exit_json(**result)

    if source_changed:
        if before is None:
            # Create the file with its final mode before any secret is written into it.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if params['secret'] else 0o644))
        backup_file = write_text_atomically(module, path, after)
        if backup_file:
            result['backup_file'] = backup_file
    if after is not None:
        result['changed'] = module.set_fs_attributes_if_different(file_args, result['changed'], expand=False)
        if do_rebuild:
            rebuild(module, map_type, path, database)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
