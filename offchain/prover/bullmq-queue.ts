/**
 * The proof queue on Redis with BullMQ, for a prover cluster: the node (extractor and sender) and
 * any number of prover processes on any number of machines share one Redis. Selected when
 * REDIS_URL is set (`openProofQueue` below); the embedded SQLite queue stays the default.
 *
 * Mapping of the ProofQueue interface onto BullMQ (one BullMQ queue, default name `proof-jobs`):
 * - enqueue: `Queue.add` with job id `batch-<n>` (BullMQ refuses integer ids), so adding the same
 *   batch again is a no-op; the stored job is then read back and compared with the new one
 *   (canonical input and public signals), and a difference is a ProofJobConflictError, as in
 *   SqliteProofQueue. Jobs carry unlimited `attempts` and a capped exponential `backoff` (the
 *   Worker's `backoffStrategy`), and are never removed on completion (the sender reads the result
 *   later). No job ends `failed` (only jobs of older versions are found there; the stall watch puts
 *   them back with `retryFailed`).
 * - claim: manual fetching from a BullMQ `Worker` that has no processor (`getNextJob` with the
 *   claimer's worker id as the lock token, not blocking). The Worker is created on the first claim
 *   only, so the extractor and the sender never register as workers; it names its connection
 *   `hostname:pid`, which `getWorkers()` lists, and runs BullMQ's stalled-job checker: a job whose
 *   lock expired (its prover process died or lost Redis for a whole lease) goes back to `wait`,
 *   however often that happens (maxStalledCount is unbounded).
 * - heartbeat: extends the job's lock (BullMQ `extendLocks`, which checks the token).
 * - complete: checks the result's public signals against the job's, then `moveToCompleted` with the
 *   token (the Lua script refuses a worker that no longer holds the lock: LeaseLostError).
 * - fail: `moveToFailed`: always retried after the backoff.
 * - stalled: the ids in the unfinished states (and `failed`), then `atm`/`stc`/`failedReason` of
 *   each in one MULTI (no job data is read).
 * - release: `moveToWait` (shutdown: the job goes back without using an attempt).
 *
 * Why the pool and not BullMQ's own processing loop: a prover process runs the existing ProverPool
 * (pool.ts) over this queue. The pool already proves in child processes, renews leases from their
 * heartbeats, kills hung children, restarts dead ones and releases jobs on shutdown; BullMQ's loop
 * would duplicate all of that and prove in-process, where a snarkjs crash or hang would take the
 * Redis connection (and the lock renewal) with it. So each prover process holds exactly one BullMQ
 * Worker and proves PROVER_WORKERS jobs at a time (1 per process in the cluster layout of
 * docs/operations.md, i.e. concurrency 1), and scaling out is starting more processes anywhere.
 *
 * Redis outages: connections retry forever and commands wait for the reconnection (ioredis
 * `maxRetriesPerRequest: null`), but every call gives up after `commandTimeoutMs` with a
 * RedisUnavailableError, so no caller hangs for ever; the callers retry on their next round. With
 * Redis persistence on (AOF), a restart loses no job: jobs, their state and their locks are keys.
 */

import { hostname } from "node:os";
import { type ConnectionOptions, Job, type JobJsonRaw, Queue, Worker } from "bullmq";
import { BridgeError } from "../lib/errors.js";
import type { Logger } from "../runtime/log.js";
import type { Db } from "../runtime/node-db/open.js";
import {
  type ClaimedJob,
  canonicalInput,
  canonicalSignals,
  checkBatchNumber,
  checkLease,
  checkWorker,
  firstDifference,
  LeaseLostError,
  type ProofJob,
  ProofJobConflictError,
  ProofJobError,
  type ProofJobRow,
  type ProofResult,
  QUEUE_DEFAULTS,
  type QueueStats,
  type ReleasableProofQueue,
  retryDelay,
  SqliteProofQueue,
  type StalledJob,
} from "../runtime/node-db/proof-jobs.js";
import type { QueueConfig } from "./config.js";

/** Attempts given to every job: in effect unlimited (BullMQ needs a number). */
const UNLIMITED = 2 ** 31 - 1;
/** The states a stalled job can be in. */
const UNFINISHED = ["active", "wait", "paused", "prioritized", "delayed", "failed"] as const;

