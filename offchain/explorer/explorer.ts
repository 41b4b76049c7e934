/**
 * Wiring: an ExplorerApi over the node database, the proof queue and the chains of `config`,
 * served on its port. The supervisor calls `startExplorer` when EXPLORER_PORT is set (with the
 * proof queue it opened); `offchain/explorer/index.ts` runs it alone against a node's DATA_DIR.
 */
import type { PublicClient } from "viem";
import type { Logger } from "../runtime/log.js";
import { NodeTables } from "../runtime/node-db/explorer.js";
import type { Db } from "../runtime/node-db/open.js";
import type { ProofQueue } from "../runtime/node-db/proof-jobs.js";
import { ExplorerApi } from "./api.js";
import { ChainReader } from "./chain.js";
import type { ExplorerConfig } from "./config.js";
import { proofJobSourceFor } from "./jobs.js";
import { type ServedExplorer, serveExplorer } from "./server.js";

export interface StartExplorerOptions {
  config: ExplorerConfig;
  db: Db;
  log: Logger;
  signal: AbortSignal;
  /**
   * The node's proof queue (openProofQueue). A BullmqProofQueue is read for proof status (required
   * when `config.queue.redisUrl` is set); otherwise the `proof_jobs` table is. The caller closes it.
   */
  queue?: ProofQueue;
  l1Client?: PublicClient;
  l2Client?: PublicClient;
}

export function explorerApi(o: Omit<StartExplorerOptions, "signal">): ExplorerApi {
  const chain = new ChainReader({ config: o.config, log: o.log, l1Client: o.l1Client, l2Client: o.l2Client });
  const tables = new NodeTables(o.db);
  const jobs = proofJobSourceFor({
    queue: o.queue,
    tables,
    redisUrl: o.config.queue.redisUrl,
    timeoutMs: o.config.rpcTimeoutMs,
  });
  return new ExplorerApi({ tables, chain, jobs });
}

export function startExplorer(o: StartExplorerOptions): Promise<ServedExplorer> {
  return serveExplorer(explorerApi(o), { port: o.config.port, host: o.config.host, signal: o.signal, log: o.log });
}
