/**
 * Wiring: an ExplorerApi over the node database and the chains of `config`, served on its port.
 * The supervisor calls `startExplorer` when EXPLORER_PORT is set; `offchain/explorer/index.ts`
 * runs it alone against a node's DATA_DIR.
 */
import type { PublicClient } from "viem";
import type { Db } from "../runtime/db.js";
import type { Logger } from "../runtime/log.js";
import { ExplorerApi } from "./api.js";
import { ChainReader } from "./chain.js";
import type { ExplorerConfig } from "./config.js";
import { NodeTables } from "./db.js";
import { type ServedExplorer, serveExplorer } from "./server.js";

export interface StartExplorerOptions {
  config: ExplorerConfig;
  db: Db;
  log: Logger;
  signal: AbortSignal;
  l1Client?: PublicClient;
  l2Client?: PublicClient;
}

export function explorerApi(o: Omit<StartExplorerOptions, "signal">): ExplorerApi {
  const chain = new ChainReader({ config: o.config, log: o.log, l1Client: o.l1Client, l2Client: o.l2Client });
  return new ExplorerApi({ tables: new NodeTables(o.db), chain });
}

export function startExplorer(o: StartExplorerOptions): Promise<ServedExplorer> {
  return serveExplorer(explorerApi(o), { port: o.config.port, host: o.config.host, signal: o.signal, log: o.log });
}