export interface BullmqProofQueueOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...` (TLS). */
  url: string;
  /** BullMQ queue name (default `proof-jobs`); one per deployment sharing a Redis. */
  queueName?: string;
  /** Failed attempts (errors and stalls) after which `stalled()` reports a job (default 3). Jobs are retried regardless. */
  stallAfterAttempts?: number;
  /** First retry delay of a failed job, doubled per attempt (default 2000 ms). */
  retryDelayMs?: number;
  /** Upper bound of that delay (default 60 s). */
  maxRetryDelayMs?: number;
  /** Lock of a claimed job before a heartbeat must renew it (default 60 s). */
  leaseMs?: number;
  /** How often the stalled-job checker runs in a claiming process (default min(30 s, leaseMs / 2)). */
  stalledIntervalMs?: number;
  /** A call that Redis does not answer within this is a RedisUnavailableError (default 30 s). */
  commandTimeoutMs?: number;
  /** Name of this process's BullMQ worker connection (default `hostname:pid`). */
  workerName?: string;
  log?: Logger;
}

/** Redis did not answer in time (down, unreachable, or restarting). */
export class RedisUnavailableError extends BridgeError {
  /** What went wrong, without the URL (`did not answer <what> within <ms> ms`, or the given reason). */
  readonly reason: string;

  constructor(what: string, url: string, ms: number, reason?: string) {
    const why = reason ?? `did not answer ${what} within ${ms} ms`;
    super(
      `Redis at ${redactUrl(url)} ${why}: check that redis-server runs and is reachable from this machine (REDIS_URL)`,
    );
    this.name = "RedisUnavailableError";
    this.reason = why;
  }
}

/** The URL without its password (for logs and errors). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<invalid url>";
  }
}

/** The BullMQ sorted sets jobRows looks a job up in (besides the active list). */
const JOB_SETS = ["completed", "failed", "delayed", "prioritized", "waiting-children"] as const;
type JobSet = (typeof JOB_SETS)[number];

/** Where proof jobs live, for logs and status lines: "sqlite", or "bullmq <queue> on <url without password>". */
export function describeProofQueue(c: QueueConfig): string {
  return c.redisUrl ? `bullmq ${c.queueName} on ${redactUrl(c.redisUrl)}` : "sqlite";
}

/** ioredis connection options from a redis:// URL. */
export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") {
    throw new Error(`${redactUrl(url)} is not a redis:// or rediss:// URL`);
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`${redactUrl(url)}: the path must be a database number`);
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    tls: u.protocol === "rediss:" ? {} : undefined,
    // Commands wait for the reconnection instead of failing (a Redis restart is survivable);
    // each call here is bounded by commandTimeoutMs instead.
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}

/** A proof queue and how to close it: BullMQ on Redis when `config.redisUrl` is set, else the SQLite queue in `db`. */
export function openProofQueue(
  config: QueueConfig,
  db: Db,
  options: { leaseMs?: number; log?: Logger } = {},
): { queue: ReleasableProofQueue; kind: "sqlite" | "bullmq"; close: () => Promise<void> } {
  const stallAfterAttempts = config.stallAfterAttempts;
  if (!config.redisUrl)
    return { queue: new SqliteProofQueue(db, { stallAfterAttempts }), kind: "sqlite", close: async () => {} };
  const queue = new BullmqProofQueue({
    url: config.redisUrl,
    queueName: config.queueName,
    stallAfterAttempts,
    leaseMs: options.leaseMs,
    log: options.log,
  });
  return { queue, kind: "bullmq", close: () => queue.close() };
}

/** The BullMQ job id of a batch (BullMQ refuses plain integers as custom ids). */
export const jobIdOf = (batchNumber: number) => `batch-${batchNumber}`;

interface JobData {
  batchNumber: number;
  input: Record<string, unknown>;
  publicSignals: string[];
}

/** BullMQ's script error codes that mean "this token does not hold the job's lock". */
const LOCK_ERRORS = new Set([-1, -2, -3, -6]);

export class BullmqProofQueue implements ReleasableProofQueue {
  readonly queueName: string;
  private readonly queue: Queue<JobData, ProofResult>;
  private worker?: Worker<JobData, ProofResult>;
  private readonly connection: ConnectionOptions;
  private readonly stallAfter: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly leaseMs: number;
  private readonly stalledIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly workerName: string;
  private closed = false;

