# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the mailhub refuses: open relay, unknown recipients, forged senders."""


def test_unauthenticated_relay_to_a_foreign_domain_gets_554(trio, subject):
    got = trio.satellite.smtp(trio.mailhub.name, 25, 'someone@example.org', 'stranger@example.net', subject)
    assert not got['ok']
    assert got['code'] == 554, got
    assert 'Relay access denied' in got['message']


def test_unknown_local_recipient_gets_550(trio, subject):
    got = trio.satellite.smtp(trio.mailhub.name, 25, 'someone@example.org', 'nobody.here@inpp.cd', subject)
    assert not got['ok']
    assert got['code'] == 550, got


def test_forged_sender_on_submission_is_rejected(trio, subject):
    got = trio.satellite.smtp(trio.mailhub.name, 587, 'marie.kabila@inpp.cd', 'paul.lukusa@inpp.cd', subject,
                              *trio.satellite.login_options('daddy.nzinga@inpp.cd'))
    assert not got['ok']
    assert got['code'] == 553, got
    assert 'not owned by user' in got['message']


def test_own_sender_on_submission_is_accepted(trio, subject):
    got = trio.satellite.smtp(trio.mailhub.name, 587, 'daddy.nzinga@inpp.cd', 'paul.lukusa@inpp.cd', subject,
                              *trio.satellite.login_options('daddy.nzinga@inpp.cd'))
    assert got['ok'], got
    assert trio.satellite.count(trio.mailhub.name, 'paul.lukusa@inpp.cd', subject)['count'] == 1
