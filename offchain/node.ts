/**
 * The whole off-chain side of the bridge on one machine: `node --import tsx offchain/node.ts`
 * (or `make node`). Runs the L1 monitor, the L2 extractor, the prover pool and the proof sender
 * against one SQLite file (${DATA_DIR}/bridge.sqlite), with one shutdown signal (SIGINT/SIGTERM).
 * NODE_SERVICES=monitor,extractor,prover,sender picks a subset. docs/operations.md lists the
 * environment. Exit status: 0 after a signal, 1 when a service failed, 2 for invalid configuration.
 */
import { loadNodeConfig, runNode } from "./node/supervisor.js";
import { createLogger } from "./runtime/log.js";
import { runEntry, shutdownSignal } from "./runtime/shutdown.js";

const log = createLogger("node");

async function main(): Promise<number> {
  const config = loadNodeConfig();
  return runNode(config, { signal: shutdownSignal(log) });
}

runEntry("node", log, main);
