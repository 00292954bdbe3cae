# guard: make with no target prints this help.
GO       ?= go
BIN      := bin/guard
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
GOFILES  := $(shell git ls-files '*.go' 2>/dev/null)

.DEFAULT_GOAL := help
.PHONY: help build install deps test lint demo bench fuzz generate clean agents test-agents

help: ## show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

deps: ## install libseccomp-dev (the tests compile the seccomp filter with it), if missing
	@if pkg-config --exists libseccomp 2>/dev/null; then exit 0; fi; \
	echo "guard's tests need libseccomp-dev and pkg-config (they compile the seccomp filter with libseccomp and compare it with the committed one)"; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -qq libseccomp-dev pkg-config >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null && apt-get install -y -qq libseccomp-dev pkg-config >/dev/null)) && \
		echo "installed libseccomp-dev and pkg-config"; \
	elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then \
		sudo apt-get install -y libseccomp-dev pkg-config; \
	else \
		echo "cannot install it here: install libseccomp-dev (Debian/Ubuntu) or libseccomp-devel (Fedora) and pkg-config, then retry" >&2; exit 1; \
	fi

build: ## build bin/guard (pure Go: static, no cgo, no libseccomp at run time)
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/guard

install: build ## install guard into $(BINDIR) (PREFIX=/usr/local; DESTDIR for packaging)
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/guard
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	$(BIN) man > $(DESTDIR)$(PREFIX)/share/man/man1/guard.1
	@echo "installed $(DESTDIR)$(BINDIR)/guard; next: guard install (PATH shims), guard setup AGENT (hooks)"

test: deps ## gofmt check, go vet, staticcheck, go mod tidy check, all tests
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) mod tidy -diff
	GOOS=darwin CGO_ENABLED=0 $(GO) build ./...
	$(GO) test -count=1 ./...

# The agent CLIs test-agents drives, pinned; installed into AGENTS_DIR (git-ignored).
AGENTS_DIR ?= $(CURDIR)/.cache/agents
AGENT_PKGS := @anthropic-ai/claude-code@2.1.337 @openai/codex@0.171.0 @google/gemini-cli@0.61.0

agents: ## install the pinned agent CLIs (Claude Code, Codex, Gemini CLI) with npm into .cache/agents
	@stamp='$(AGENTS_DIR)/.installed'; want='$(AGENT_PKGS)'; \
	if [ -f "$$stamp" ] && [ "$$(cat "$$stamp")" = "$$want" ]; then exit 0; fi; \
	if ! command -v npm >/dev/null; then \
		if [ "$$GUARD_REQUIRE_SANDBOX" = 1 ]; then echo "make agents: npm (Node.js) is missing and GUARD_REQUIRE_SANDBOX=1" >&2; exit 1; fi; \
		echo "make agents: no npm here, so the agent tests will skip (install Node.js and npm to run them)"; exit 0; \
	fi; \
	mkdir -p '$(AGENTS_DIR)' && cd '$(AGENTS_DIR)' && \
	npm install --no-audit --no-fund --no-save --ignore-scripts --loglevel=error --prefix . $(AGENT_PKGS) && \
	echo "$$want" > "$$stamp"

test-agents: agents ## the real agent CLIs against fake model servers, offline (network namespace, loopback only)
	GUARD_AGENT_TESTS=1 GUARD_AGENTS_DIR='$(AGENTS_DIR)' $(GO) test -count=1 -parallel 3 -timeout 20m ./internal/agenttest

lint: deps ## gofmt, go vet and staticcheck only
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

demo: build ## build, then run guard on realistic agent commands in each mode
	@$(GO) run ./internal/demo $(BIN)

bench: build ## speed: in-process benchmarks, whole-process ratios against a baseline, and the corpus approval rates
	$(GO) test -run '^$$' -bench . -benchmem ./policy/...
	$(GO) test -run '^$$' -bench . -benchtime 200x ./sandbox
	@# bubblewrap, measured in the same run for comparison (as root with apt-get; otherwise benchproc says it is left out)
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get install -y -qq bubblewrap >/dev/null 2>&1 || (apt-get update -qq >/dev/null && apt-get install -y -qq bubblewrap >/dev/null)); } || true
	@$(GO) run ./internal/benchproc $(BIN)
	@report=$$(mktemp); GUARD_CORPUS_REPORT=$$report $(GO) test -count=1 -run TestCorpusApproval ./policy >/dev/null && head -12 $$report; rm -f $$report
	@$(GO) test -count=1 -v -run TestHeldOut ./policy | grep -E 'held-out (agents )?check'

fuzz: ## run each fuzzer for a while (FUZZTIME, default 30s)
	$(GO) test -run '^$$' -fuzz FuzzCheck -fuzztime $${FUZZTIME:-30s} ./policy
	$(GO) test -run '^$$' -fuzz FuzzJudge -fuzztime $${FUZZTIME:-30s} ./policy
	$(GO) test -run '^$$' -fuzz FuzzFileContent -fuzztime $${FUZZTIME:-30s} ./policy
	$(GO) test -run '^$$' -fuzz FuzzNames -fuzztime $${FUZZTIME:-30s} ./policy/protect
	$(GO) test -run '^$$' -fuzz FuzzScript -fuzztime $${FUZZTIME:-30s} ./policy/shell
	$(GO) test -run '^$$' -fuzz FuzzDifferential -fuzztime $${FUZZTIME:-30s} ./policy
	GUARD_DIFF_N=$${GUARD_DIFF_N:-5000} $(GO) test -count=1 -run 'TestDifferential/mutated' -timeout 30m ./policy

generate: ## compile default.policy into default_gen.go and the protect list's index (after editing either)
	rm -f policy/default_gen.go
	$(GO) test ./policy -run TestGeneratedDefault -update
	$(GO) test ./policy/protect -run TestDefaultIndex -update

clean: ## remove build output
	rm -rf bin
