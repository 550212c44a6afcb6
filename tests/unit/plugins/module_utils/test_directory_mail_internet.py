# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The directory model's rules for mail on the Internet: rspamd's input, postscreen's DNSBLs."""
from __future__ import annotations

import pytest

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model

RSPAMD = {
    'reject_score': 15, 'add_header_score': 6, 'greylist_score': None, 'milter_default_action': 'tempfail',
    'dkim_domains': ['inpp.cd', 'inpp.org'], 'dkim_selector': 'inpp', 'dkim_key_bits': 2048,
    'local_addrs': ['127.0.0.0/8', '::1/128', '10.1.0.0/16'], 'dns_servers': ['10.1.0.53', '2001:db8::53'],
    'redis_server': '127.0.0.1:6379', 'disabled_modules': ['fuzzy_check'],
}


def test_valid_rspamd_inputs():
    assert model.rspamd_errors(RSPAMD) == []
    assert model.rspamd_errors(dict(RSPAMD, greylist_score=4, reject_score='15.5', dkim_domains=[])) == []
    assert model.rspamd_errors(dict(RSPAMD, greylist_score='', redis_server='redis.inpp.cd:6380')) == []


@pytest.mark.parametrize('change, expected', [
    ({'reject_score': 'high'}, "rspamd_reject_score: 'high' is not a number"),
    ({'reject_score': True}, "rspamd_reject_score: 'True' is not a number"),
    ({'add_header_score': None}, "rspamd_add_header_score: 'None' is not a number"),
    ({'add_header_score': 15}, 'rspamd_add_header_score: 15 must be below rspamd_reject_score (15)'),
    ({'greylist_score': 7}, 'rspamd_greylist_score: 7 must be below rspamd_add_header_score (6)'),
    ({'greylist_score': [4]}, "rspamd_greylist_score: '[4]' is not a number"),
    ({'milter_default_action': 'reject'}, "rspamd_milter_default_action: 'reject' is neither tempfail nor accept"),
    ({'dkim_domains': 'inpp.cd'}, 'rspamd_dkim_domains: must be a list, got text'),
    ({'dkim_domains': ['inpp.cd', 'bad_domain']}, "rspamd_dkim_domains[1]: 'bad_domain' is not a valid domain"),
    ({'dkim_domains': ['inpp.cd', 'inpp.cd']}, "rspamd_dkim_domains[1]: duplicate 'inpp.cd'"),
    ({'dkim_selector': 'my selector'}, "rspamd_dkim_selector: 'my selector' is not a DNS label"),
    ({'dkim_selector': 'a.b'}, "rspamd_dkim_selector: 'a.b' is not a DNS label"),
    ({'dkim_key_bits': 1024}, "rspamd_dkim_key_bits: '1024' is not 2048, 3072 or 4096"),
    ({'local_addrs': ['10.1.0.0/33']}, "rspamd_local_addrs[0]: '10.1.0.0/33' is not a network"),
    ({'dns_servers': ['ns.inpp.cd']}, "rspamd_dns_servers[0]: 'ns.inpp.cd' is not an IP address"),
    ({'dns_servers': [53]}, "rspamd_dns_servers[0]: '53' is not an IP address"),
    ({'redis_server': '127.0.0.1'}, "rspamd_redis_server: '127.0.0.1' is not host:port"),
    ({'redis_server': '127.0.0.1:99999'}, "rspamd_redis_server: '127.0.0.1:99999' is not host:port"),
    ({'disabled_modules': ['Fuzzy Check']}, "rspamd_disabled_modules[0]: 'Fuzzy Check' is not a module name"),
    ({'disabled_modules': ['dkim_signing']}, "rspamd_disabled_modules[0]: 'dkim_signing' is configured by the role"),
])
def test_each_rspamd_rule_names_its_field(change, expected):
    errors = model.rspamd_errors(dict(RSPAMD, **change))
    assert any(e.startswith(expected) for e in errors), errors


def test_rspamd_reports_every_problem_at_once():
    errors = model.rspamd_errors(dict(RSPAMD, reject_score='x', dkim_selector='', redis_server=None))
    assert [e.split(':', maxsplit=1)[0] for e in errors] == ['rspamd_reject_score', 'rspamd_dkim_selector', 'rspamd_redis_server']
    assert model.rspamd_errors('nope') == ['rspamd_errors: the settings must be a mapping']


POSTFIX = {
    'profile': 'mailhub', 'myhostname': 'mail.inpp.cd', 'mydomain': 'inpp.cd', 'virtual_mailbox_domains': ['inpp.cd'],
    'virtual_mailboxes': ['daddy.nzinga@inpp.cd'], 'virtual_aliases': {}, 'catchall': '', 'root_alias': '',
    'relayhost': '', 'submission_any_sender_logins': [], 'mailhub': '', 'extra_parameters': {},
    'postscreen_dnsbl_sites': ['zen.spamhaus.org*3', 'b.barracudacentral.org=127.0.0.[2..11]*2',
                               'list.dnswl.org=127.0.[0..255].[0;1;2;3]*-2'],
    'postscreen_dnsbl_threshold': 3,
}


