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
  - Refuses, before anything is written and naming the entry (for example C(entries['direction@inpp.cd'][1])),
    control characters in keys and values (line breaks, carriage returns, NUL, the other C0 controls, DEL, C1
    controls and the Unicode line/paragraph separators; a tab in a value is a blank), values that are not scalars
    (a mapping, a list inside a list), keys with blanks or starting with C(#), alias names with a colon, and an empty
    value.
  - For the case-folding types (V(hash), V(btree), V(lmdb), V(cdb), V(dbm), V(sdbm), V(texthash)), two keys of the
    resulting table that differ only by case make the module fail when one of them is in O(entries) (postmap would
    keep only the first); keys that already differ only by case in hand-written lines give a warning.
  - Warnings printed by C(postmap)/C(postalias) (duplicate entries, malformed lines) are returned as task warnings.
  - When the database must be rebuilt and C(postmap)/C(postalias) is not installed, the module fails before it
    writes anything.
  - A O(path) that is a symbolic link is edited at its target, and stays a link; the database is built beside
    O(path), where Postfix looks for it; O(mode) and the other file attributes apply to the target. A path that is a
    directory, device, FIFO or socket is refused and left alone; a permission problem is an error naming the file.
  - Concurrent runs on the same table are serialized by an exclusive lock (C(flock)) on a hidden file beside the
    target, C(.<name>.lock), held from the read through the rebuild, so no entry is lost. The lock file stays (it is
    empty); check mode takes no lock.
  - O(state=absent) on a missing table has nothing to remove - it reports no change and creates nothing, neither the
    table, nor its directory, nor a lock file, nor a database.
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
      - Database type to build, one of V(hash), V(btree), V(lmdb), V(cdb), V(dbm), V(sdbm), or a type read from the
        source itself, V(texthash), V(regexp), V(pcre), V(cidr) (not built). Any other value is an error.
      - V(auto) asks C(postconf -h default_database_type).
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
  - Keys are compared exactly; the case-folding types are checked for keys that differ only by case (see above).
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
    CASE_FOLDING_MAP_TYPES,
    MAP_BLANKS,
    MapEntry,
    case_collisions,
    check_map_type,
    database_path,
    masked_map,
    parse_map,
    postmap_warnings,
    render_map,
    render_map_value,
    update_map,
)
from ansible_collections.inpp.telecom.plugins.module_utils._textfile import (
    CONTROL_CHARACTERS,
    TextFileError,
    build_diff,
    locked,
    read_text,
    resolve_target,
    write_text_atomically,
)


def desired_entries(entries, state, alias=False):
    """{key: rendered value} from the entries option; ValueError names the bad item."""
    if entries is None:
        return {}
    if isinstance(entries, dict):
        keys = list(entries)
    elif isinstance(entries, (list, tuple)) and state == 'absent':
        keys = list(entries)
    else:
        raise ValueError('entries must be a mapping (or, with state=absent, a list of keys)')
    desired = {}
    for key in keys:
        where = 'entries[%r]' % (key,)
        key = check_key(key, where, alias)
        if state == 'absent':
            desired[key] = ''
            continue
        value = render_map_value(entries[key], where)
        if value == '':
            raise ValueError('%s: key %r has an empty value' % (where, key))
        desired[key] = value
    return desired


def check_key(key, where, alias=False):
    if isinstance(key, (dict, list, tuple)):
        raise ValueError('%s: keys must be scalars' % where)
    key = str(key)
    match = CONTROL_CHARACTERS.search(key)
    if match:
        raise ValueError('%s: control character %r is not allowed in a key' % (where, match.group()))
    if not key or any(char in MAP_BLANKS for char in key) or key.startswith('#'):
        raise ValueError('%s: invalid key %r (no blanks, not a comment)' % (where, key))
    if alias and ':' in key:
        raise ValueError('%s: invalid alias name %r (no colon)' % (where, key))
    return key


def check_case_collisions(module, map_type, new_items, entries):
    """Fail on keys a case-folding table would merge when one of them is ours; warn on hand-made ones."""
    if map_type not in CASE_FOLDING_MAP_TYPES:
        return
    keys = [item.key for item in new_items if isinstance(item, MapEntry)]
    for group in case_collisions(keys):
        text = ', '.join(group)
        if any(key in entries for key in group):
            module.fail_json(msg='entries: keys %s differ only by case; %s tables fold keys to lower case, so '
                                 'postmap would keep only the first' % (text, map_type), case_collisions=group)
        module.warn('%s: keys %s differ only by case; %s tables keep only the first'
                    % (module.params['path'], text, map_type))


