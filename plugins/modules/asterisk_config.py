#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: asterisk_config
short_description: Edit sections and options of Asterisk configuration files exactly and idempotently
version_added: 0.1.0
description:
  - Ensures sections of an Asterisk configuration file (C(pjsip.conf), C(extensions.conf), C(voicemail.conf),
    C(queues.conf), ...) with their ordered options, in one call for many sections.
  - Understands the Asterisk format rather than INI, unlike M(community.general.ini_file) - templates C([name](!)),
    inheritance C([name](tpl1,tpl2)), appends C([name](+)), same-named sections told apart by their C(type=) option
    (PJSIP endpoint, aor and auth), repeated keys in order (C(exten), C(same), C(allow), C(member)), C(=) and C(=>),
    C(;) and C(;-- --;) comments, C(#include), C(#tryinclude) and C(#exec) lines.
  - Lines the module does not need to touch stay byte-identical, including comments, blank lines, spacing, CRLF line
    endings and a missing final newline.
  - A file the Asterisk parser would reject (an option before any section, a header without C(]), an unterminated
    C(;--) block, a line without C(=), an unknown C(#) directive) makes the module fail with the file name and line
    number; the file is left untouched.
  - Sections the module creates are marked with the comment C(; managed by inpp.telecom.asterisk_config) on their
    header line. O(purge) removes only marked sections, never hand-written ones; a header is marked only when that
    comment is its whole comment, so a hand-written comment that merely mentions the text is not a marker.
  - Refuses, before anything is written and naming the item (for example C(sections[2].options[0].callerid)),
    control characters in section names, types, parents, option names and values (line breaks, carriage returns,
    NUL, the other C0 controls, DEL, C1 controls and the Unicode line/paragraph separators; a tab is allowed, as a
    blank), and option values that are not scalars (a mapping, or a list inside a list).
  - A O(path) that is a symbolic link is edited at its target, and stays a link; O(mode), O(owner) and the other
    file attributes apply to the target. A path that is a directory, device, FIFO or socket (or a link to one) is
    refused and left alone. A permission problem is reported as an error naming the file.
  - Concurrent runs on the same file (parallel plays, several hosts sharing a file system) are serialized by an
    exclusive lock (C(flock)) on a hidden lock file beside the target, C(.<name>.lock), held from the read to the
    atomic rename, so no edit is lost. The lock file stays (it is empty); check mode takes no lock.
  - On a missing file, a call that adds no section (only O(sections[].state=absent), O(purge), or no sections) has
    nothing to do - it reports no change and creates nothing, neither the file, nor its directory, nor a lock file.
  - Does not reload Asterisk; notify a handler using M(inpp.telecom.asterisk_command) with the narrowest reload
    (C(pjsip reload), C(dialplan reload), ...).
author:
  - INPP infrastructure team (@inpp-cd)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - inpp.telecom.attributes
  - ansible.builtin.files
options:
  path:
    description:
      - Path of the Asterisk configuration file, for example C(/etc/asterisk/pjsip.conf).
    type: path
    required: true
    aliases: [dest]
  sections:
    description:
      - Sections to manage, applied in order.
      - A section is identified by O(sections[].name) and, when given, O(sections[].type). Without a type the name
        alone must match at most one section; PJSIP objects sharing a name (endpoint, aor, auth) need their type.
      - New sections are appended at the end of the file, after a blank line.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Section name, the text between C([) and C(]).
        type: str
        required: true
      type:
        description:
          - Value of the section's C(type=) option (PJSIP, sorcery), used to tell same-named sections apart.
          - When set, the section gets C(type=<type>) as its first option if the options do not already list
            C(type).
        type: str
      state:
        description:
          - V(present) ensures the section, V(absent) removes it (hand-written or not).
        type: str
        choices: [present, absent]
        default: present
      template:
        description:
          - Whether the section is a template, C([name](!)).
          - When omitted an existing section keeps its flag and a new one is not a template.
        type: bool
      parents:
        description:
          - Templates the section inherits from, in order, C([name](tpl1,tpl2)).
          - When omitted an existing section keeps its parents; V([]) removes them.
        type: list
        elements: str
      options:
        description:
          - "Ordered options, each a one-key mapping C({name: value}). A list value C({allow: [ulaw, alaw]}) stands for
            one line per item. Repeated names are allowed and kept in order (C(exten), C(same), C(allow))."
          - Without O(sections[].exclusive), each listed name gets exactly the listed values, in order, at the place
            of its current lines; names not listed are left alone; new names are added after the last option.
          - With O(sections[].exclusive=true) the section's options become exactly this list, in this order. Use it
            for dialplan contexts, where the interleaving of C(exten) and C(same) lines matters.
          - Values are written as given, in Asterisk file syntax; a C(;) that is not escaped is written as C(\;).
            Booleans become C(yes)/C(no).
          - "An empty list C({allow: []}) removes every line of that option (without O(sections[].exclusive))."
          - New lines use C(=>) for C(exten), C(same), C(include), C(switch), C(ignorepat), C(member) and numeric
            names (voicemail boxes), C(=) otherwise; an existing line keeps its operator and spacing.
        type: list
        elements: dict
        default: []
      absent_options:
        description:
          - "Options to remove from the section. A string removes every line with that name; a mapping
            C({name: value}) (or C({name: [v1, v2]})) removes only those values."
        type: list
        elements: raw
        default: []
      exclusive:
        description:
          - Whether O(sections[].options) is the complete, ordered list of options of the section.
        type: bool
        default: false
  purge:
    description:
      - Remove the sections this module created in the file (marked on their header line) that are not listed in
        O(sections). Hand-written sections are never purged.
    type: bool
    default: false
  create:
    description:
      - Create the file when it does not exist. When V(false) a missing file is an error.
    type: bool
    default: true
  backup:
    description:
      - Create a backup file including the timestamp information before changing the file.
      - For a link, the backup is made beside the target.
    type: bool
    default: false
  validate:
    description:
      - Command to check the new file before it replaces the original, like M(ansible.builtin.lineinfile)'s
        O(ansible.builtin.lineinfile#module:validate). C(%s) stands for the temporary file, which sits in the
        target's directory; a command without C(%s) is refused.
      - The command is split like a shell would split it and run without a shell (no pipes, no redirections).
      - When it exits non-zero the module fails and the original file is left unchanged.
    type: str
notes:
  - Option names are matched case-sensitively, values after stripping surrounding white space.
  - Append sections C([name](+)) are kept as they are; they are never matched by O(sections).
seealso:
  - module: inpp.telecom.asterisk_command
  - module: inpp.telecom.asterisk_info
  - module: community.general.ini_file
'''

EXAMPLES = r'''
- name: PJSIP user 1001 (endpoint, auth, aor share the name)
  inpp.telecom.asterisk_config:
    path: /etc/asterisk/pjsip.conf
    sections:
      - name: "1001"
        type: endpoint
        parents: [endpoint-staff]
        options:
          - context: staff
          - auth: "1001"
          - aors: "1001"
          - allow: [ulaw, alaw]
      - name: "1001"
        type: auth
        options:
          - auth_type: userpass
          - username: "1001"
          - password: "{{ vault_sip_secret_1001 }}"
      - name: "1001"
        type: aor
        options:
          - max_contacts: 1
  notify: Reload pjsip

- name: Endpoint template
  inpp.telecom.asterisk_config:
    path: /etc/asterisk/pjsip.conf
    sections:
      - name: endpoint-staff
        type: endpoint
        template: true
        options:
          - disallow: all
          - allow: ulaw

- name: A dialplan context, exactly as listed
  inpp.telecom.asterisk_config:
    path: /etc/asterisk/extensions.conf
    sections:
      - name: staff
        exclusive: true
        options:
          - include: internal
          - exten: 1000,1,Answer()
          - same: n,Playback(hello-world)
          - same: n,Hangup()

- name: All users from the directory; drop users that left (only sections this module wrote)
  inpp.telecom.asterisk_config:
    path: /etc/asterisk/pjsip.conf
    purge: true
    backup: true
    sections: "{{ telecom_pjsip_sections }}"

- name: Check the new file with a site script before it replaces the original
  inpp.telecom.asterisk_config:
    path: /etc/asterisk/extensions.conf
    validate: /usr/local/sbin/check-dialplan %s
    sections:
      - name: staff
        options:
          - include: internal

- name: Remove a codec and a whole section
  inpp.telecom.asterisk_config:
    path: /etc/asterisk/pjsip.conf
    sections:
      - name: "1002"
        type: endpoint
        absent_options:
          - allow: g729
          - callerid
      - name: "1003"
        type: endpoint
        state: absent
'''

RETURN = r'''
sections_added:
  description: Sections created, as name and type (type is null for sections without C(type=)).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "1001", "type": "endpoint"}]
sections_changed:
  description: Existing sections whose header or options changed.
  returned: always
  type: list
  elements: dict
  sample: [{"name": "staff", "type": null}]
sections_removed:
  description: Sections removed, by O(sections[].state=absent) or O(purge).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "1003", "type": "aor"}]
