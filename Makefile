# zk-asset-bridge: every task runs from here. `make help` lists the targets.
# Targets that need dependencies install them first, so a fresh clone needs nothing else.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BIN      := node_modules/.bin
BUILD    := build
TSX      := node --import tsx
FORGE    := tools/forge
STAMP    := node_modules/.install-stamp

# Circuit parameters (docs/protocol.md section 12).
DEPTH ?= 16
BATCH ?= 4
PUBLIC ?= 2

# Unit tests of the off-chain code (circuit tests have their own target: they need the compiled circuit).
TS_TESTS = $(shell find offchain script test tools -name '*.test.ts' -not -path '*/node_modules/*' 2>/dev/null | sort)

.PHONY: help install build test test-all test-forge gas-snapshot test-ts typecheck lint fmt e2e bench clean vectors vectors-check properties properties-check ptau test-setup

help: ## List the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

install: $(STAMP) ## Install the pinned toolchain and packages (npm ci; skipped when current)

$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: install ## Compile contracts and type-check TypeScript
	$(FORGE) build
	$(BIN)/tsc --noEmit -p .

vectors: install ## Regenerate test/vectors/*.json from the TypeScript protocol core
	$(TSX) offchain/lib/vectors/generate.ts test/vectors

vectors-check: install ## Fail if test/vectors/*.json differ from a fresh regeneration
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(TSX) offchain/lib/vectors/generate.ts "$$tmp" >/dev/null && \
	  { diff -r "$$tmp" test/vectors || { echo "test/vectors is stale: run make vectors" >&2; exit 1; }; } && \
	  echo "test/vectors matches the generator"

properties: install ## Rewrite the invariant list of test/PROPERTIES.md from the @custom:invariant tags (tools/properties.ts)
	$(TSX) tools/properties.ts

properties-check: install ## Fail if test/PROPERTIES.md's invariant list is stale or an invariant_* test has no tag
	$(TSX) tools/properties.ts --check

test: install ## Run every suite (lint, types, vectors, properties, forge, node:test, explorer, setup, circuits, verifier, e2e); closing line sums them
	@tools/test-summary.sh $(MAKE) --no-print-directory test-all

test-all: lint typecheck vectors-check properties-check test-forge test-ts test-explorer test-setup test-circuits verifier-check e2e bench-smoke ## The suites behind `make test`, without the closing summary

test-forge: install ## Forge tests (unit, fuzz, invariant, vectors); fails if a gas snapshot changed
	FORGE_SNAPSHOT_CHECK=true $(FORGE) test
	@# A full run rewrites snapshots/ instead of failing on a difference (a single suite does fail): compare with git.
	@if git rev-parse --git-dir >/dev/null 2>&1 && ! git diff --quiet -- snapshots; then \
	  git diff -- snapshots >&2; \
	  echo "gas snapshots changed (above): if intended, commit snapshots/ (make gas-snapshot rewrites them)" >&2; exit 1; fi

.PHONY: test-l1
test-l1: install ## L1 AssetStorage tests only (unit, fuzz, invariants, gas snapshot check)
	FORGE_SNAPSHOT_CHECK=true $(FORGE) test --match-path 'test/L1/*'

gas-snapshot: install ## Rewrite the committed gas snapshots (snapshots/*.json)
	rm -rf snapshots && $(FORGE) test

test-ts: install ## node:test suites of the off-chain code (incl. the BullMQ queue on a real redis-server)
	tools/apt-ensure.sh redis-server:redis-server
	$(TSX) --test $(TS_TESTS)

typecheck: install ## tsc --noEmit over all TypeScript
	$(BIN)/tsc --noEmit -p .

lint: install ## forge fmt --check, solhint, biome, the off-chain import rules (dependency-cruiser, tools/check-layers.ts)
	$(FORGE) fmt --check
	$(BIN)/solhint --max-warnings 0 'src/**/*.sol'
	$(BIN)/biome check .
	$(BIN)/depcruise --config .dependency-cruiser.cjs offchain bench circuits tools
	$(TSX) tools/check-layers.ts

fmt: install ## Format Solidity and TypeScript in place
	$(FORGE) fmt
	$(BIN)/biome check --write .

