# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real mail clients run INSIDE the scenario's containers (python3 -c <this file> ...).

Only the Python standard library (smtplib, imaplib, poplib, ssl): the containers have
python3 and nothing else is installed for the tests. Every sub-command prints one JSON
object on stdout so the testinfra side can assert on it.
"""
import argparse
import base64
import email
import email.header
import email.message
import email.utils
import imaplib
import json
import poplib
import smtplib
import socket
import ssl
import sys
import time

TLS_VERSIONS = {
    'TLSv1': ssl.TLSVersion.TLSv1,
    'TLSv1_1': ssl.TLSVersion.TLSv1_1,
    'TLSv1_2': ssl.TLSVersion.TLSv1_2,
    'TLSv1_3': ssl.TLSVersion.TLSv1_3,
}


def context(version=None):
    """A client context that accepts the test hosts' self-signed certificates.

    With a version, the client offers only that version and lowers its own OpenSSL
    security level to 0 so that any refusal provably comes from the server.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if version:
        ctx.set_ciphers('ALL:@SECLEVEL=0')
        ctx.minimum_version = TLS_VERSIONS[version]
        ctx.maximum_version = TLS_VERSIONS[version]
    return ctx


def out(**result):
    print(json.dumps(result))


def cmd_smtp(args):
    result = {'ok': False, 'stage': 'connect'}
    try:
        if args.tls == 'wrapper':
            client = smtplib.SMTP_SSL(args.host, args.port, timeout=30, context=context())
        else:
            client = smtplib.SMTP(args.host, args.port, timeout=30)
        result['stage'] = 'ehlo'
        client.ehlo('client.test')
        result['features_before_tls'] = sorted(client.esmtp_features)
        if args.tls == 'starttls':
            result['stage'] = 'starttls'
            code = client.starttls(context=context())[0]
            result['starttls_code'] = code
            client.ehlo('client.test')
        if args.tls != 'none':
            result['tls_version'] = client.sock.version()
        result['features'] = sorted(client.esmtp_features)
        if args.ehlo_only:
            result['ok'] = True
            client.quit()
            out(**result)
            return
        if args.user:
            result['stage'] = 'auth'
            if args.raw_auth:
                token = base64.b64encode(('\0%s\0%s' % (args.user, args.password)).encode()).decode()
                code, resp = client.docmd('AUTH', 'PLAIN ' + token)
                result.update(code=code, message=resp.decode(errors='replace'))
                if code != 235:
                    client.close()
                    out(**result)
                    return
            else:
                client.login(args.user, args.password)
        msg = email.message.EmailMessage()
        msg['From'] = args.header_from or args.sender
        msg['To'] = ', '.join(args.to)
        msg['Subject'] = args.subject
        msg['Message-ID'] = email.utils.make_msgid(domain='client.test')
        msg.set_content(args.body)
        result['stage'] = 'send'
        refused = client.send_message(msg, from_addr=args.sender, to_addrs=args.to)
        result.update(ok=not refused, refused={k: [v[0], v[1].decode(errors='replace')] for k, v in refused.items()})
        client.quit()
    except smtplib.SMTPRecipientsRefused as exc:
        first = list(exc.recipients.values())[0]
        result.update(code=first[0], message=first[1].decode(errors='replace'))
    except smtplib.SMTPResponseException as exc:
        result.update(code=exc.smtp_code, message=exc.smtp_error.decode(errors='replace'))
    except (OSError, smtplib.SMTPException) as exc:
        result.update(error='%s: %s' % (type(exc).__name__, exc))
    out(**result)


def _imap_count(args):
    client = imaplib.IMAP4_SSL(args.host, 993, ssl_context=context())
    client.login(args.user, args.password)
    client.select('INBOX', readonly=True)
    criteria = ['SUBJECT', '"%s"' % args.subject] + (['TO', '"%s"' % args.to] if args.to else [])
    data = client.search(None, *criteria)[1]
    ids = data[0].split()
    version = client.sock.version()
    client.logout()
    return len(ids), version


def _pop3_count(args):
    client = poplib.POP3_SSL(args.host, 995, context=context())
    client.user(args.user)
    client.pass_(args.password)
    count = 0
    for number in range(1, client.stat()[0] + 1):
        lines = client.top(number, 0)[1]
        headers = email.message_from_bytes(b'\r\n'.join(lines))
        subject = str(email.header.make_header(email.header.decode_header(headers.get('Subject', ''))))
        if args.subject in subject and (not args.to or args.to in headers.get('To', '')):
            count += 1
    version = client.sock.version()
    client.quit()
    return count, version


def cmd_count(args):
    """Wait until at least --expect messages whose subject contains SUBJECT are there."""
    deadline = time.time() + args.wait
    count, version, error = 0, None, None
    while True:
        try:
            count, version = (_pop3_count if args.pop3 else _imap_count)(args)
            error = None
        except (OSError, imaplib.IMAP4.error, poplib.error_proto) as exc:
            error = '%s: %s' % (type(exc).__name__, exc)
        if count >= args.expect or time.time() >= deadline:
            break
        time.sleep(1)
    out(count=count, tls_version=version, error=error)


