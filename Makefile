# The few commands a newcomer needs. `make run` and `make test` are the README's two commands.
GO        ?= go
BIN       := $(CURDIR)/bin
STATICCHECK_VERSION   := v0.8.2
WORKFLOWCHECK_VERSION := v0.6.0
# The S3 server the blob store's tests run against (blob/s3blob/s3test.Version names the same release).
VERSITYGW_VERSION     := v1.8.0

.PHONY: run test test-short lint bench tools build

## run: everything in one process on the embedded default (data in ./data), with the sample organisation
## directory. Other ports or data directory: make run ARGS="--api-addr 127.0.0.1:9090 --data-dir /tmp/p"
## (any flag of predmet dev -h), or the flags' variables: make run PREDMET_API_ADDR=127.0.0.1:9090
ARGS ?=
run: build
	$(BIN)/predmet dev --directory-file deploy/directory/example.json $(ARGS)

## build: the predmet binary in ./bin
build:
	$(GO) build -o $(BIN)/predmet ./cmd/predmet

## test: every test, lint included (what CI runs). The end-to-end tests run side by side, each on its own
## stack (-parallel 8): they mostly wait for Temporal, the mail server and the browser.
test: lint
	$(GO) test -count=1 -parallel 8 -timeout 45m ./...
	$(GO) test -count=1 -race -timeout 20m ./domain/... ./eventstore/... ./projections/... ./intake/... ./i18n/... ./activities/... ./workflows/... ./services/... ./dispatch/... ./notify/... ./directory/... ./blob/... ./letters/... ./auth/...

## test-short: the quick loop: under -short the slow tests (end to end, a Temporal server, a browser) skip
## themselves and the crash tests run fewer rounds; unchanged packages' results come from Go's test cache
test-short:
	$(GO) test -short ./...

## lint: go vet, staticcheck and workflowcheck
lint: tools
	$(GO) vet ./...
	$(BIN)/staticcheck ./...
	$(BIN)/workflowcheck ./workflows/...

## bench: the event store, e-mail and projection benchmarks (the first run builds a 1M-event log and a
## 1M-case read model in the temp directory: about 5 minutes)
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./eventstore/sqlite/ ./domain/ ./notify/ ./blob/disk/ ./blob/s3blob/ ./letters/
	$(GO) test -run '^$$' -bench 'Rebuild|ReadModels|Statistics' -benchtime 1x -timeout 60m ./projections/
	$(GO) test -run '^$$' -bench Lag -benchtime 2000x ./projections/

tools: $(BIN)/staticcheck $(BIN)/workflowcheck $(BIN)/versitygw

$(BIN)/staticcheck:
	GOBIN=$(BIN) GOFLAGS= $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

$(BIN)/workflowcheck:
	GOBIN=$(BIN) GOFLAGS= $(GO) install go.temporal.io/sdk/contrib/tools/workflowcheck@$(WORKFLOWCHECK_VERSION)

$(BIN)/versitygw:
	GOBIN=$(BIN) GOFLAGS= $(GO) install github.com/versity/versitygw/cmd/versitygw@$(VERSITYGW_VERSION)
