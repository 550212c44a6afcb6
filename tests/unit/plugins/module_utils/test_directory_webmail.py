# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The directory model's rules for the webmail role's input and Dovecot's ManageSieve switch."""
from __future__ import annotations

import pytest

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model

WEBMAIL = {
    'server_name': 'mail.inpp.cd', 'domain': 'inpp.cd',
    'imap_host': 'localhost', 'imap_security': 'ssl', 'imap_port': 993,
    'smtp_host': 'localhost', 'smtp_port': 587,
    'managesieve': True, 'managesieve_host': 'localhost', 'managesieve_port': 4190,
    'https_port': 443,
    'tls_cert_file': '/etc/inpp-telecom/tls/host.crt', 'tls_key_file': '/etc/inpp-telecom/tls/host.key',
    'product_name': 'INPP Webmail', 'plugins': ['archive', 'zipdownload'],
    'dovecot_managesieve': True, 'host_certificate': {'tls_cert_file': '', 'tls_key_file': ''},
}


def test_valid_webmail_inputs():
    assert model.webmail_errors(WEBMAIL) == []
    assert model.webmail_errors(dict(WEBMAIL, imap_security='starttls', imap_port='143', domain='')) == []
    # No certificate of its own: the host's (inpp.telecom.host_base).
    assert model.webmail_errors(dict(WEBMAIL, tls_cert_file='', tls_key_file=None)) == []
    # Without the vacation form, ManageSieve on the local Dovecot is not needed.
    assert model.webmail_errors(dict(WEBMAIL, managesieve=False, dovecot_managesieve=False, managesieve_host=None)) == []
    # A remote ManageSieve server is the inventory's business.
    assert model.webmail_errors(dict(WEBMAIL, managesieve_host='sieve.inpp.cd', dovecot_managesieve=False)) == []


@pytest.mark.parametrize('change, expected', [
    ({'server_name': ''}, 'webmail_server_name: missing'),
    ({'server_name': 'mail inpp'}, "webmail_server_name: 'mail inpp' is not a valid host name"),
    ({'imap_host': None}, 'webmail_imap_host: missing'),
    ({'smtp_host': 'smtp_host'}, "webmail_smtp_host: 'smtp_host' is not a valid host name"),
    ({'managesieve_host': ''}, 'webmail_managesieve_host: missing'),
    ({'domain': 'INPP'}, "webmail_domain: 'INPP' is not a valid domain name"),
    ({'imap_security': 'tls'}, "webmail_imap_security: 'tls' is not one of ssl, starttls"),
    ({'imap_security': None}, "webmail_imap_security: 'None' is not one of ssl, starttls"),
    ({'https_port': 0}, "webmail_https_port: '0' is not a port number (1-65535)"),
    ({'imap_port': 70000}, "webmail_imap_port: '70000' is not a port number (1-65535)"),
    ({'smtp_port': True}, "webmail_smtp_port: 'True' is not a port number (1-65535)"),
    ({'managesieve_port': 'sieve'}, "webmail_managesieve_port: 'sieve' is not a port number (1-65535)"),
    ({'tls_cert_file': ''}, 'webmail_tls_cert_file: missing (webmail_tls_cert_file and webmail_tls_key_file go'),
    ({'tls_key_file': 'host.key'}, "webmail_tls_key_file: 'host.key' is not an absolute path"),
    ({'product_name': 'INPP\nWebmail'}, "webmail_product_name: contains a line break or another control character"),
    ({'plugins': 'managesieve'}, 'webmail_plugins: must be a list, got text'),
    ({'plugins': ['archive', '../evil']}, "webmail_plugins[1]: '../evil' is not a Roundcube plugin name"),
    ({'dovecot_managesieve': False}, 'dovecot_managesieve: must be true on a webmail host'),
    ({'host_certificate': {'tls_cert_file': '/etc/ssl/mail.pem', 'tls_key_file': ''}},
     'host_base_tls_key_file: missing'),
])
def test_each_webmail_error_names_its_field(change, expected):
    errors = model.webmail_errors(dict(WEBMAIL, **change))
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected), errors


def test_every_problem_at_once_and_non_mapping():
    errors = model.webmail_errors(dict(WEBMAIL, server_name='', imap_security='x', https_port=-1))
    assert [e.split(':', maxsplit=1)[0] for e in errors] == ['webmail_server_name', 'webmail_imap_security', 'webmail_https_port']
    assert model.webmail_errors(None) == ['webmail_errors: the settings must be a mapping']


DOVECOT = {'domains': ['inpp.cd'], 'users': [], 'quota': '', 'sieve': True, 'managesieve': True, 'managesieve_port': 4190}


def test_dovecot_managesieve_rules():
    assert model.dovecot_errors(DOVECOT) == []
    assert model.dovecot_errors(dict(DOVECOT, managesieve=False, sieve=False, managesieve_port='x')) == []
    assert model.dovecot_errors(dict(DOVECOT, sieve=False)) == [
        'dovecot_managesieve: needs dovecot_sieve (ManageSieve edits the Sieve scripts run at delivery)']
    assert model.dovecot_errors(dict(DOVECOT, managesieve_port=65536)) == [
        "dovecot_managesieve_port: '65536' is not a port number (1-65535)"]