# Trusted setup (docs/trusted-setup.md). The circuit setup reads $(PTAU_FILE): a real ceremony
# file passed as PTAU=path, else the development ptau (public toxic waste) of power PTAU_POWER.
PTAU_POWER ?= 17
PTAU       ?=
DEV_PTAU   := $(BUILD)/setup/dev-$(PTAU_POWER).ptau
PTAU_FILE   = $(if $(PTAU),$(PTAU),$(DEV_PTAU))
SETUP_TESTS = $(sort $(wildcard circuits/setup/*.test.ts))

ptau: install ## Powers of tau: PTAU=path (checked) or build/setup/dev-$PTAU_POWER.ptau (default 17, cached)
	@if [ -n "$(PTAU)" ]; then \
	  $(TSX) circuits/setup/ptau-info.ts "$(PTAU)" && echo "ptau: using ceremony file $(PTAU)"; \
	else \
	  $(TSX) circuits/setup/dev-ptau.ts --power $(PTAU_POWER) --out $(DEV_PTAU) --cache && \
	  echo "ptau: using DEV file $(DEV_PTAU) (toxic waste is public: development only)"; \
	fi

test-setup: install ## Dev trusted setup: ptau verify/corruption/determinism, Groth16 phase 2 prove+verify
	$(TSX) --test $(SETUP_TESTS)

# Batch circuit (docs/circuit.md): compiled per (DEPTH, BATCH, PUBLIC) into $(CIRCUIT_DIR), cached by a
# hash of the sources. circuit-setup asks `make ptau` for the power the circuit needs (PTAU=path
# for a real ceremony). The committed verifier is the one of the dev parameters (16, 4, 2).
CIRCUIT_DIR := $(BUILD)/circuits/batch-d$(DEPTH)-n$(BATCH)-k$(PUBLIC)
VERIFIER    := src/verifier/BatchVerifier.sol
# snarkjs's own export of the same keys: the test oracle of test/verifier/ (never deployed).
ORACLE      := test/verifier/SnarkjsBatchVerifier.sol

.PHONY: circuit circuit-setup verifier verifier-check test-circuits constraints circuit-fixture
circuit: install ## Compile the batch circuit to build/circuits/batch-d$DEPTH-n$BATCH-k$PUBLIC/ (r1cs, wasm; cached)
	$(TSX) circuits/scripts/build.ts --depth $(DEPTH) --batch $(BATCH) --public $(PUBLIC)

circuit-setup: circuit ## Groth16 keys batch.zkey + verification_key.json (dev ptau, or PTAU=path; cached)
	@power=$$($(TSX) circuits/scripts/setup.ts --depth $(DEPTH) --batch $(BATCH) --public $(PUBLIC) --print-power); \
	  $(MAKE) --no-print-directory ptau PTAU_POWER=$$power PTAU="$(PTAU)"; \
	  ptau="$(PTAU)"; [ -n "$$ptau" ] || ptau="$(BUILD)/setup/dev-$$power.ptau"; \
	  $(TSX) circuits/scripts/setup.ts --depth $(DEPTH) --batch $(BATCH) --public $(PUBLIC) --ptau "$$ptau"

verifier: circuit-setup ## Generate $(VERIFIER) and the snarkjs oracle $(ORACLE) from the keys (never edit them by hand)
	$(TSX) circuits/scripts/verifier.ts --depth $(DEPTH) --batch $(BATCH) --public $(PUBLIC) --out $(VERIFIER)
	$(TSX) circuits/scripts/verifier.ts --depth $(DEPTH) --batch $(BATCH) --public $(PUBLIC) --oracle --out $(ORACLE)

verifier-check: circuit-setup ## Fail if $(VERIFIER) or $(ORACLE) differs from a fresh generation (deterministic setup)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(TSX) circuits/scripts/verifier.ts --depth $(DEPTH) --batch $(BATCH) --public $(PUBLIC) --out "$$tmp/BatchVerifier.sol" >/dev/null && \
	  $(TSX) circuits/scripts/verifier.ts --depth $(DEPTH) --batch $(BATCH) --public $(PUBLIC) --oracle --out "$$tmp/Oracle.sol" >/dev/null && \
	  { diff -u $(VERIFIER) "$$tmp/BatchVerifier.sol" || { echo "$(VERIFIER) is stale: run make verifier" >&2; exit 1; }; } && \
	  { diff -u $(ORACLE) "$$tmp/Oracle.sol" || { echo "$(ORACLE) is stale: run make verifier" >&2; exit 1; }; } && \
	  echo "$(VERIFIER) and $(ORACLE) match the keys of $(CIRCUIT_DIR)"

test-circuits: circuit-setup ## Circuit tests: every rule, field edges, vectors, fixture, a full proof
	$(TSX) --test $(sort $(wildcard circuits/test/*.test.ts))

constraints: install ## Constraint report build/reports/constraints.{json,md} (compiles several DEPTH x BATCH sets)
	$(TSX) circuits/scripts/constraints.ts

circuit-fixture: circuit-setup ## Rewrite test/fixtures/batch-d16-n4-k2.json (a real proof; commit it once)
	$(TSX) circuits/scripts/fixture.ts --depth $(DEPTH) --batch $(BATCH) --public $(PUBLIC)

e2e: install circuit-setup verifier-check ## The whole bridge on two local anvil chains (logs: build/e2e/logs)
	$(FORGE) build
	DEPTH=$(DEPTH) BATCH=$(BATCH) PUBLIC=$(PUBLIC) $(TSX) offchain/e2e/index.ts

# Benchmark (bench/run.ts; BENCH_* variables documented there, e.g. BENCH_BATCHES=1,2,4 BENCH_POWERS=12,14).
# Slow (builds missing circuit keys, proves, runs the e2e): never part of `make test`; bench-smoke is.
.PHONY: bench-smoke
bench: install ## Measure circuit, proving, gas, setup and e2e latency; writes bench/REPORT.md + report.json
	$(TSX) bench/run.ts

bench-smoke: install ## The bench pipeline with tiny parameters (tiny circuit, power 8), into build/bench-smoke (< 1 min)
	BENCH_OUT=build/bench-smoke BENCH_WORK=build/bench-smoke/work BENCH_SECTIONS=constraints,gas,realgas,proving,pool,setup \
	  BENCH_REALGAS_SETS=2x1 BENCH_REALGAS_ESTIMATE=2x2 BENCH_CONSTRAINT_SETS=4x2 BENCH_CIRCUIT=tiny BENCH_POWERS=8 BENCH_SNARKJS_POWERS=8 BENCH_RUNS=2 BENCH_POOL_JOBS=2 \
	  $(TSX) bench/run.ts

.PHONY: prover test-prover
prover: install ## Run the prover service: snarkjs worker pool on the node's proof queue (needs make circuit-setup)
	$(TSX) offchain/prover/index.ts

test-prover: install ## Prover tests only (queue, proving and worker pool on a tiny circuit, service entry)
	$(TSX) --test $(sort $(wildcard offchain/prover/*.test.ts))

# Prover cluster (docs/operations.md "Cluster"): the proof queue on Redis with BullMQ (REDIS_URL).
.PHONY: test-cluster cluster-demo
test-cluster: install ## BullMQ proof queue on a real redis-server: shared jobs, a prover killed mid-proof, a Redis restart
	tools/apt-ensure.sh redis-server:redis-server
	$(TSX) --test offchain/prover/bullmq-queue.test.ts

cluster-demo: install circuit-setup ## e2e with Redis + BullMQ and 2 separate prover processes; prints which worker proved each batch
	tools/apt-ensure.sh redis-server:redis-server
	$(FORGE) build
	DEPTH=$(DEPTH) BATCH=$(BATCH) PUBLIC=$(PUBLIC) $(TSX) offchain/e2e/cluster-demo.ts

.PHONY: node monitor sender attester test-services
node: install ## Run the whole off-chain node (monitor, extractor, prover pool, sender; NODE_SERVICES picks a subset)
	$(TSX) offchain/node.ts

monitor: install ## Run the L1 monitor alone (L1 deposits -> L2 credits, metadata, exodus relay)
	$(TSX) offchain/monitor/index.ts

sender: install ## Run the proof sender alone (proven batches -> L1 submitBatch, in order)
	$(TSX) offchain/sender/index.ts

attester: install ## Run one attester (its own key, RPCs and ATTESTER_DATA_DIR; signs what it saw: docs/operations.md "Attester")
	$(TSX) offchain/attester/index.ts

test-services: install ## Runtime, monitor, sender, supervisor and ABI tests (msw fake chains and anvil)
	$(TSX) --test $(sort $(wildcard offchain/runtime/*.test.ts offchain/node/*.test.ts offchain/monitor/*.test.ts offchain/sender/*.test.ts offchain/testing/*.test.ts offchain/lib/abi.test.ts))

# A bridge to use by hand (offchain/devnet/; README "Run a bridge by hand"): left running in the background,
# pids and logs under build/devnet/. Settings (DEVNET_DIR, DEVNET_*_PORT, ...): offchain/devnet/config.ts.
.PHONY: devnet devnet-stop test-devnet
devnet: install circuit-setup ## Start two anvil chains, deploy both sides, run the node and the explorer in the background; prints the CLI's exports
	$(FORGE) build
	DEPTH=$(DEPTH) BATCH=$(BATCH) PUBLIC=$(PUBLIC) $(TSX) offchain/devnet/index.ts start

devnet-stop: install ## Stop the devnet started by make devnet (its logs and data stay in build/devnet)
	$(TSX) offchain/devnet/index.ts stop

test-devnet: install circuit-setup ## make devnet, the CLI against it (deposit, withdraw, wait, claim), make devnet-stop (slow, ~2 min: not in make test)
	$(FORGE) build
	$(TSX) --test offchain/devnet/devnet.check.ts

clean: ## Remove build outputs (keeps node_modules)
	rm -rf $(BUILD)

.PHONY: explorer test-explorer
explorer: install ## Serve the explorer alone for a node's DATA_DIR (EXPLORER_PORT; the node serves it itself when set)
	$(TSX) offchain/explorer/index.ts

test-explorer: install ## Explorer: JSON API tests, then the page in Debian chromium over an anvil bridge (screenshot build/explorer/)
	tools/apt-ensure.sh chromium:chromium
	$(FORGE) build
	$(TSX) --test offchain/explorer/api.test.ts offchain/e2e/explorer-page.browser.ts
