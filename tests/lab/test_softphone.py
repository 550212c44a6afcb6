# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A common softphone on this host against the lab, with the settings of README "Lab softphone":
baresip registers as 1001 on 127.0.0.1:5060 (UDP, the published port), its audio goes out and
comes back through the published RTP range (127.0.0.1:10000-10019).

baresip plays a tone (its aufile source) and records what it receives (its sndfile module, the
decoded audio of each call); it is driven through its ctrl_tcp interface on 127.0.0.1.
  - 1001 calls 1002, a sipp UAS in lab-pbx that echoes the RTP it receives: the recording holds
    baresip's own tone, which only comes back if audio went both ways through the PBX;
  - 1001 calls the voicemail (*98) and the IVR (500): each answers and its prompt arrives.
"""
from __future__ import annotations

import contextlib
import glob
import json
import math
import os
import re
import shutil
import socket
import struct
import subprocess
import time
import wave

import pytest

BARESIP = shutil.which('baresip') or '/usr/bin/baresip'
MODULES = '/usr/lib/baresip/modules'
SIP_PORT = 5060              # published on 127.0.0.1 (inventories/lab/hosts.yml)
LOCAL_SIP_PORT = 15160       # baresip's own SIP port on 127.0.0.1
CTRL_PORT = 15170            # baresip's ctrl_tcp on 127.0.0.1 (SIP takes 15160-15161: UDP/TCP, TLS)
RTP_PORTS = '15200-15299'    # baresip's RTP ports on 127.0.0.1
RATE = 8000
TONE_HZ = 800
BARESIP_CONTACT = re.compile(r'1001/sip:1001-[^@ ]+@[0-9.]+:[0-9]+')
ECHO_AGENT_PORT = 5100       # the sipp UAS of 1002 in lab-pbx (media port + 1000)


def write_tone(path: str, seconds: float = 30, freq: float = TONE_HZ) -> None:
    frames = b''.join(struct.pack('<h', int(12000 * math.sin(2 * math.pi * freq * n / RATE)))
                      for n in range(int(seconds * RATE)))
    with wave.open(path, 'wb') as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def read_samples(path: str) -> tuple:
    with wave.open(path, 'rb') as wav:
        assert wav.getsampwidth() == 2, (path, wav.getsampwidth())
        rate, channels = wav.getframerate(), wav.getnchannels()
        data = wav.readframes(wav.getnframes())
    samples = struct.unpack('<%dh' % (len(data) // 2), data)[::channels]
    return rate, samples


def voiced_seconds(rate: int, samples: tuple, threshold: float = 300) -> float:
    """Seconds of 20 ms frames whose RMS is above *threshold* (16-bit scale): non-silent audio."""
    size = rate // 50
    frames = [samples[i:i + size] for i in range(0, len(samples) - size + 1, size)]
    loud = sum(1 for f in frames if math.sqrt(sum(s * s for s in f) / size) > threshold)
    return loud * 0.02


def tone_share(rate: int, samples: tuple, freq: float = TONE_HZ) -> float:
    """Share of the energy of the non-silent frames that lies at *freq* (Goertzel, 20 ms frames)."""
    size = rate // 50
    coeff = 2 * math.cos(2 * math.pi * freq / rate)
    at_freq = total = 0.0
    for i in range(0, len(samples) - size + 1, size):
        frame = samples[i:i + size]
        energy = sum(s * s for s in frame)
        if math.sqrt(energy / size) <= 300:
            continue
        s1 = s2 = 0.0
        for s in frame:
            s1, s2 = s + coeff * s1 - s2, s1
        at_freq += (s1 * s1 + s2 * s2 - coeff * s1 * s2) * 2 / size
        total += energy
    return at_freq / total if total else 0.0


class Baresip:
    """One baresip process on this host and its ctrl_tcp connection (netstrings of JSON)."""

    def __init__(self, workdir: str, ext: str, secret: str):
        self.workdir = workdir
        self.recordings = os.path.join(workdir, 'recordings')
        os.makedirs(self.recordings)
        self.tone = os.path.join(workdir, 'tone.wav')
        write_tone(self.tone)
        with open(os.path.join(workdir, 'accounts'), 'w', encoding='ascii') as accounts:
            # README "Lab softphone": the account line a user puts in ~/.baresip/accounts.
            accounts.write('<sip:%s@127.0.0.1>;auth_pass=%s;audio_codecs=PCMU,PCMA;regint=300\n' % (ext, secret))
        with open(os.path.join(workdir, 'config'), 'w', encoding='ascii') as config:
            config.write('\n'.join([
                'poll_method epoll',
                'sip_listen 127.0.0.1:%d' % LOCAL_SIP_PORT,
                'net_interface 127.0.0.1',
                'rtp_ports %s' % RTP_PORTS,
                'audio_source aufile,%s' % self.tone,
                'audio_player aubridge,inpp-lab-test',
                'audio_alert aubridge,inpp-lab-test',
                'ausrc_srate %d' % RATE, 'auplay_srate %d' % RATE,
                'ausrc_channels 1', 'auplay_channels 1',
                'module_path %s' % MODULES,
                'module g711.so', 'module aufile.so', 'module aubridge.so', 'module sndfile.so',
                'module_app account.so', 'module_app menu.so', 'module_app ctrl_tcp.so',
                'ctrl_tcp_listen 127.0.0.1:%d' % CTRL_PORT,
                'snd_path %s' % self.recordings,
                '']))
        self.log = open(os.path.join(workdir, 'baresip.log'), 'wb')  # pylint: disable=consider-using-with
        self.proc = subprocess.Popen([BARESIP, '-f', workdir], stdin=subprocess.DEVNULL,  # pylint: disable=consider-using-with
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.sock = self._connect()
        self.buffer = b''
        self.events = []
        self.token = 0

    def _connect(self) -> socket.socket:
        deadline = time.monotonic() + 10
        while True:
            try:
                return socket.create_connection(('127.0.0.1', CTRL_PORT), timeout=1)
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.proc.kill()
                    self.proc.wait()
                    raise AssertionError('baresip did not start:\n' + self.output())
                time.sleep(0.2)

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        with open(self.log.name, 'rb') as log:
            return log.read().decode('utf-8', 'replace')

    def _read(self, timeout: float):
        """The next netstring message, or None after *timeout* seconds."""
        self.sock.settimeout(timeout)
        while True:
            head, sep, rest = self.buffer.partition(b':')
            if sep and head.isdigit() and len(rest) > int(head):
                size = int(head)
                self.buffer = rest[size + 1:]
                return json.loads(rest[:size])
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                raise AssertionError('baresip closed its control connection:\n' + self.output())
            self.buffer += chunk

    def command(self, command: str, params: str = '') -> dict:
        self.token += 1
        message = json.dumps({'command': command, 'params': params, 'token': str(self.token)}).encode()
        self.sock.sendall(b'%d:%s,' % (len(message), message))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            reply = self._read(deadline - time.monotonic())
            if reply is None:
                break
            if reply.get('response') and reply.get('token') == str(self.token):
                return reply
            self.events.append(reply)
        raise AssertionError('no reply from baresip to %s %s:\n%s' % (command, params, self.output()))

    def wait_event(self, kind: str, timeout: float = 15) -> dict:
        """The first event of type *kind* (REGISTER_OK, CALL_ESTABLISHED...), kept or coming."""
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event.get('type') == kind:
                    self.events.remove(event)
                    return event
            remaining = deadline - time.monotonic()
            message = self._read(remaining) if remaining > 0 else None
            if message is None:
                raise AssertionError('no %s event from baresip within %ss; events %s\n%s'
                                     % (kind, timeout, self.events, self.output()))
            if message.get('event'):
                self.events.append(message)

    def registered(self, timeout: float = 15) -> str:
        """baresip's own account status once it shows the registration OK (reginfo; the
        REGISTER_OK event may come before the control connection)."""
        deadline = time.monotonic() + timeout
        while True:
            info = self.command('reginfo').get('data', '')
            if re.search(r'sip:[^ ]+ +(\x1b\[[0-9;]*m)?OK', info) or time.monotonic() > deadline:
                return info
            time.sleep(0.5)

    def call(self, target: str, seconds: float) -> str:
        """Dial *target*, hold the answered call *seconds*, hang up: the recording of what came in."""
        before = set(glob.glob(os.path.join(self.recordings, '*.wav')))
        self.events = [e for e in self.events if not e.get('type', '').startswith('CALL_')]
        self.command('dial', target)
        self.wait_event('CALL_ESTABLISHED')
        time.sleep(seconds)
        self.command('hangup')
        self.wait_event('CALL_CLOSED')
        time.sleep(0.5)  # sndfile closes its files when the audio stream ends
        received = sorted(set(glob.glob(os.path.join(self.recordings, '*dec.wav'))) - before)
        assert len(received) == 1, (sorted(before), received, os.listdir(self.recordings))
        return received[0]

    def close(self) -> None:
        with contextlib.suppress(OSError, AssertionError):
            self.command('quit')
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.sock.close()
        self.log.close()


@pytest.fixture(scope='module')
def softphone(tmp_path_factory, pbx):
    assert os.path.exists(BARESIP), 'baresip is missing on this host (scripts/lab-test.sh installs baresip-core)'
    phone = Baresip(str(tmp_path_factory.mktemp('baresip')), '1001', 'lab-sip-1001')
    try:
        yield phone
    finally:
        phone.close()
    # Its registration is gone from the PBX once baresip quits.
    assert pbx.wait_for(lambda: not BARESIP_CONTACT.search(pbx.cli('pjsip show contacts')), timeout=10), \
        pbx.cli('pjsip show contacts')


def test_softphone_registers_on_127_0_0_1(softphone, pbx):
    info = softphone.registered()
    assert 'OK' in info, info + softphone.output()
    # baresip's contact (user 1001-<id>) as the PBX stored it: through the published port the PBX
    # sees the client at the lab network's gateway (rewrite_contact).
    assert BARESIP_CONTACT.search(pbx.cli('pjsip show contacts')), pbx.cli('pjsip show contacts')


def test_softphone_call_to_an_extension_carries_audio_both_ways(softphone, pbx, agent):
    agent(pbx, '1002', ECHO_AGENT_PORT, '-rtp_echo')
    rate, samples = read_samples(softphone.call('1002', 5))
    heard = voiced_seconds(rate, samples)
    share = tone_share(rate, samples)
    # Only the echo of baresip's tone can bring that tone back: it went out to 1002 and came back.
    assert heard >= 2, 'baresip received %.2f s of audio from 1002' % heard
    assert share > 0.5, 'the audio back from 1002 is not baresip tone (%.0f%% of its energy at %d Hz)' % (
        100 * share, TONE_HZ)


@pytest.mark.parametrize('target', ['*98', '500'], ids=['voicemail', 'ivr'])
def test_softphone_reaches_voicemail_and_the_ivr_with_their_prompts(softphone, target):
    rate, samples = read_samples(softphone.call(target, 4))
    heard = voiced_seconds(rate, samples)
    assert heard >= 0.3, 'the %s answered but baresip received %.2f s of audio' % (target, heard)
    # The prompt is the PBX speaking, not an echo of the softphone's tone.
    assert tone_share(rate, samples) < 0.5
