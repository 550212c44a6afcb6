# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""STARTTLS, refusal of TLS 1.0/1.1, no authentication without TLS, one certificate per host."""
import re

import pytest

# (name of the container in the trio, port, how TLS starts)
ENDPOINTS = [
    ('mailhub', 25, 'smtp'),
    ('mailhub', 587, 'smtp'),
    ('mailhub', 143, 'imap'),
    ('mailhub', 993, 'direct'),
    ('mailhub', 110, 'pop3'),
    ('mailhub', 995, 'direct'),
    ('smarthost', 465, 'direct'),
]


@pytest.mark.parametrize('port', [25, 587])
def test_starttls_works_on_smtp_ports(trio, port):
    got = trio.satellite.client('smtp', trio.mailhub.name, port, '--ehlo-only', '--from', 'x@example.org',
                                '--to', 'daddy.nzinga@inpp.cd', '--subject', 'unused')
    assert got['ok'], got
    assert 'starttls' in got['features_before_tls']
    assert got['starttls_code'] == 220
    assert got['tls_version'] in ('TLSv1.2', 'TLSv1.3')
    if port == 587:
        # AUTH is only offered once TLS is up.
        assert 'auth' not in got['features_before_tls']
        assert 'auth' in got['features']


@pytest.mark.parametrize('role,port,proto', ENDPOINTS)
def test_old_tls_versions_are_refused_by_the_server(trio, role, port, proto):
    server = getattr(trio, role).name
    modern = trio.satellite.client('tls', server, port, '--proto', proto, '--version', 'TLSv1_2')
    assert modern['ok'] and modern['version'] == 'TLSv1.2', modern
    for version in ('TLSv1', 'TLSv1_1'):
        old = trio.satellite.client('tls', server, port, '--proto', proto, '--version', version)
        assert not old['ok'], (version, old)
        # The client offered the old version (security level 0); the server said no.
        assert 'NO_PROTOCOLS_AVAILABLE' not in old['error'].upper(), old


def test_openssl_s_client_tls1_1_is_refused(trio):
    for port, extra in ((993, []), (587, ['-starttls', 'smtp'])):
        cmd = trio.satellite.run(
            'openssl s_client -connect %s:%s -tls1_1 -cipher DEFAULT:@SECLEVEL=0 ' + ' '.join(extra) + ' </dev/null',
            trio.mailhub.name, str(port))
        assert cmd.rc != 0, cmd.stdout
        assert 'no protocols available' not in (cmd.stdout + cmd.stderr)
        # No cipher was ever agreed: the handshake failed on the server's side.
        assert 'Cipher is (NONE)' in cmd.stdout, cmd.stdout
        # Control: TLS 1.2 is accepted by the same endpoint.
        ok = trio.satellite.run('openssl s_client -connect %s:%s -tls1_2 ' + ' '.join(extra) + ' </dev/null',
                                trio.mailhub.name, str(port))
        assert ok.rc == 0 and 'TLSv1.2' in ok.stdout, ok.stderr


@pytest.mark.parametrize('port,codes', [(587, (530, 538)), (25, (503,))])
def test_smtp_auth_without_tls_is_refused(trio, port, codes):
    got = trio.satellite.client('smtp', trio.mailhub.name, port, '--tls', 'none', '--raw-auth',
                                *trio.satellite.login_options('daddy.nzinga@inpp.cd'),
                                '--from', 'daddy.nzinga@inpp.cd', '--to', 'paul.lukusa@inpp.cd', '--subject', 'unused')
    assert not got['ok']
    assert 'auth' not in got['features_before_tls']
    assert got['code'] in codes, got


@pytest.mark.parametrize('proto,port', [('imap', 143), ('pop3', 110)])
def test_imap_pop3_login_without_tls_is_refused(trio, proto, port):
    got = trio.satellite.client('cleartext-login', trio.mailhub.name, port, '--proto', proto,
                                'daddy.nzinga@inpp.cd', 'Daddy-Test-2024')
    assert got['refused'], got
    if proto == 'imap':
        assert 'LOGINDISABLED' in got['capabilities']


# Every TLS endpoint of a host, and how TLS starts on it (None: TLS from the first byte).
CERTIFICATE_ENDPOINTS = {
    'mailhub': [(25, 'smtp'), (587, 'smtp'), (993, None), (995, None), (143, 'imap'), (110, 'pop3')],
    'smarthost': [(465, None), (587, 'smtp'), (993, None), (995, None)],
}
# Names the host's one certificate must carry: its FQDN and the name Postfix announces.
MAIL_DOMAIN = {'mailhub': 'inpp.cd', 'smarthost': 'example.net'}


def served_certificate(trio, server, port, starttls):
    """SHA-256 fingerprint and subject alternative names of the certificate a server presents."""
    cmd = trio.satellite.run(
        'openssl s_client -connect %s:%s ' + ('-starttls %s ' % starttls if starttls else '')
        + '</dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 -ext subjectAltName',
        server, str(port))
    assert cmd.rc == 0, (port, cmd.stderr)
    return cmd.stdout.strip()


@pytest.mark.parametrize('role', sorted(CERTIFICATE_ENDPOINTS))
def test_smtp_imap_and_pop3_serve_the_one_certificate_of_the_host(trio, role):
    """Postfix (25/465/587) and Dovecot (993/995/143/110) present the same certificate, the host's."""
    node = getattr(trio, role)
    served = {port: served_certificate(trio, node.name, port, starttls)
              for port, starttls in CERTIFICATE_ENDPOINTS[role]}
    assert len(set(served.values())) == 1, served
    on_disk = node.check('openssl x509 -in /etc/inpp-telecom/tls/host.crt -noout -fingerprint -sha256 -ext subjectAltName')
    assert set(served.values()) == {on_disk.strip()}, (served, on_disk)
    names = re.findall(r'DNS:([^,\s]+)', on_disk)
    # The FQDN as Ansible's facts see it (socket.getfqdn()).
    assert node.check('python3 -c "import socket; print(socket.getfqdn())"').strip() in names, names
    assert '%s.%s' % (node.name, MAIL_DOMAIN[role]) in names, names
