/**
 * The extractor service: `node --import tsx offchain/extractor/index.ts`.
 * Follows the L2 op log, verifies it, cuts batches and enqueues proof jobs (docs/protocol.md
 * sections 4 to 8). Environment: L2_RPC_URL, L1_CHAIN_ID, L2_CHAIN_ID, DEPLOYMENTS_DIR, DATA_DIR,
 * CONFIRMATIONS, POLL_INTERVAL_MS, BATCH_TIMEOUT_MS, EXTRACTOR_BLOCK_RANGE, METRICS_PORT, LOG_LEVEL.
 * Exit status: 0 after SIGINT/SIGTERM, 1 when the op log cannot be trusted (it never skips), 2 for
 * invalid configuration.
 */
import { pathToFileURL } from "node:url";
import { createLogger, type Logger, openDatabase, shutdownSignal } from "../runtime/index.js";
import { Metrics, serveMetrics } from "../runtime/metrics.js";
import { SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { loadExtractorConfig } from "./config.js";
import { runExtractor } from "./extractor.js";

export * from "../runtime/node-db/extractor.js";
export * from "./batcher.js";
export * from "./config.js";
export * from "./errors.js";
export * from "./extractor.js";

/** Runs the service until a signal; resolves to the process exit status. */
export async function main(
  env: NodeJS.ProcessEnv = process.env,
  log: Logger = createLogger("extractor"),
): Promise<number> {
  let config: ReturnType<typeof loadExtractorConfig>;
  try {
    config = loadExtractorConfig(env);
  } catch (error) {
    log.error("cannot start", { error: (error as Error).message });
    return 2;
  }
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase(config.dbPath, { owners: ["extractor"] });
  } catch (error) {
    log.error("cannot start", { error: (error as Error).message });
    return 2;
  }
  try {
    const signal = shutdownSignal(log);
    log.info("extractor starting", {
      l2: config.l2.rpcUrl,
      assetReceiving: config.assetReceiving,
      treeDepth: config.treeDepth,
      batchSize: config.batchSize,
      publicSlots: config.publicSlots,
      confirmations: config.confirmations,
      batchTimeoutMs: config.batchTimeoutMs,
      db: config.dbPath,
    });
    const metrics = new Metrics();
    if (config.metricsPort !== undefined) await serveMetrics(metrics, config.metricsPort, { signal, log });
    await runExtractor({ config, db, log, signal, queue: new SqliteProofQueue(db), metrics });
    return 0;
  } catch (error) {
    log.error("extractor stopped on an error", { error });
    return 1;
  } finally {
    db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(await main());
}
