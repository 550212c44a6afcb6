# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bare host to restored service on the container lab: site.yml then restore.yml.

In one run, on the lab of `make lab` (inventories/lab):

1. playbooks/backup.yml: a fresh snapshot of every data host (mail, pbx);
2. the data hosts' containers are removed and playbooks/lab.yml starts bare ones of the same
   images (nothing installed, no package cache: packages come from the Debian mirror);
3. playbooks/site.yml --limit mail:pbx, then playbooks/restore.yml --limit mail:pbx: their sum
   is the figure, with the time of each play and the slowest tasks (ansible.posix.json callback);
4. playbooks/site.yml once more on those hosts: it must change nothing.

The lab's containers are shared: with --lock FILE the whole run holds an flock on FILE, so
nothing else drives the lab meanwhile (about 6 minutes). The lab ends restored, not as it was:
the data of the last snapshot is back, anything newer is lost.

This is a figure for docs/benchmarks.md, not a test: nothing asserts on time.
Usage: bench/run.sh reprovision [--lock FILE] [--top 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import yaml

from benchlib import ROOT, end_report, ensure_link, machine, run_json_playbook
from site_rerun_bench import locked, summarize

LAB = str(ROOT / 'inventories' / 'lab')
PLAYBOOKS = ROOT / 'playbooks'


def data_hosts() -> list:
    with open(os.path.join(LAB, 'hosts.yml'), encoding='utf-8') as handle:
        children = yaml.safe_load(handle)['all']['children']
    return sorted(host for group in ('mail', 'pbx') for host in (children.get(group, {}).get('hosts') or {}))


def timed(name: str, argv: list, top: int) -> dict:
    start = time.perf_counter()
    report = run_json_playbook(argv)
    result = summarize(time.perf_counter() - start, report, top)
    print('%-10s %6.1fs  changed=%s' % (name, result['wall_s'], result['changed']), flush=True)
    for item in result['slowest']:
        print('      %6.2fs  %s / %s' % (item['s'], item['play'], item['task']), flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--lock', help='hold an flock on this file for the whole run (the lab is shared)')
    parser.add_argument('--top', type=int, default=10, help='how many of the slowest tasks to list')
    parser.add_argument('--json', help='write the raw figures here')
    args = parser.parse_args()
    ensure_link()
    hosts = data_hosts()
    limit = ['-i', LAB, '--limit', ':'.join(hosts)]
    report: dict = {'machine': machine(), 'hosts': hosts}
    with locked(args.lock):
        run_json_playbook([str(PLAYBOOKS / 'lab.yml')])  # the lab is up
        report['backup'] = timed('backup', ['-i', LAB, str(PLAYBOOKS / 'backup.yml')], args.top)
        subprocess.run(['docker', 'rm', '--force'] + hosts, check=True, capture_output=True)
        report['bare'] = timed('bare', [str(PLAYBOOKS / 'lab.yml')], args.top)
        report['site'] = timed('site', limit + [str(PLAYBOOKS / 'site.yml')], args.top)
        report['restore'] = timed('restore', limit + [str(PLAYBOOKS / 'restore.yml')], args.top)
        report['site_again'] = timed('site again', limit + [str(PLAYBOOKS / 'site.yml')], args.top)
    report['bare_to_restored_s'] = round(report['site']['wall_s'] + report['restore']['wall_s'], 1)
    print('bare host to restored service (site.yml + restore.yml): %.1fs' % report['bare_to_restored_s'])
    end_report(report, args.json)
    if any(report['site_again']['changed'].values()):
        print('the second site.yml changed something: see "site_again"', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
