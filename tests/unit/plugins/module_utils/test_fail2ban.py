# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""fail2ban in the directory model: every rule names its field; service and inventory jails merge by name."""
from __future__ import annotations

import copy

import pytest

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model

PREDEFINED = {
    'asterisk': {'logpath': '/var/log/asterisk/security', 'backend': 'polling'},
    'postfix-sasl': {'backend': 'systemd', 'journalmatch': '_SYSTEMD_UNIT=postfix@-.service'},
    'dovecot': {'backend': 'systemd', 'journalmatch': '_SYSTEMD_UNIT=dovecot.service'},
}
SETTINGS = {
    'service_jails': ['asterisk'],
    'jails': [{'name': 'asterisk', 'maxretry': 3, 'findtime': 60},
              {'name': 'nginx-http-auth', 'logpath': '/var/log/nginx/error.log', 'port': 'http,https'}],
    'maxretry': 5, 'findtime': 600, 'bantime': 3600,
    'ignoreip': ['127.0.0.1/8', '::1', '10.10.0.0/255.255.0.0'],
    'predefined': PREDEFINED,
}


def test_valid_settings():
    assert model.fail2ban_errors(SETTINGS) == []


@pytest.mark.parametrize('mutate, expected', [
    (lambda s: s.update(maxretry=0), "fail2ban_maxretry: '0' must be a whole number above 0"),
    (lambda s: s.update(bantime='1h'), "fail2ban_bantime: '1h' must be a whole number above 0"),
    (lambda s: s.update(ignoreip=['10.0.0.300/8']), "fail2ban_ignoreip[0]: '10.0.0.300/8' is not a network"),
    (lambda s: s.update(ignoreip='10.0.0.0/8'), 'fail2ban_ignoreip: must be a list'),
    (lambda s: s['service_jails'].append('asterix'), "fail2ban_service_jails[1]: 'asterix' is not a jail the role "
                                                     'knows (asterisk, dovecot, postfix-sasl)'),
    (lambda s: s['jails'].append({'name': 'bad name', 'logpath': '/x'}), "fail2ban_jails[2].name: 'bad name' is not"),
    (lambda s: s['jails'].append({'name': 'DEFAULT', 'logpath': '/x'}), "fail2ban_jails[2].name: 'DEFAULT' is not"),
    (lambda s: s['jails'].append({'name': 'asterisk'}), "fail2ban_jails[2].name: duplicate 'asterisk' (already "
                                                        'fail2ban_jails[0])'),
    (lambda s: s['jails'][0].update(maxretry=-1), "fail2ban_jails[0].maxretry: '-1' must be"),
    (lambda s: s['jails'][0].update(enabled='yes'), 'fail2ban_jails[0].enabled: '),
    (lambda s: s['jails'][0].update(bantime_increment=True), 'fail2ban_jails[0]: unknown option bantime_increment'),
    (lambda s: s['jails'][0].update(backend='gamin'), "fail2ban_jails[0].backend: 'gamin' is not one of"),
    (lambda s: s['jails'][1].pop('logpath'), 'fail2ban_jails[1].logpath: missing (a jail the role does not know'),
    (lambda s: s['jails'][1].update(logpath='error.log'), "fail2ban_jails[1].logpath: 'error.log' must be an "
                                                          'absolute path'),
    (lambda s: s['jails'][1].update(port='80\nbanaction = x'), 'fail2ban_jails[1].port: contains a line break'),
    (lambda s: s['jails'].append(7), 'fail2ban_jails[2]: must be a mapping'),
])
def test_each_rule_names_its_field(mutate, expected):
    settings = copy.deepcopy(SETTINGS)
    mutate(settings)
    errors = model.fail2ban_errors(settings)
    assert any(e.startswith(expected) for e in errors), errors


def test_a_disabled_unknown_jail_needs_no_log():
    settings = dict(SETTINGS, jails=[{'name': 'recidive', 'enabled': False}])
    assert model.fail2ban_errors(settings) == []


def test_service_jails_merge_with_the_inventory_by_name():
    jails = model.fail2ban_jails(SETTINGS)
    assert jails == [
        {'name': 'asterisk', 'enabled': True,
         'options': [{'logpath': '/var/log/asterisk/security'}, {'backend': 'polling'}, {'maxretry': 3},
                     {'findtime': 60}, {'bantime': 3600}]},
        {'name': 'nginx-http-auth', 'enabled': True,
         'options': [{'port': 'http,https'}, {'logpath': '/var/log/nginx/error.log'}, {'maxretry': 5},
                     {'findtime': 600}, {'bantime': 3600}]},
    ]


def test_the_inventory_turns_a_service_jail_off():
    settings = dict(SETTINGS, service_jails=['postfix-sasl', 'dovecot'], jails=[{'name': 'dovecot', 'enabled': False}])
    jails = {j['name']: j for j in model.fail2ban_jails(settings)}
    assert jails['postfix-sasl']['enabled'] is True
    assert jails['postfix-sasl']['options'] == [{'backend': 'systemd'},
                                                {'journalmatch': '_SYSTEMD_UNIT=postfix@-.service'},
                                                {'maxretry': 5}, {'findtime': 600}, {'bantime': 3600}]
    assert jails['dovecot']['enabled'] is False
