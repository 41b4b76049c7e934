/**
 * The explorer alone, next to a node that runs elsewhere on this machine (same DATA_DIR):
 * `EXPLORER_PORT=8090 node --import tsx offchain/explorer/index.ts`. The node serves it itself
 * when EXPLORER_PORT is set; this entry is for a node run as separate services. It only reads
 * the database, the chains and, with REDIS_URL, the BullMQ proof queue (its own connection,
 * closed on shutdown). Exit status: 0 after a signal, 2 for invalid configuration.
 */
import { describeProofQueue, openProofQueue } from "../prover/bullmq-queue.js";
import { createLogger } from "../runtime/log.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { runEntry, shutdownSignal } from "../runtime/shutdown.js";
import { loadExplorerConfig } from "./config.js";
import { startExplorer } from "./explorer.js";

const log = createLogger("explorer");

async function main(): Promise<number> {
  const config = loadExplorerConfig();
  const signal = shutdownSignal(log);
  const db = openDatabase(config.dbPath);
  // Only with REDIS_URL: the SQLite queue would migrate its table, and the explorer only reads.
  const opened = config.queue.redisUrl ? openProofQueue(config.queue, db, { log }) : undefined;
  try {
    const served = await startExplorer({ config, db, log, signal, queue: opened?.queue });
    process.stderr.write(
      `explorer: ${served.url} (database ${config.dbPath}, proof queue ${describeProofQueue(config.queue)}); stop with Ctrl-C\n`,
    );
    await served.closed;
  } finally {
    await opened?.close();
    db.close();
  }
  return 0;
}

runEntry("explorer", log, main);
