# `make demo` and `make test` are the front door; the rest are the steps they are made of.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The oldest ansible-core the collection claims (meta/runtime.yml) gets a venv of its own for its
# sanity test; the newest one installable on this Python is the one in requirements-dev.txt.
# tests/config.yml says the modules need Python 3.8+, so 2.16's Python 2 boilerplate tests do not apply.
OLDEST := 2.16
OLDEST_VENV := $(VENV)-$(OLDEST)
# The collection must sit at ansible_collections/citrix/cloud to be imported and found by Ansible.
COLLECTIONS := build/collections
LINK := $(COLLECTIONS)/ansible_collections/citrix/cloud
# ansible-test wants a real copy (a git tree, in that path); tests/output in it is kept between runs
# so that the virtualenvs ansible-test builds there are reused.
TREE := build/ansible-test/ansible_collections/citrix/cloud
DIST := build/dist
VERSION = $(shell sed -n 's/^version: *//p' galaxy.yml)
TARBALL = $(DIST)/citrix-cloud-$(VERSION).tar.gz
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export PYTHONPATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_CONFIG := $(CURDIR)/tests/ansible.cfg
export GALAXY_IMPORTER_CONFIG := $(CURDIR)/tests/galaxy-importer.cfg
ACT = cd $(TREE) && PATH=$(CURDIR)/$(BIN):$$PATH ansible-test

.PHONY: test unit simulator-test integration sanity sanity-oldest sanity-newest units targets tree \
	lint docs-lint importer build release docs demo bench clean

test: unit simulator-test integration sanity units targets lint docs-lint importer

$(BIN)/.stamp: requirements.txt requirements-dev.txt tests/unit/requirements.txt tests/integration/requirements.txt \
		tests/simulator/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --editable ./tests/simulator
	touch $@

$(VENV): $(BIN)/.stamp

$(OLDEST_VENV)/.stamp: requirements-oldest.txt
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/pip install --quiet -r requirements-oldest.txt
	touch $@

$(LINK):
	mkdir -p $(dir $(LINK))
	ln -sfn ../../../.. $(LINK)

unit: $(VENV) $(LINK)
	$(BIN)/pytest -q tests/unit

simulator-test: $(VENV)
	$(BIN)/pytest -q tests/simulator/tests

integration: $(VENV) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/pytest -q -n 2 tests/integration

# The files git would commit, copied to $(TREE) (ansible-test tests only what git knows).
tree: $(VENV)
	mkdir -p $(TREE)
	find $(TREE) -mindepth 1 -maxdepth 1 ! -name tests -exec rm -rf {} +
	find $(TREE)/tests -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} + 2>/dev/null || true
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t $(TREE)
	cd $(TREE) && rm -rf .git && git init -q && git add -A

sanity: sanity-oldest sanity-newest

# ansible-test bootstraps pip in each sanity venv from a download these machines cannot reach;
# install_get_pip.py puts a stand-in where it looks first (for the ansible-test that runs it).
sanity-newest: tree
	$(BIN)/python tests/sanity/install_get_pip.py
	$(ACT) sanity --local --python 3.11 --color no

sanity-oldest: tree $(OLDEST_VENV)/.stamp
	$(OLDEST_VENV)/bin/python tests/sanity/install_get_pip.py
	cd $(TREE) && PATH=$(CURDIR)/$(OLDEST_VENV)/bin:$$PATH ansible-test sanity --local --python 3.11 --color no

# ansible-test units in a venv of its own, from tests/unit/requirements.txt: each test runs in a
# forked child; check_no_simulator.py fails if one left a simulator running.
units: tree
	$(ACT) units --venv --requirements --python 3.11 --color no
	$(BIN)/python tests/unit/check_no_simulator.py $(TREE)

# The ansible-test integration targets (tests/integration/targets), each against a simulator
# started by the setup_simulator role.
targets: tree
	$(ACT) integration --venv --requirements --python 3.11 --color no
	$(BIN)/python tests/unit/check_no_simulator.py $(TREE)

# The whole collection, as galaxy-importer lints it.
lint: $(VENV) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH ansible-lint --offline --profile production

docs-lint: $(VENV) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH antsibull-docs lint-collection-docs --plugin-docs .

build: $(VENV)
	rm -rf $(DIST) && mkdir -p $(DIST)
	$(BIN)/ansible-galaxy collection build --force --output-path $(DIST) .

# The built tarball through galaxy-importer with Automation Hub's certification settings
# (tests/galaxy-importer.cfg); and what the tarball holds.
importer: build
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python tests/packaging/check_import.py $(TARBALL)

# The next release, in one command: make release RELEASE=x.y.z. Writes CHANGELOG.rst and
# changelogs/changelog.yaml from the fragments (and removes them), sets the version in galaxy.yml and
# the User-Agent (plugins/module_utils/_client.py).
release: $(VENV)
	@test -n "$(RELEASE)" || { echo 'usage: make release RELEASE=x.y.z'; exit 2; }
	sed -i 's/^version: .*/version: $(RELEASE)/' galaxy.yml
	sed -i "s/^COLLECTION_VERSION = .*/COLLECTION_VERSION = '$(RELEASE)'/" plugins/module_utils/_client.py
	PATH=$(CURDIR)/$(BIN):$$PATH antsibull-changelog release --version $(RELEASE)
	$(BIN)/python tests/packaging/format_changelog.py changelogs/changelog.yaml
	@echo "Now review CHANGELOG.rst, commit, tag $(RELEASE) and run make build."

# The HTML docsite (antsibull-docs + Sphinx) in build/docsite/build/html.
docs: $(VENV) $(LINK)
	rm -rf build/docsite && mkdir -p build/docsite
	$(BIN)/antsibull-docs sphinx-init --use-current --dest-dir build/docsite --lenient citrix.cloud
	cd build/docsite && PATH=$(CURDIR)/$(BIN):$$PATH ./build.sh
	@echo "Docsite: build/docsite/build/html/index.html"

demo: $(VENV) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python bench/demo.py

bench: $(VENV) $(LINK)
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python bench/run.py

clean:
	rm -rf build $(VENV) $(OLDEST_VENV)