def cmd_quota(args):
    """GETQUOTAROOT INBOX over IMAPS: the storage limit in KiB (None without quota)."""
    client = imaplib.IMAP4_SSL(args.host, 993, ssl_context=context())
    client.login(args.user, args.password)
    typ, data = client.getquotaroot('INBOX')
    client.logout()
    limit = None
    for item in data[1] if len(data) > 1 else []:
        text = item.decode() if isinstance(item, bytes) else str(item)
        if 'STORAGE' in text:
            limit = int(text.split('STORAGE')[1].strip(' ()').split()[1])
    out(status=typ, storage_limit_kib=limit)


def cmd_tls(args):
    """Try a TLS handshake offering only --version (directly or after STARTTLS/STLS)."""
    ctx = context(args.version)
    try:
        if args.proto == 'smtp':
            client = smtplib.SMTP(args.host, args.port, timeout=20)
            client.ehlo('client.test')
            client.starttls(context=ctx)
            version = client.sock.version()
        elif args.proto == 'imap':
            client = imaplib.IMAP4(args.host, args.port)
            client.starttls(ssl_context=ctx)
            version = client.sock.version()
        elif args.proto == 'pop3':
            client = poplib.POP3(args.host, args.port, timeout=20)
            client.stls(context=ctx)
            version = client.sock.version()
        else:
            with socket.create_connection((args.host, args.port), timeout=20) as raw:
                with ctx.wrap_socket(raw) as tls:
                    version = tls.version()
        out(ok=True, version=version)
    except (OSError, smtplib.SMTPException, imaplib.IMAP4.error, poplib.error_proto) as exc:
        out(ok=False, error='%s: %s' % (type(exc).__name__, exc))


def cmd_cleartext_login(args):
    """Log in WITHOUT TLS; prints whether the server refused it."""
    try:
        if args.proto == 'imap':
            client = imaplib.IMAP4(args.host, args.port)
            caps = list(client.capabilities)
            client.login(args.user, args.password)
        else:
            client = poplib.POP3(args.host, args.port, timeout=20)
            caps = []
            client.user(args.user)
            client.pass_(args.password)
        out(refused=False, capabilities=caps)
    except (imaplib.IMAP4.error, poplib.error_proto) as exc:
        out(refused=True, capabilities=caps if args.proto == 'imap' else [], message=str(exc))


def main(argv):
    parser = argparse.ArgumentParser(prog='mailclient')
    sub = parser.add_subparsers(dest='command', required=True)

    smtp = sub.add_parser('smtp')
    smtp.add_argument('host')
    smtp.add_argument('port', type=int)
    smtp.add_argument('--tls', choices=['none', 'starttls', 'wrapper'], default='starttls')
    smtp.add_argument('--user')
    smtp.add_argument('--password')
    smtp.add_argument('--raw-auth', action='store_true', help='AUTH PLAIN by hand, even when not advertised')
    smtp.add_argument('--ehlo-only', action='store_true', help='stop after EHLO (and STARTTLS)')
    smtp.add_argument('--from', dest='sender', required=True)
    smtp.add_argument('--header-from')
    smtp.add_argument('--to', action='append', required=True)
    smtp.add_argument('--subject', required=True)
    smtp.add_argument('--body', default='Test message of the mail scenario.\n')
    smtp.set_defaults(func=cmd_smtp)

    count = sub.add_parser('count')
    count.add_argument('host')
    count.add_argument('user')
    count.add_argument('password')
    count.add_argument('subject')
    count.add_argument('--pop3', action='store_true')
    count.add_argument('--to', help='only messages whose To: contains this')
    count.add_argument('--expect', type=int, default=1)
    count.add_argument('--wait', type=int, default=60)
    count.set_defaults(func=cmd_count)

    quota = sub.add_parser('quota')
    quota.add_argument('host')
    quota.add_argument('user')
    quota.add_argument('password')
    quota.set_defaults(func=cmd_quota)

    tls = sub.add_parser('tls')
    tls.add_argument('host')
    tls.add_argument('port', type=int)
    tls.add_argument('--proto', choices=['smtp', 'imap', 'pop3', 'direct'], default='direct')
    tls.add_argument('--version', choices=sorted(TLS_VERSIONS), required=True)
    tls.set_defaults(func=cmd_tls)

    clear = sub.add_parser('cleartext-login')
    clear.add_argument('host')
    clear.add_argument('port', type=int)
    clear.add_argument('--proto', choices=['imap', 'pop3'], required=True)
    clear.add_argument('user')
    clear.add_argument('password')
    clear.set_defaults(func=cmd_cleartext_login)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == '__main__':
    main(sys.argv[1:])
