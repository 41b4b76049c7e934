/**
 * Messages between the prover pool (parent) and its worker processes, over the
 * child_process.fork IPC channel (JSON: no bigints, everything is a decimal string).
 */

/** What a worker needs to start (passed as the JSON of argv[2]). */
export interface WorkerConfig {
  wasmPath: string;
  zkeyPath: string;
  vkeyPath: string;
  /** How often the worker reports that it is alive while proving. */
  heartbeatMs: number;
}

export type ToWorker = {
  type: "prove";
  batchNumber: number;
  attempt: number;
  input: Record<string, unknown>;
  publicSignals: string[];
};

export type FromWorker =
  | { type: "ready" }
  | { type: "heartbeat"; batchNumber: number }
  | { type: "done"; batchNumber: number; proof: string[]; publicSignals: string[]; ms: number }
  | { type: "error"; batchNumber: number; error: string; kind?: string }
  /** The worker cannot work at all (bad config, unreadable key); it exits after sending this. */
  | { type: "fatal"; error: string };
