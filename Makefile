# Weir build entry points. `make demo` and `make test` are the quick start.
GO        ?= go
BIN       := bin/weir
PKGS      := ./...
# Packages that run goroutines: their tests also run under the race detector.
RACE_PKGS := ./engine/... ./connectors/... ./cmd/...
STATICCHECK_VERSION := v0.6.1

.PHONY: all build test race vet lint demo bench fuzz clean

all: build

build:
	@mkdir -p bin
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/weir

vet:
	$(GO) vet $(PKGS)

# Every test: unit, golden SQL, Nexmark reference checks, CLI; then the
# goroutine-heavy packages again under -race.
test: vet
	$(GO) test -count=1 $(PKGS)
	$(GO) test -count=1 -race $(RACE_PKGS)

lint: vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)

demo: build
	./$(BIN) demo

# Throughput and memory benchmarks (not tests): events per CPU-second and
# peak RSS of `weir run` for Nexmark q0/q1/q2 and for HOP/TUMBLE/SESSION
# windows over 10M bids, from the generator and from a JSON-lines file, with
# plain-Go baselines measured in the same run. Writes multi-GB temp files.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 1x -count 1 ./engine/bench/ | tee bench.out

# A short run of every fuzz target.
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzCompile -fuzztime 30s ./sql/
	$(GO) test -run '^$$' -fuzz FuzzDecode -fuzztime 30s ./connectors/jsonformat/

clean:
	rm -rf bin bench.out
