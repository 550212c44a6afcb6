# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/dns.yml: the zone snippet on the control node and what bind9 serves after nsupdate."""
import os
import pathlib

import pytest

from conftest import HUB


def test_the_name_server_serves_mx_spf_dmarc_and_srv(internet):
    assert internet.dns('inpp.cd', 'MX')['records'] == ['10 mail.inpp.cd.']
    assert internet.dns('inpp.cd', 'TXT')['records'] == ['"v=spf1 mx -all"']
    assert internet.dns('_dmarc.inpp.cd', 'TXT')['records'] == ['"v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@inpp.cd"']
    assert internet.dns('_submission._tcp.inpp.cd', 'SRV')['records'] == ['0 1 587 mail.inpp.cd.']
    assert internet.dns('_imaps._tcp.inpp.cd', 'SRV')['records'] == ['0 1 993 mail.inpp.cd.']
    assert internet.dns('_submissions._tcp.inpp.cd', 'SRV')['records'] == ['0 1 465 mail.inpp.cd.']
    # The MX target is the mailhub's own address.
    hub_address = internet.hub.check_output("hostname -I | cut -d' ' -f1")
    assert internet.dns('mail.inpp.cd', 'A')['records'] == [hub_address]


def test_the_dkim_record_is_the_public_half_of_the_key_on_the_mailhub(internet):
    """The published key is derived from the key file rspamd signs with (and the key was made once:
    the idempotence run before this test left it, and the record, unchanged)."""
    pem = internet.hub.check_output('openssl pkey -in /etc/inpp-telecom/dkim/inpp.cd.lab2026.key -pubout')
    public = ''.join(line for line in pem.splitlines() if not line.startswith('-----'))
    served = internet.dns('lab2026._domainkey.inpp.cd', 'TXT')['records']
    assert len(served) == 1
    # A 2048-bit key does not fit one 255-character string: bind9 holds it split, as published.
    text = ''.join(part.strip('"') for part in served[0].split('" "'))
    assert text == 'v=DKIM1; k=rsa; p=' + public
    key = internet.hub.file('/etc/inpp-telecom/dkim/inpp.cd.lab2026.key')
    assert (key.user, key.group, key.mode) == ('root', '_rspamd', 0o640)


@pytest.mark.skipif('MOLECULE_EPHEMERAL_DIRECTORY' not in os.environ, reason='needs Molecule\'s inventory')
def test_the_zone_snippet_on_the_control_node_matches_what_is_served(internet):
    snippet = (pathlib.Path(os.environ['MOLECULE_EPHEMERAL_DIRECTORY']) / 'inventory' / 'dns' / 'inpp.cd.mail.zone').read_text()
    lines = [line.split() for line in snippet.splitlines() if line and not line.startswith(';')]
    by_key = {(fields[0], fields[3]): ' '.join(fields[4:]) for fields in lines}
    assert by_key[('inpp.cd.', 'MX')] == '10 mail.inpp.cd.'
    assert by_key[('inpp.cd.', 'TXT')] == '"v=spf1 mx -all"'
    assert by_key[('_dmarc.inpp.cd.', 'TXT')].startswith('"v=DMARC1; p=quarantine')
    assert by_key[('lab2026._domainkey.inpp.cd.', 'TXT')] == internet.dns('lab2026._domainkey.inpp.cd', 'TXT')['records'][0]
    assert all(fields[1] == '3600' and fields[2] == 'IN' for fields in lines)
    assert HUB  # the snippet was written from the mailhub's facts
