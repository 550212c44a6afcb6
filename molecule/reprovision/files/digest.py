# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sha256 of every regular file under the given paths, as JSON {path: sha256}.

Dovecot's index and cache files are left out: they are caches Dovecot rebuilds, not data.
Paths that do not exist are skipped.
"""
import hashlib
import json
import os
import sys

CACHES = ('dovecot.index', 'dovecot.list.index')


def digest(path):
    sha = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(65536), b''):
            sha.update(block)
    return sha.hexdigest()


def walk(roots):
    for root in roots:
        if os.path.isfile(root):
            yield root
        for folder, _dirs, files in os.walk(root):
            for name in files:
                path = os.path.join(folder, name)
                if not name.startswith(CACHES) and os.path.isfile(path) and not os.path.islink(path):
                    yield path


if __name__ == '__main__':
    print(json.dumps({path: digest(path) for path in sorted(walk(sys.argv[1:]))}, sort_keys=True))
