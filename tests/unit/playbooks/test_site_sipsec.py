# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SIP security and fail2ban input stops site.yml in its pre-flight, naming the field, before any host changes.

Same set-up as test_site_preflight.py (the fixtures site and lab_directory of this folder's conftest.py):
the lab's group_vars on two hosts that cannot be reached.
"""
from __future__ import annotations

import pytest


@pytest.mark.parametrize('user_changes, extra, message', [
    ({'sip_srtp': True}, {}, 'telecom_users[1].sip_srtp: SRTP (SDES) needs sip_transport: tls'),
    ({'sip_transport': 'wss'}, {}, "telecom_users[1].sip_transport: 'wss' is not one of udp, tls"),
    ({'sip_permit': ['10.0.0.300/24']}, {}, "telecom_users[1].sip_permit[0]: '10.0.0.300/24' is not a network"),
    (None, {'asterisk_pjsip_local_net': ['lan']}, "asterisk_pjsip_local_net[0]: 'lan' is not a network"),
    (None, {'fail2ban_ignoreip': ['127.0.0.1/8', '10.1.2.0/33']}, "fail2ban_ignoreip[1]: '10.1.2.0/33' is not a "
                                                                  'network'),
    (None, {'fail2ban_jails': [{'name': 'asterisk', 'maxretry': 0}]}, "fail2ban_jails[0].maxretry: '0' must be"),
])
def test_bad_security_input_stops_the_pre_flight(site, lab_directory, user_changes, extra, message):
    if user_changes:
        extra = dict(extra, telecom_users=lab_directory(**user_changes)['telecom_users'])
    code, out = site('--check', extra=extra)
    assert code != 0
    assert message in out, out[-3000:]
    assert 'PLAY [Mail servers]' not in out and 'UNREACHABLE' not in out, out[-3000:]
