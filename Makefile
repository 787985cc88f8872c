# `make demo` and `make test` are the front door; the rest are the steps they are made of.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The collection must sit at ansible_collections/citrix/cloud to be imported and found by Ansible.
COLLECTIONS := build/collections
LINK := $(COLLECTIONS)/ansible_collections/citrix/cloud
SANITY_TREE := build/sanity/ansible_collections/citrix/cloud
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export PYTHONPATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_CONFIG := $(CURDIR)/tests/ansible.cfg

.PHONY: test unit simulator-test integration sanity lint demo bench build clean

test: unit simulator-test integration sanity lint

$(BIN)/.stamp: requirements.txt requirements-dev.txt tests/simulator/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --editable ./tests/simulator
	touch $@

$(VENV): $(BIN)/.stamp

$(LINK):
	mkdir -p $(dir $(LINK))
	ln -sfn ../../../.. $(LINK)

unit: $(VENV) $(LINK)
	$(BIN)/pytest -q tests/unit

simulator-test: $(VENV)
	$(BIN)/pytest -q tests/simulator/tests

integration: $(VENV) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/pytest -q -n 2 tests/integration

sanity: $(VENV)
	$(BIN)/python tests/sanity/install_get_pip.py
	rm -rf build/sanity && mkdir -p $(SANITY_TREE)
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t $(SANITY_TREE)
	cd $(SANITY_TREE) && git init -q && git add -A && \
		PATH=$(CURDIR)/$(BIN):$$PATH ansible-test sanity --local --python 3.11 --color no

lint: $(VENV) $(LINK)
	cd playbooks && PATH=$(CURDIR)/$(BIN):$$PATH ansible-lint --offline .

demo: $(VENV) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python bench/demo.py

bench: $(VENV) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python bench/run.py

build: $(VENV)
	mkdir -p build/dist && $(BIN)/ansible-galaxy collection build --force --output-path build/dist .

clean:
	rm -rf build $(VENV)
