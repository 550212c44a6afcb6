# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's two sites and its operator stand-in with real SIP clients (sipp inside the containers):
lab-pbx (Kinshasa, Asterisk 16) and lab-pbx2 (Matadi, Asterisk 22) register to lab-operator, which
places calls to INPP's numbers and answers outside calls; a call to the other site's range crosses
the site trunk. Each call is read back from the Asterisk record (CDR) of the side that received it."""
from __future__ import annotations

import csv
import re

KIN_NUMBER = '0815550100'  # lab-pbx's number: IVR standard (key 2 -> extension 1001)
OUTSIDE = '0815550999'     # a national number outside INPP
CDR = '/var/log/asterisk/cdr-csv/Master.csv'
FIELDS = ('accountcode', 'src', 'dst', 'dcontext', 'clid', 'channel', 'dstchannel', 'lastapp', 'lastdata',
          'start', 'answer', 'end', 'duration', 'billsec', 'disposition')


def _sipp_ok(result):
    assert result.rc == 0, 'sipp rc=%s\n%s\n%s' % (result.rc, result.stdout[-3000:], result.stderr[-2000:])


def _cdrs(pbx, **expected):
    """CDR rows of *pbx* whose named fields fully match the regular expressions given."""
    text = pbx.host.run('cat %s' % CDR).stdout
    rows = [dict(zip(FIELDS, row)) for row in csv.reader(text.splitlines())]
    return [r for r in rows if all(re.fullmatch(v, r.get(k, '')) for k, v in expected.items())]


def _new_cdr(pbx, before, **expected):
    """Wait for a CDR row matching *expected* beyond the *before* first matching rows."""
    return pbx.wait_for(lambda: _cdrs(pbx, **expected)[before:], timeout=20)


def test_both_sites_register_to_the_operator(pbx, pbx2, operator):
    for site in (pbx, pbx2):
        # A site that came up before the operator retries every 30 s; ask for it now.
        if 'Registered' not in site.cli('pjsip show registrations'):
            site.cli('pjsip send register *all')
        assert site.wait_for(lambda s=site: 'Registered' in s.cli('pjsip show registrations'), timeout=45), \
            site.cli('pjsip show registrations')
    contacts = operator.cli('pjsip show contacts')
    assert 'inpp-kinshasa/sip:inpp-kinshasa@' in contacts and 'inpp-matadi/sip:inpp-matadi@' in contacts, contacts


def test_a_call_from_the_operator_to_inpp_number_reaches_the_ivr(pbx, operator, agent):
    """tester -> operator -> trunk -> 0815550100 -> IVR standard -> key 2 -> 1001 (a sipp agent) answers."""
    before = len(_cdrs(pbx, dst='1001', dstchannel='PJSIP/1001-.*', disposition='ANSWERED'))
    agent(pbx, '1001', 5090)
    _sipp_ok(operator.call('call_dtmf', 'tester', KIN_NUMBER, 5092, '-key digit 2 -d 3000'))
    rows = _new_cdr(pbx, before, dst='1001', dstchannel='PJSIP/1001-.*', disposition='ANSWERED')
    assert rows, _cdrs(pbx)
    # The call came in on the operator's trunk from its caller; the number's only destination is
    # the IVR, whose key 2 is the only way from it to 1001.
    assert rows[-1]['channel'].startswith('PJSIP/trunk-operator-') and rows[-1]['src'] == 'tester', rows[-1]


def test_an_outbound_call_from_a_lab_extension_reaches_the_operator(pbx, operator):
    """1001 (direction: national calls) dials 0 + a national number; the operator answers it and
    records Kinshasa's number as the caller."""
    before = len(_cdrs(operator, dst=OUTSIDE, dcontext='from-inpp'))
    _sipp_ok(pbx.call('call', '1001', '0' + OUTSIDE, 5094, '-d 2000'))
    rows = _new_cdr(operator, before, dst=OUTSIDE, dcontext='from-inpp', disposition='ANSWERED')
    assert rows, _cdrs(operator)
    assert rows[-1]['src'] == KIN_NUMBER and rows[-1]['channel'].startswith('PJSIP/inpp-kinshasa-'), rows[-1]


def test_a_call_to_the_second_site_range_is_answered_there(pbx, pbx2, agent):
    before = len(_cdrs(pbx2, src='1001', dst='2002', disposition='ANSWERED'))
    agent(pbx2, '2002', 5096)
    _sipp_ok(pbx.call('call', '1001', '2002', 5098, '-d 2000'))
    # Matadi's own record: in on the site trunk from Kinshasa, answered by 2002.
    rows = _new_cdr(pbx2, before, src='1001', dst='2002', dcontext='from-sites', channel='PJSIP/site-kinshasa-.*',
                    dstchannel='PJSIP/2002-.*', disposition='ANSWERED')
    assert rows, _cdrs(pbx2)
