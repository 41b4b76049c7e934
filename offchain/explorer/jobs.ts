/**
 * Where the explorer reads proof-job status: the queue the node uses. With the embedded queue
 * that is the `proof_jobs` table of the node database; with REDIS_URL (a prover cluster) the jobs
 * live in BullMQ on Redis and the table stays empty, so the explorer asks the BullMQ queue.
 */
import { BullmqProofQueue, RedisUnavailableError } from "../prover/bullmq-queue.js";
import type { JobRow, NodeTables } from "../runtime/node-db/explorer.js";
import type { ProofQueue } from "../runtime/node-db/proof-jobs.js";

export interface ProofJobSource {
  /** Shown in `unavailable` when a read fails: "db" (the SQLite file) or "queue" (Redis). */
  readonly side: "db" | "queue";
  /** Job rows of these batches; a batch without a job is absent. Rejects when the source cannot be read. */
  jobs(batchNumbers: readonly number[]): Promise<Map<number, JobRow>>;
  /** A short reason for a failed read, for the API (no URL, no password). */
  describe(error: unknown): string;
}

const firstLine = (error: unknown) => (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";

/** The `proof_jobs` table of the node database (SqliteProofQueue). */
export function sqliteJobSource(tables: NodeTables): ProofJobSource {
  return {
    side: "db",
    jobs: async (batchNumbers) => tables.jobs(batchNumbers),
    describe: (error) => `proof_jobs: ${firstLine(error)}`,
  };
}

/** The BullMQ queue on Redis; each read is one round trip, given up after `timeoutMs`. */
export function bullmqJobSource(queue: BullmqProofQueue, timeoutMs: number): ProofJobSource {
  return {
    side: "queue",
    jobs: (batchNumbers) => queue.jobRows(batchNumbers, { timeoutMs }),
    describe: (error) =>
      `Redis proof queue ${queue.queueName}: ${error instanceof RedisUnavailableError ? error.reason : firstLine(error)}`,
  };
}

/**
 * The source for the queue the node opened (`openProofQueue`): BullMQ when it is a BullmqProofQueue,
 * else the SQLite table. `redisUrl` is the explorer's REDIS_URL: set, it needs the BullMQ queue.
 */
export function proofJobSourceFor(o: {
  queue?: ProofQueue;
  tables: NodeTables;
  redisUrl?: string;
  timeoutMs: number;
}): ProofJobSource {
  if (o.queue instanceof BullmqProofQueue) return bullmqJobSource(o.queue, o.timeoutMs);
  if (o.redisUrl) {
    throw new Error(
      "REDIS_URL is set, so proof jobs are in BullMQ: pass the node's BullmqProofQueue (openProofQueue) to the explorer",
    );
  }
  return sqliteJobSource(o.tables);
}
