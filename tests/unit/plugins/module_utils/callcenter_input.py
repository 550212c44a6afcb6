# -*- coding: utf-8 -*-
# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The input shared by the call-center tests of the directory model (test_directory_callcenter.py,
test_directory_recording.py): two users, an IVR menu, the agent feature codes, and the two model
calls on them. Not a test file (pytest collects test_*.py only)."""

from __future__ import annotations

from ansible_collections.inpp.telecom.plugins.module_utils import _directory as model

USERS = [
    {'name': 'Daddy Nzinga', 'login': 'daddy.nzinga', 'extension': '1001', 'sip_secret': 'Secret-1001-x',
     'voicemail_pin': '4821'},
    {'name': 'Grace Mbuyi', 'login': 'grace.mbuyi', 'extension': '1002', 'sip_secret': 'Secret-1002-x',
     'voicemail_pin': '7390'},
]
IVR = [{'name': 'standard', 'extension': '500', 'options': {'1': 'queue:accueil'}}]
CODES = {'agent_codes': {'login': '*45', 'logout': '*46', 'pause': '*47', 'unpause': '*48'}}


def errors(queues, groups=None, defaults=None):
    """The asterisk role's input errors for USERS and IVR with *queues*, ring *groups*, and CODES as the
    settings unless *defaults* replaces them."""
    return model.asterisk_errors(USERS, [], queues, IVR, 'inpp.cd', 'telecom_users',
                                 CODES if defaults is None else defaults, None, groups)


def load(queues, groups=None):
    """The call-center directory of USERS and IVR with *queues* and ring *groups* (CODES as the settings)."""
    return model.load_call_center(USERS, [], queues, IVR, 'inpp.cd', 'telecom_users', CODES, ring_groups=groups)