  constructor(private readonly options: BullmqProofQueueOptions) {
    this.queueName = options.queueName ?? "proof-jobs";
    this.stallAfter = options.stallAfterAttempts ?? QUEUE_DEFAULTS.stallAfterAttempts;
    this.retryDelayMs = options.retryDelayMs ?? QUEUE_DEFAULTS.retryDelayMs;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? QUEUE_DEFAULTS.maxRetryDelayMs;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.stalledIntervalMs = options.stalledIntervalMs ?? Math.min(30_000, Math.max(100, Math.floor(this.leaseMs / 2)));
    this.timeoutMs = options.commandTimeoutMs ?? 30_000;
    this.workerName = options.workerName ?? `${hostname()}:${process.pid}`;
    if (!Number.isInteger(this.stallAfter) || this.stallAfter < 1)
      throw new RangeError("stallAfterAttempts must be >= 1");
    if (!(this.leaseMs > 0)) throw new RangeError("leaseMs must be > 0");
    this.connection = redisConnection(options.url);
    this.queue = new Queue<JobData, ProofResult>(this.queueName, { connection: this.connection });
    this.queue.on("error", (error) => this.options.log?.warn("redis (queue)", { error: error.message }));
  }

  async enqueue(job: ProofJob): Promise<void> {
    const batchNumber = checkBatchNumber(job.batchNumber);
    const data: JobData = {
      batchNumber,
      input: canonicalInput(job.input) as Record<string, unknown>,
      publicSignals: canonicalSignals(job.publicSignals),
    };
    const id = jobIdOf(batchNumber);
    await this.bounded(`enqueue of batch ${batchNumber}`, async () => {
      // A no-op when the id exists (whatever its state); then compare with what is stored.
      await this.queue.add("prove", data, {
        jobId: id,
        attempts: UNLIMITED,
        backoff: { type: "capped", delay: this.retryDelayMs },
        removeOnComplete: false,
        removeOnFail: false,
      });
      const stored = await this.queue.getJob(id);
      if (!stored) throw new Error(`batch ${batchNumber}: job ${id} vanished right after it was added`);
      if (JSON.stringify(stored.data.publicSignals) !== JSON.stringify(data.publicSignals)) {
        throw new ProofJobConflictError(batchNumber, "list of public signals");
      }
      if (JSON.stringify(stored.data.input) !== JSON.stringify(data.input)) {
        throw new ProofJobConflictError(batchNumber, "circuit input");
      }
    });
  }

  async claim(workerId: string, leaseMs: number): Promise<ClaimedJob | null> {
    checkWorker(workerId);
    checkLease(leaseMs);
    const worker = await this.consumer();
    return this.bounded("claim", async () => {
      const job = await worker.getNextJob(workerId, { block: false });
      if (!job?.id) return null;
      if (leaseMs !== this.leaseMs) await worker.extendJobLocks([job.id], [workerId], leaseMs);
      return {
        batchNumber: job.data.batchNumber,
        input: job.data.input,
        publicSignals: job.data.publicSignals,
        attempt: job.attemptsMade + job.stalledCounter + 1, // claims, as SQLite counts them (a stall was one)
        leaseUntil: Date.now() + leaseMs,
      };
    });
  }

  async heartbeat(batchNumber: number, workerId: string, leaseMs: number): Promise<void> {
    checkLease(leaseMs);
    const worker = await this.consumer();
    const failed = await this.bounded(`heartbeat of batch ${batchNumber}`, () =>
      worker.extendJobLocks([jobIdOf(batchNumber)], [workerId], leaseMs),
    );
    if (Array.isArray(failed) && failed.length > 0) throw await this.leaseLost(batchNumber, workerId);
  }

  async complete(batchNumber: number, workerId: string, result: ProofResult): Promise<void> {
    if (result.batchNumber !== batchNumber) {
      throw new ProofJobError(`result of batch ${result.batchNumber} completed as batch ${batchNumber}`);
    }
    if (!Array.isArray(result.proof) || result.proof.length !== 8) {
      throw new ProofJobError(`batch ${batchNumber}: a proof is 8 field elements, got ${JSON.stringify(result.proof)}`);
    }
    const stored: ProofResult = {
      batchNumber,
      proof: canonicalSignals(result.proof, "proof"),
      publicSignals: canonicalSignals(result.publicSignals),
      worker: workerId,
      provingMs: Math.max(0, Math.round(result.provingMs)),
    };
    const worker = await this.consumer();
    await this.bounded(`complete of batch ${batchNumber}`, async () => {
      const job = await Job.fromId<JobData, ProofResult>(worker, jobIdOf(batchNumber));
      if (!job) throw new LeaseLostError(batchNumber, workerId, "no such job");
      // A result, not the absence of a failedReason: a job retried after failures keeps its last one.
      const done = job.finishedOn && job.returnvalue ? job.returnvalue : null;
      if (done) {
        if (done.worker === workerId && JSON.stringify(done.proof) === JSON.stringify(stored.proof)) return; // repeated
        throw new LeaseLostError(batchNumber, workerId, `the job is proven (worker ${done.worker})`);
      }
      const expected = job.data.publicSignals;
      const at = firstDifference(stored.publicSignals, expected);
      if (at >= 0) {
        throw new ProofJobError(
          `batch ${batchNumber}: result public signal ${at} is ${stored.publicSignals[at] ?? "missing"}, the job expects ${expected[at] ?? "none"}`,
        );
      }
      try {
        await job.moveToCompleted(stored, workerId, false);
      } catch (error) {
        throw await this.lockError(error, batchNumber, workerId);
      }
    });
  }