def test_postscreen_dnsbl_sites_in_postfix_syntax_are_valid():
    assert model.postfix_errors(POSTFIX) == []
    assert model.postfix_errors(dict(POSTFIX, postscreen_dnsbl_sites=[])) == []


@pytest.mark.parametrize('change, expected', [
    ({'postscreen_dnsbl_sites': ['zen.spamhaus.org 3']},
     "postfix_postscreen_dnsbl_sites[0]: 'zen.spamhaus.org 3' is not zone[=filter][*weight]"),
    ({'postscreen_dnsbl_sites': ['zen.spamhaus.org*x']}, 'postfix_postscreen_dnsbl_sites[0]: '),
    ({'postscreen_dnsbl_sites': 'zen.spamhaus.org'}, 'postfix_postscreen_dnsbl_sites: must be a list'),
    ({'postscreen_dnsbl_threshold': 0}, "postfix_postscreen_dnsbl_threshold: '0' is not a positive whole number"),
    ({'postscreen_dnsbl_threshold': True}, "postfix_postscreen_dnsbl_threshold: 'True' is not a positive"),
])
def test_each_postscreen_rule_names_its_field(change, expected):
    errors = model.postfix_errors(dict(POSTFIX, **change))
    assert any(e.startswith(expected) for e in errors), errors


KEY = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA' + 'q' * 330 + 'IDAQAB'
DNS = {
    'domain': 'inpp.cd', 'mailhub': 'mail.inpp.cd', 'mailhub_address': '192.0.2.25', 'ttl': 3600, 'mx_priority': 10,
    'spf': 'v=spf1 mx -all', 'dmarc_policy': 'quarantine', 'dmarc_rua': 'dmarc@inpp.cd',
    'srv_services': ['imaps', 'submission'],
    'dkim': [{'domain': 'inpp.cd', 'selector': 'inpp', 'name': 'inpp._domainkey.inpp.cd',
              'value': 'v=DKIM1; k=rsa; p=' + KEY}],
}


def test_the_records_of_a_mail_domain():
    assert model.mail_dns_errors(DNS) == []
    records = {(r['name'], r['type']): r for r in model.mail_dns_records(DNS)}
    assert list(records) == [('inpp.cd.', 'MX'), ('mail.inpp.cd.', 'A'), ('inpp.cd.', 'TXT'),
                             ('inpp._domainkey.inpp.cd.', 'TXT'), ('_dmarc.inpp.cd.', 'TXT'),
                             ('_imaps._tcp.inpp.cd.', 'SRV'), ('_submission._tcp.inpp.cd.', 'SRV')]
    assert records[('inpp.cd.', 'MX')]['rdata'] == '10 mail.inpp.cd.'
    assert records[('inpp.cd.', 'TXT')]['rdata'] == '"v=spf1 mx -all"'
    assert records[('_dmarc.inpp.cd.', 'TXT')]['value'] == 'v=DMARC1; p=quarantine; rua=mailto:dmarc@inpp.cd'
    assert records[('_submission._tcp.inpp.cd.', 'SRV')]['rdata'] == '0 1 587 mail.inpp.cd.'
    assert all(r['ttl'] == 3600 for r in records.values())


def test_a_long_dkim_key_is_split_into_255_character_strings():
    dkim = [r for r in model.mail_dns_records(DNS) if r['name'].startswith('inpp._domainkey')][0]
    parts = dkim['rdata'][1:-1].split('" "')
    assert len(parts) == 2 and len(parts[0]) == 255 and ''.join(parts) == dkim['value']


def test_no_address_record_for_a_mailhub_outside_the_domain_or_without_address():
    names = [r['name'] for r in model.mail_dns_records(dict(DNS, mailhub='mx.isp.example'))]
    assert 'mx.isp.example.' not in names
    types = [r['type'] for r in model.mail_dns_records(dict(DNS, mailhub_address=''))]
    assert 'A' not in types
    assert model.mail_dns_records(dict(DNS, mailhub_address='2001:db8::25'))[1]['type'] == 'AAAA'
    dmarc = [r for r in model.mail_dns_records(dict(DNS, dmarc_rua='', dkim=[])) if r['name'].startswith('_dmarc')]
    assert dmarc[0]['value'] == 'v=DMARC1; p=quarantine'


def test_the_zone_snippet_has_one_line_per_record():
    snippet = model.zone_snippet(model.mail_dns_records(DNS))
    lines = snippet.splitlines()
    assert len(lines) == 7 and snippet.endswith('\n')
    assert lines[0] == 'inpp.cd. 3600 IN MX 10 mail.inpp.cd.'
    assert lines[2] == 'inpp.cd. 3600 IN TXT "v=spf1 mx -all"'


