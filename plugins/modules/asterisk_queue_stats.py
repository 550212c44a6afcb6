#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
---
module: asterisk_queue_stats
short_description: Call-center statistics per queue, day and agent from the Asterisk queue_log
version_added: 0.1.0
description:
  - Reads the Asterisk C(queue_log) (and, by default, its logrotate copies, compressed or not) on the PBX and
    returns, for each queue and each day of a date range, the calls offered, answered, abandoned (with the
    wait before abandoning), timed out, the average and maximum wait of answered calls, the average talk time
    and the service level; and for each agent the calls answered, the talk time and the time paused.
  - A call belongs to the day, in the host's local time, on which it entered the queue.
  - Read-only; the layouts of the events read are the same in Asterisk 16 (Debian 11) and Asterisk 22
    (Debian sid).
author:
  - INPP infrastructure team (@inpp-cd)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - inpp.telecom.attributes.no_diff
options:
  path:
    description:
      - The queue_log file.
    type: path
    default: /var/log/asterisk/queue_log
  include_rotated:
    description:
      - Also read the logrotate copies beside O(path) (C(queue_log.1), C(queue_log.2.gz)...), oldest first.
    type: bool
    default: true
  since:
    description:
      - First day of the range, C(YYYY-MM-DD). Defaults to today (host local time).
    type: str
  until:
    description:
      - Last day of the range (included), C(YYYY-MM-DD). Defaults to O(since).
    type: str
  service_level:
    description:
      - The service level threshold in seconds; C(service_level) in RV(queues[].totals) is the share of offered calls
        answered within it.
    type: int
    default: 20
  queues:
    description:
      - Only these queues. All queues when omitted.
    type: list
    elements: str
notes:
  - Agents are named as in the queue_log agent field (the member name). C(ADDMEMBER) and C(REMOVEMEMBER) carry
    the member interface instead; the asterisk role names dynamic agents by their interface so both agree.
  - A pause still open at the end of the range, or now, counts until then.
seealso:
  - module: inpp.telecom.asterisk_info
'''

EXAMPLES = r'''
- name: Statistics of last week
  inpp.telecom.asterisk_queue_stats:
    since: "2026-11-23"
    until: "2026-11-29"
    service_level: 30
  register: stats

- name: Show the abandon rate of each queue
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.totals.abandon_rate }} % abandoned"
  loop: "{{ stats.queues }}"
  loop_control:
    label: "{{ item.name }}"
'''

RETURN = r'''
since:
  description: First day of the range.
  returned: always
  type: str
  sample: "2026-11-23"
until:
  description: Last day of the range (included).
  returned: always
  type: str
  sample: "2026-11-29"
service_level:
  description: The service level threshold used, in seconds.
  returned: always
  type: int
  sample: 20
files:
  description: The files read, oldest first.
  returned: always
  type: list
  elements: str
  sample: ["/var/log/asterisk/queue_log.1", "/var/log/asterisk/queue_log"]
lines_skipped:
  description: Lines that were not queue_log records.
  returned: always
  type: int
  sample: 0
queues:
  description:
    - One item per queue with calls, pauses or unanswered rings in the range. Times are seconds; averages and
      maxima are null when there is nothing to average; percentages are null when no call was offered.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Queue name.
      type: str
    totals:
      description:
        - Figures over the whole range, with the keys of RV(queues[].days) except C(date).
        - C(offered) calls that entered the queue; C(answered) connected to an agent; C(abandoned) the caller
          hung up; C(timed_out) left after the maximum wait; C(exited_empty) left for lack of agents;
          C(exited_key) left with a key; C(in_queue) still waiting when the log was read.
        - C(wait_avg), C(wait_max) wait of the answered calls; C(abandon_wait_avg), C(abandon_wait_max) wait
          before abandoning; C(talk_avg), C(talk_total) talk time of the completed calls.
        - C(answered_within_service_level) answered within O(service_level) seconds; C(service_level) that
          count as a percentage of C(offered); C(abandon_rate) abandoned as a percentage of C(offered).
      type: dict
      sample: {"offered": 6, "answered": 3, "abandoned": 2, "timed_out": 1, "exited_empty": 0, "exited_key": 0,
               "in_queue": 0, "wait_avg": 1.0, "wait_max": 3, "abandon_wait_avg": 5.5, "abandon_wait_max": 7,
               "talk_avg": 4.3, "talk_total": 13, "answered_within_service_level": 3, "service_level": 50.0,
               "abandon_rate": 33.3}
    days:
      description: The same figures per day with calls, oldest first, each with its C(date) (C(YYYY-MM-DD)).
      type: list
      elements: dict
    agents:
      description:
        - Per agent over the range - C(calls_answered), C(talk_time), C(talk_avg), C(paused_time), C(pauses)
          and C(ring_no_answer) (rang without answering).
      type: list
      elements: dict
      sample: [{"agent": "PJSIP/1001", "calls_answered": 2, "talk_time": 7, "talk_avg": 3.5, "paused_time": 31,
                "pauses": 2, "ring_no_answer": 1}]
'''

import datetime
import os
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.inpp.telecom.plugins.module_utils._queue_log import (
    aggregate,
    log_files,
    parse,
    read_lines,
)


def parse_range(since, until, today):
    """(since, until) as dates from the option strings; raises ValueError naming the option."""
    dates = {}
    for name, value, default in (('since', since, today), ('until', until, None)):
        if value in (None, ''):
            dates[name] = default if default is not None else dates['since']
            continue
        try:
            dates[name] = datetime.datetime.strptime(value, '%Y-%m-%d').date()
        except ValueError:
            raise ValueError('%s: %r is not a date YYYY-MM-DD' % (name, value))
    if dates['until'] < dates['since']:
        raise ValueError('until: %s is before since %s' % (dates['until'], dates['since']))
    return dates['since'], dates['until']


def main() -> None:
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', default='/var/log/asterisk/queue_log'),
            include_rotated=dict(type='bool', default=True),
            since=dict(type='str'),
            until=dict(type='str'),
            service_level=dict(type='int', default=20),
            queues=dict(type='list', elements='str'),
        ),
        supports_check_mode=True,
    )
    params = module.params
    try:
        since, until = parse_range(params['since'], params['until'], datetime.date.today())
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    if params['service_level'] < 0:
        module.fail_json(msg='service_level: %d is negative' % params['service_level'])
    folder = os.path.dirname(params['path']) or '.'
    if not os.path.isdir(folder):
        module.fail_json(msg='path: folder %s does not exist' % folder)
    files = log_files(params['path'], params['include_rotated'])
    try:
        events, skipped = parse(read_lines(files))
    except (IOError, OSError) as exc:
        module.fail_json(msg='path: cannot read the queue_log: %s' % exc, files=files)
    queues = aggregate(events, since, until, params['service_level'], params['queues'], now=time.time())
    module.exit_json(changed=False, since=since.isoformat(), until=until.isoformat(),
                     service_level=params['service_level'], files=files, lines_skipped=skipped, queues=queues)


if __name__ == '__main__':
    main()
