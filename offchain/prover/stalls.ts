/**
 * The stall watch: proof jobs are retried without limit (queue.ts), so a job that keeps failing
 * would hold the bridge back without anyone noticing. Every round (the node runs it every
 * POLL_INTERVAL_MS, the prover service with its queue counts) it asks the queue for jobs that
 * failed `stallAfterAttempts` times or more, or once with a deterministic error, and raises the
 * `proof-stalled` alarm (runtime/node-db/alarms.ts) while there is one; the gauges `prover_stalled_jobs`
 * and `prover_stalled_max_failures` follow. Jobs an older version marked `failed` are put back.
 */

import type { Logger } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";
import type { Alarms } from "../runtime/node-db/alarms.js";
import { type ProofQueue, QUEUE_DEFAULTS, type StalledJob } from "../runtime/node-db/proof-jobs.js";

export const STALL_ALARM = "proof-stalled";

export const STALL_METRICS: [name: string, type: "gauge", help: string][] = [
  [
    "prover_stalled_jobs",
    "gauge",
    "Unproven proof jobs that failed PROOF_STALL_ATTEMPTS times or more, or deterministically",
  ],
  ["prover_stalled_max_failures", "gauge", "Most failed attempts of one unproven proof job (0 when none is stalled)"],
];

const PREFIX = "deterministic ";

/** The error stored for a failure the same input would repeat (the worker refused the job). */
export function deterministicError(kind: string, error: string): string {
  return `${PREFIX}${kind} error: ${error}`;
}

export const isDeterministic = (j: Pick<StalledJob, "lastError">) => j.lastError?.startsWith(PREFIX) ?? false;

export interface StallWatchOptions {
  queue: Pick<ProofQueue, "stalled" | "retryFailed">;
  alarms: Alarms;
  log: Logger;
  metrics?: Metrics;
  /** Failed attempts that make a job stalled (PROOF_STALL_ATTEMPTS, default 3). */
  stallAfterAttempts?: number;
}

function describeStall(jobs: StalledJob[]): { message: string; action: string } {
  const first = jobs[0] as StalledJob;
  const more = jobs.length > 1 ? ` (and ${jobs.length - 1} more job(s))` : "";
  const when = first.retryAt
    ? `next attempt at ${new Date(first.retryAt).toISOString()}`
    : `attempt ${first.failures + 1} running`;
  const message =
    `the proof of batch ${first.batchNumber} failed ${first.failures} attempt(s)${more}; last error: ${first.lastError ?? "none"}; ` +
    `retried with backoff (${when}); no batch after it lands on L1 until it is proven`;
  const action = isDeterministic(first)
    ? "a deterministic failure is a bug (extractor input or circuit): report it with the batch number and the error; retries cannot help"
    : "read the last error: a worker crash or expired lease needs a healthy prover (memory, PROVER_WORKERS, LEASE_MS); it recovers by itself once a proof succeeds";
  return { message, action };
}

/** One round of the stall watch; returns the stalled jobs. */
export async function checkProofStalls(o: StallWatchOptions): Promise<StalledJob[]> {
  const min = o.stallAfterAttempts ?? QUEUE_DEFAULTS.stallAfterAttempts;
  const all = await o.queue.stalled(1);
  for (const j of all.filter((x) => x.status === "failed")) {
    if (await o.queue.retryFailed(j.batchNumber)) {
      o.log.error("a proof job was left failed (by an older version): put back in the queue", {
        batchNumber: j.batchNumber,
        failures: j.failures,
        lastError: j.lastError,
      });
    }
  }
  const jobs = all.filter((j) => j.failures >= min || isDeterministic(j));
  for (const [name, , help] of STALL_METRICS) o.metrics?.gauge(name, help);
  o.metrics?.set("prover_stalled_jobs", jobs.length);
  o.metrics?.set("prover_stalled_max_failures", Math.max(0, ...jobs.map((j) => j.failures)));
  if (jobs.length === 0) {
    o.alarms.clear(STALL_ALARM);
    return jobs;
  }
  o.alarms.raise(STALL_ALARM, {
    service: "prover",
    ...describeStall(jobs),
    details: {
      batches: jobs.slice(0, 10).map((j) => ({ batch: j.batchNumber, failures: j.failures, status: j.status })),
    },
  });
  return jobs;
}
