/**
 * Entry of the proof sender: `node --import tsx offchain/sender/index.ts` (or `make sender`).
 * Reads batches from the extractor's table and proofs from the proof queue (the node database, or
 * BullMQ when REDIS_URL is set), submits them to L1 in order. Configuration from the environment (docs/operations.md).
 */

import { describeProofQueue, openProofQueue } from "../prover/bullmq-queue.js";
import { loadQueueConfig } from "../prover/config.js";
import { createLogger } from "../runtime/log.js";
import { Metrics, serveMetrics } from "../runtime/metrics.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { runEntry, shutdownSignal } from "../runtime/shutdown.js";
import { loadSenderConfig } from "./config.js";
import { runSender } from "./sender.js";

const log = createLogger("sender");

async function main(): Promise<number> {
  const config = loadSenderConfig();
  const queueConfig = loadQueueConfig();
  const signal = shutdownSignal(log);
  const db = openDatabase(config.dbPath, { owners: ["sender"] });
  const { queue, close: closeQueue } = openProofQueue(queueConfig, db, { log });
  log.info("database", {
    path: config.dbPath,
    proofQueue: describeProofQueue(queueConfig),
  });
  const metrics = new Metrics();
  if (config.metricsPort !== undefined) await serveMetrics(metrics, config.metricsPort, { signal, log });
  try {
    await runSender({ config, db, log, signal, metrics, queue });
  } finally {
    await closeQueue();
    db.close();
  }
  return 0;
}

runEntry("sender", log, main);
