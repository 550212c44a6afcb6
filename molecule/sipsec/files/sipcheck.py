# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The sipsec scenario's own client, run inside the containers (Python standard library only).

  sipcheck.py handshake HOST PORT VERSION     TLS handshake at exactly VERSION (1.0 ... 1.3); prints the version
  sipcheck.py register HOST PORT EXT SECRET   REGISTER over TLS with digest auth; prints the final status
  sipcheck.py ami HOST PORT USER SECRET       AMI login; prints the Response line

Exit status 0 when the handshake, REGISTER (200) or login (Success) worked, 1 when refused.
"""
from __future__ import annotations

import hashlib
import random
import re
import socket
import ssl
import sys

VERSIONS = {'1.0': ssl.TLSVersion.TLSv1, '1.1': ssl.TLSVersion.TLSv1_1,
            '1.2': ssl.TLSVersion.TLSv1_2, '1.3': ssl.TLSVersion.TLSv1_3}


def tls_connect(host: str, port: int, version: str = '') -> ssl.SSLSocket:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the PBX's certificate is self-signed in the tests
    # Lowest security level: only the server may refuse an old version, never this client.
    context.set_ciphers('ALL:@SECLEVEL=0')
    if version:
        context.minimum_version = context.maximum_version = VERSIONS[version]
    raw = socket.create_connection((host, port), timeout=10)
    return context.wrap_socket(raw)


def handshake(host: str, port: str, version: str) -> int:
    try:
        with tls_connect(host, int(port), version) as sock:
            print(sock.version())
            return 0
    except (ssl.SSLError, OSError) as error:
        print('refused: %s' % error)
        return 1


def _read_response(sock) -> tuple:
    data = b''
    while b'\r\n\r\n' not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError('connection closed')
        data += chunk
    head, _sep, body = data.partition(b'\r\n\r\n')
    text = head.decode('utf-8', 'replace')
    length = re.search(r'^Content-Length:\s*(\d+)', text, re.M | re.I)
    missing = int(length.group(1)) - len(body) if length else 0
    while missing > 0:
        chunk = sock.recv(missing)
        if not chunk:
            break
        missing -= len(chunk)
    return int(text.split(' ', 2)[1]), text


def _register(host: str, local: tuple, ext: str, cseq: int, call_id: str, tag: str, auth: str = '') -> bytes:
    lines = ['REGISTER sip:%s;transport=tls SIP/2.0' % host,
             'Via: SIP/2.0/TLS %s:%d;rport;branch=z9hG4bK%08x' % (local[0], local[1], random.getrandbits(32)),
             'Max-Forwards: 70',
             'From: <sip:%s@%s>;tag=%s' % (ext, host, tag),
             'To: <sip:%s@%s>' % (ext, host),
             'Call-ID: %s' % call_id,
             'CSeq: %d REGISTER' % cseq,
             'Contact: <sip:%s@%s:%d;transport=tls>' % (ext, local[0], local[1]),
             'Expires: 300']
    if auth:
        lines.append(auth)
    lines.extend(['Content-Length: 0', '', ''])
    return '\r\n'.join(lines).encode()


def _digest(challenge: str, ext: str, secret: str, uri: str) -> str:
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    ha1 = hashlib.md5(('%s:%s:%s' % (ext, fields['realm'], secret)).encode()).hexdigest()
    ha2 = hashlib.md5(('REGISTER:%s' % uri).encode()).hexdigest()
    if 'qop' in fields:
        cnonce, nc = '%08x' % random.getrandbits(32), '00000001'
        response = hashlib.md5(('%s:%s:%s:%s:auth:%s' % (ha1, fields['nonce'], nc, cnonce, ha2)).encode()).hexdigest()
        extra = ', qop=auth, nc=%s, cnonce="%s"' % (nc, cnonce)
    else:
        response = hashlib.md5(('%s:%s:%s' % (ha1, fields['nonce'], ha2)).encode()).hexdigest()
        extra = ''
    opaque = ', opaque="%s"' % fields['opaque'] if 'opaque' in fields else ''
    return ('Authorization: Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", '
            'algorithm=MD5%s%s' % (ext, fields['realm'], fields['nonce'], uri, response, extra, opaque))


def register(host: str, port: str, ext: str, secret: str) -> int:
    uri = 'sip:%s;transport=tls' % host
    call_id, tag = '%016x@sipcheck' % random.getrandbits(64), '%08x' % random.getrandbits(32)
    with tls_connect(host, int(port)) as sock:
        local = sock.getsockname()[:2]
        sock.sendall(_register(host, local, ext, 1, call_id, tag))
        status, text = _read_response(sock)
        if status == 401:
            challenges = re.findall(r'^WWW-Authenticate:\s*Digest\s+(.*)$', text, re.M | re.I)
            md5 = [c for c in challenges if 'algorithm' not in c.lower() or 'algorithm=md5' in c.lower().replace('"', '')]
            sock.sendall(_register(host, local, ext, 2, call_id, tag, _digest(md5[0], ext, secret, uri)))
            status, text = _read_response(sock)
    print('%d %s' % (status, text.splitlines()[0]))
    return 0 if status == 200 else 1


def ami(host: str, port: str, user: str, secret: str) -> int:
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.recv(1024)  # banner
        sock.sendall(('Action: Login\r\nUsername: %s\r\nSecret: %s\r\n\r\n' % (user, secret)).encode())
        data = b''
        while b'\r\n\r\n' not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    line = [x for x in data.decode().splitlines() if x.startswith('Response:')]
    print(line[0] if line else data.decode()[:200])
    return 0 if line and line[0].endswith('Success') else 1


if __name__ == '__main__':
    COMMANDS = {'handshake': handshake, 'register': register, 'ami': ami}
    try:
        sys.exit(COMMANDS[sys.argv[1]](*sys.argv[2:]))
    except (OSError, KeyError, IndexError) as error:
        print('error: %r' % error)
        sys.exit(2)