backup_file:
  description: Name of the backup file that was created.
  returned: changed and O(backup=true)
  type: str
  sample: /etc/asterisk/pjsip.conf.12345.2026-01-01@12:00:00~
msg:
  description: Short summary of what changed.
  returned: always
  type: str
  sample: 3 added, 0 changed, 0 removed
'''

import gc
import os
from typing import Any, Dict, List, Optional, Tuple

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.inpp.telecom.plugins.module_utils._asterisk_conf import (
    AsteriskConfError,
    SectionSpec,
    apply_specs,
    parse,
)
from ansible_collections.inpp.telecom.plugins.module_utils._textfile import (
    TextFileError,
    build_diff,
    locked,
    read_text,
    resolve_target,
    write_text_atomically,
)

# Above this many sections the invocation echo is summarised (see main()).
INVOCATION_ECHO_LIMIT = 200

SECTION_SPEC = dict(
    name=dict(type='str', required=True),
    type=dict(type='str'),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    template=dict(type='bool'),
    parents=dict(type='list', elements='str'),
    options=dict(type='list', elements='dict', default=[]),
    absent_options=dict(type='list', elements='raw', default=[]),
    exclusive=dict(type='bool', default=False),
)


def compute(text: Optional[str], path: str, sections: List[Dict[str, Any]],
            purge: bool = False) -> Tuple[str, Dict[str, List[Dict[str, Optional[str]]]]]:
    """Return (new text, {'added','changed','removed'}) for ``text``.

    Pure function: invalid specs (named ``sections[N]...``) and parsing errors
    raise AsteriskConfError before anything is written.
    """
    specs = [SectionSpec.from_dict(sec, 'sections[%d]' % index) for index, sec in enumerate(sections)]
    doc = parse(text or '', path)
    result = apply_specs(doc, specs, purge=purge)
    return doc.render(), result


def edit(module: AnsibleModule, path: str, target: str, before: Optional[str]) -> Dict[str, Any]:
    """Compute and (unless in check mode) write *target*, whose text is *before*; the caller holds the lock."""
    params = module.params

    # Parsing allocates one object per line (100k for 5,000 PJSIP users) and
    # none of them form cycles; the cyclic collector would only rescan them
    # over and over, so it is paused for the edit (reference counting still
    # frees everything) - about 30% less time on large files.
    gc.disable()
    try:
        after, result = compute(before, path, params['sections'], params['purge'])
    except AsteriskConfError as exc:
        module.fail_json(msg=str(exc))
    finally:
        gc.enable()

    changed = after != (before or '')
    out: Dict[str, Any] = dict(
        changed=changed,
        sections_added=result['added'],
        sections_changed=result['changed'],
        sections_removed=result['removed'],
        msg='%d added, %d changed, %d removed' % (
            len(result['added']), len(result['changed']), len(result['removed'])),
    )
    if module._diff:
        out['diff'] = build_diff(path, before, after if changed else before)
    if changed and not module.check_mode:
        backup_file = write_text_atomically(module, target, after, validate=params['validate'])
        if backup_file:
            out['backup_file'] = backup_file
    if before is not None or (changed and not module.check_mode):
        # Attributes apply to the file itself, never to a link pointing at it.
        file_args = module.load_file_common_arguments(params, path=target)
        out['changed'] = module.set_fs_attributes_if_different(file_args, out['changed'])
    return out


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True, aliases=['dest']),
            sections=dict(type='list', elements='dict', default=[], options=SECTION_SPEC),
            purge=dict(type='bool', default=False),
            create=dict(type='bool', default=True),
            backup=dict(type='bool', default=False),
            validate=dict(type='str'),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    path = module.params['path']
    try:
        target = resolve_target(path)
        adds = any(s['state'] == 'present' for s in module.params['sections'])
        missing = not os.path.lexists(target)
        if missing and adds and not module.params['create']:
            # Before the lock, whose file would otherwise be the only thing this run creates.
            module.fail_json(msg='Destination %s does not exist and create is false' % path)
        # Nothing to add to a missing file leaves nothing to do: no lock
        # either, whose file (and directory) would be all the run leaves.
        nothing_to_do = missing and not adds
        # Check mode writes nothing, so it takes no lock (and creates no lock file).
        with locked(target, enabled=not (module.check_mode or nothing_to_do)):
            before = None if nothing_to_do else read_text(target)
            out = edit(module, path, target, before)
    except TextFileError as exc:
        module.fail_json(msg=str(exc))
    if len(module.params['sections']) > INVOCATION_ECHO_LIMIT:
        # Ansible echoes the arguments back and scans them for no_log values;
        # for thousands of sections that costs more than the edit itself and
        # only floods -vvv output, so echo a summary instead.
        args = dict(module.params, sections='<%d sections>' % len(module.params['sections']))
        out['invocation'] = {'module_args': args}
    module.exit_json(**out)


if __name__ == '__main__':
    main()
