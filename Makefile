# make run: set up and run the demo console.  make test: the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)

.PHONY: run test venv messages lock system-packages

run: system-packages $(INSTALLED)
	$(PY) manage.py run_console

test: system-packages $(INSTALLED)
	$(PY) -m pytest -n 2 -p no:cacheprovider $(PYTEST_ARGS)

venv: $(INSTALLED)

# The programs listed in system-packages.txt, checked on every run (silent when all are there) so that one
# removed since the last run is noticed; missing ones are installed as root with apt, otherwise it names the command.
system-packages:
	@$(PYTHON) tools/system_packages.py

$(INSTALLED): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found %d.%d); set PYTHON=python3.11" % sys.version_info[:2])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-virtualenv -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

# Regenerate the lock file from pyproject.toml's direct dependencies (runtime and test).
lock:
	$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["test"]))' > /tmp/opsconsole-direct.txt
	rm -rf /tmp/opsconsole-lock && $(PYTHON) -m venv /tmp/opsconsole-lock
	/tmp/opsconsole-lock/bin/pip install --quiet -r /tmp/opsconsole-direct.txt
	/tmp/opsconsole-lock/bin/pip freeze > requirements.lock && rm -rf /tmp/opsconsole-lock

# Refresh the Japanese catalogue from every template and module (then translate what is new), and compile it.
messages: $(INSTALLED)
	$(PY) manage.py makemessages -l ja --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages -l ja --ignore '.venv/*'
