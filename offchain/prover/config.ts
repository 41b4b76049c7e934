/**
 * Prover configuration, parsed once at start from the environment.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { parseConfig, zInt } from "../runtime/config.js";

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
}

const EnvSchema = z.object({
  DATA_DIR: z.string().min(1).default("build/node"),
  CIRCUIT_DIR: z.string().min(1).default("build/circuits/batch-d16-n4"),
  PROVER_WORKERS: zInt(1).max(256, "must be <= 256").default(availableParallelism()),
  LEASE_MS: zInt(1000).default(60_000),
  POLL_INTERVAL_MS: zInt(10).default(1000),
});

/** Reads and validates the prover's configuration; throws a ConfigError naming each bad field. */
export function loadProverConfig(env: NodeJS.ProcessEnv = process.env): ProverConfig {
  const e = parseConfig(EnvSchema, env);
  return {
    dbPath: join(e.DATA_DIR, "bridge.sqlite"),
    circuitDir: e.CIRCUIT_DIR,
    workers: e.PROVER_WORKERS,
    leaseMs: e.LEASE_MS,
    pollIntervalMs: e.POLL_INTERVAL_MS,
  };
}
