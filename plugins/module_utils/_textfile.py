# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whole-file text I/O shared by the collection's file-editing modules.

Every module that edits a configuration file reads it whole, computes the new
text in memory, and only then writes it. Writing goes through a temporary file
in the target's own directory followed by ``module.atomic_move`` so a reader
(Asterisk, Postfix) never sees a half-written file, and a backup is taken first
when the task asks for one.
"""

from __future__ import annotations

import os
import tempfile
import typing as t


def read_text(path: str) -> t.Optional[str]:
    """Return the file's text, or None when it does not exist.

    Newlines are kept exactly (no universal-newline translation) so parsers can
    round-trip CRLF files byte for byte.
    """
    try:
        with open(path, 'r', encoding='utf-8', newline='') as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def build_diff(path: str, before: t.Optional[str], after: t.Optional[str]) -> dict:
    """The ``diff`` dict Ansible's callback renders for ``--diff``."""
    return {
        'before': before or '',
        'after': after or '',
        'before_header': '%s (content)' % path if before is not None else '%s (absent)' % path,
        'after_header': '%s (content)' % path if after is not None else '%s (absent)' % path,
    }


def write_text_atomically(module, path: str, content: str) -> t.Optional[str]:
    """Replace *path* with *content* atomically; return the backup path if one was made.

    The temporary file is created next to the target so ``atomic_move`` is a
    rename on the same file system; ``atomic_move`` keeps the target's existing
    ownership, mode and SELinux context.
    """
    backup_file = None
    if module.params.get('backup') and os.path.exists(path):
        backup_file = module.backup_local(path)

    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', newline='') as handle:
            handle.write(content)
        module.atomic_move(tmp_path, path, unsafe_writes=module.params.get('unsafe_writes', False))
    finally:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
    return backup_file
