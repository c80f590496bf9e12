# voc — see README.md.
GO ?= go
export GOFLAGS ?= -buildvcs=false

.PHONY: run build test test-browser generate check-generated check-sqlc check-webui webui-build lint fuzz mutate bench clean

## run: start voc on embedded defaults (local Postgres or a private one; offline analyser; no Redis)
run: build
	./bin/voc serve

build:
	$(GO) build -o bin/voc ./cmd/voc

## test: every test, on the real Postgres and Redis
test: check-generated lint
	$(GO) test -count=1 -timeout 20m ./...
	$(MAKE) test-browser
	$(MAKE) fuzz
	$(MAKE) mutate

## mutate: apply each guarantee-breaking mutation in a scratch copy and fail if a test lets one through (docs/PIPELINE.md)
mutate:
	python3 scripts/mutate.py

## test-browser: the web app in Debian's chromium (Playwright, no browser download) against a real voc serve on a scratch database
test-browser: build
	@test -x "$${CHROMIUM:-/usr/bin/chromium}" || { echo "the browser tests need chromium: apt-get install -y chromium"; exit 1; }
	@test -d webui/node_modules || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm --prefix webui ci --no-audit --no-fund --loglevel=error
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm --prefix webui run e2e --silent

## generate: regenerate sqlc output and the built web UI
generate: webui-build
	$(GO) tool sqlc generate

## check-generated: fail when committed generated code is stale
check-generated: check-sqlc check-webui

check-sqlc:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -r store/internal/dbsqlc "$$tmp/before"; \
	$(GO) tool sqlc generate; \
	if ! diff -r "$$tmp/before" store/internal/dbsqlc >/dev/null; then \
		echo "generated sqlc code is stale: run 'make generate' and commit"; diff -r "$$tmp/before" store/internal/dbsqlc | head -40; exit 1; \
	fi

## webui-build: rebuild webui/dist (React + TypeScript, Vite) with the pinned toolchain
webui-build:
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm --prefix webui ci --no-audit --no-fund --loglevel=error
	npm --prefix webui run build --silent

## check-webui: fail when the committed webui/dist differs from a fresh build; run the UI's node tests
check-webui:
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: Node 20+ is needed to check webui/dist"; exit 1; }
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -r webui/dist "$$tmp/before"; \
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm --prefix webui ci --no-audit --no-fund --loglevel=error; \
	npm --prefix webui run build --silent >/dev/null; \
	if ! diff -r "$$tmp/before" webui/dist >/dev/null; then \
		echo "webui/dist is stale: run 'make generate' and commit"; diff -r "$$tmp/before" webui/dist | head -40; exit 1; \
	fi
	npm --prefix webui test --silent

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	@if command -v staticcheck >/dev/null 2>&1; then staticcheck ./...; \
	elif [ -x "$$($(GO) env GOPATH)/bin/staticcheck" ]; then "$$($(GO) env GOPATH)/bin/staticcheck" ./...; \
	else echo "staticcheck not installed (go install honnef.co/go/tools/cmd/staticcheck@v0.8.2)"; fi

## fuzz: run every fuzz target briefly
# A count, not a duration: a duration can end mid-input and fail with
# "context deadline exceeded" (a go test -fuzz quirk).
FUZZTIME ?= 4000x
fuzz:
	@for pkg in ./ingest; do \
		for t in $$($(GO) test -list 'Fuzz.*' $$pkg | grep ^Fuzz); do \
			echo "fuzz $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 50x -parallel 1 $$pkg || exit 1; \
		done; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x ./...

clean:
	rm -rf bin
