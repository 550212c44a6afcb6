# Copyright (c) 2026, INPP infrastructure team
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every filter has its plugins/filter/<name>.yml (ansible-doc -t filter inpp.telecom.<name>) matching its signature."""
from __future__ import annotations

import importlib
import inspect
import pathlib

import pytest
import yaml

FILTER_DIR = pathlib.Path(__file__).resolve().parents[4] / 'plugins' / 'filter'


def _filters():
    found = {}
    for source in sorted(FILTER_DIR.glob('*.py')):
        module = importlib.import_module('ansible_collections.inpp.telecom.plugins.filter.%s' % source.stem)
        found.update(module.FilterModule().filters())
    return found


FILTERS = _filters()


def test_every_doc_file_belongs_to_a_filter():
    assert sorted(p.stem for p in FILTER_DIR.glob('*.yml')) == sorted(FILTERS)


@pytest.mark.parametrize('name', sorted(FILTERS))
def test_filter_is_documented_with_examples(name):
    doc_file = FILTER_DIR / ('%s.yml' % name)
    assert doc_file.exists(), 'plugins/filter/%s.yml is missing' % name
    doc = yaml.safe_load(doc_file.read_text())
    documentation = doc['DOCUMENTATION']
    assert documentation['name'] == name
    assert documentation['short_description'] and documentation['description']
    assert 'inpp.telecom.%s' % name in doc['EXAMPLES']
    assert doc['RETURN']['_value']['description']
    # The documented arguments are the function's, in the same order.
    parameters = list(inspect.signature(FILTERS[name]).parameters)
    assert ['_input'] + parameters[1:] == [p.strip() for p in documentation['positional'].split(',')]
    assert sorted(documentation['options']) == sorted(['_input'] + parameters[1:])
