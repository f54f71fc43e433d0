# Every command the README shows, and every step CI runs, is a target here.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(PY) -m rasa
STAMP := $(VENV)/.installed
RASA_FILES := --domain bot/domain.yml --data data --config config.yml
NLU_DATA := $(wildcard data/nlu/*.yml)
CROSSVAL := results/crossval/intent_report.json
CHROMIUM := /usr/bin/chromium

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONPATH := $(CURDIR)

.PHONY: help setup kb kb-check kb-export kb-report train run shell lint format validate browser pytest screenshots conversations test eval context-compare bench crossval retention lock clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(STAMP) ## Create .venv with Python 3.10 and the pinned dependencies (once)

$(STAMP): requirements.txt requirements-dev.txt constraints.txt scripts/setup-venv.sh scripts/find-python.sh
	scripts/setup-venv.sh
	touch $@

kb: setup ## Load knowledge/*.yml into the database (DATABASE_URL, SQLite by default)
	$(PY) -m knowledge build

kb-check: setup ## Validate every knowledge entry (fields, links, reading grade, article sections)
	$(PY) -m knowledge check

kb-export: kb ## Print the knowledge base as JSON lines
	$(PY) -m knowledge export

kb-report: kb ## Entries patients found not helpful, and unanswered questions per day
	$(PY) -m knowledge report

train: setup ## Train the assistant if config, domain, data or terms changed
	$(PY) -m ops.training

run: kb train ## Start the action server, the Rasa server and the web server (Ctrl-C stops them)
	$(PY) -m ops.launcher

shell: kb train ## Chat with the assistant in this terminal
	$(PY) -m ops.launcher --shell

lint: setup ## ruff format check, ruff lint, mypy, and the import contracts (lint-imports)
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy knowledge actions bot ops tools webapp
	$(VENV)/bin/lint-imports --no-cache

format: setup ## Reformat the code with ruff
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

validate: setup ## rasa data validate, failing on any warning
	$(PY) -m tools.validate $(RASA_FILES)

browser: ## Install Debian's chromium for the browser tests, if it is missing
	@[ -x $(CHROMIUM) ] || (apt-get update && apt-get install -y chromium)

pytest: kb train browser ## Unit, integration, action, end-to-end, browser and production tests, beside real PostgreSQL and Redis
	scripts/with-services.sh $(PY) -m pytest

screenshots: kb train browser ## PNGs of the widget and the kiosk at phone and kiosk sizes in results/screenshots/
	$(PY) -m tests.e2e.browser.screenshots results/screenshots

conversations: train ## Conversation tests with rasa test (every entry and the follow-ups)
	$(RASA) test core --model $$($(PY) -c 'from ops.training import model_path; print(model_path())') \
		--stories tests/conversations --fail-on-prediction-errors --out results/conversations

test: lint validate kb-check pytest conversations eval context-compare bench crossval screenshots ## Everything CI runs

# The last blind set first (blind16: evaluated once, at the end of the work it measured), then the
# development sets (blind15/ and blind14/ were each blind for one run and are development sets
# since; the first questions and out-of-scope messages of blind sets 1 to 13 are NLU training
# data since, data/nlu/independent_writers*.yml, and their conversations stay development sets).
BLIND_QUESTIONS := tests/data/blind16/questions.yml tests/data/blind16/out_of_scope.yml
DEV_QUESTIONS := tests/data/blind15/questions.yml tests/data/blind15/out_of_scope.yml \
	tests/data/blind14/questions.yml tests/data/blind14/out_of_scope.yml \
	tests/data/heldout/questions.yml tests/data/dev/questions.yml tests/data/dev/heldout_v1.yml
CONVERSATION_SETS := tests/data/blind16/conversations.yml tests/data/blind15/conversations.yml tests/data/blind14/conversations.yml tests/data/blind13/conversations.yml tests/data/blind12/conversations.yml tests/data/blind11/conversations.yml tests/data/blind10/conversations.yml \
	tests/data/blind9/conversations.yml \
	tests/data/blind8/conversations.yml \
	tests/data/blind7/conversations.yml tests/data/blind6/conversations.yml \
	tests/data/blind5/conversations.yml tests/data/blind4/conversations.yml tests/data/blind3/conversations.yml \
	tests/data/blind2/conversations.yml tests/data/blind/conversations.yml tests/data/dev/conversations.yml

eval: kb train ## Questions, out-of-scope messages, conversations and red flags through the running assistant, beside two baselines
	$(PY) -m tools.evaluate $(BLIND_QUESTIONS) $(DEV_QUESTIONS) --conversations $(CONVERSATION_SETS)

# medspaCy and negspacy with only the parts their context engines need: not in the project's environment.
CONTEXT_LIBS := build/context-libs
CONTEXT_PACKAGES := medspacy==1.0.0 negspacy==1.0.4 pysbd==0.3.4 PyRuSH==1.0.13 PyFastNER==1.0.10 quicksectx==0.4.1 loguru==0.7.3

context-compare: setup ## Our context cues beside medspaCy's ConText and negspacy on the safety development set
	@[ -f $(CONTEXT_LIBS)/.installed ] || ($(PY) -m pip install --quiet --no-deps --target $(CONTEXT_LIBS) $(CONTEXT_PACKAGES) && touch $(CONTEXT_LIBS)/.installed)
	PYTHONPATH=$(CURDIR):$(CURDIR)/$(CONTEXT_LIBS) $(PY) -m tools.context_compare tests/data/safety/red_flags.yml tests/data/blind/safety.yml

bench: kb train ## Load benchmark beside a stock rasa init assistant: results/bench/bench.{json,png}
	$(PY) -m tools.bench

crossval: $(CROSSVAL) ## NLU cross-validation (3 folds): per-intent report and confusion matrix in results/crossval

# Re-run only when the pipeline or the NLU data changed.
$(CROSSVAL): config.yml $(NLU_DATA) knowledge/terms.yml | train
	$(RASA) test nlu --config config.yml --nlu data/nlu --cross-validation --folds 3 --out results/crossval

retention: setup ## Delete conversation history older than RETENTION_DAYS (30) days; schedule it daily
	$(PY) -m ops.retention

lock: ## Re-pin constraints.txt from a fresh install of requirements*.txt
	scripts/lock.sh

clean: ## Remove generated files (venv, models, databases, build)
	rm -rf $(VENV) build models var results .rasa .pytest_cache .mypy_cache .ruff_cache
