# Weir build entry points. `make demo` and `make test` are the quick start.
GO        ?= go
BIN       := bin/weir
PKGS      := ./...
# Packages that run goroutines: their tests also run under the race detector.
RACE_PKGS := ./engine/... ./connectors/... ./cmd/...
STATICCHECK_VERSION := v0.6.1

.PHONY: all build test test-deps race vet lint demo bench chaos fuzz clean

all: build

build:
	@mkdir -p bin
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/weir

vet:
	$(GO) vet $(PKGS)

# Tools the tests drive besides Go: Debian's kcat, the Kafka client the
# interop test runs against `weir broker`. Installed with apt-get when
# missing (as root, or through sudo); otherwise says what to install.
test-deps:
	@command -v kcat >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y kcat; \
	  elif command -v sudo >/dev/null 2>&1; then sudo -n apt-get update && sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y kcat; \
	  else echo "make test-deps: kcat is missing and cannot be installed (not root, no sudo): install the Debian package kcat (apt-get install kcat)" >&2; exit 1; fi; }
	@command -v kcat >/dev/null 2>&1 || { echo "make test-deps: kcat is still not on PATH after installing; install the Debian package kcat" >&2; exit 1; }

# Every test: unit, golden SQL, Nexmark reference checks, CLI, Kafka
# interop with kcat, a short crash test; then the goroutine-heavy packages
# again under -race (the crash test's children are not race builds, so it
# is not repeated there).
test: test-deps vet
	$(GO) test -count=1 $(PKGS)
	$(GO) test -count=1 -race -skip 'TestChaos' $(RACE_PKGS)

# The crash test at full length: a Kafka -> window -> Kafka (and -> file)
# pipeline on `weir broker`, SIGKILLed at random 25 times and at every
# checkpoint failpoint, restarted each time; then every committed row is
# checked against the reference (0 lost, 0 duplicated).
chaos: test-deps
	WEIR_CHAOS_KILLS=25 $(GO) test -count=1 -v -timeout 60m -run 'TestChaos' ./cmd/weir/

lint: vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)

demo: build
	./$(BIN) demo

# Throughput and memory benchmarks (not tests): events per CPU-second and
# peak RSS of `weir run` for Nexmark q0/q1/q2 and for HOP/TUMBLE/SESSION
# windows over 10M bids, from the generator and from a JSON-lines file, with
# plain-Go baselines measured in the same run; Kafka -> filter -> Kafka and
# Kafka -> HOP count -> Kafka on `weir broker` (2M bids), end-to-end
# latency p50/p99 at 50K records/s, and a checkpoint of 1M keys of window
# state (duration, data-path pause, restore). Writes multi-GB temp files.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -count 1 ./engine/bench/ | tee bench.out
	$(GO) test -run '^$$' -bench 'BenchmarkBackend' -benchtime 1x -count 1 ./operators/window/ | tee -a bench.out

# A short run of every fuzz target.
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzCompile -fuzztime 30s ./sql/
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime 30s ./connectors/jsonformat/

clean:
	rm -rf bin bench.out
