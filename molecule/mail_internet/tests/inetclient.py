# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Clients of the mail_internet scenario, run INSIDE the name server container (python3 - <this file> ...).

The standard library (smtplib, imaplib, socket) plus Debian's python3-dkim and python3-dnspython,
which the scenario's prepare step installs there. Every sub-command prints one JSON object.
"""
import argparse
import base64
import concurrent.futures
import email.message
import email.utils
import imaplib
import json
import smtplib
import socket
import ssl
import sys
import time

GTUBE = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X'


def context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def out(**result):
    print(json.dumps(result))


def cmd_smtp(args):
    result = {'ok': False}
    msg = email.message.EmailMessage()
    msg['From'] = args.header_from or args.sender
    msg['To'] = args.to
    msg['Subject'] = args.subject
    msg['Date'] = email.utils.formatdate()
    msg['Message-ID'] = email.utils.make_msgid(domain='client.test')
    msg.set_content((GTUBE + '\n') if args.gtube else 'Bonjour,\nun message ordinaire du test mail_internet.\n')
    try:
        client = smtplib.SMTP(args.host, args.port, timeout=60)
        client.ehlo('client.example.org')
        client.starttls(context=context())
        client.ehlo('client.example.org')
        if args.user:
            client.login(args.user, args.password)
        refused = client.send_message(msg, from_addr=args.sender, to_addrs=[args.to])
        result.update(ok=not refused)
        client.quit()
    except smtplib.SMTPResponseException as exc:
        result.update(code=exc.smtp_code, message=exc.smtp_error.decode(errors='replace'))
    except smtplib.SMTPRecipientsRefused as exc:
        first = list(exc.recipients.values())[0]
        result.update(code=first[0], message=first[1].decode(errors='replace'))
    out(**result)


def cmd_fetch(args):
    """The raw messages with this subject (base64), waiting up to --wait seconds for one."""
    deadline = time.time() + args.wait
    while True:
        client = imaplib.IMAP4_SSL(args.host, 993, ssl_context=context())
        client.login(args.user, args.password)
        client.select('INBOX', readonly=True)
        ids = client.search(None, 'SUBJECT', '"%s"' % args.subject)[1][0].split()
        raw = [client.fetch(i, '(BODY.PEEK[])')[1][0][1] for i in ids]
        client.logout()
        if raw or time.time() >= deadline:
            break
        time.sleep(1)
    out(count=len(raw), messages=[base64.b64encode(r).decode() for r in raw])


def _resolver(server):
    import dns.resolver  # python3-dnspython
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [server]
    return resolver


def cmd_dkim(args):
    """Verify the DKIM signature of a message (given in base64), keys from the given name server only."""
    import dkim  # python3-dkim (dkimpy)
    resolver = _resolver(args.dns)
    asked = []

    def dnsfunc(name, timeout=5):
        name = name.decode() if isinstance(name, bytes) else name
        asked.append(name)
        answer = resolver.resolve(name, 'TXT', lifetime=timeout)
        return b''.join(b''.join(rdata.strings) for rdata in answer)

    message = base64.b64decode(args.message)
    if args.tamper:
        message = message.replace(b'ordinaire', b'modifie!!')
    verifier = dkim.DKIM(message)
    try:
        valid, error = bool(verifier.verify(dnsfunc=dnsfunc)), ''
    except dkim.DKIMException as exc:  # a signature that does not match is an answer, not a client failure
        valid, error = False, str(exc)
    out(valid=valid, error=error, domain=(verifier.domain or b'').decode(),
        selector=(verifier.selector or b'').decode(), asked=asked)


def cmd_dns(args):
    """The records of a name and type at the given name server, in zone syntax."""
    resolver = _resolver(args.dns)
    answer = resolver.resolve(args.name, args.type)
    out(records=sorted(rdata.to_text() for rdata in answer), ttl=answer.rrset.ttl)


def _rcpt_answered(received):
    lines = received.decode(errors='replace').split('\r\n')[:-1]  # complete lines only
    if any(line.startswith('5') for line in lines):
        return True
    # Final reply lines after the greeting: EHLO's, MAIL's, then RCPT's.
    return sum(1 for line in lines if len(line) > 3 and line[3] == ' ' and not line.startswith('220')) >= 3


def cmd_pregreet(args):
    """Talk before the server's greeting is complete, as spam bots do; return what the server said."""
    sock = socket.create_connection((args.host, 25), timeout=30)
    sock.sendall(b'EHLO bot.example.org\r\nMAIL FROM:<bot@example.org>\r\nRCPT TO:<%s>\r\n' % args.to.encode())
    received = b''
    deadline = time.time() + 30
    # Read until the RCPT command is answered: a refusal (5xx) or the third final reply line
    # (EHLO, MAIL, RCPT). Counting raw lines stopped early when EHLO's reply came in pieces.
    while time.time() < deadline and not _rcpt_answered(received):
        try:
            chunk = sock.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        received += chunk
    sock.close()
    out(reply=received.decode(errors='replace'))


