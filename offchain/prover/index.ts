/**
 * The prover service: `node --import tsx offchain/prover/index.ts` (or `make prover`).
 * A pool of snarkjs Groth16 worker processes proving the jobs the extractor enqueues in the
 * node's SQLite file; the sender reads the results from the same queue.
 * Environment: DATA_DIR, CIRCUIT_DIR, PROVER_WORKERS, LEASE_MS, POLL_INTERVAL_MS, LOG_LEVEL; with
 * REDIS_URL (and PROOF_QUEUE) the jobs come from the BullMQ queue on Redis instead (a prover
 * cluster: run this on any number of machines; docs/operations.md "Cluster"), and worker ids are
 * `hostname:pid-w<slot>-<child pid>` so each result names the machine and process that proved it.
 * Exit status: 0 after SIGINT/SIGTERM, 1 on an unexpected error, 2 for invalid configuration or
 * missing circuit artifacts.
 */
import { hostname } from "node:os";
import { pathToFileURL } from "node:url";
import { createLogger, type Logger } from "../runtime/log.js";
import { Alarms, loadAlarmConfig } from "../runtime/node-db/alarms.js";
import { type Db, openDatabase } from "../runtime/node-db/open.js";
import { runEvery } from "../runtime/scheduler.js";
import { shutdownSignal } from "../runtime/shutdown.js";
import { openProofQueue, redactUrl } from "./bullmq-queue.js";
import { loadProverConfig, type ProverConfig } from "./config.js";
import { ProverPool } from "./pool.js";
import { type CircuitArtifacts, circuitArtifacts, loadVerificationKey } from "./prove.js";
import { checkProofStalls } from "./stalls.js";

export * from "../runtime/node-db/proof-jobs.js";
export * from "./bullmq-queue.js";
export * from "./config.js";
export * from "./pool.js";
export * from "./prove.js";

/** How often the service logs the queue counts. */
const STATS_EVERY_MS = 30_000;

/** Runs the service until `signal` aborts (default: SIGINT/SIGTERM); resolves to the exit status. */
export async function main(
  env: NodeJS.ProcessEnv = process.env,
  log: Logger = createLogger("prover"),
  signal: AbortSignal = shutdownSignal(log),
): Promise<number> {
  let config: ProverConfig;
  let circuit: CircuitArtifacts;
  let repeatMs: number;
  try {
    config = loadProverConfig(env);
    repeatMs = loadAlarmConfig(env).repeatMs;
    circuit = circuitArtifacts(config.circuitDir);
    const vkey = loadVerificationKey(circuit.vkeyPath);
    const { redisUrl, ...queueConfig } = config.queue;
    log.info("prover starting", {
      ...config,
      queue: { ...queueConfig, kind: redisUrl ? "bullmq" : "sqlite", redis: redisUrl && redactUrl(redisUrl) },
      nPublic: vkey.nPublic,
    });
  } catch (error) {
    log.error("cannot start", { error: (error as Error).message });
    return 2;
  }
  // With Redis the prover needs no node database at all (it may run on another machine).
  const db: Db | undefined = config.queue.redisUrl ? undefined : openDatabase(config.dbPath);
  const { queue, close } = openProofQueue(config.queue, db as Db, { leaseMs: config.leaseMs, log });
  const pool = new ProverPool({
    queue,
    circuit,
    workers: config.workers,
    leaseMs: config.leaseMs,
    pollMs: config.pollIntervalMs,
    log,
    idPrefix: config.queue.redisUrl ? `${hostname()}:${process.pid}` : undefined,
  });
  try {
    pool.start();
    // With the SQLite queue the alarm also goes to the database (bridge status, explorer).
    const alarms = new Alarms({ db, log, repeatMs });
    await runEvery(
      STATS_EVERY_MS,
      async () => {
        log.info("queue", { ...(await queue.stats()) });
        await checkProofStalls({ queue, alarms, log, stallAfterAttempts: config.queue.stallAfterAttempts });
      },
      {
        signal,
        log,
        name: "queue stats",
      },
    );
    return 0;
  } catch (error) {
    log.error("prover stopped on an error", { error });
    return 1;
  } finally {
    await pool.stop();
    await close();
    db?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(await main());
}
