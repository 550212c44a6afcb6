# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""STARTTLS, refusal of TLS 1.0/1.1, and no authentication without TLS."""
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
