# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the benchmarks in bench/ share: paths, the machine, ansible-playbook with the JSON callback."""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import platform
import subprocess
import typing as t

ROOT = pathlib.Path(__file__).resolve().parents[1]
BUILD = ROOT / 'build'
VENV_BIN = ROOT / '.venv' / 'bin'


def ensure_link() -> None:
    """build/ansible_collections/inpp/telecom -> repository root (as `make link`)."""
    link = BUILD / 'ansible_collections' / 'inpp' / 'telecom'
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(pathlib.Path('../../..'))


def machine() -> dict:
    """CPU, memory, load, Python and Ansible versions: the context of a figure."""
    cpu = ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            cpu = next(line.split(':', 1)[1].strip() for line in handle if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    version = subprocess.run([str(VENV_BIN / 'ansible'), '--version'], capture_output=True, text=True,
                             check=False).stdout.splitlines()[0]
    mem = ''
    try:
        with open('/proc/meminfo', encoding='utf-8') as handle:
            mem = '%.1f GiB' % (int(handle.readline().split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return {'nproc': os.cpu_count(), 'cpu': cpu, 'loadavg': os.getloadavg(), 'memory': mem,
            'python': platform.python_version(), 'ansible': version, 'kernel': platform.release(),
            'os': platform.platform()}


def ansible_env(**overrides: str) -> dict:
    """The environment `make` gives ansible-playbook, with the JSON stdout callback."""
    env = dict(os.environ)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': str(BUILD),
        'ANSIBLE_HOME': str(ROOT / '.cache' / 'ansible'),
        'ANSIBLE_STDOUT_CALLBACK': 'ansible.posix.json',
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_FORCE_COLOR': '0',
        'PATH': '%s:%s' % (VENV_BIN, os.environ.get('PATH', '')),
    })
    env.update(overrides)
    return env


def timestamp(text: str) -> float:
    """Seconds since the epoch of a JSON-callback time (``2026-11-25T10:00:00.123456Z``)."""
    return datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%S.%fZ').replace(
        tzinfo=datetime.timezone.utc).timestamp()


def span(duration: dict) -> float:
    """Seconds between a JSON-callback duration's start and end (0 for a task that has no end,
    such as an include that only loads other tasks)."""
    if 'start' not in duration or 'end' not in duration:
        return 0.0
    return timestamp(duration['end']) - timestamp(duration['start'])


def run_json_playbook(argv: t.List[str], cwd: t.Optional[str] = None,
                      env: t.Optional[dict] = None) -> dict:
    """Run ``ansible-playbook argv`` with the JSON callback; return the parsed report.

    Raises with the end of the output when the run fails.
    """
    proc = subprocess.run([str(VENV_BIN / 'ansible-playbook')] + argv, cwd=cwd or str(ROOT),
                          env=env or ansible_env(), capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError('ansible-playbook %s failed (rc=%d):\n%s\n%s'
                           % (' '.join(argv), proc.returncode, proc.stdout[-4000:], proc.stderr[-3000:]))
    return json.loads(proc.stdout[proc.stdout.index('{'):])


def task_durations(report: dict) -> t.List[t.Tuple[str, str, float]]:
    """[(play name, task name, seconds)] of every task of a JSON-callback report, in run order."""
    out = []
    for play in report['plays']:
        for task in play['tasks']:
            out.append((play['play']['name'], task['task']['name'], span(task['task']['duration'])))
    return out


def search(probe: t.Callable[[int], dict], steps: t.List[int], refine: int, cap: int) -> dict:
    """The largest value *probe* passes: try *steps* in order (none above *cap*) until one fails, then
    bisect between the last pass and that failure *refine* times (stopping when the gap is under 5 %
    of the pass, or 2); when the first step fails, halve it until one passes.

    *probe(value)* returns a dict whose 'ok' says whether the value passed; every dict it returned is
    in 'steps', in the order tried. 'max' is 0 when nothing passed, 'first_failure' None when
    nothing failed.
    """
    tried: list = []
    best, worst = 0, None

    def attempt(value: int) -> bool:
        nonlocal best, worst
        result = probe(value)
        tried.append(result)
        if result['ok']:
            best = value
        else:
            worst = value
        return result['ok']

    for value in steps:
        if value > cap or not attempt(value):
            break
    while worst and not best and worst > 1:  # the first step failed: halve until one passes
        attempt(worst // 2)
    for _step in range(refine if worst else 0):
        middle = (best + worst) // 2
        if middle - best < max(2, best // 20):
            break
        attempt(middle)
    return {'max': best, 'first_failure': worst, 'steps': tried}


def doubling(start: int, cap: int) -> list:
    """*start*, twice *start*, ... up to *cap*."""
    out, value = [], start
    while value <= cap:
        out.append(value)
        value *= 2
    return out


def end_report(report: dict, path: t.Optional[str], show_machine: bool = True) -> None:
    """Close a benchmark's report: the load at the end in 'machine_end', the machine and that load
    printed (unless *show_machine* is false), the whole report written as JSON to *path* when given."""
    report['machine_end'] = {'loadavg': os.getloadavg()}
    if show_machine:
        print(json.dumps(report['machine'], indent=1), 'load at end:', report['machine_end']['loadavg'])
    if path:
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(report, handle, indent=1, default=str)
