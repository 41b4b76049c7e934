/**
 * Entry of one attester: `node --import tsx offchain/attester/index.ts` (or `make attester`).
 * Its own key (ATTESTER_PRIVATE_KEY), RPCs, deployments and database (ATTESTER_DATA_DIR); the
 * variables are in docs/operations.md "Attester". Stops cleanly on SIGINT/SIGTERM; exit status 2
 * for invalid configuration.
 */

import { createLogger } from "../runtime/log.js";
import { Metrics } from "../runtime/metrics.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { runEntry, shutdownSignal } from "../runtime/shutdown.js";
import { runAttester } from "./attester.js";
import { loadAttesterConfig } from "./config.js";

const log = createLogger("attester");

async function main(): Promise<number> {
  const config = loadAttesterConfig();
  const signal = shutdownSignal(log);
  const db = openDatabase(config.dbPath);
  log.info("attester starting", {
    db: config.dbPath,
    contracts: config.contracts,
    l1Confirmations: config.l1Confirmations,
    l2Confirmations: config.l2Confirmations,
  });
  try {
    await runAttester({ config, db, log, signal, metrics: new Metrics() });
  } finally {
    db.close();
  }
  return 0;
}

runEntry("attester", log, main);
