/**
 * Prover configuration, parsed once at start from the environment.
 */
import { availableParallelism } from "node:os";
import { z } from "zod";
import { ConfigError, parseConfig, zInt } from "../runtime/config.js";
import { DEFAULT_DATA_DIR, dbPathOf } from "../runtime/node-db/index.js";

/** Where proof jobs live: the node's SQLite file (default) or, with REDIS_URL, a BullMQ queue on Redis (a prover cluster). */
export interface QueueConfig {
  /** `redis://[user:password@]host:port[/db]`; unset = the embedded SQLite queue. */
  redisUrl?: string;
  /** BullMQ queue name (PROOF_QUEUE, default `proof-jobs`): one per deployment sharing a Redis. */
  queueName: string;
  /** PROOF_STALL_ATTEMPTS: failed attempts after which a job raises the `proof-stalled` alarm (default 3). */
  stallAfterAttempts?: number;
}

/** Reads REDIS_URL, PROOF_QUEUE and PROOF_STALL_ATTEMPTS (empty = unset); throws a ConfigError naming the bad one (passwords not shown). */
export function loadQueueConfig(env: NodeJS.ProcessEnv = process.env): QueueConfig {
  const problems: string[] = [];
  const url = env.REDIS_URL?.trim() || undefined;
  if (url !== undefined) {
    let ok = false;
    try {
      const u = new URL(url);
      ok = (u.protocol === "redis:" || u.protocol === "rediss:") && u.hostname !== "" && /^(\/\d*)?$/.test(u.pathname);
    } catch {}
    if (!ok)
      problems.push(
        "REDIS_URL (environment): must be redis://[user:password@]host:port[/db] or rediss://... (value hidden)",
      );
  }
  const queueName = env.PROOF_QUEUE?.trim() || "proof-jobs";
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(queueName))
    problems.push(`PROOF_QUEUE (environment): letters, digits, _ . - only (got ${JSON.stringify(queueName)})`);
  const stall = env.PROOF_STALL_ATTEMPTS?.trim() || undefined;
  if (stall !== undefined && !(/^\d+$/.test(stall) && Number(stall) >= 1 && Number(stall) <= 1000))
    problems.push(
      `PROOF_STALL_ATTEMPTS (environment): must be a whole number from 1 to 1000 (got ${JSON.stringify(stall)})`,
    );
  if (problems.length) throw new ConfigError(problems);
  return { redisUrl: url, queueName, ...(stall !== undefined ? { stallAfterAttempts: Number(stall) } : {}) };
}

export interface ProverConfig {
  /** The node's SQLite file (`${DATA_DIR}/bridge.sqlite`), shared with the extractor and the sender. */
  dbPath: string;
  /** Folder of the compiled batch circuit: batch_js/batch.wasm, batch.zkey, verification_key.json. */
  circuitDir: string;
  /** Worker processes. */
  workers: number;
  /** Lease of a claimed job; a worker that sends no heartbeat for this long loses its job. */
  leaseMs: number;
  /** How often idle workers look for new jobs. */
  pollIntervalMs: number;
  /** SQLite (default) or BullMQ on Redis (REDIS_URL). */
  queue: QueueConfig;
}

const EnvSchema = z.object({
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  CIRCUIT_DIR: z.string().min(1).default("build/circuits/batch-d16-n4-k2"),
  PROVER_WORKERS: zInt(1).max(256, "must be <= 256").default(availableParallelism()),
  LEASE_MS: zInt(1000).default(60_000),
  POLL_INTERVAL_MS: zInt(10).default(1000),
});

/** Reads and validates the prover's configuration; throws a ConfigError naming each bad field. */
export function loadProverConfig(env: NodeJS.ProcessEnv = process.env): ProverConfig {
  const e = parseConfig(EnvSchema, env);
  return {
    dbPath: dbPathOf(e.DATA_DIR),
    circuitDir: e.CIRCUIT_DIR,
    workers: e.PROVER_WORKERS,
    leaseMs: e.LEASE_MS,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    queue: loadQueueConfig(env),
  };
}