  async fail(batchNumber: number, workerId: string, error: string): Promise<void> {
    const worker = await this.consumer();
    await this.bounded(`fail of batch ${batchNumber}`, async () => {
      const job = await Job.fromId<JobData, ProofResult>(worker, jobIdOf(batchNumber));
      if (!job) throw new LeaseLostError(batchNumber, workerId, "no such job");
      try {
        await job.moveToFailed(new Error(error), workerId, false);
      } catch (e) {
        throw await this.lockError(e, batchNumber, workerId);
      }
    });
  }

  async release(batchNumber: number, workerId: string, reason: string): Promise<void> {
    const worker = await this.consumer();
    await this.bounded(`release of batch ${batchNumber}`, async () => {
      const job = await Job.fromId<JobData, ProofResult>(worker, jobIdOf(batchNumber));
      if (!job) throw new LeaseLostError(batchNumber, workerId, "no such job");
      try {
        await job.moveToWait(workerId);
      } catch (e) {
        throw await this.lockError(e, batchNumber, workerId);
      }
      this.options.log?.info("job released", { batchNumber, worker: workerId, reason });
    });
  }

  async result(batchNumber: number): Promise<ProofResult | null> {
    return this.bounded(`result of batch ${batchNumber}`, async () => {
      const job = await this.queue.getJob(jobIdOf(batchNumber));
      const r = job?.finishedOn && job.returnvalue ? job.returnvalue : null;
      if (!r || !Array.isArray(r.proof) || r.proof.length !== 8) return null;
      return r;
    });
  }

  async stats(): Promise<QueueStats> {
    return this.bounded("stats", async () => {
      const c = await this.queue.getJobCounts(
        "wait",
        "paused",
        "prioritized",
        "delayed",
        "active",
        "completed",
        "failed",
      );
      const n = (k: string) => c[k] ?? 0;
      return {
        pending: n("wait") + n("paused") + n("prioritized") + n("delayed"),
        proving: n("active"),
        proven: n("completed"),
        failed: n("failed"),
        workers: (await this.workerNamesNow()).length,
      };
    });
  }

  /** Names (`hostname:pid`) of the prover processes connected to this queue now. */
  async workerNames(): Promise<string[]> {
    return this.bounded("worker list", () => this.workerNamesNow());
  }

  /** State, attempts, last error of one job (diagnostics), or null when unknown. */
  async describe(
    batchNumber: number,
  ): Promise<{ state: string; attemptsMade: number; stalls: number; failedReason?: string } | null> {
    return this.bounded(`describe batch ${batchNumber}`, async () => {
      const job = await this.queue.getJob(jobIdOf(batchNumber));
      if (!job) return null;
      return {
        state: await job.getState(),
        attemptsMade: job.attemptsMade,
        stalls: job.stalledCounter,
        failedReason: job.failedReason || undefined,
      };
    });
  }

