# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The engine's result, checked with real clients inside each container."""

from __future__ import annotations

MARKER = '; managed by inpp.telecom.asterisk_config'
SIP_PORT = 5062


def test_stock_pjsip_comments_are_kept(host):
    text = host.file('/etc/asterisk/pjsip.conf').content_string
    # The Debian sample's own documentation is still there, ahead of the managed sections.
    assert text.index(';') < text.index(MARKER)
    assert text.count(MARKER) == 5 + 3 * 3  # transport, template, sipp x3; endpoint/auth/aor per user


def test_stock_dialplan_is_kept(host):
    text = host.file('/etc/asterisk/extensions.conf').content_string
    assert '[demo]' in text and '[default]' in text
    assert '[engine-test] %s\nexten => 1000,1,Answer()\nsame => n,Wait(2)\nsame => n,Hangup()\n' % MARKER in text


def test_endpoints_are_loaded(host):
    out = host.check_output('asterisk -rx "pjsip show endpoints"')
    assert ' Endpoint:  sipp ' in out
    for name in ('1001', '1002', '1003'):
        # With a caller ID the endpoint prints as "1001/1001" (its number).
        assert ' Endpoint:  %s/%s ' % (name, name) in out


def test_real_call_is_answered(host):
    cmd = host.run('sipp 127.0.0.1:%d -sn uac -s 1000 -i 127.0.0.1 -p 5071 -m 1 -nostdin '
                   '-timeout 30s -timeout_error -trace_err -error_file /var/tmp/sipp-engine.err' % SIP_PORT)
    assert cmd.rc == 0, cmd.stdout[-2000:] + host.run('cat /var/tmp/sipp-engine.err').stdout
    assert 'Successful call' in cmd.stdout
