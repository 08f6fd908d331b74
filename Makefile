# make demo         -- set up .venv, run the main example and write its report (reports/)
# make test         -- set up .venv (and Debian's Chromium, for the browser check) and run the
#                      test suite
# make lint         -- ruff and mypy (strict) at the pinned versions
# make constraints  -- refresh constraints.txt with the newest versions that pass the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS := constraints.txt
REFRESH := .venv-refresh

CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint bench bench-peers clean constraints chromium

# the tested versions from constraints.txt; the package itself keeps ranges
$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/qfab run examples/single_click_25km.yaml
	$(BIN)/qfab run examples/single_click_25km.yaml --engine analytic
	$(BIN)/qfab run examples/four-tiers.yaml --report reports/four-tiers
	@echo "report: reports/four-tiers/index.html"

test: $(STAMP) chromium
	$(BIN)/python -m pytest -q

# The browser check of the HTML report (tests/unit/report/test_report_browser.py) drives
# Debian's Chromium through Playwright (never a browser build of Playwright's own). Installed
# here when missing, as root with apt-get (as on CI); elsewhere the check is skipped, saying why.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser check"; \
	    { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	      apt-get install -y -q --no-install-recommends chromium; } || \
	    echo "installing chromium failed: the browser check of the report is skipped"; \
	  else \
	    echo "no $(CHROMIUM), and it cannot be installed here (needs root and apt-get):" \
	         "the browser check of the report is skipped"; \
	  fi; \
	fi

# ruff (configured in pyproject.toml) and mypy --strict, at the pinned versions
lint: $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[test,dev]'
	$(BIN)/ruff check .
	$(BIN)/mypy src

bench: $(STAMP)
	$(BIN)/python bench/bench_kernel.py
	$(BIN)/python bench/bench_link.py
	$(BIN)/python bench/bench_chain.py
	$(BIN)/python bench/bench_fast.py
	$(BIN)/python bench/bench_sweep.py

clean:
	rm -rf $(VENV) $(REFRESH) build src/*.egg-info .pytest_cache .hypothesis

# Newest versions the ranges in pyproject.toml allow, test and dev extras included, installed
# into a scratch environment; constraints.txt is rewritten only if the tests pass there.
constraints:
	rm -rf $(REFRESH)
	$(PYTHON) -m venv $(REFRESH)
	$(REFRESH)/bin/python -m pip install --quiet --upgrade pip
	$(REFRESH)/bin/python -m pip install --quiet -e '.[test,dev]'
	$(REFRESH)/bin/python -m pytest -q
	{ sed -n '/^#/p' $(CONSTRAINTS); \
	  $(REFRESH)/bin/python -m pip freeze --all --exclude-editable | grep -v -E '^(qfab|pip)=='; \
	} > $(CONSTRAINTS).new
	mv $(CONSTRAINTS).new $(CONSTRAINTS)
	rm -rf $(REFRESH)

# Side-by-side with SeQUeNCe 1.3.1 and SimQN 0.2.3 (needs Python 3.12 and ../shared/peers):
# writes bench/results/peers.md and peers-raw.jsonl. Not part of make test.
bench-peers: $(STAMP)
	$(BIN)/python bench/bench_peers.py --peers-python "$$(bash bench/peers/setup_venv.sh)"
