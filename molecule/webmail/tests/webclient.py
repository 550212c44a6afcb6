# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Clients run INSIDE the browser container (python3 - <this file> ...): smtplib, imaplib and a
real Chromium driven by Selenium. Every sub-command prints one JSON object as its last line.

The mail host's certificate is the self-signed one of the lab: the stdlib clients and Chromium
accept it (the tests compare what nginx serves with the host's certificate file instead).
"""
import argparse
import email
import email.header
import email.message
import email.utils
import imaplib
import json
import os
import smtplib
import socket
import ssl
import sys
import time


def context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def out(**result):
    print(json.dumps(result))


def cmd_smtp(args):
    """Submission (587, STARTTLS, AUTH) of one plain text message."""
    msg = email.message.EmailMessage()
    msg['From'] = args.user
    msg['To'] = args.to
    msg['Subject'] = args.subject
    msg['Date'] = email.utils.formatdate(localtime=True)
    msg['Message-ID'] = email.utils.make_msgid(domain='test.inpp.cd')
    msg.set_content(args.body + '\n')
    with smtplib.SMTP(args.host, 587, timeout=30) as client:
        client.ehlo('browser.test')
        client.starttls(context=context())
        client.ehlo('browser.test')
        client.login(args.user, args.password)
        refused = client.send_message(msg)
    out(ok=not refused, refused=refused)


def _decode(value):
    return str(email.header.make_header(email.header.decode_header(value or '')))


def cmd_subjects(args):
    """The subjects (and senders) in INBOX over IMAPS, waiting until one contains --expect."""
    deadline = time.time() + args.wait
    while True:
        found, error = [], None
        try:
            client = imaplib.IMAP4_SSL(args.host, 993, ssl_context=context())
            client.login(args.user, args.password)
            client.select('INBOX', readonly=True)
            _typ, data = client.search(None, 'ALL')
            for num in data[0].split():
                _typ, parts = client.fetch(num, '(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM AUTO-SUBMITTED)])')
                headers = email.message_from_bytes(parts[0][1])
                found.append({'subject': _decode(headers['Subject']), 'from': _decode(headers['From']),
                              'auto_submitted': headers['Auto-Submitted']})
            client.logout()
        except (OSError, imaplib.IMAP4.error) as exc:
            error = '%s: %s' % (type(exc).__name__, exc)
        if any(args.expect in m['subject'] for m in found) or time.time() >= deadline:
            break
        time.sleep(1)
    out(messages=found, error=error)


def cmd_https(args):
    """What a client gets on 443 (TLS version, certificate) and whether port 80 answers."""
    with socket.create_connection((args.host, 443), timeout=10) as raw:
        with context().wrap_socket(raw, server_hostname=args.host) as tls:
            der = tls.getpeercert(binary_form=True)
            version = tls.version()
    try:
        socket.create_connection((args.host, 80), timeout=5).close()
        plain = 'open'
    except OSError as exc:
        plain = type(exc).__name__
    out(tls_version=version, certificate=ssl.DER_cert_to_PEM_cert(der), port_80=plain)


def _sieve_response(sock):
    data = b''
    while not any(line.startswith((b'OK', b'NO', b'BYE')) for line in data.split(b'\r\n')):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode(errors='replace')


def cmd_sieve(args):
    """ManageSieve (4190): the capabilities before STARTTLS, then after it."""
    with socket.create_connection((args.host, 4190), timeout=10) as raw:
        before = _sieve_response(raw)
        raw.sendall(b'STARTTLS\r\n')
        answer = _sieve_response(raw)
        with context().wrap_socket(raw, server_hostname=args.host) as tls:
            after = _sieve_response(tls)
            version = tls.version()
    out(before=before, starttls=answer, after=after, tls_version=version)


# ------------------------------------------------------------------------------------ browser

def browser(shots):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ['SE_OFFLINE'] = 'true'  # Selenium Manager must never download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = '/usr/bin/chromium'
    for arg in ('--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--no-first-run', '--disable-quic', '--window-size=1400,1000', '--lang=en-US'):
        options.add_argument(arg)
    # The lab's certificate is self-signed (the test checks it is the mail host's own).
    options.accept_insecure_certs = True
    driver = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=options)
    driver.implicitly_wait(0)
    os.makedirs(shots, exist_ok=True)
    return driver


class Session:
    def __init__(self, driver, base, shots):
        self.driver, self.base, self.shots, self.steps = driver, base, shots, []

    def wait(self, condition, what, timeout=30):
        from selenium.webdriver.support.ui import WebDriverWait
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(condition)
        except Exception as exc:
            self.shot('failed')
            raise RuntimeError('%s: timed out (%s) at %s' % (what, type(exc).__name__, self.driver.current_url))

    def visible(self, selector, what, by='css selector', timeout=30):
        """The first displayed and enabled element matching the selector (CSS or XPath)."""
        def found(driver):
            for element in driver.find_elements(by, selector):
                if element.is_displayed() and element.is_enabled():
                    return element
            return False
        return self.wait(found, what, timeout)

    def idle(self, what):
        """Wait until Roundcube's page script is loaded and not busy.

        rcmail.command() ignores a command while rcmail.busy is set (the message list or a
        preferences frame still loading), so a click made then is silently lost: every click on a
        Roundcube command waits for this first."""
        return self.wait(lambda d: d.execute_script(
            'return document.readyState === "complete" && !!window.rcmail && !rcmail.busy'),
            what + ' (page idle)')

    def click_until(self, selector, what, arrived, by='css selector', attempts=3):
        """Click a command until its page shows (arrived(driver) is true): a click that landed
        while Roundcube was busy is repeated instead of failing the run."""
        for attempt in range(1, attempts + 1):
            self.idle(what)
            self.visible(selector, what, by=by).click()
            try:
                return self.wait(arrived, what + ' opened', timeout=15 if attempt < attempts else 30)
            except RuntimeError:
                if attempt == attempts:
                    raise
                self.steps.append('%s: click %d had no effect, clicking again' % (what, attempt))
        return None

    def shot(self, name):
        path = os.path.join(self.shots, name + '.png')
        self.driver.save_screenshot(path)
        self.steps.append('screenshot ' + path)

    def notice(self):
        """Text of Roundcube's green notice in this document or the parent one, else ''."""
        for element in self.driver.find_elements('css selector', '#messagestack .confirmation'):
            return element.text or 'confirmation'
        return ''

    def login(self, user, password):
        self.driver.get(self.base)
        self.visible('#rcmloginuser', 'login form').send_keys(user)
        self.visible('#rcmloginpwd', 'password field').send_keys(password)
        self.visible('#rcmloginsubmit', 'login button').click()
        self.visible('#messagelist', 'message list after login')
        self.idle('message list')
        self.steps.append('logged in as ' + user)

    def read(self, subject, body):
        """Select the message in the list and read it in the preview pane."""
        row = self.visible("//table[@id='messagelist']//tr[.//span[contains(@class,'subject')]"
                           "[contains(normalize-space(), '%s')]]" % subject, 'message %s in the list' % subject,
                           by='xpath', timeout=60)
        row.click()
        self.driver.switch_to.frame(self.visible('#messagecontframe', 'preview pane'))
        text = self.wait(lambda d: body in d.find_element('css selector', '#messagebody').text
                         and d.find_element('css selector', '#messagebody').text, 'message body')
        header = self.visible('#message-header', 'message header').text
        self.driver.switch_to.default_content()
        self.steps.append('read ' + subject)
        self.shot('01-read-message')
        return {'body': text, 'header': header, 'found_body': body in text}

    def compose(self, to, subject, body):
        self.click_until('a.compose', 'Compose button', lambda d: any(
            e.is_displayed() for e in d.find_elements('css selector', '#compose_to input')))
        self.idle('compose form')
        self.visible('#compose_to input', 'recipient input').send_keys(to + ',')
        self.visible('#compose-subject', 'subject field').send_keys(subject)
        editor = self.visible('#composebody', 'message editor')
        editor.clear()
        editor.send_keys(body)
        self.shot('02-compose')
        self.visible("//button[contains(@class,'send')] | //a[contains(@class,'send')]", 'Send button',
                     by='xpath').click()
        # The notice shows briefly, then Roundcube goes back to the message list.
        notice = self.wait(lambda d: self.notice() or ('_action=compose' not in d.current_url and 'left compose'),
                           'sent confirmation', 60)
        self.steps.append('sent %s to %s (%s)' % (subject, to, notice))
        return notice

    def vacation(self, subject, body):
        """Settings > Out of Office (the managesieve plugin's page): reply on, subject and text, Save."""
        from selenium.webdriver.support.ui import Select
        section = "//*[@id='settings-menu']//a[contains(normalize-space(), 'Out of Office')]"

        def shown(xpath):
            return lambda d: any(e.is_displayed() for e in d.find_elements('xpath', xpath))

        self.click_until('#taskmenu a.settings', 'Settings', shown(section))
        self.click_until(section, 'Out of Office section', shown("//*[@id='vacation_status']"), by='xpath')
        self.idle('Out of Office form')
        Select(self.visible('#vacation_status', 'vacation status')).select_by_value('on')
        field = self.visible('#vacation_subject', 'vacation subject')
        field.clear()
        field.send_keys(subject)
        reason = self.visible('#vacation_reason', 'vacation text')
        reason.clear()
        reason.send_keys(body)
        self.visible("//*[contains(@class,'formbuttons')]//*[contains(@class,'submit') or normalize-space()='Save']",
                     'Save button', by='xpath').click()
        notice = self.wait(lambda d: self.notice(), 'saved confirmation')
        self.shot('03-vacation-saved')
        self.steps.append('vacation reply set (%s)' % notice)
        return notice


def cmd_browser(args):
    driver = browser(args.shots)
    session = Session(driver, args.url, args.shots)
    result = {'ok': False}
    try:
        session.login(args.user, args.password)
        result['read'] = session.read(args.read_subject, args.read_body)
        result['sent_notice'] = session.compose(args.to, args.send_subject, args.send_body)
        session.driver.get(args.url + '?_task=mail&_mbox=INBOX')
        result['vacation_saved'] = session.vacation(args.vacation_subject, args.vacation_body)
        result['ok'] = True
    except Exception as exc:  # reported to the test with the steps done so far
        result['error'] = '%s: %s' % (type(exc).__name__, exc)
    finally:
        result['steps'] = session.steps
        driver.quit()
    out(**result)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='command', required=True)
    smtp = sub.add_parser('smtp')
    smtp.add_argument('host')
    smtp.add_argument('user')
    smtp.add_argument('password')
    smtp.add_argument('to')
    smtp.add_argument('subject')
    smtp.add_argument('--body', default='Test message of the webmail scenario.')
    subjects = sub.add_parser('subjects')
    subjects.add_argument('host')
    subjects.add_argument('user')
    subjects.add_argument('password')
    subjects.add_argument('--expect', default='\0')
    subjects.add_argument('--wait', type=int, default=60)
    sieve = sub.add_parser('sieve')
    sieve.add_argument('host')
    https = sub.add_parser('https')
    https.add_argument('host')
    web = sub.add_parser('browser')
    web.add_argument('url')
    web.add_argument('user')
    web.add_argument('password')
    web.add_argument('--shots', required=True)
    web.add_argument('--read-subject', required=True)
    web.add_argument('--read-body', required=True)
    web.add_argument('--to', required=True)
    web.add_argument('--send-subject', required=True)
    web.add_argument('--send-body', required=True)
    web.add_argument('--vacation-subject', required=True)
    web.add_argument('--vacation-body', required=True)
    args = parser.parse_args()
    {'smtp': cmd_smtp, 'subjects': cmd_subjects, 'https': cmd_https, 'sieve': cmd_sieve,
     'browser': cmd_browser}[args.command](args)


if __name__ == '__main__':
    sys.exit(main())
