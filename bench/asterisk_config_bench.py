# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark inpp.telecom.asterisk_config against a loop of community.general.ini_file tasks.

What is measured, for N PJSIP users (endpoint + auth + aor = 3N sections,
14 options per user):

1. in-process: the module's pure logic (parse, apply, render) on the file,
   first apply on an empty file, then the same call on the result;
2. module time: the module run as its own process with a JSON argument file,
   as Ansible's AnsiballZ wrapper runs it on the target (interpreter start,
   imports, argument validation, the edit, atomic write, JSON result);
3. under ansible-playbook on localhost, one play with the first apply and the
   no-change rerun side by side, plus a ping task for Ansible's fixed
   per-task cost; durations from the ansible.posix.json callback;
4. the approach common today, in the same run: one ini_file task per option
   (a loop), first apply and rerun, on the same content.  ini_file cannot
   address same-named sections, so its sections are named 1001, 1001-auth,
   1001-aor (same number of sections and lines).  That loop costs one module
   execution per option, so it is measured on a small N and its per-option
   cost is extrapolated linearly.

This is a figure for docs/benchmarks.md, not a test: nothing asserts on it.
Usage: bench/run.sh [--users 100,1000,2000,5000] [--ini-users 5,10] [--json out.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import BUILD, ansible_env, end_report, ensure_link, machine, run_json_playbook, span

OPTIONS_PER_USER = 14


def user_sections(count: int, first: int = 1000):
    """The asterisk_config sections for ``count`` users (14 options per user)."""
    sections = []
    for number in range(first, first + count):
        ext = str(number)
        sections += [
            {'name': ext, 'type': 'endpoint', 'options': [
                {'context': 'staff'}, {'disallow': 'all'}, {'allow': 'ulaw'}, {'auth': ext}, {'aors': ext},
                {'callerid': 'User %s <%s>' % (ext, ext)}]},
            {'name': ext, 'type': 'auth', 'options': [
                {'auth_type': 'userpass'}, {'username': ext}, {'password': 'secret-%s' % ext}]},
            {'name': ext, 'type': 'aor', 'options': [{'max_contacts': 1}, {'remove_existing': 'yes'}]},
        ]
    return sections


def ini_items(count: int, first: int = 1000):
    """The same content as one ini_file item per option (type included)."""
    items = []
    for sec in user_sections(count, first):
        name = sec['name'] if sec['type'] == 'endpoint' else '%s-%s' % (sec['name'], sec['type'])
        items.append({'section': name, 'option': 'type', 'value': sec['type']})
        for option in sec['options']:
            for key, value in option.items():
                items.append({'section': name, 'option': key, 'value': str(value)})
    return items


def in_process(count: int) -> dict:
    sys.path.insert(0, str(BUILD))
    from ansible_collections.inpp.telecom.plugins.modules.asterisk_config import compute  # noqa: E402
    sections = user_sections(count)
    firsts, reruns = [], []
    for dummy in range(3):
        gc.disable()  # as the module's main() does around compute()
        start = time.perf_counter()
        text, first = compute(None, 'pjsip.conf', sections)
        firsts.append(time.perf_counter() - start)
        start = time.perf_counter()
        again, second = compute(text, 'pjsip.conf', sections, purge=True)
        reruns.append(time.perf_counter() - start)
        gc.enable()
        assert again == text and not any(second.values()), 'rerun must not change anything'
        assert len(first['added']) == 3 * count
    return {'first_s': statistics.median(firsts), 'rerun_s': statistics.median(reruns),
            'bytes': len(text), 'lines': text.count('\n')}


def module_process(count: int, repeat: int = 3) -> dict:
    """Median wall time of the module as a process: first apply, then rerun."""
    module = BUILD / 'ansible_collections' / 'inpp' / 'telecom' / 'plugins' / 'modules' / 'asterisk_config.py'
    env = dict(os.environ, PYTHONPATH=str(BUILD))
    firsts, reruns = [], []
    with tempfile.TemporaryDirectory(prefix='inpp-bench-') as workdir:
        target = os.path.join(workdir, 'pjsip.conf')
        argfile = os.path.join(workdir, 'args.json')
        with open(argfile, 'w', encoding='utf-8') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': {'path': target, 'purge': True,
                                               'sections': user_sections(count)}}, handle)
        for dummy in range(repeat):
            for bucket, expect in ((firsts, True), (reruns, False)):
                if expect and os.path.exists(target):
                    os.unlink(target)
                start = time.perf_counter()
                proc = subprocess.run([sys.executable, str(module), argfile], env=env, capture_output=True,
                                      text=True, check=False)
                bucket.append(time.perf_counter() - start)
                result = json.loads(proc.stdout)
                assert result.get('changed') is expect, result
    return {'first_s': statistics.median(firsts), 'rerun_s': statistics.median(reruns),
            'first_all': firsts, 'rerun_all': reruns}


