# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Mail for the reprovision drill, made on the mail host itself.

Messages are appended over IMAPS into several folders of two mailboxes, and one message per
mailbox is delivered through Postfix and LMTP. Prints the number of messages of every folder
(those it added and those already there) as JSON once every delivery has landed.
"""
import email.message
import imaplib
import json
import smtplib
import ssl
import sys
import time

PASSWORDS = {'daddy.nzinga@inpp.cd': 'Daddy-Test-2024', 'marie.kabila@inpp.cd': 'Marie-Test-2024'}
APPENDED = {'daddy.nzinga@inpp.cd': {'INBOX': 3, 'Projets': 2, 'Archives': 1},
            'marie.kabila@inpp.cd': {'INBOX': 2, 'Formation': 2}}


def message(user, subject):
    msg = email.message.EmailMessage()
    msg['From'] = 'drill@example.net'
    msg['To'] = user
    msg['Subject'] = subject
    # No vacation reply (Pigeonhole never answers bulk mail): nothing arrives later.
    msg['Precedence'] = 'bulk'
    msg.set_content('%s\n%s\n' % (subject, 'x' * 200))
    return msg


def imap(user):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    client = imaplib.IMAP4_SSL('127.0.0.1', 993, ssl_context=context)
    client.login(user, PASSWORDS[user])
    return client


def counts(user):
    client = imap(user)
    result = {}
    for folder in APPENDED[user]:
        typ, data = client.select(folder, readonly=True)
        result[folder] = int(data[0]) if typ == 'OK' else 0
    client.logout()
    return result


def main(marker):
    # What the mailboxes already hold (the PBX's voicemail notification in daddy.nzinga's INBOX).
    before = {user: counts(user) for user in PASSWORDS}
    for user, folders in APPENDED.items():
        client = imap(user)
        for folder, number in folders.items():
            if folder != 'INBOX':
                client.create(folder)
                client.subscribe(folder)
            for index in range(number):
                subject = 'Drill %s %s %d' % (marker, folder, index)
                client.append(folder, '', imaplib.Time2Internaldate(time.time()),
                              message(user, subject).as_bytes())
        client.logout()
    with smtplib.SMTP('127.0.0.1', 25) as smtp:
        for user in PASSWORDS:
            smtp.send_message(message(user, 'Drill %s SMTP' % marker))
    expected = {user: {folder: before[user][folder] + number + (folder == 'INBOX') for folder, number in folders.items()}
                for user, folders in APPENDED.items()}
    deadline = time.monotonic() + 60
    while True:
        found = {user: counts(user) for user in PASSWORDS}
        if found == expected or time.monotonic() > deadline:
            break
        time.sleep(1)
    print(json.dumps(found, sort_keys=True))
    return 0 if found == expected else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
