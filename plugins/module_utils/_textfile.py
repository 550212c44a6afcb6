# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whole-file text I/O shared by the collection's file-editing modules.

Every module that edits a configuration file reads it whole, computes the new
text in memory, and only then writes it. This module holds the rules all of
them follow, written once:

* **Text**: keys and values a caller asks to write may not hold control
  characters (:func:`check_text`): a line break inside a value would add a
  line of the caller's choosing to the file.
* **Links**: the path is resolved first (:func:`resolve_target`); a symbolic
  link is edited at its target and stays a link, as Debian admins link
  configuration files and directories.
* **File types**: only a regular file (or a missing one) is edited; a
  directory, device, FIFO or socket is refused and never replaced.
* **Concurrency**: an edit holds an exclusive ``flock`` on a lock file beside
  the target (:func:`locked`) from the read to the atomic rename, so parallel
  plays editing one file serialize instead of losing each other's edits.
* **Writes**: a temporary file in the target's own directory, an optional
  ``validate`` command run on it, then ``module.atomic_move`` so a reader
  (Asterisk, Postfix) never sees a half-written file; a backup first when the
  task asks for one.

Every failure is a :class:`TextFileError` with a message naming the path, for
the module to hand to ``fail_json``: a permission problem is never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shlex
import stat
import tempfile
import typing as t

# Characters refused in keys and values: C0 controls except TAB (a blank in
# every format the modules write), DEL, C1 controls, and the Unicode line and
# paragraph separators that Python's str.splitlines() treats as line breaks.
CONTROL_CHARACTERS = re.compile('[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]')

_FILE_KINDS = (
    (stat.S_ISDIR, 'a directory'),
    (stat.S_ISCHR, 'a character device'),
    (stat.S_ISBLK, 'a block device'),
    (stat.S_ISFIFO, 'a FIFO'),
    (stat.S_ISSOCK, 'a socket'),
)


class TextFileError(Exception):
    """A refused value or an unusable file; the message names what and where."""


def check_text(text: str, where: str) -> str:
    """Return *text*, or raise when it holds a control character.

    *where* names the item for the message, e.g. ``sections[2].options[0].callerid``.
    """
    match = CONTROL_CHARACTERS.search(text)
    if match:
        raise TextFileError('%s: control character %r (at offset %d) is not allowed; '
                            'line breaks, NUL and other control characters are refused'
                            % (where, match.group(), match.start()))
    return text


def describe_os_error(exc: OSError, action: str, path: str) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return 'cannot %s %s: %s (does the task need become: true?)' % (action, path, reason)
    return 'cannot %s %s: %s' % (action, path, reason)


def resolve_target(path: str) -> str:
    """The file an edit of *path* must change: *path* with every link followed.

    Raises when the result exists and is not a regular file, or when the links
    form a loop. A missing target (a dangling link included) is fine: it is
    created.
    """
    real = os.path.realpath(path)
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        if os.path.islink(real):
            raise TextFileError('%s: symbolic link loop' % path)
        return real
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise TextFileError('%s: symbolic link loop' % path)
        raise TextFileError(describe_os_error(exc, 'inspect', path))
    for test, kind in _FILE_KINDS:
        if test(mode):
            shown = path if real == os.path.abspath(path) else '%s (link to %s)' % (path, real)
            raise TextFileError('%s is %s, not a regular file; it is left alone' % (shown, kind))
    return real


def lock_path(target: str) -> str:
    """The lock file of *target*: hidden, beside it (``.pjsip.conf.lock``).

    Beside the file rather than the file itself, because the atomic rename
    replaces the file's inode and a lock on the old inode would protect
    nothing; a file rather than the directory, because flock() on a directory
    fails on NFS and would serialize unrelated files. The leading dot keeps it
    out of ``#include dir/*`` and ``!include conf.d/*.conf`` globs, as the
    temporary files are. It is never removed: unlinking a lock file while
    another run waits on it would let two runs hold "the" lock at once.
    """
    return os.path.join(os.path.dirname(target), '.%s.lock' % os.path.basename(target))


@contextlib.contextmanager
def locked(target: str, enabled: bool = True) -> t.Iterator[None]:
    """Hold an exclusive lock for edits of *target* (a resolved path).

    ``enabled=False`` takes no lock and creates no file: check mode, and a run
    with nothing to remove from a missing file (the modules decide). Otherwise
    the lock file is the only trace a run leaves when it changes nothing.
    """
    if not enabled:
        yield
        return
    path = lock_path(target)
    try:
        # The lock lives in the file's directory, which a new file may need first.
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise TextFileError(describe_os_error(exc, 'create the lock file', path))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


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
    except UnicodeDecodeError as exc:
        raise TextFileError('%s is not UTF-8 text: %s' % (path, exc))
    except OSError as exc:
        raise TextFileError(describe_os_error(exc, 'read', path))


def build_diff(path: str, before: t.Optional[str], after: t.Optional[str]) -> dict:
    """The ``diff`` dict Ansible's callback renders for ``--diff``."""
    return {
        'before': before or '',
        'after': after or '',
        'before_header': '%s (content)' % path if before is not None else '%s (absent)' % path,
        'after_header': '%s (content)' % path if after is not None else '%s (absent)' % path,
    }


def validate_argv(validate: str, tmp_path: str) -> t.List[str]:
    """The argv of a ``validate`` command (``%s`` is the temporary file), never a shell string."""
    if '%s' not in validate:
        raise TextFileError("validate must contain %%s (the file to check): %r" % validate)
    try:
        words = shlex.split(validate)
    except ValueError as exc:
        raise TextFileError('validate: %s: %r' % (exc, validate))
    return [word.replace('%s', tmp_path) for word in words]


def _run_validate(module, validate: str, tmp_path: str) -> None:
    rc, out, err = module.run_command(validate_argv(validate, tmp_path))
    if rc != 0:
        raise TextFileError('validate command failed (rc=%d), the file is left unchanged: %s'
                            % (rc, (err or out).strip()))


def write_text_atomically(module, path: str, content: str,
                          validate: t.Optional[str] = None) -> t.Optional[str]:
    """Replace *path* (a resolved target) with *content*; return the backup path if one was made.

    The temporary file is created next to the target so ``atomic_move`` is a
    rename on the same file system; ``atomic_move`` keeps the target's existing
    ownership, mode and SELinux context. With *validate*, the command runs on
    the temporary file first and a failure leaves the target untouched.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        if not os.path.isdir(directory):
            os.makedirs(directory)
        fd, tmp_path = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=directory)
    except OSError as exc:
        raise TextFileError(describe_os_error(exc, 'write', path))
    try:
        with os.fdopen(fd, 'w', encoding='utf-8', newline='') as handle:
            handle.write(content)
        if validate:
            _run_validate(module, validate, tmp_path)
        backup_file = None
        if module.params.get('backup') and os.path.exists(path):
            backup_file = module.backup_local(path)
        module.atomic_move(tmp_path, path, unsafe_writes=module.params.get('unsafe_writes', False))
    except OSError as exc:
        raise TextFileError(describe_os_error(exc, 'write', path))
    finally:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
    return backup_file