def run_playbook(playbook: str, extra_vars_file: str, workdir: str) -> list:
    """Run a playbook on localhost; return [(task name, duration s, changed)] from the JSON callback."""
    env = ansible_env(ANSIBLE_PIPELINING='true', ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    data = run_json_playbook(['-i', 'localhost,', '-c', 'local', playbook, '-e', '@' + extra_vars_file],
                             cwd=workdir, env=env)
    out = []
    for task in data['plays'][0]['tasks']:
        host = task['hosts']['localhost']
        out.append((task['task']['name'], span(task['task']['duration']), bool(host.get('changed'))))
    return out


def twice(task: str) -> str:
    """*task* (YAML lines of a task body) as a first apply, the no-change rerun, and an assert on it."""
    return ('    - name: first apply\n' + task + '    - name: no-change rerun\n' + task
            + '      register: rerun\n'
              '    - name: rerun must not change\n'
              '      ansible.builtin.assert:\n'
              '        that: not rerun.changed\n')


PLAYBOOK_HEAD = """- name: %s
  hosts: localhost
  gather_facts: false
  tasks:
"""

PLAYBOOK_MODULE = PLAYBOOK_HEAD % 'asterisk_config benchmark' + """    - name: baseline ping
      ansible.builtin.ping:
""" + twice("""      inpp.telecom.asterisk_config:
        path: "{{ bench_dir }}/pjsip.conf"
        purge: true
        sections: "{{ bench_sections }}"
""")

PLAYBOOK_INI = PLAYBOOK_HEAD % 'ini_file loop benchmark' + twice("""      community.general.ini_file:
        path: "{{ bench_dir }}/pjsip-ini.conf"
        section: "{{ item.section }}"
        option: "{{ item.option }}"
        value: "{{ item.value }}"
        no_extra_spaces: true
      loop: "{{ bench_items }}"
      loop_control:
        label: "{{ item.section }}.{{ item.option }}"
""")


def under_ansible(count: int, items: bool = False) -> dict:
    with tempfile.TemporaryDirectory(prefix='inpp-bench-') as workdir:
        playbook = os.path.join(workdir, 'bench.yml')
        varsfile = os.path.join(workdir, 'vars.json')
        with open(playbook, 'w', encoding='utf-8') as handle:
            handle.write(PLAYBOOK_INI if items else PLAYBOOK_MODULE)
        data = {'bench_dir': workdir}
        if items:
            data['bench_items'] = ini_items(count)
        else:
            data['bench_sections'] = user_sections(count)
        with open(varsfile, 'w', encoding='utf-8') as handle:
            json.dump(data, handle)
        wall = time.perf_counter()
        tasks = run_playbook(playbook, varsfile, workdir)
        wall = time.perf_counter() - wall
        durations = {name: seconds for name, seconds, _changed in tasks}
        out = {'first_s': durations['first apply'], 'rerun_s': durations['no-change rerun'],
               'playbook_wall_s': wall, 'tasks': len(ini_items(count)) if items else 1}
        if 'baseline ping' in durations:
            out['ping_s'] = durations['baseline ping']
        return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--users', default='100,1000,2000,5000')
    parser.add_argument('--ini-users', default='5,10')
    parser.add_argument('--json', help='write the raw figures here')
    args = parser.parse_args()
    ensure_link()
    users = [int(u) for u in args.users.split(',') if u]
    ini_users = [int(u) for u in args.ini_users.split(',') if u]
    report = {'machine': machine(), 'in_process': {}, 'module': {}, 'ansible': {}, 'ini_file': {}}
    for count in users:
        report['in_process'][count] = in_process(count)
        report['module'][count] = module_process(count)
        report['ansible'][count] = under_ansible(count)
        print('asterisk_config %5d users: logic first %.3fs rerun %.3fs | module process first %.3fs rerun %.3fs'
              ' | ansible task first %.3fs rerun %.3fs (ping task %.3fs)'
              % (count, report['in_process'][count]['first_s'], report['in_process'][count]['rerun_s'],
                 report['module'][count]['first_s'], report['module'][count]['rerun_s'],
                 report['ansible'][count]['first_s'], report['ansible'][count]['rerun_s'],
                 report['ansible'][count].get('ping_s', 0)), flush=True)
    for count in ini_users:
        report['ini_file'][count] = under_ansible(count, items=True)
        print('ini_file loop   %5d users (%d tasks): first %.2fs rerun %.2fs'
              % (count, report['ini_file'][count]['tasks'], report['ini_file'][count]['first_s'],
                 report['ini_file'][count]['rerun_s']), flush=True)
    if ini_users:
        biggest = report['ini_file'][max(ini_users)]
        per_option = {k: biggest[k] / biggest['tasks'] for k in ('first_s', 'rerun_s')}
        report['ini_file_per_option'] = per_option
        print('ini_file per option: first %.4fs rerun %.4fs (from %d users)'
              % (per_option['first_s'], per_option['rerun_s'], max(ini_users)))
        for count in users:
            options = count * OPTIONS_PER_USER
            est = {k: per_option[k] * options for k in per_option}
            ours = report['ansible'][count]
            print('%5d users: ini_file loop ~%.0fs / ~%.0fs (extrapolated) vs asterisk_config %.2fs / %.2fs: '
                  '%.0fx / %.0fx faster'
                  % (count, est['first_s'], est['rerun_s'], ours['first_s'], ours['rerun_s'],
                     est['first_s'] / ours['first_s'], est['rerun_s'] / ours['rerun_s']))
    end_report(report, args.json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
