/**
 * `make cluster-demo`: the e2e flow (offchain/e2e/index.ts) with the proof queue on Redis (BullMQ)
 * and separate prover processes: a local redis-server, the node (monitor, extractor, sender) with
 * REDIS_URL, E2E_PROVERS prover processes (default 2, one proof at a time each), one of them
 * SIGKILLed mid-proof and restarted; ends with which worker (hostname:pid) proved each batch.
 * Environment: E2E_PROVERS (default 2), E2E_DIR (default build/cluster-demo), and everything
 * offchain/e2e/index.ts reads (DEPTH, BATCH, CIRCUIT_DIR, PRIORITY_DEADLINE).
 * Across machines, run the same pieces by hand: docs/operations.md, section "Cluster".
 */
process.env.E2E_PROVERS ||= "2";
process.env.E2E_DIR ||= "build/cluster-demo";
if (Number(process.env.E2E_PROVERS) < 2) {
  process.stderr.write("cluster-demo: E2E_PROVERS must be at least 2 (several prover processes share the jobs)\n");
  process.exit(2);
}
await import("./index.js");