def _login(kind, host, user, password, timeout):
    """One login over IMAPS (993) or SMTP submission (587, STARTTLS then AUTH PLAIN): 'ok', 'refused'
    (the server said no to the credentials), 'unreachable' (no TCP/TLS session at all) or 'cut'
    (the session ended during the login)."""
    try:
        if kind == 'imap':
            client = imaplib.IMAP4_SSL(host, 993, ssl_context=context(), timeout=timeout)
        else:
            client = smtplib.SMTP(host, 587, timeout=timeout)
            client.ehlo('client.example.org')
            client.starttls(context=context())
            client.ehlo('client.example.org')
    except (OSError, smtplib.SMTPException, imaplib.IMAP4.error) as exc:
        return 'unreachable', '%s: %s' % (type(exc).__name__, exc)
    try:
        if kind == 'imap':
            client.login(user, password)
        else:  # one mechanism: smtplib's login() would try the next one after a refusal
            client.user, client.password = user, password
            client.auth('PLAIN', client.auth_plain)
        return 'ok', ''
    except (imaplib.IMAP4.error, smtplib.SMTPAuthenticationError) as exc:
        return 'refused', str(exc)
    except (OSError, smtplib.SMTPException) as exc:  # cut during the login
        return 'cut', '%s: %s' % (type(exc).__name__, exc)
    finally:
        try:
            client.logout() if kind == 'imap' else client.quit()
        except (OSError, imaplib.IMAP4.error, smtplib.SMTPException):
            pass


def cmd_login(args):
    """--count logins at once with the same credentials; the outcome of each."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.count) as pool:
        results = list(pool.map(lambda _: _login(args.kind, args.host, args.user, args.password, args.timeout),
                                range(args.count)))
    out(outcomes=[r[0] for r in results], errors=[r[1] for r in results])


def main(argv):
    parser = argparse.ArgumentParser(prog='inetclient')
    sub = parser.add_subparsers(dest='command', required=True)
    smtp = sub.add_parser('smtp')
    smtp.add_argument('host')
    smtp.add_argument('port', type=int)
    smtp.add_argument('--from', dest='sender', required=True)
    smtp.add_argument('--header-from')
    smtp.add_argument('--to', required=True)
    smtp.add_argument('--subject', required=True)
    smtp.add_argument('--user')
    smtp.add_argument('--password')
    smtp.add_argument('--gtube', action='store_true')
    smtp.set_defaults(func=cmd_smtp)
    fetch = sub.add_parser('fetch')
    fetch.add_argument('host')
    fetch.add_argument('user')
    fetch.add_argument('password')
    fetch.add_argument('subject')
    fetch.add_argument('--wait', type=int, default=60)
    fetch.set_defaults(func=cmd_fetch)
    dkim_ = sub.add_parser('dkim')
    dkim_.add_argument('--dns', required=True)
    dkim_.add_argument('--tamper', action='store_true')
    dkim_.add_argument('message', help='the raw message, base64')
    dkim_.set_defaults(func=cmd_dkim)
    dns_ = sub.add_parser('dns')
    dns_.add_argument('--dns', required=True)
    dns_.add_argument('name')
    dns_.add_argument('type')
    dns_.set_defaults(func=cmd_dns)
    pregreet = sub.add_parser('pregreet')
    pregreet.add_argument('host')
    pregreet.add_argument('--to', required=True)
    pregreet.set_defaults(func=cmd_pregreet)
    login = sub.add_parser('login')
    login.add_argument('kind', choices=['imap', 'smtp'])
    login.add_argument('host')
    login.add_argument('user')
    login.add_argument('password')
    login.add_argument('--count', type=int, default=1)
    login.add_argument('--timeout', type=int, default=10)
    login.set_defaults(func=cmd_login)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == '__main__':
    main(sys.argv[1:])
