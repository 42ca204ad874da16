# lstm-lab: `make demo` and `make test` set up .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The shared FSDD copy beside the checkout, when present (tests and demos use it).
SHARED_FSDD := $(abspath ../shared/datasets/fsdd/recordings)
ifneq ($(wildcard $(SHARED_FSDD)),)
export FSDD_DIR ?= $(SHARED_FSDD)
endif
# The shared DailyDialog copy beside the checkout, when present (the chat demo's default corpus).
SHARED_DAILYDIALOG := $(abspath ../shared/datasets/dailydialog)
ifneq ($(wildcard $(SHARED_DAILYDIALOG)),)
export DAILYDIALOG_DIR ?= $(SHARED_DAILYDIALOG)
endif
# pytest-xdist: two workers, each test file on one worker (its module fixtures built once); PARALLEL= runs serially.
PARALLEL ?= -n 2 --dist loadfile

# Debian's offline text-to-speech engines and voices: the speech demo's synthesized speakers.
VOICE_PACKAGES := espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts

.PHONY: setup demo lesson app browser voices test test-fast bench lint clean

setup: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

demo: setup voices  ## the main job: both layers on every demo, side by side
	$(BIN)/python -m demos.compare --quick

lesson: setup  ## what each gate does, measured on the trained demo models: runs/lesson/<time>/index.html
	$(BIN)/python -m demos.lesson

app: setup voices  ## the three demos in a web page: http://127.0.0.1:7860
	$(BIN)/python -m demos.app

browser:  ## Chromium for the browser tests (Debian's; installed with apt-get when missing and run as root)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get install -y -q chromium >/dev/null; } || \
	  echo "note: no Chromium: the browser tests are skipped (Debian: apt-get install chromium)"

voices:  ## text-to-speech engines for the speech demo's synthesized voices (apt-get when missing and run as root)
	@{ command -v espeak-ng >/dev/null && command -v flite >/dev/null && command -v text2wave >/dev/null; } || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && apt-get install -y -q $(VOICE_PACKAGES) >/dev/null; } || \
	  echo "note: no text-to-speech engines: speech trains without synthesized voices (Debian: apt-get install $(VOICE_PACKAGES))"

test: setup browser voices  ## the whole suite: TensorFlow backend, then the layer again on JAX; a test file per worker
	$(BIN)/python -m pytest $(PARALLEL)
	KERAS_BACKEND=jax $(BIN)/python -m pytest $(PARALLEL) tests/custom_layers

test-fast: setup  ## skip tests marked slow
	$(BIN)/python -m pytest $(PARALLEL) -m "not slow"

bench: setup  ## speed of ExplicitLSTM against keras.layers.LSTM, both backends
	$(BIN)/python -m benchmarks.lstm_speed --backend tensorflow
	$(BIN)/python -m benchmarks.lstm_speed --backend jax

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
