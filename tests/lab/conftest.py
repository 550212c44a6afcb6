# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""End-to-end tests of the container lab (``make lab-test``, run by scripts/lab-test.sh).

Mail clients run on this host against the ports the lab publishes on 127.0.0.1; SIP clients (sipp)
run inside lab-pbx on its own loopback. Nothing here assumes empty mailboxes: every test marks its
messages with a unique token or only looks at IMAP UIDs newer than the ones present before it.
"""
from __future__ import annotations

import email
import email.message
import email.policy
import imaplib
import importlib.util
import os
import poplib
import smtplib
import ssl
import subprocess
import uuid

import pytest
import testinfra

HERE = os.path.dirname(os.path.abspath(__file__))
# tests/sipp/sipp_client.py and its scenarios, shared with the Molecule pbx scenario.
SPEC = importlib.util.spec_from_file_location(
    'sipp_client', os.path.join(os.path.dirname(HERE), 'sipp', 'sipp_client.py'))
sipp_client = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(sipp_client)
LOCALHOST = '127.0.0.1'
PORTS = {'smtp': 2525, 'submission': 2587, 'imaps': 2993, 'pop3s': 2995}
DOMAIN = 'inpp.cd'
PASSWORD = 'Lab-Passw0rd!'  # lab-only (inventories/lab/group_vars/all/directory.yml)
SIP_SECRETS = {'1001': 'lab-sip-1001', '1002': 'lab-sip-1002'}
PBX_CONTAINER = 'lab-pbx'
# The second site and the operator stand-in (inventories/lab/host_vars/lab-pbx2.yml, playbooks/lab-operator.yml).
PBX2_CONTAINER = 'lab-pbx2'
PBX2_SECRETS = {'2001': 'lab-sip-2001', '2002': 'lab-sip-2002'}
OPERATOR_CONTAINER = 'lab-operator'
OPERATOR_SECRETS = {'tester': 'lab-operator-tester'}
MAIL_CONTAINER = 'lab-mail'
SIPP_DIR = '/var/tmp/inpp-lab-test'  # where the scenarios are copied in lab-pbx
MAIL_TIMEOUT = 60


def address(login: str) -> str:
    return '%s@%s' % (login, DOMAIN)


def marker(kind: str) -> str:
    """A subject token no earlier run of the tests can have used."""
    return 'inpp-lab-test-%s-%s' % (kind, uuid.uuid4().hex[:12])


def tls_context() -> ssl.SSLContext:
    # The lab's certificates are self-signed; the TLS session itself is what is tested.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def wait_for(predicate, timeout: float = MAIL_TIMEOUT, step: float = 2):
    return sipp_client.wait_for(predicate, timeout, step)


class Imap:
    """One IMAPS session from this host to the lab (127.0.0.1:2993), INBOX selected."""

    def __init__(self, login: str):
        self.conn = imaplib.IMAP4_SSL(LOCALHOST, PORTS['imaps'], ssl_context=tls_context(), timeout=30)
        self.conn.login(address(login), PASSWORD)
        self.select()

    def select(self) -> int:
        typ, data = self.conn.select('INBOX')
        assert typ == 'OK', data
        return int(data[0])

    def uidnext(self) -> int:
        typ, data = self.conn.status('INBOX', '(UIDNEXT)')
        assert typ == 'OK', data
        return int(data[0].decode().split('UIDNEXT')[1].strip(' )'))

    def uids(self, *criteria: str, since_uid: int = 1) -> list:
        """UIDs matching the SEARCH criteria, not older than since_uid."""
        self.select()  # refresh: new deliveries show up
        typ, data = self.conn.uid('SEARCH', 'UID', '%d:*' % since_uid, *criteria)
        assert typ == 'OK', data
        # "n:*" always matches the newest message, even when its UID is below n.
        return [int(uid) for uid in data[0].split() if int(uid) >= since_uid]

    def wait_uids(self, *criteria: str, since_uid: int = 1) -> list:
        return wait_for(lambda: self.uids(*criteria, since_uid=since_uid))

    def fetch(self, uid: int) -> email.message.EmailMessage:
        typ, data = self.conn.uid('FETCH', str(uid), '(BODY.PEEK[])')
        assert typ == 'OK' and data and data[0], data
        return email.message_from_bytes(data[0][1], policy=email.policy.default)

    def delete(self, uids) -> None:
        """Remove the messages a test created, so repeated runs do not fill the mailbox."""
        if uids:
            self.conn.uid('STORE', ','.join(str(uid) for uid in uids), '+FLAGS.SILENT', r'(\Deleted)')
            self.conn.expunge()

    def close(self) -> None:
        try:
            self.conn.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def close_quietly(sessions: list, close, errors: tuple) -> None:
    """Close every session a fixture opened; one the server already dropped is no error at teardown."""
    for session in sessions:
        try:
            close(session)
        except errors:
            pass


def _docker_exec_stdin(container: str, command: list, data: bytes) -> None:
    # docker cp cannot write into the containers' tmpfs paths; a pipe through docker exec -i can.
    subprocess.run(['docker', 'exec', '-i', container] + command, input=data, check=True)


class Lab:
    """Constants and helpers the tests reach through the ``lab`` fixture (test modules do not import
    conftest)."""

    localhost = LOCALHOST
    ports = PORTS
    domain = DOMAIN
    password = PASSWORD
    address = staticmethod(address)
    marker = staticmethod(marker)
    tls_context = staticmethod(tls_context)
    wait_for = staticmethod(wait_for)


@pytest.fixture(scope='session')
def lab():
    return Lab()


@pytest.fixture(scope='session')
def pbx_host():
    host = testinfra.get_host('docker://%s' % PBX_CONTAINER)
    assert host.run('true').rc == 0, '%s does not answer: run `make lab` first' % PBX_CONTAINER
    return host


@pytest.fixture(scope='session')
def mail_host():
    host = testinfra.get_host('docker://%s' % MAIL_CONTAINER)
    assert host.run('true').rc == 0, '%s does not answer: run `make lab` first' % MAIL_CONTAINER
    return host


def _sipp_host(container: str, secrets: dict, host=None):
    """sipp_client.Pbx on *container*, the sipp scenarios copied into SIPP_DIR."""
    host = host or testinfra.get_host('docker://%s' % container)
    assert host.run('true').rc == 0, '%s does not answer: run `make lab` first' % container
    assert host.exists('sipp'), 'sipp is missing in %s (scripts/lab-test.sh installs sip-tester)' % container
    host.run_test('mkdir -p %s' % SIPP_DIR)
    for name in sipp_client.SCENARIOS:
        with open(os.path.join(sipp_client.SCENARIO_DIR, name), 'rb') as scenario:
            _docker_exec_stdin(container, ['sh', '-c', 'cat > %s/%s' % (SIPP_DIR, name)], scenario.read())
    return sipp_client.Pbx(host, SIPP_DIR, secrets)


@pytest.fixture(scope='session')
def pbx(pbx_host):
    return _sipp_host(PBX_CONTAINER, SIP_SECRETS, pbx_host)


@pytest.fixture(scope='session')
def pbx2():
    return _sipp_host(PBX2_CONTAINER, PBX2_SECRETS)


@pytest.fixture(scope='session')
def operator():
    return _sipp_host(OPERATOR_CONTAINER, OPERATOR_SECRETS)


@pytest.fixture()
def imap():
    """imap('grace.mbuyi') opens an IMAPS session; every session is logged out at teardown."""
    sessions = []

    def open_session(login: str) -> Imap:
        session = Imap(login)
        sessions.append(session)
        return session

    yield open_session
    for session in sessions:
        session.close()


@pytest.fixture()
def submission():
    """An authenticated submission session (127.0.0.1:2587, STARTTLS then AUTH)."""
    sessions = []

    def open_session(login: str) -> smtplib.SMTP:
        smtp = smtplib.SMTP(LOCALHOST, PORTS['submission'], timeout=30)
        sessions.append(smtp)
        smtp.ehlo('lab-test.localhost')
        smtp.starttls(context=tls_context())
        smtp.ehlo('lab-test.localhost')
        smtp.login(address(login), PASSWORD)
        return smtp

    yield open_session
    close_quietly(sessions, smtplib.SMTP.quit, (smtplib.SMTPException, OSError))


@pytest.fixture()
def pop3s():
    sessions = []

    def open_session(login: str) -> poplib.POP3_SSL:
        pop = poplib.POP3_SSL(LOCALHOST, PORTS['pop3s'], context=tls_context(), timeout=30)
        sessions.append(pop)
        pop.user(address(login))
        pop.pass_(PASSWORD)
        return pop

    yield open_session
    close_quietly(sessions, poplib.POP3_SSL.quit, (poplib.error_proto, OSError))


@pytest.fixture()
def agent():
    """agent(pbx, '1002', 5090) registers that extension from *port* in pbx's container, then starts
    a sipp UAS on that port (tests/sipp/answer.xml; extra sipp options such as -rtp_echo) that
    answers a call (and the message-waiting NOTIFY Asterisk may send first). The lab's endpoints rewrite a contact to the REGISTER's source port, so the
    UAS takes over that port. At teardown each agent's sipp is stopped (by its pid) and the
    extension unregistered."""
    started = []

    def start(pbx, ext: str, port: int, extra: str = ''):
        result = pbx.register(ext, port)
        assert result.rc == 0, 'REGISTER of %s failed\n%s' % (ext, result.stdout[-2000:])
        assert 'sip:%s@127.0.0.1:%d' % (ext, port) in pbx.cli('pjsip show contacts')
        pid = pbx.host.check_output(
            'setsid sipp -sf %s/answer.xml -i 127.0.0.1 -p %d -mp %d -m 2 -nostdin -timeout 90s %s '
            '> %s/uas-%s.log 2>&1 < /dev/null & echo $!' % (SIPP_DIR, port, port + 1000, extra, SIPP_DIR, ext)).strip()
        started.append((pbx, ext, port, pid))

        def listening():
            return pbx.host.run('ss -Hlun sport = :%d' % port).stdout.strip()

        assert pbx.wait_for(listening, timeout=10, step=0.2), 'the sipp UAS of %s does not listen on %d' % (ext, port)
        return pid

    yield start
    for pbx, ext, port, pid in started:
        pbx.host.run('kill %s 2>/dev/null; sleep 0.2' % pid)
        pbx.register(ext, port, expires=0)
