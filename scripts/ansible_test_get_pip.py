# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip script ansible-test downloads.

ansible-test bootstraps pip in its sanity/units virtual environments by running a
``get-pip`` script fetched from a host this lab cannot reach; it first looks in
its cache. `make sanity` puts this file there: it installs the pip wheel bundled
with CPython (ensurepip) and then lets that pip install what ansible-test asked
for from PyPI.
"""

from __future__ import annotations

import subprocess
import sys

GET_PIP_ONLY_FLAGS = ('--no-setuptools', '--no-wheel')


def main() -> None:
    pip_args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_FLAGS]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'])
    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + pip_args)


if __name__ == '__main__':
    main()
