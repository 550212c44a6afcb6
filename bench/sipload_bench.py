# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIP load through the generated dialplan, against a minimal hand-written configuration.

In one run, on containers and a docker network of its own (inpp-bench-sipload*):

1. a PBX container from the lab's image (systemd; Debian 11 = Asterisk 16 by default, --image for
   sid = Asterisk 22) is converged by the collection's asterisk role alone (bench/sipload/converge.yml)
   on a generated inventory of --users extensions (2001..., two departments, voicemail boxes);
2. a second container on the same network runs sipp: one UAS (bench/sipload/uas.xml) answers for
   every extension, each registered with digest auth with that UAS as its contact
   (register.xml); the UAC (uac.xml) calls extension B from extension A with digest auth, so every
   call goes endpoint identification, auth, the dialplan (Dial(PJSIP/B,...)), the contact lookup and
   a bridge of two channels;
3. for each configuration -- the role's pjsip.conf/extensions.conf ("generated"), then the
   hand-written ones of bench/sipload/hand/ with the same endpoints, secrets and call path ("hand") --
   Asterisk is restarted on it, the extensions register again, and the series run:
   - deployed: held calls (below) at --deployed-steps with Asterisk's open-file limit as the role
     leaves it (Debian's unit: soft limit 1024, about 100 calls without media);
   - hold: L calls set up at --ramp-rate calls/s, each held until all L have been up together for
     --hold seconds (60 s), then hung up; a step passes when every call is answered and hung up
     cleanly and Asterisk counts L calls mid-hold. L doubles from --start-calls (or --hold-steps)
     until a step fails, then the gap is bisected --refine times. The figure is the largest L
     that passed. With --nofile N (default 65536) a systemd drop-in of the benchmark raises
     Asterisk's open-file limit first, so that the configuration, not the file limit, is measured.
   - rate: short calls (--short-ms held) at R calls/s for --rate-seconds; R steps up through
     --rates until a step fails, then the gap is bisected. The figure is the largest R with zero
     failed calls whose achieved rate (sipp's own count) is within 5 % of R.

The heavy lock (--lock FILE) is held twice: converge and the deployed series, then the hold and
rate series; both configurations side by side in each hold.
sipp runs in its own container, not in the PBX's: its CPU is then its own cgroup's, the PBX's CPU
use during each step (docker stats) is the PBX's alone, and SIP crosses a real network interface.
Both share the machine's cores: sipp's load is part of every figure, the same for both configurations.

No RTP is sent (sipp offers SDP but plays no audio): this measures SIP signalling, the dialplan and
Asterisk's channels and bridges, not media relay.

This is a figure for docs/benchmarks.md, not a test: nothing asserts on time.
Usage: bench/run.sh sipload [--users 200] [--image IMG] [--lock FILE] [--json out.json] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import typing as t

import yaml

from benchlib import ROOT, doubling, end_report, ensure_link, machine, run_json_playbook, search
from site_rerun_bench import is_weak_pin, locked

HERE = ROOT / 'bench' / 'sipload'
NAME = 'inpp-bench-sipload'
PBX = NAME + '-pbx'
SIPP = NAME + '-sipp'
SIPP_IMAGE = 'inpp-telecom/debian:bullseye'
FIRST_EXTENSION = 2001
UAS_PORT = 5062
REG_PORT = 5063
UAC_PORT = 5070
SIPP_DIR = '/root/sipload'
DEPARTMENTS = [{'name': 'direction', 'context': 'direction'}, {'name': 'formation', 'context': 'staff'}]


def run(argv: list, check: bool = True, data: t.Optional[str] = None, timeout: t.Optional[float] = None) -> str:
    proc = subprocess.run(argv, input=data, capture_output=True, text=True, check=False, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError('%s failed (rc=%d): %s %s'
                           % (' '.join(argv), proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
    return proc.stdout


def dexec(container: str, command: str, check: bool = True, data: t.Optional[str] = None,
          timeout: t.Optional[float] = None) -> str:
    return run(['docker', 'exec', '-i', container, 'sh', '-c', command], check, data, timeout)


def put(container: str, path: str, text: str) -> None:
    """Write *text* to *path* in *container* (through docker exec: docker cp misses tmpfs paths)."""
    dexec(container, 'mkdir -p "$(dirname %s)" && cat > %s' % (path, path), data=text)


def users(count: int, seed: int) -> list:
    rng = random.Random('sipload-%d-%d' % (seed, count))
    out = []
    for index in range(count):
        extension = str(FIRST_EXTENSION + index)
        pin = extension
        while is_weak_pin(pin, extension):
            pin = '%06d' % rng.randrange(10 ** 6)
        out.append({'name': 'Bench User %d' % index, 'login': 'bench.user%04d' % index, 'extension': extension,
                    'department': DEPARTMENTS[index % 2]['name'], 'voicemail_email': False,
                    'sip_secret': 'bench-%012x' % rng.getrandbits(48), 'voicemail_pin': pin})
    return out


def make_inventory(workdir: str, people: list) -> str:
    inventory = os.path.join(workdir, 'inventory')
    os.makedirs(os.path.join(inventory, 'group_vars'))
    hosts = {'all': {'vars': {'ansible_connection': 'community.docker.docker',
                              'ansible_python_interpreter': '/usr/bin/python3', 'ansible_become': False},
                     'children': {'pbx': {'hosts': {PBX: None}}}}}
    with open(os.path.join(inventory, 'hosts.yml'), 'w', encoding='utf-8') as handle:
        yaml.safe_dump(hosts, handle)
    with open(os.path.join(inventory, 'group_vars', 'pbx.yml'), 'w', encoding='utf-8') as handle:
        handle.write('---\n# Generated by bench/sipload_bench.py: %d extensions.\n' % len(people))
        yaml.safe_dump({'telecom_domain': 'inpp.cd', 'telecom_departments': DEPARTMENTS, 'telecom_users': people},
                       handle, sort_keys=False, width=200)
    return inventory


def hand_config(people: list) -> t.Dict[str, str]:
    """bench/sipload/hand/: pjsip.conf (its per-extension block repeated for each user) and extensions.conf."""
    head = (HERE / 'hand' / 'pjsip.conf').read_text(encoding='utf-8')
    block = (HERE / 'hand' / 'pjsip-extension.conf').read_text(encoding='utf-8')
    body = ''.join(block.format(ext=u['extension'], secret=u['sip_secret'], name=u['name']) for u in people)
    return {'pjsip.conf': head + body, 'extensions.conf': (HERE / 'hand' / 'extensions.conf').read_text(encoding='utf-8')}


def container_ip(container: str) -> str:
    return run(['docker', 'inspect', '-f', '{{(index .NetworkSettings.Networks "%s").IPAddress}}' % NAME,
                container]).strip()


def up(image: str) -> None:
    run(['docker', 'network', 'create', NAME])
    run(['docker', 'run', '-d', '--name', PBX, '--hostname', PBX, '--network', NAME, '--cgroupns', 'private',
         '--cap-add', 'SYS_ADMIN', '--tmpfs', '/run', '--tmpfs', '/run/lock', '--tmpfs', '/tmp',
         '--stop-signal', 'SIGRTMIN+3', image])
    run(['docker', 'run', '-d', '--init', '--name', SIPP, '--hostname', SIPP, '--network', NAME, SIPP_IMAGE,
         'sleep', 'infinity'])
    dexec(SIPP, 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq '
                '--no-install-recommends sip-tester >/dev/null 2>&1')
    for _attempt in range(60):
        if dexec(PBX, 'systemctl is-system-running', check=False).strip() in ('running', 'degraded'):
            return
        time.sleep(2)
    raise RuntimeError('systemd did not come up in %s' % PBX)


def down() -> None:
    run(['docker', 'rm', '--force', PBX, SIPP], check=False)
    run(['docker', 'network', 'rm', NAME], check=False)


def exists() -> bool:
    return bool(run(['docker', 'ps', '-q', '--filter', 'name=^%s$' % PBX], check=False).strip())


def cli(command: str) -> str:
    return dexec(PBX, "asterisk -rx '%s'" % command, check=False)


class Bench:
    def __init__(self, people: list, args: argparse.Namespace):
        self.people = people
        self.args = args
        self.pbx_ip = container_ip(PBX)
        self.sipp_ip = container_ip(SIPP)
        for name in ('register.xml', 'uac.xml', 'uas.xml'):
            put(SIPP, '%s/%s' % (SIPP_DIR, name), (HERE / name).read_text(encoding='utf-8'))
        exts = [u['extension'] for u in people]
        secrets = {u['extension']: u['sip_secret'] for u in people}
        half = len(exts) // 2
        # sipp 3.6.1 does not expand [fieldN] inside [authentication ...]: the field holds the keyword.
        auth = {e: '[authentication username=%s password=%s]' % (e, secrets[e]) for e in exts}
        put(SIPP, SIPP_DIR + '/register.csv', 'SEQUENTIAL\n' + ''.join(
            '%s;%s\n' % (e, auth[e]) for e in exts))
        # Caller A calls B half the directory away: the two departments' contexts and the shared one.
        put(SIPP, SIPP_DIR + '/calls.csv', 'SEQUENTIAL\n' + ''.join(
            '%s;%s;%s\n' % (e, auth[e], exts[(i + half) % len(exts)]) for i, e in enumerate(exts)))
        self.uas: t.Optional[subprocess.Popen] = None

    # ---- configurations

    def save_generated(self, fresh: bool) -> None:
        """Keep the role's files (right after the converge; a kept PBX keeps its first copy)."""
        if fresh or 'yes' not in dexec(PBX, 'test -e /root/sipload/generated/pjsip.conf && echo yes', check=False):
            dexec(PBX, 'mkdir -p /root/sipload/generated && cp /etc/asterisk/pjsip.conf '
                       '/etc/asterisk/extensions.conf /root/sipload/generated/')
        for name, text in hand_config(self.people).items():
            put(PBX, '/root/sipload/hand/' + name, text)

    def activate(self, config: str, nofile: t.Optional[int]) -> dict:
        """Restart Asterisk on *config* (generated or hand), start the UAS, register every extension.

        With --nofile N, a drop-in of the benchmark's own raises Asterisk's open-file limit first
        (the Debian unit leaves the soft limit at 1024); without it, any such drop-in is removed.
        """
        self.stop_uas()
        dropin = '/etc/systemd/system/asterisk.service.d/bench-nofile.conf'
        if nofile:
            put(PBX, dropin, '[Service]\nLimitNOFILE=%d\n' % nofile)
        else:
            dexec(PBX, 'rm -f %s' % dropin)
        dexec(PBX, 'systemctl daemon-reload')
        dexec(PBX, 'cp /root/sipload/%s/pjsip.conf /root/sipload/%s/extensions.conf /etc/asterisk/ && '
                   'chown asterisk:asterisk /etc/asterisk/pjsip.conf && chmod 0640 /etc/asterisk/pjsip.conf && '
                   'systemctl restart asterisk' % (config, config))
        for _attempt in range(60):
            if 'fully booted' in cli('core waitfullybooted').lower() or 'Endpoint:' in cli('pjsip show endpoints'):
                break
            time.sleep(1)
        time.sleep(2)
        endpoints = len(re.findall(r'^ Endpoint:\s+\d', cli('pjsip show endpoints'), re.M))
        self.uas = subprocess.Popen(  # pylint: disable=consider-using-with
            ['docker', 'exec', SIPP, 'sipp', '-sf', SIPP_DIR + '/uas.xml', '-i', self.sipp_ip, '-p', str(UAS_PORT),
             '-mp', '30000', '-nostdin'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        out = dexec(SIPP, 'cd %s && sipp %s:5060 -sf register.xml -inf register.csv -i %s -p %d -key uas_port %d '
                          '-m %d -r 50 -nostdin -timeout 60s -timeout_error -trace_err -error_file reg.err; echo rc=$?'
                    % (SIPP_DIR, self.pbx_ip, self.sipp_ip, REG_PORT, UAS_PORT, len(self.people)), check=False)
        contacts = len(re.findall(r'^\s+Contact:\s+\d+/sip:', cli('pjsip show contacts'), re.M))
        info = {'nofile': dexec(PBX, 'grep "open files" /proc/$(pidof asterisk)/limits').split()[3:5],
                'endpoints': endpoints, 'registered_contacts': contacts, 'register_rc': out.strip().split('rc=')[-1],
                'pjsip_conf_lines': int(dexec(PBX, 'wc -l < /etc/asterisk/pjsip.conf').strip()),
                'extensions_conf_lines': int(dexec(PBX, 'wc -l < /etc/asterisk/extensions.conf').strip())}
        print('  %s: %s' % (config, info), flush=True)
        if contacts != len(self.people):
            raise RuntimeError('%s: %d of %d extensions registered' % (config, contacts, len(self.people)))
        return info

    def stop_uas(self) -> None:
        # The sipp image has no procps: find this container's sipp processes in /proc.
        dexec(SIPP, 'for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = sipp ] && kill -9 "${p#/proc/}"; '
                    'done; sleep 1', check=False)
        if self.uas:
            self.uas.wait(timeout=30)
            self.uas = None

    # ---- one sipp UAC run

    def calls(self, limit: int, total: int, rate: float, hold_ms: int, probe_at: t.Optional[float]) -> dict:
        """*total* calls at *rate* calls/s, at most *limit* at once, each held *hold_ms*; zero failures?"""
        tag = 'uac-%d-%d-%d' % (limit, total, int(rate))
        samples: dict = {}

        def probe() -> None:
            counts = cli('core show channels count')
            match = re.search(r'(\d+) active call', counts)
            samples['asterisk_active_calls'] = int(match.group(1)) if match else None
            match = re.search(r'(\d+) active channel', counts)
            samples['asterisk_active_channels'] = int(match.group(1)) if match else None
            samples['pbx_cpu'] = run(['docker', 'stats', '--no-stream', '--format', '{{.CPUPerc}}', PBX],
                                     check=False).strip()
            samples['sipp_cpu'] = run(['docker', 'stats', '--no-stream', '--format', '{{.CPUPerc}}', SIPP],
                                      check=False).strip()
            samples['loadavg'] = os.getloadavg()

        timer = threading.Timer(probe_at, probe) if probe_at is not None else None
        timeout = int(total / rate + hold_ms / 1000 + 60)
        start = time.monotonic()
        if timer:
            timer.start()
        out = dexec(SIPP, 'cd %s && rm -f %s.* && sipp %s:5060 -sf uac.xml -inf calls.csv -i %s -p %d -mp 20000 '
                          '-l %d -m %d -r %s -d %d -nostdin -timeout %ds -timeout_error -trace_stat -stf %s.csv '
                          '-fd 1 -trace_err -error_file %s.err >/dev/null 2>&1; echo rc=$?; cat %s.csv; echo ==; '
                          'head -c 1500 %s.err 2>/dev/null'
                    % (SIPP_DIR, tag, self.pbx_ip, self.sipp_ip, UAC_PORT, limit, total, rate, hold_ms, timeout,
                       tag, tag, tag, tag), check=False, timeout=timeout + 60)
        wall = time.monotonic() - start
        if timer:
            timer.join()
        head, _sep, errors = out.partition('\n==\n')
        rc_line, _sep, stats = head.partition('\n')
        rows = list(csv.DictReader(io.StringIO(stats), delimiter=';'))
        row = rows[-1] if rows else {}

        def count(name: str, data: dict) -> int:
            try:
                return int(data.get(name) or 0)
            except ValueError:
                return 0

        def epoch(text: t.Optional[str]) -> float:
            return float(str(text).rsplit('\t', maxsplit=1)[-1])

        # Achieved setup rate: calls created so far over the time so far, at the last 1-s statistics
        # row before the last call was created (sipp's own clock).
        achieved = None
        sending = [r for r in rows if 0 < count('OutgoingCall(C)', r) < total]
        if sending and epoch(sending[-1]['CurrentTime']) > epoch(sending[-1]['StartTime']):
            achieved = round(count('OutgoingCall(C)', sending[-1])
                             / (epoch(sending[-1]['CurrentTime']) - epoch(sending[-1]['StartTime'])), 1)
        result = {'limit': limit, 'calls': total, 'rate': rate, 'hold_ms': hold_ms,
                  'sipp_rc': int(rc_line.split('rc=')[1]), 'successful': count('SuccessfulCall(C)', row),
                  'failed': count('FailedCall(C)', row), 'created': count('OutgoingCall(C)', row),
                  'max_concurrent_sipp': max([count('CurrentCall', r) for r in rows] or [0]),
                  'achieved_rate': achieved, 'wall_s': round(wall, 1),
                  'setup_ms': duration_ms(row.get('ResponseTimesetup(C)') or row.get('ResponseTime1(C)')),
                  'failures': {k[len('Failed'):-3]: count(k, row) for k in row
                               if k.startswith('Failed') and k.endswith('(C)') and count(k, row)}}
        result.update(samples)
        if result['sipp_rc'] != 0 or result['failed']:
            result['errors'] = errors[-1200:]
        return result

    # ---- the two series

    def hold_ok(self, limit: int) -> dict:
        ramp = limit / self.args.ramp_rate
        hold_ms = int((ramp + self.args.hold) * 1000)
        result = self.calls(limit, limit, self.args.ramp_rate, hold_ms, probe_at=ramp + self.args.hold / 2 + 2)
        result['ok'] = (result['sipp_rc'] == 0 and result['successful'] == limit and not result['failed']
                        and result.get('asterisk_active_calls') == limit)
        print('    hold %5d calls: %s  (ok=%d failed=%d %s, Asterisk %s calls / %s channels mid-hold, PBX CPU %s, '
              'sipp CPU %s)' % (limit, 'PASS' if result['ok'] else 'FAIL', result['successful'], result['failed'],
                                result['failures'], result.get('asterisk_active_calls'), result.get('asterisk_active_channels'),
                                result.get('pbx_cpu'), result.get('sipp_cpu')), flush=True)
        return result

    def rate_ok(self, rate: int) -> dict:
        total = int(rate * self.args.rate_seconds)
        result = self.calls(max(rate * 4, 50), total, rate, self.args.short_ms,
                            probe_at=self.args.rate_seconds / 2)
        result['ok'] = (result['sipp_rc'] == 0 and result['successful'] == total and not result['failed']
                        and (result['achieved_rate'] or 0) >= 0.95 * rate)
        print('    rate %4d calls/s x %ds: %s  (achieved %s/s, ok=%d failed=%d %s, PBX CPU %s, sipp CPU %s, '
              'setup %s ms)' % (rate, self.args.rate_seconds, 'PASS' if result['ok'] else 'FAIL',
                                result['achieved_rate'], result['successful'], result['failed'], result['failures'],
                                result.get('pbx_cpu'), result.get('sipp_cpu'), result.get('setup_ms')), flush=True)
        return result


def duration_ms(text: t.Optional[str]) -> t.Optional[float]:
    """sipp's HH:MM:SS:microseconds statistic in milliseconds."""
    try:
        hours, minutes, seconds, micro = (int(part) for part in str(text).split(':'))
    except ValueError:
        return None
    return round(((hours * 60 + minutes) * 60 + seconds) * 1000 + micro / 1000, 1)


def run_series(bench: Bench, series: str, args: argparse.Namespace, report: dict) -> None:
    """One series for every configuration. deployed: held calls with Asterisk's open-file limit as
    the role leaves it; hold and rate: with --nofile when given."""
    for config in [c for c in args.configs.split(',') if c]:
        entry = report['configs'].setdefault(config, {})
        nofile = None if series == 'deployed' else args.nofile
        entry.setdefault('activation', []).append(dict(bench.activate(config, nofile), series=series))
        print('  %s, %s series' % (config, series), flush=True)
        if series == 'deployed':
            steps = [int(v) for v in args.deployed_steps.split(',')]
            entry[series] = search(bench.hold_ok, steps, 0, args.max_calls)
        elif series == 'hold':
            steps = ([int(v) for v in args.hold_steps.split(',')] if args.hold_steps
                     else doubling(args.start_calls, args.max_calls))
            entry[series] = search(bench.hold_ok, steps, args.refine, args.max_calls)
        else:
            entry[series] = search(bench.rate_ok, [int(r) for r in args.rates.split(',')], args.refine, 10 ** 6)
        print('  %s: max %s %s' % (config, series, entry[series]['max']), flush=True)
        bench.stop_uas()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    parser.add_argument('--users', type=int, default=200)
    parser.add_argument('--seed', type=int, default=9)
    parser.add_argument('--image', default='inpp-telecom/debian-systemd:bullseye')
    parser.add_argument('--lock', help='hold an flock on this file during each measurement series')
    parser.add_argument('--hold', type=float, default=60, help='seconds all L calls are up together')
    parser.add_argument('--ramp-rate', type=float, default=100, help='calls/s while setting up the held calls')
    parser.add_argument('--start-calls', type=int, default=400)
    parser.add_argument('--hold-steps', help='explicit held-call steps (instead of doubling from --start-calls)')
    parser.add_argument('--nofile', type=int, default=65536,
                        help="Asterisk's open-file limit in the hold and rate series (systemd drop-in of the bench; "
                             "0: as the role leaves it)")
    parser.add_argument('--max-calls', type=int, default=3200)
    parser.add_argument('--rates', default='50,100,200,300,400,600,800')
    parser.add_argument('--rate-seconds', type=int, default=15)
    parser.add_argument('--short-ms', type=int, default=1000, help='hold of each call in the rate series')
    parser.add_argument('--refine', type=int, default=1, help='bisection steps after the first failure')
    parser.add_argument('--configs', default='generated,hand')
    parser.add_argument('--series', default='deployed,hold,rate')
    parser.add_argument('--deployed-steps', default='90,100',
                        help='held-call steps with the open-file limit the role leaves (no bisection)')
    parser.add_argument('--json', help='write the figures here')
    parser.add_argument('--keep', action='store_true', help='keep the containers (and reuse them next run)')
    parser.add_argument('--no-converge', action='store_true', help='reuse a kept, converged PBX as it is')
    args = parser.parse_args()
    ensure_link()
    people = users(args.users, args.seed)
    report: dict = {'machine': machine(), 'image': args.image, 'users': args.users, 'nofile': args.nofile,
                    'started': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                    'settings': {k: v for k, v in vars(args).items() if k not in ('json', 'lock', 'keep')},
                    'configs': {}}
    try:
        with tempfile.TemporaryDirectory(prefix='inpp-sipload-') as workdir:
            inventory = make_inventory(workdir, people)
            series = [x for x in args.series.split(',') if x]
            # Two lock holds: the converge with the as-deployed series, then the other series; in each,
            # both configurations side by side (the same conditions).
            with locked(args.lock):
                if not exists():
                    down()
                    up(args.image)
                if not args.no_converge:
                    start = time.perf_counter()
                    run_json_playbook(['-i', inventory, str(HERE / 'converge.yml')])
                    report['converge_s'] = round(time.perf_counter() - start, 1)
                report['asterisk'] = dexec(PBX, 'asterisk -V').strip()
                report['sipp'] = dexec(SIPP, 'sipp -v 2>&1 | grep -o "SIPp v[^ ]*"', check=False).strip()
                print('%s, sipp %s, %d extensions, converge %ss'
                      % (report['asterisk'], report['sipp'], args.users, report.get('converge_s', '(skipped)')),
                      flush=True)
                bench = Bench(people, args)
                bench.save_generated(fresh=not args.no_converge)
                if 'deployed' in series:
                    run_series(bench, 'deployed', args, report)
            if [x for x in series if x != 'deployed']:
                with locked(args.lock):
                    for name in series:
                        if name != 'deployed':
                            run_series(bench, name, args, report)
    finally:
        if not args.keep:
            down()
    gen, hand = report['configs'].get('generated', {}), report['configs'].get('hand', {})
    report['ratio'] = {}
    for series in ('deployed', 'hold', 'rate'):
        if series in gen and series in hand and hand[series]['max']:
            report['ratio'][series] = round(gen[series]['max'] / hand[series]['max'], 3)
    summary = {c: {s: v[s]['max'] for s in ('deployed', 'hold', 'rate') if s in v} for c, v in report['configs'].items()}
    print(json.dumps({'max': summary, 'generated/hand': report['ratio']}, indent=1), flush=True)
    end_report(report, args.json, show_machine=False)
    return 0


if __name__ == '__main__':
    sys.exit(main())
