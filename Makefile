# The two commands a fresh machine needs are `make run` and `make test` (see README.md).

VENV   := .venv
PYTHON := $(VENV)/bin/python
FLASK  := $(PYTHON) -m flask --app webapp
NHSUK  := webapp/static/vendor/nhsuk/nhsuk-frontend.min.css
DEMO_PASSWORD ?= care-plan-demo-2026
DEMO_TOTP_SECRET ?= DEMOCAREPLANTOTPSECRETKEY2345672
export DEMO_PASSWORD DEMO_TOTP_SECRET

.PHONY: run test install install-test assets chromium lint audit bench clean

run: install assets
	$(FLASK) db upgrade
	$(FLASK) demo seed
	@echo ""
	@echo "  Care planning companion: http://127.0.0.1:5000"
	@echo "  Sign in as patient@demo.example, clinician@demo.example, hca@demo.example"
	@echo "  or admin@demo.example, with the password: $(DEMO_PASSWORD)"
	@echo "  Staff also give a code from an authenticator app: add this key to one,"
	@echo "  $(DEMO_TOTP_SECRET), or print the current code with"
	@echo "  $(PYTHON) -c \"import pyotp; print(pyotp.TOTP('$(DEMO_TOTP_SECRET)').now())\""
	@echo ""
	$(FLASK) serve --host 127.0.0.1 --port 5000

test: install-test assets chromium
	$(PYTHON) -m pytest

$(PYTHON):
	python3 -m venv $(VENV)

$(VENV)/.installed: pyproject.toml Makefile | $(PYTHON)
	$(PYTHON) -m pip install --quiet --upgrade pip setuptools
	$(PYTHON) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PYTHON) -m pip install --quiet -e '.[test,dev]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

$(NHSUK): node_modules/.package-lock.json webapp/assets.py | $(VENV)/.installed
	$(PYTHON) -m webapp.assets

assets: $(NHSUK)

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; \
	  else echo "Install Chromium (Debian: sudo apt-get install chromium) to run the browser tests"; exit 1; fi; }

lint: install-test
	$(PYTHON) -m ruff check .
	$(PYTHON) -m bandit --quiet --recursive webapp --configfile pyproject.toml

# pip-audit, plus a fallback for networks that reach PyPI only through its index; fails when
# a package could not be checked (see tools/audit_dependencies.py).
audit: install-test
	$(PYTHON) tools/audit_dependencies.py

bench: install-test assets
	$(PYTHON) bench/push_dispatch.py

clean:
	rm -rf $(VENV) node_modules webapp/static/vendor
