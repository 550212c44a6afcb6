# inpp.telecom — every entry point an operator or CI needs.
#   make lab    bring up the container lab and converge playbooks/site.yml on inventories/lab
#   make test   everything CI runs (sanity, units, lint, collection build, Molecule scenarios)
# Both set themselves up: venv with pinned packages, Docker engine, base images.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT        := $(abspath .)
VENV        := $(ROOT)/.venv
BIN         := $(VENV)/bin
PYTHON      ?= python3.11
BUILD       := $(ROOT)/build
# build/ansible_collections/inpp/telecom -> the work tree, so FQCNs resolve to it.
COLLECTIONS := $(BUILD)
# Longest first: two lanes take the next scenario whenever one is free (scripts/molecule-lanes.sh).
SCENARIOS   ?= reprovision mail mail_internet trunks pbx sipsec callcenter webmail preview asterisk_engine
MOLECULE_JOBS ?= 2
export MOLECULE_JOBS
GET_PIP     := $(HOME)/.ansible/test/cache/get_pip_24_2.py

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_HOME             := $(ROOT)/.cache/ansible
export ANSIBLE_FORCE_COLOR      := 0
export PY_COLORS                := 0
export PATH                     := $(BIN):$(PATH)

.PHONY: help venv docker images link sanity units lint yamllint ansible-lint build-check \
        ee-context molecule test lab lab-test lab-destroy bench changelog clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

# ---------------------------------------------------------------- set-up
$(BIN)/.stamp: requirements/dev.txt requirements/constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements/dev.txt -c requirements/constraints.txt
	touch $@

venv: $(BIN)/.stamp ## create .venv with the pinned toolchain

docker: ## make sure a Docker engine answers (installs docker.io on Debian when needed)
	scripts/ensure-docker.sh

images: docker ## build the lab's Debian 11 / sid images locally (skips existing ones)
	scripts/build-images.sh

link:
	@mkdir -p $(BUILD)/ansible_collections/inpp
	@ln -sfn ../../.. $(BUILD)/ansible_collections/inpp/telecom

# ---------------------------------------------------------------- static gates
sanity: venv ## ansible-test sanity from a clean ansible_collections/inpp/telecom copy
	scripts/ensure-host-tools.sh shellcheck:shellcheck git:git
	@mkdir -p $(dir $(GET_PIP)) && cp scripts/ansible_test_get_pip.py $(GET_PIP)
	@# A private copy per run (parallel runs must not share it); ansible-test
	@# lists the files to check with git, so the copy is indexed.
	tree=$$(mktemp -d /tmp/inpp-sanity.XXXXXX)/ansible_collections/inpp/telecom; \
	mkdir -p $$tree; \
	git ls-files -co --exclude-standard -z | xargs -0 -I{} find {} -maxdepth 0 -type f -print0 \
	    | tar -C $(ROOT) --null -T - -cf - | tar -C $$tree -xf -; \
	cd $$tree && git init -q && git add -A; \
	rc=0; $(BIN)/ansible-test sanity --python 3.11 --color no || rc=$$?; \
	rm -rf "$${tree%/ansible_collections/inpp/telecom}"; exit $$rc

units: venv link ## unit tests (pytest + hypothesis) with the collection importable
	@# pytest exits 5 when it collects nothing: a unit gate that ran no test is a failure here.
	rc=0; PYTHONPATH=$(BUILD) $(BIN)/pytest -q -p no:cacheprovider --import-mode=importlib \
	    tests/unit || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "units: pytest collected no test" >&2; exit 1; fi; exit $$rc

yamllint: venv
	$(BIN)/yamllint --strict .

ansible-lint: venv link
	$(BIN)/ansible-lint --offline

lint: yamllint ansible-lint ## yamllint + ansible-lint (production profile)

build-check: venv ## build the collection tarball, install it fresh, call a module by FQCN
	scripts/check-build.sh

ee-context: venv ## execution environment build context (ansible-builder create) in build/ee/context
	rm -rf $(BUILD)/ee
	$(BIN)/ansible-galaxy collection build --force --output-path $(BUILD)/ee/dist . >/dev/null
	cp $(BUILD)/ee/dist/inpp-telecom-*.tar.gz $(BUILD)/ee/inpp-telecom.tar.gz
	$(BIN)/ansible-builder create -f execution-environment.yml -c $(BUILD)/ee/context \
	    --output-filename Containerfile
	test -s $(BUILD)/ee/context/Containerfile
	test -s $(BUILD)/ee/context/_build/collections/inpp-telecom.tar.gz

# ---------------------------------------------------------------- behaviour
molecule: venv images link ## Molecule scenarios in MOLECULE_JOBS lanes (SCENARIOS="mail ...")
	scripts/molecule-lanes.sh $(SCENARIOS)

# make test runs lab-test as one more lane job beside the scenarios (its own containers and
# network): the same checks as `make molecule lab-test`, without waiting for the last lane. It is
# the second longest job, so it starts second (beside reprovision): longest first keeps the two
# lanes even (a long job taken last leaves the other lane idle).
test: venv images link sanity units lint build-check ee-context ## everything CI runs
	scripts/molecule-lanes.sh $(firstword $(SCENARIOS)) make:lab-test $(wordlist 2,$(words $(SCENARIOS)),$(SCENARIOS))
	@echo "make test: all gates passed"

lab: venv images link ## start the lab hosts and converge playbooks/site.yml on inventories/lab
	$(BIN)/ansible-playbook playbooks/lab.yml
	@# The operator stand-in (lab only) converges beside site.yml; its output is shown at the end.
	@mkdir -p $(BUILD)
	$(BIN)/ansible-playbook -i inventories/lab playbooks/lab-operator.yml >$(BUILD)/lab-operator.log 2>&1 & op=$$!; \
	rc=0; $(BIN)/ansible-playbook -i inventories/lab playbooks/site.yml || rc=$$?; \
	wait $$op || { cat $(BUILD)/lab-operator.log; exit 1; }; tail -n 3 $(BUILD)/lab-operator.log; exit $$rc
	$(BIN)/ansible-playbook -i inventories/lab playbooks/backup.yml
	@scripts/lab-info.sh

lab-test: lab ## make lab, then: second converge changes nothing, real clients against the lab
	scripts/lab-test.sh

lab-destroy: venv link ## remove the lab containers and network
	$(BIN)/ansible-playbook playbooks/lab.yml -e lab_state=absent

bench: venv link ## benchmarks (figures for docs/benchmarks.md, never run by make test)
	bench/run.sh

changelog: venv ## regenerate CHANGELOG.rst from changelogs/fragments
	$(BIN)/antsibull-changelog release

clean: ## remove build output (keeps the venv and images)
	rm -rf $(BUILD) tests/output .cache/ansible/tmp