@pytest.mark.parametrize('change, expected', [
    ({'domain': 'inpp'}, "dns_domain: 'inpp' is not a valid domain name"),
    ({'mailhub': 'mail'}, "dns_mailhub: 'mail' is not a fully qualified host name"),
    ({'mailhub_address': '192.0.2.300'}, "dns_mailhub_address: '192.0.2.300' is not an IP address"),
    ({'ttl': -1}, "dns_ttl: '-1' is not a whole number of seconds"),
    ({'mx_priority': 'high'}, "dns_mx_priority: 'high' is not a whole number"),
    ({'spf': 'mx -all'}, "dns_spf: 'mx -all' is not an SPF record"),
    ({'spf': 'v=spf1 "mx" -all'}, 'dns_spf: '),
    ({'spf': 'v=spf1 mx\n-all'}, 'dns_spf: '),
    ({'dmarc_policy': 'strict'}, "dns_dmarc_policy: 'strict' is not one of none, quarantine, reject"),
    ({'dmarc_rua': 'reports'}, "dns_dmarc_rua: 'reports' is not a valid mail address"),
    ({'srv_services': ['smtp']}, "dns_srv_services[0]: 'smtp' is not one of"),
    ({'dkim': [{'selector': 'a b', 'value': 'v=DKIM1; k=rsa; p=' + KEY}]}, "dns_dkim[0].selector: 'a b'"),
    ({'dkim': [{'selector': 'inpp', 'value': 'p=' + KEY}]}, 'dns_dkim[0].value: '),
    ({'dkim': ['inpp']}, 'dns_dkim[0]: must be a mapping'),
])
def test_each_dns_rule_names_its_field(change, expected):
    errors = model.mail_dns_errors(dict(DNS, **change))
    assert any(e.startswith(expected) for e in errors), errors


def test_the_records_filter_refuses_bad_input():
    from ansible.errors import AnsibleFilterError
    from ansible_collections.inpp.telecom.plugins.filter import directory as filters
    with pytest.raises(AnsibleFilterError, match='dns_dmarc_policy'):
        filters.mail_dns_records(dict(DNS, dmarc_policy='strict'))
    assert filters.mail_zone_snippet(filters.mail_dns_records(DNS)).startswith('inpp.cd. 3600 IN MX')
    assert filters.rspamd_errors(RSPAMD) == [] and filters.mail_dns_errors(DNS) == []


def test_dns_changes_compare_each_record_set_with_what_the_server_holds():
    records = model.mail_dns_records(DNS)
    held = ''.join('%s\t%d\tIN\t%s\t%s\n' % (r['name'], r['ttl'], r['type'], r['rdata']) for r in records)
    assert model.dns_changes(records, held) == []
    assert model.dns_changes(records, '') == records
    # A different TTL, a different value, an extra value in the set, a missing record.
    mx_ttl = held.replace('inpp.cd.\t3600\tIN\tMX', 'inpp.cd.\t300\tIN\tMX')
    assert [r['type'] for r in model.dns_changes(records, mx_ttl)] == ['MX']
    spf = held.replace('v=spf1 mx -all', 'v=spf1 a mx ~all')
    assert [r['rdata'] for r in model.dns_changes(records, spf)] == ['"v=spf1 mx -all"']
    extra = held + 'inpp.cd.\t3600\tIN\tMX\t20 backup.inpp.cd.\n'
    assert [r['type'] for r in model.dns_changes(records, extra)] == ['MX']
    missing = '\n'.join(line for line in held.splitlines() if '_dmarc' not in line)
    assert [r['name'] for r in model.dns_changes(records, missing)] == ['_dmarc.inpp.cd.']
    # dig's case and spacing do not matter.
    assert model.dns_changes(records, held.replace('inpp.cd.\t', 'INPP.CD.\t').replace('\t', '   ')) == []


def test_the_nsupdate_script_replaces_each_set_in_one_transaction():
    changes = [r for r in model.mail_dns_records(DNS) if r['type'] in ('MX', 'SRV')]
    script = model.nsupdate_script(changes, '192.0.2.53', 'inpp.cd', 'hmac-sha256', 'inpp', 'c2VjcmV0')
    assert script.splitlines() == [
        'server 192.0.2.53', 'zone inpp.cd', 'key hmac-sha256:inpp c2VjcmV0',
        'update delete inpp.cd. MX', 'update add inpp.cd. 3600 MX 10 mail.inpp.cd.',
        'update delete _imaps._tcp.inpp.cd. SRV', 'update add _imaps._tcp.inpp.cd. 3600 SRV 0 1 993 mail.inpp.cd.',
        'update delete _submission._tcp.inpp.cd. SRV',
        'update add _submission._tcp.inpp.cd. 3600 SRV 0 1 587 mail.inpp.cd.', 'send']