  /**
   * The jobs of `batchNumbers` as status rows with the meaning SqliteProofQueue's `proof_jobs` has
   * (read-only; the explorer's proof column); a batch without a job is absent from the map. States:
   * wait, paused, delayed (a retry's backoff), prioritized, waiting-children -> pending; active ->
   * proving (worker = the lock's token, i.e. the claimer's worker id); completed -> proven (worker
   * and provingMs from the stored result); failed -> failed. attempts = finished attempts + stalls
   * (a claim whose prover died) + the claim in progress, as SQLite counts claims. One MULTI: one
   * round trip and a consistent snapshot, bounded by `timeoutMs` (default commandTimeoutMs). Fails
   * at once with a RedisUnavailableError while the connection is down (callers poll; no pile-up of
   * queued reads).
   */
  async jobRows(
    batchNumbers: readonly number[],
    options: { timeoutMs?: number } = {},
  ): Promise<Map<number, ProofJobRow>> {
    const out = new Map<number, ProofJobRow>();
    const numbers = [...new Set(batchNumbers.map(checkBatchNumber))];
    if (numbers.length === 0) return out;
    const ms = options.timeoutMs ?? this.timeoutMs;
    const what = `the status of ${numbers.length} job(s)`;
    return this.bounded(
      what,
      async () => {
        const client = await this.queue.client;
        if (client.status !== "ready") {
          throw new RedisUnavailableError(what, this.options.url, ms, `is not connected (${client.status})`);
        }
        const tx = client.multi().lrange(this.queue.toKey("active"), 0, -1);
        for (const n of numbers) {
          const key = this.queue.toKey(jobIdOf(n));
          tx.hgetall(key).get(`${key}:lock`).pttl(`${key}:lock`);
          for (const set of JOB_SETS) tx.zscore(this.queue.toKey(set), jobIdOf(n));
        }
        const replies = await tx.exec();
        if (!replies) throw new Error("Redis discarded the status transaction");
        const failed = replies.find(([error]) => error);
        if (failed) throw failed[0];
        const values = replies.map(([, v]) => v);
        const active = new Set(values[0] as string[]);
        const now = Date.now();
        const per = 3 + JOB_SETS.length;
        numbers.forEach((batchNumber, i) => {
          const [raw, lock, pttl, ...scores] = values.slice(1 + i * per, 1 + (i + 1) * per) as [
            Record<string, string>,
            string | null,
            number,
            ...(string | null)[],
          ];
          if (!raw || Object.keys(raw).length === 0) return;
          const at = (set: JobSet) => scores[JOB_SETS.indexOf(set)] != null;
          const id = jobIdOf(batchNumber);
          const job = Job.fromJSON<JobData, ProofResult>(this.queue, raw as unknown as JobJsonRaw, id);
          const status = statusOf(at, active.has(id));
          const result = status === "proven" && job.returnvalue ? job.returnvalue : null;
          const finishedMs = job.finishedOn && job.processedOn ? job.finishedOn - job.processedOn : null;
          let worker: string | null = null;
          if (status === "proving") worker = lock ?? job.processedBy ?? null;
          else if (status === "proven") worker = result?.worker ?? job.processedBy ?? null;
          out.set(batchNumber, {
            batchNumber,
            status,
            worker,
            leaseUntil: status === "proving" && pttl > 0 ? now + pttl : null,
            attempts: job.attemptsMade + job.stalledCounter + (status === "proving" ? 1 : 0),
            lastError: status === "proven" ? null : job.failedReason || null,
            provingMs: status === "proven" ? (result?.provingMs ?? finishedMs) : null,
            createdAt: job.timestamp,
            updatedAt: Math.max(job.timestamp, job.processedOn ?? 0, job.finishedOn ?? 0),
          });
        });
        return out;
      },
      ms,
    );
  }

  async stalled(minFailures = this.stallAfter): Promise<StalledJob[]> {
    return this.bounded("stalled jobs", async () => {
      const ids = (await this.queue.getRanges([...UNFINISHED], 0, -1, true)) as string[];
      const client = await this.queue.client;
      const tx = client.multi();
      for (const id of ids) tx.hmget(this.queue.toKey(id), "atm", "stc", "failedReason");
      for (const id of ids) tx.zscore(this.queue.toKey("failed"), id).zscore(this.queue.toKey("delayed"), id);
      const replies = (await tx.exec()) ?? [];
      const active = new Set((await this.queue.getRanges(["active"], 0, -1, true)) as string[]);
      const out: StalledJob[] = [];
      ids.forEach((id, i) => {
        const [atm, stc, reason] = (replies[i]?.[1] ?? []) as (string | null)[];
        const failed = replies[ids.length + 2 * i]?.[1] != null;
        const delayedScore = replies[ids.length + 2 * i + 1]?.[1] as string | null | undefined;
        const failures = Number(atm ?? 0) + Number(stc ?? 0);
        const m = /^batch-(\d+)$/.exec(id);
        if (!m || failures < minFailures) return;
        const status = failed ? "failed" : active.has(id) ? "proving" : "pending";
        // BullMQ delayed scores are timestamp * 0x1000 + a counter
        const retryAt = delayedScore ? Math.floor(Number(delayedScore) / 0x1000) : null;
        out.push({ batchNumber: Number(m[1]), status, failures, lastError: reason || null, retryAt });
      });
      return out.sort((a, b) => a.batchNumber - b.batchNumber).slice(0, 100);
    });
  }

