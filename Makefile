# Cadenza: build, run and test the NFVO and the generic VNFM.
#
#   make run     NFVO + VNFM on embedded SQLite (see README)
#   make test    every test, against real PostgreSQL, SQLite and Kubernetes
#   make bench   the Go benchmarks
#   make lint    gofmt and go vet

GO        ?= go
BIN       ?= bin
# Backends whose absence fails the tests instead of skipping them.
REQUIRE   ?= postgres,kubernetes,kubernetes-edge,openstack
PKGS      ?= ./...
BENCH     ?= .
# Long enough for the benchmarks that report percentiles to have many samples; a benchmark
# whose one operation takes longer (an OpenStack instantiation) still runs once.
BENCHTIME ?= 1s

export CADENZA_REQUIRE_BACKENDS ?= $(REQUIRE)
# The TOSCA oracle (Debian's python3-tosca-parser) and the ETSI reference
# files must be there too: their tests fail instead of skipping.
export CADENZA_REQUIRE_ORACLE ?= 1
export CADENZA_REQUIRE_ETSI ?= 1
# Debian's python3-tackerclient drives the VNF LCM API in its Go test.
export CADENZA_TACKERCLIENT_REQUIRED ?= 1
export CADENZA_POSTGRES_DSN ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

.PHONY: all build run test test-deps test-go test-e2e test-load test-conformance test-clients bench lint k8s-testenv clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/nfvo ./cmd/vnfm

run: build
	hack/run-local.sh

# The Kubernetes test control plane (built once per machine, ~9 min cold,
# started in seconds) and two edge control planes; their kubeconfigs are
# passed to the tests.
k8s-testenv:
	hack/k8s-testenv.sh ensure >/dev/null
	hack/k8s-testenv.sh edge 2 >/dev/null

# What the tests need, installed and started if missing (PostgreSQL, Debian's
# SOL clients, the Kubernetes control plane, the OpenStack test cloud).
test-deps:
	hack/test-deps.sh

test: test-deps lint k8s-testenv test-go test-e2e test-conformance test-clients

test-go:
	eval "$$(hack/k8s-testenv.sh edge 2)"; eval "$$(hack/openstack-testenv.sh env)"; CADENZA_KUBECONFIG=$$(hack/k8s-testenv.sh kubeconfig) \
		$(GO) test -race -count=1 -timeout 30m $(PKGS)

# Suites kept behind the e2e tag because they kill processes on purpose
# (kill -9 of a job runner, of the maintenance leader), and the load tests
# of test-load at 50 instantiations, so that they keep working.
test-e2e:
	$(GO) test -tags e2e -count=1 -timeout 10m -run 'Crash' ./internal/jobs/...
	CADENZA_LCM_CONCURRENT_N=50 CADENZA_VNFM_LOAD_N=50 CADENZA_KUBECONFIG=$$(hack/k8s-testenv.sh kubeconfig) \
		$(GO) test -tags e2e -count=1 -p 1 -timeout 10m -v -run 'ConcurrentInstantiations' ./internal/lcm/... ./cmd/vnfm/...

# Many concurrent instantiations on the test control plane (default 1,000;
# CADENZA_LCM_CONCURRENT_N and CADENZA_VNFM_LOAD_N set them): through the
# engine, then through the vnfm process over HTTP. Run on purpose: it loads
# the machine for minutes.
test-load:
	CADENZA_KUBECONFIG=$$(hack/k8s-testenv.sh kubeconfig) \
		$(GO) test -tags e2e -count=1 -p 1 -timeout 40m -v -run 'ConcurrentInstantiations' ./internal/lcm/... ./cmd/vnfm/...

# The conformance runner against NFVO and VNFM started on SQLite, then on
# PostgreSQL; with the test control plane as the VNFM's VIM it also takes a
# CNF through its whole lifecycle on both API versions.
test-conformance: build
	CADENZA_KUBECONFIG=$$(hack/k8s-testenv.sh kubeconfig) hack/conformance.sh sqlite
	CADENZA_KUBECONFIG=$$(hack/k8s-testenv.sh kubeconfig) hack/conformance.sh postgres

# Third-party clients, unchanged, against our servers.
test-clients:
	hack/tackerclient-vnfpkg.sh

bench:
	CADENZA_KUBECONFIG=$$(hack/k8s-testenv.sh kubeconfig 2>/dev/null || true) \
		$(GO) test -run '^$$' -bench '$(BENCH)' -benchmem -benchtime $(BENCHTIME) $(PKGS)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

clean:
	rm -rf $(BIN)
