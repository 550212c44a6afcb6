# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mailhub's certificate from the lab's ACME CA (pebble on the name server), seen by openssl
s_client from the name server: IMAPS (993) and submission (587, STARTTLS) serve a certificate for
mail.inpp.cd that chains to pebble's root (fetched from pebble's management API); a forced
renewal is served on both ports after the deploy hook reloaded Postfix and Dovecot, whose main
processes stay the same (a reload, not a restart)."""
import re
import time

import pytest

NAME = 'mail.inpp.cd'
HUB = 'mail-internet-hub'
ROOT = '/tmp/pebble-root.pem'  # on the name server
PORTS = {
    993: '-connect %s:993' % HUB,
    587: '-starttls smtp -connect %s:587' % HUB,
}
LIVE = '/etc/letsencrypt/live/%s' % NAME


@pytest.fixture(scope='module')
def root(internet):
    """pebble's issuing root, from its management API (its own listener certificate trusted)."""
    internet.host.check_output(
        "python3 -c \"import ssl, urllib.request; ctx = ssl.create_default_context(cafile='/etc/pebble-lab/cert.pem'); "
        "open('%s', 'wb').write(urllib.request.urlopen('https://mail-internet-ns:15000/roots/0', context=ctx).read())\""
        % ROOT)
    return ROOT


def served(internet, port, root):
    """Serial, issuer and verification result of the certificate the hub serves on a port."""
    cmd = internet.host.run(
        'openssl s_client %s -servername %s -CAfile %s -verify_hostname %s -verify_return_error </dev/null 2>&1'
        ' | tee /tmp/s_client.%d.out | openssl x509 -noout -serial -issuer' % (PORTS[port], NAME, root, NAME, port))
    assert cmd.rc == 0, cmd.stdout + cmd.stderr + internet.host.file('/tmp/s_client.%d.out' % port).content_string
    session = internet.host.file('/tmp/s_client.%d.out' % port).content_string
    assert 'Verify return code: 0 (ok)' in session, session
    serial = re.search(r'^serial=(\w+)$', cmd.stdout, re.M).group(1)
    issuer = re.search(r'^issuer=(.*)$', cmd.stdout, re.M).group(1)
    return serial, issuer


def main_pids(hub):
    """Postfix's master (its pid file: the unit is postfix@-.service or postfix.service, by release) and Dovecot's."""
    pids = {'postfix': hub.file('/var/spool/postfix/pid/master.pid').content_string.strip(),
            'dovecot': hub.check_output('systemctl show -p MainPID --value dovecot.service').strip()}
    assert all(pid.isdigit() and pid != '0' for pid in pids.values()), pids
    return pids


def test_the_certificate_on_993_and_587_is_pebbles_for_the_mail_name(internet, root):
    seen = {port: served(internet, port, root) for port in PORTS}
    assert seen[993] == seen[587], seen  # one certificate per host
    assert 'Pebble' in seen[993][1], seen
    hub = internet.hub
    # Postfix and Dovecot read certbot's stable path, not the self-signed default.
    assert hub.check_output('postconf -h smtpd_tls_cert_file').strip() == LIVE + '/fullchain.pem'
    assert LIVE + '/fullchain.pem' in hub.check_output('doveconf -n')
    assert not hub.file('/etc/inpp-telecom/tls/host.crt').exists
    renewal = hub.file('/etc/letsencrypt/renewal/%s.conf' % NAME).content_string
    assert 'server = https://mail-internet-ns:14000/dir' in renewal and 'authenticator = standalone' in renewal
    assert hub.service('certbot.timer').is_enabled and hub.service('certbot.timer').is_running
    # Asked for once: the idempotence converge ran no certbot (each run logs its arguments).
    issued = hub.check_output("grep -l -e \"'--keep-until-expiring'\" /var/log/letsencrypt/letsencrypt.log* | wc -l")
    assert issued.strip() == '1', issued


def test_a_forced_renewal_is_served_after_a_reload_without_restart(internet, root):
    hub = internet.hub
    before = {port: served(internet, port, root) for port in PORTS}
    pids = main_pids(hub)
    since = hub.check_output("date '+%Y-%m-%d %H:%M:%S'").strip()
    time.sleep(1)
    # The renewals' environment (the drop-in trusting pebble's API), as certbot.timer runs them.
    environment = hub.check_output('systemctl show -p Environment --value certbot.service').strip()
    assert environment.startswith('REQUESTS_CA_BUNDLE='), environment
    renew = hub.run('env %s certbot renew --force-renewal --no-random-sleep-on-renew --cert-name %s'
                    % (environment, NAME))
    assert renew.rc == 0, renew.stdout + renew.stderr
    hook = hub.check_output("journalctl --no-pager -o cat --since '%s' -t inpp-telecom-acme" % since)
    assert 'reloaded postfix' in hook and 'reloaded dovecot' in hook, hook
    assert 'reload' in hub.check_output("journalctl --no-pager -o cat --since '%s' -t postfix/master" % since)
    assert 'reloading configuration' in hub.check_output(
        "journalctl --no-pager -o cat --since '%s' -u dovecot.service" % since)
    after = {port: served(internet, port, root) for port in PORTS}
    for port in PORTS:
        assert after[port][0] != before[port][0], (port, before, after)
        assert after[port][1] == before[port][1]
    assert after[993] == after[587]
    assert main_pids(hub) == pids
