# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection needs nothing beyond ansible-core: galaxy.yml declares no dependency.

Every module, filter, test, lookup and role that the playbooks, the roles and the plugins name
by FQCN is ansible.builtin's or this collection's. playbooks/lab.yml is the container lab's tool
(community.docker, from the `ansible` package of requirements/dev.txt) and is not part of what
an operator runs against a site.
"""
from __future__ import annotations

import pathlib
import re

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
ALLOWED = {'ansible.builtin', 'inpp.telecom'}
# Where a collection name appears: a task's module key, a filter, a test, a lookup, a role's
# name (include_role/import_role/roles:), a Python import of a collection.
FQCN = r'([a-z0-9_]+\.[a-z0-9_]+)\.[a-z0-9_]+'
PATTERNS = [
    re.compile(r'^\s*(?:-\s+)?' + FQCN + r':', re.M),
    re.compile(r'\|\s*' + FQCN + r'\b'),
    re.compile(r'\bis\s+(?:not\s+)?' + FQCN + r'\b'),
    re.compile(r'\b(?:lookup|query)\(\s*[\'"]' + FQCN),
    re.compile(r'^\s*(?:-\s+)?(?:name|role):\s*[\'"]?' + FQCN + r'[\'"]?\s*$', re.M),
    re.compile(r'\bansible_collections\.([a-z0-9_]+\.[a-z0-9_]+)\b'),
]
EXEMPT = {ROOT / 'playbooks' / 'lab.yml'}


def collections_named(text: str) -> set:
    return {match.group(1) for pattern in PATTERNS for match in pattern.finditer(text)}


def shipped_files():
    for folder, suffixes in (('playbooks', ('.yml',)), ('roles', ('.yml', '.j2')), ('plugins', ('.py', '.yml'))):
        for path in sorted((ROOT / folder).rglob('*')):
            if path.suffix in suffixes and path not in EXEMPT:
                yield path


def test_the_patterns_find_a_foreign_collection():
    # The finder itself: each way of naming another collection is seen.
    text = ('- community.general.ini_file:\n'
            '  x: "{{ a | community.crypto.x509_certificate_info }}"\n'
            '  when: a is community.general.version_compare\n'
            "  y: \"{{ lookup('community.general.passwordstore', 'x') }}\"\n"
            '    name: ansible.posix.firewalld\n'
            'from ansible_collections.community.docker.plugins import x\n')
    assert collections_named(text) == {'community.general', 'community.crypto', 'ansible.posix', 'community.docker'}
    assert collections_named('- ansible.builtin.copy:\n  x: "{{ a | inpp.telecom.mail_aliases }}"\n') == ALLOWED


def test_shipped_content_uses_only_ansible_core_and_this_collection():
    foreign = {}
    for path in shipped_files():
        for collection in collections_named(path.read_text(encoding='utf-8')) - ALLOWED:
            foreign.setdefault(collection, []).append(str(path.relative_to(ROOT)))
    assert not foreign, foreign


def test_galaxy_declares_no_dependency():
    galaxy = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
    assert not galaxy.get('dependencies'), galaxy.get('dependencies')