  /** Operator tool (and the stall watch): a failed job (older versions) back to waiting with fresh attempts. Returns whether it did. */
  async retryFailed(batchNumber: number): Promise<boolean> {
    return this.bounded(`retry of batch ${batchNumber}`, async () => {
      const job = await this.queue.getJob(jobIdOf(batchNumber));
      if (!job || (await job.getState()) !== "failed") return false;
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    });
  }

  /** Closes the Redis connections (waits at most commandTimeoutMs, then drops them). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = Promise.all([this.worker?.close(true), this.queue.close()]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      closing.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), this.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.options.log?.warn("redis did not answer the close: dropping the connections");
      await Promise.allSettled([this.worker?.disconnect(), this.queue.disconnect()]);
    }
  }

  /** Deletes every key of this queue (tests and `make cluster-demo` start clean). */
  async obliterate(): Promise<void> {
    await this.bounded("obliterate", () => this.queue.obliterate({ force: true }));
  }

  private async workerNamesNow(): Promise<string[]> {
    const clients = await this.queue.getWorkers();
    const marker = ":w:";
    return clients
      .map((c) => String(c.rawname ?? ""))
      .filter((raw) => raw.includes(marker))
      .map((raw) => raw.slice(raw.indexOf(marker) + marker.length))
      .sort();
  }

  /** The BullMQ Worker of a claiming process, created on first use (with its stalled-job checker). */
  private async consumer(): Promise<Worker<JobData, ProofResult>> {
    if (this.closed) throw new Error("the proof queue is closed");
    if (!this.worker) {
      const worker = new Worker<JobData, ProofResult>(this.queueName, null, {
        connection: this.connection,
        name: this.workerName,
        autorun: false,
        lockDuration: this.leaseMs,
        stalledInterval: this.stalledIntervalMs,
        maxStalledCount: UNLIMITED,
        settings: {
          backoffStrategy: (attemptsMade: number) => retryDelay(attemptsMade, this.retryDelayMs, this.maxRetryDelayMs),
        },
      });
      worker.on("error", (error) => this.options.log?.warn("redis (worker)", { error: error.message }));
      worker.on("stalled", (jobId) =>
        this.options.log?.warn("job stalled: its prover stopped renewing the lock; it goes to the next worker", {
          job: jobId,
        }),
      );
      this.worker = worker;
      await this.bounded("worker start", () => worker.waitUntilReady());
      await worker.startStalledCheckTimer();
    }
    return this.worker;
  }

  private async lockError(error: unknown, batchNumber: number, workerId: string): Promise<Error> {
    const code = (error as { code?: number }).code;
    if (typeof code === "number" && LOCK_ERRORS.has(code)) return this.leaseLost(batchNumber, workerId);
    return error instanceof Error ? error : new Error(String(error));
  }

  private async leaseLost(batchNumber: number, workerId: string): Promise<LeaseLostError> {
    const job = await this.queue.getJob(jobIdOf(batchNumber));
    if (!job) return new LeaseLostError(batchNumber, workerId, "no such job");
    const state = await job.getState();
    return new LeaseLostError(
      batchNumber,
      workerId,
      `the job is ${state === "active" ? "leased to another worker" : state}`,
    );
  }

  /** Runs `fn`, failing with RedisUnavailableError after `ms` (default commandTimeoutMs). */
  private async bounded<T>(what: string, fn: () => Promise<T>, ms = this.timeoutMs): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RedisUnavailableError(what, this.options.url, ms)), ms);
    });
    try {
      return await Promise.race([fn(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * A BullMQ job's state as a proof_jobs status, from the sets it is in and the active list. A job
 * in a waiting set counts as pending even if the active list still names it (a move in progress).
 */
function statusOf(inSet: (set: JobSet) => boolean, isActive: boolean): ProofJobRow["status"] {
  if (inSet("completed")) return "proven";
  if (inSet("failed")) return "failed";
  const waiting = inSet("delayed") || inSet("prioritized") || inSet("waiting-children");
  return isActive && !waiting ? "proving" : "pending";
}