def resolve_map_type(module):
    map_type = module.params['map_type']
    if map_type == 'auto':
        argv = [module.get_bin_path('postconf', required=True)]
        if module.params['config_dir']:
            argv += ['-c', module.params['config_dir']]
        rc, out, err = module.run_command(argv + ['-h', 'default_database_type'])
        if rc != 0 or not out.strip():
            module.fail_json(msg='cannot read default_database_type: %s' % (err or out).strip(), rc=rc)
        map_type = out.strip()
    try:
        return check_map_type(map_type)
    except ValueError as exc:
        module.fail_json(msg='map_type: %s' % exc)


def needs_rebuild(source, database, source_changed):
    if database is None:
        return False
    if source_changed or not os.path.exists(database):
        return True
    return os.path.getmtime(database) < os.path.getmtime(source)


def rebuild_argv(module, map_type, path):
    """postmap/postalias argv; resolving the tool fails the task before anything is written."""
    command = 'postalias' if module.params['kind'] == 'alias' else 'postmap'
    argv = [module.get_bin_path(command, required=True)]
    if module.params['config_dir']:
        argv += ['-c', module.params['config_dir']]
    return argv + ['%s:%s' % (map_type, path)]


def rebuild(module, argv, source, database):
    rc, out, err = module.run_command(argv)
    if rc != 0:
        module.fail_json(msg='%s failed: %s' % (os.path.basename(argv[0]), (err or out).strip()),
                         rc=rc, stdout=out, stderr=err)
    for warning in postmap_warnings(err):
        module.warn(warning)
    # The database holds the same secrets as its source: give it the source's mode.
    if os.path.exists(database):
        os.chmod(database, os.stat(source).st_mode & 0o7777)


def edit(module, entries, map_type, target, before):
    """Update, write and rebuild *target*, whose text is *before*; the caller holds the lock beside it."""
    params = module.params
    path = params['path']
    alias = params['kind'] == 'alias'
    items = parse_map(before, alias=alias)
    new_items, report = update_map(items, entries, params['state'], params['exclusive'], alias=alias)
    if params['state'] == 'present':
        check_case_collisions(module, map_type, new_items, entries)
    after = render_map(new_items)
    if before is None and not new_items and params['state'] == 'absent':
        after = None
    source_changed = after is not None and after != before

    # postmap builds the database beside the path it is given, where main.cf's
    # "hash:/etc/postfix/virtual" looks for it, even when that path is a link.
    database = database_path(path, map_type)
    do_rebuild = bool(params['rebuild']) and after is not None and needs_rebuild(target, database, source_changed)
    argv = rebuild_argv(module, map_type, path) if do_rebuild and not module.check_mode else None

    result = dict(changed=source_changed or do_rebuild, added=report['added'], changed_keys=report['changed'],
                  removed=report['removed'], map_type=map_type, database=database,
                  rebuilt=do_rebuild)
    if module._diff:
        if params['secret']:
            result['diff'] = build_diff(path, None if before is None else masked_map(items, alias),
                                        None if after is None else masked_map(new_items, alias))
        else:
            result['diff'] = build_diff(path, before, after)

    # Attributes apply to the file itself, never to a link pointing at it.
    file_args = module.load_file_common_arguments(params, path=target)
    if before is None and file_args.get('mode') is None:
        file_args['mode'] = '0600' if params['secret'] else '0644'

    if module.check_mode:
        if after is not None and before is not None:
            result['changed'] = module.set_fs_attributes_if_different(file_args, result['changed'], diff=None,
                                                                      expand=False) or result['changed']
        return result

    if source_changed:
        if before is None:
            # Create the file with its final mode before any secret is written into it.
            os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if params['secret'] else 0o644))
        backup_file = write_text_atomically(module, target, after)
        if backup_file:
            result['backup_file'] = backup_file
    if after is not None:
        result['changed'] = module.set_fs_attributes_if_different(file_args, result['changed'], expand=False)
        if argv:
            rebuild(module, argv, target, database)
    return result


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
    try:
        entries = desired_entries(params['entries'], params['state'], params['kind'] == 'alias')
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    if params['secret']:
        for value in entries.values():
            if value:
                module.no_log_values.add(value)
    map_type = resolve_map_type(module)
    try:
        target = resolve_target(params['path'])
        # Removing entries from a missing table has nothing to do: no lock
        # either, whose file (and directory) would be all the run leaves.
        nothing_to_remove = params['state'] == 'absent' and not os.path.lexists(target)
        # Check mode writes nothing, so it takes no lock (and creates no lock file).
        with locked(target, enabled=not (module.check_mode or nothing_to_remove)):
            before = None if nothing_to_remove else read_text(target)
            result = edit(module, entries, map_type, target, before)
    except TextFileError as exc:
        module.fail_json(msg=str(exc))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
