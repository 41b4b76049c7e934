/**
 * The proof-job queue: the extractor enqueues one job per batch, prover workers lease jobs,
 * prove them and store the result, the sender reads results in batch order.
 *
 * Callers see only `ProofQueue` (docs: notes/services-context.md), so a BullMQ implementation
 * (issue 9) can replace `SqliteProofQueue` without touching them.
 *
 * Job life cycle (`status`):
 *   pending --claim--> proving --complete--> proven
 *                         |--fail--> pending again, after a backoff
 *                         |--release--> pending again at once (shutdown; the attempt is given back)
 *                         `--lease expires--> pending again, after a backoff (its worker died or hung)
 * A job never ends in a terminal failure: the bridge cannot move past an unproven batch, so giving
 * up would stop it silently. The backoff doubles per failed attempt up to `maxRetryDelayMs`, so a
 * job that kills every worker costs one crash per backoff, and `stalled()` reports the jobs that
 * failed `stallAfterAttempts` times or more (the node raises its `proof-stalled` alarm on them).
 * `attempts` counts claims. The status `failed` is only found in rows written by older versions;
 * the migration puts them back to pending.
 */
import { BridgeError } from "../../lib/errors.js";
import { FIELD_MODULUS } from "../../lib/field.js";
import { type Db, migrate } from "./open.js";

/** A proof job as the extractor enqueues it. */
export interface ProofJob {
  batchNumber: number;
  /** The circuit input JSON (bigints, safe integers, decimal or hex strings; nested arrays/objects). */
  input: Record<string, unknown>;
  /** The public signals the proof must have, as decimal strings, in the circuit's order. */
  publicSignals: string[];
}

/** A proven batch. */
export interface ProofResult {
  batchNumber: number;
  /** 8 decimal strings in Solidity calldata order: pA0, pA1, pB00, pB01, pB10, pB11, pC0, pC1 (as exportSolidityCallData prints them). */
  proof: string[];
  publicSignals: string[];
  worker: string;
  provingMs: number;
}

/** A job leased to one worker until `leaseUntil` (ms since the epoch); renew it with `heartbeat`. */
export interface ClaimedJob {
  batchNumber: number;
  /** The canonical input: every number as a decimal string, object keys sorted. */
  input: Record<string, unknown>;
  publicSignals: string[];
  /** This claim included (1 for the first). */
  attempt: number;
  leaseUntil: number;
}

export interface QueueStats {
  pending: number;
  proving: number;
  proven: number;
  failed: number;
  /** Workers holding a live lease now. */
  workers: number;
}

/**
 * One job as a status reader (the explorer) sees it, in the terms of SqliteProofQueue's `proof_jobs`
 * columns; BullmqProofQueue.jobRows gives the same shape. Times are ms since the epoch.
 */
export interface ProofJobRow {
  batchNumber: number;
  status: "pending" | "proving" | "proven" | "failed";
  /** The claimer while proving, the prover of a proven job; null otherwise. */
  worker: string | null;
  leaseUntil: number | null;
  /** Claims so far (a claim whose worker died counts; a release on shutdown does not). */
  attempts: number;
  /** The last failed attempt's error (null once proven). */
  lastError: string | null;
  /** The prover's own measure of a proven job. */
  provingMs: number | null;
  createdAt: number;
  /** The last state change (a SQLite heartbeat also counts). */
  updatedAt: number;
}

/** A job that failed `failures` attempts and is not proven yet (ProofQueue.stalled). */
export interface StalledJob {
  batchNumber: number;
  /** pending (waiting for its next attempt), proving (an attempt in progress) or failed (only from older versions). */
  status: "pending" | "proving" | "failed";
  /** Attempts that failed: worker errors, crashes and expired leases. */
  failures: number;
  lastError: string | null;
  /** When the next attempt may start (ms since the epoch), null when proving or unknown. */
  retryAt: number | null;
}

export interface ProofQueue {
  /** Idempotent by batchNumber: the same job again is a no-op; a different one for a known batch is a ProofJobConflictError. */
  enqueue(job: { batchNumber: number; input: Record<string, unknown>; publicSignals: string[] }): Promise<void>;
  /** Leases the lowest-numbered job that is pending (and due) or whose lease expired; null when there is none. */
  claim(workerId: string, leaseMs: number): Promise<ClaimedJob | null>;
  /** Extends the lease by `leaseMs` from now; LeaseLostError when `workerId` no longer holds it. */
  heartbeat(batchNumber: number, workerId: string, leaseMs: number): Promise<void>;
  /** Stores the result; only the leaseholder may (LeaseLostError otherwise). */
  complete(batchNumber: number, workerId: string, result: ProofResult): Promise<void>;
  /** Gives the job back after a failed attempt: it is retried after a backoff, without limit. */
  fail(batchNumber: number, workerId: string, error: string): Promise<void>;
  result(batchNumber: number): Promise<ProofResult | null>;
  stats(): Promise<QueueStats>;
  /** Unproven jobs with at least `minFailures` failed attempts (default: the queue's stallAfterAttempts), lowest first, at most 100. */
  stalled(minFailures?: number): Promise<StalledJob[]>;
  /** Operator tool (and the stall watch, for jobs older versions marked failed): back to pending with fresh attempts. */
  retryFailed(batchNumber: number): Promise<boolean>;
}

/**
 * A queue that can also take a job back without counting the attempt (the prover pool uses it on
 * shutdown, so the next start proves the job at once instead of waiting for the lease to expire).
 */
export interface ReleasableProofQueue extends ProofQueue {
  release(batchNumber: number, workerId: string, reason: string): Promise<void>;
}

/** The same batch was enqueued before with a different input or different public signals. */
export class ProofJobConflictError extends BridgeError {
  constructor(
    readonly batchNumber: number,
    detail: string,
  ) {
    super(
      `proof job for batch ${batchNumber} is already queued with a different ${detail}; ` +
        "the extractor rebuilt this batch differently than before (its state diverged from the queued jobs): " +
        "find out why before touching the queue",
    );
    this.name = "ProofJobConflictError";
  }
}

/** The worker does not hold the lease of the job (it expired and another worker took it, or the job is done). */
export class LeaseLostError extends BridgeError {
  constructor(
    readonly batchNumber: number,
    readonly workerId: string,
    detail: string,
  ) {
    super(`worker ${workerId} does not hold the lease of batch ${batchNumber}: ${detail}`);
    this.name = "LeaseLostError";
  }
}

/** An invalid job or result (bad input value, wrong proof shape, ...). */
export class ProofJobError extends BridgeError {
  constructor(message: string) {
    super(message);
    this.name = "ProofJobError";
  }
}

/** Turns a field-element-like value into its decimal string, or throws naming `path`. */
function fieldString(value: unknown, path: string): string {
  let n: bigint;
  if (typeof value === "bigint") n = value;
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new ProofJobError(`${path}: ${value} is not a safe integer`);
    n = BigInt(value);
  } else if (typeof value === "string" && /^(?:[0-9]+|0x[0-9a-fA-F]+)$/.test(value)) n = BigInt(value);
  else
    throw new ProofJobError(
      `${path}: ${JSON.stringify(value)} is not a number (bigint, integer, decimal or hex string)`,
    );
  if (n < 0n || n >= FIELD_MODULUS) throw new ProofJobError(`${path}: ${n} is not a field element (0 <= x < r)`);
  return n.toString();
}

/**
 * The canonical form of a circuit input: every number a decimal string, object keys sorted.
 * Two inputs that mean the same to the circuit have the same canonical JSON.
 */
export function canonicalInput(value: unknown, path = "input"): unknown {
  if (Array.isArray(value)) return value.map((v, i) => canonicalInput(v, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      out[key] = canonicalInput((value as Record<string, unknown>)[key], `${path}.${key}`);
    }
    return out;
  }
  return fieldString(value, path);
}

/** Public signals as canonical decimal strings. */
export function canonicalSignals(signals: readonly unknown[], what = "publicSignals"): string[] {
  if (!Array.isArray(signals)) throw new ProofJobError(`${what}: not an array`);
  return signals.map((s, i) => fieldString(s, `${what}[${i}]`));
}

/** The index of the first difference of two signal lists (-1 when equal); a length difference counts at the shorter length. */
export function firstDifference(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** The delay before attempt `failures + 1`: `base` doubled per failed attempt, capped at `max`. */
export function retryDelay(failures: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(Math.max(failures - 1, 0), 30));
}

/** Defaults shared by both queues. */
export const QUEUE_DEFAULTS = { stallAfterAttempts: 3, retryDelayMs: 2000, maxRetryDelayMs: 60_000 } as const;

export interface SqliteProofQueueOptions {
  /** Failed attempts after which `stalled()` reports a job (default 3). Jobs are retried regardless. */
  stallAfterAttempts?: number;
  /** Delay before a failed attempt is retried, doubled per failed attempt (default 2000 ms). */
  retryDelayMs?: number;
  /** Upper bound of that delay (default 60 s). */
  maxRetryDelayMs?: number;
  /** The clock, ms since the epoch (tests). */
  now?: () => number;
}

type Status = "pending" | "proving" | "proven" | "failed";

interface JobRow {
  batch_number: number;
  input: string;
  public_signals: string;
  status: Status;
  worker: string | null;
  lease_until: number | null;
  attempts: number;
  last_error: string | null;
  proof: string | null;
  proving_ms: number | null;
}

const MIGRATIONS = [
  `CREATE TABLE proof_jobs (
    batch_number   INTEGER PRIMARY KEY,
    input          TEXT NOT NULL,
    public_signals TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'proving', 'proven', 'failed')),
    worker         TEXT,
    lease_until    INTEGER,
    available_at   INTEGER NOT NULL DEFAULT 0,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    proof          TEXT,
    proving_ms     INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
  );
  CREATE INDEX proof_jobs_status ON proof_jobs (status, batch_number);`,
  // Jobs are retried without limit now: put back the ones older versions gave up on.
  `UPDATE proof_jobs SET status = 'pending', worker = NULL, lease_until = NULL, available_at = 0
   WHERE status = 'failed';`,
];

/**
 * The proof queue in the node's SQLite file (table `proof_jobs`, module "prover").
 * Every state change is one statement or one IMMEDIATE transaction, so several processes can
 * share the file (WAL) and a crash never leaves a half-made change.
 */
export class SqliteProofQueue implements ReleasableProofQueue {
  private readonly stallAfter: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    options: SqliteProofQueueOptions = {},
  ) {
    this.stallAfter = options.stallAfterAttempts ?? QUEUE_DEFAULTS.stallAfterAttempts;
    this.retryDelayMs = options.retryDelayMs ?? QUEUE_DEFAULTS.retryDelayMs;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? QUEUE_DEFAULTS.maxRetryDelayMs;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.stallAfter) || this.stallAfter < 1)
      throw new RangeError("stallAfterAttempts must be >= 1");
    migrate(db, "prover", MIGRATIONS);
  }

  async enqueue(job: ProofJob): Promise<void> {
    const batchNumber = checkBatchNumber(job.batchNumber);
    const input = JSON.stringify(canonicalInput(job.input));
    const signals = JSON.stringify(canonicalSignals(job.publicSignals));
    const now = this.now();
    this.db
      .transaction(() => {
        const row = this.db
          .prepare("SELECT input, public_signals FROM proof_jobs WHERE batch_number = ?")
          .get(batchNumber) as Pick<JobRow, "input" | "public_signals"> | undefined;
        if (row) {
          if (row.public_signals !== signals) throw new ProofJobConflictError(batchNumber, "list of public signals");
          if (row.input !== input) throw new ProofJobConflictError(batchNumber, "circuit input");
          return; // the same job again: nothing to do
        }
        this.db
          .prepare(
            `INSERT INTO proof_jobs (batch_number, input, public_signals, status, created_at, updated_at)
             VALUES (?, ?, ?, 'pending', ?, ?)`,
          )
          .run(batchNumber, input, signals, now, now);
      })
      .immediate();
  }

  async claim(workerId: string, leaseMs: number): Promise<ClaimedJob | null> {
    checkWorker(workerId);
    checkLease(leaseMs);
    const now = this.now();
    return this.db
      .transaction((): ClaimedJob | null => {
        // Jobs whose lease expired (their worker died or hung): a failed attempt, retried a backoff after the expiry.
        this.db
          .prepare(
            `UPDATE proof_jobs
             SET status = 'pending', worker = NULL, lease_until = NULL, updated_at = @now,
                 last_error = 'lease of ' || worker || ' expired on attempt ' || attempts || ' (worker died or hung)',
                 available_at = lease_until + min(@max, @base * (1 << min(max(attempts - 1, 0), 30)))
             WHERE status = 'proving' AND lease_until < @now`,
          )
          .run({ now, base: this.retryDelayMs, max: this.maxRetryDelayMs });
        const row = this.db
          .prepare(
            `UPDATE proof_jobs
             SET status = 'proving', worker = @worker, lease_until = @lease, attempts = attempts + 1, updated_at = @now
             WHERE batch_number = (
               SELECT batch_number FROM proof_jobs
               WHERE status = 'pending' AND available_at <= @now
               ORDER BY batch_number LIMIT 1)
             RETURNING batch_number, input, public_signals, attempts, lease_until`,
          )
          .get({ worker: workerId, lease: now + leaseMs, now }) as JobRow | undefined;
        if (!row) return null;
        return {
          batchNumber: row.batch_number,
          input: JSON.parse(row.input) as Record<string, unknown>,
          publicSignals: JSON.parse(row.public_signals) as string[],
          attempt: row.attempts,
          leaseUntil: row.lease_until!,
        };
      })
      .immediate();
  }

  async heartbeat(batchNumber: number, workerId: string, leaseMs: number): Promise<void> {
    checkLease(leaseMs);
    const now = this.now();
    const { changes } = this.db
      .prepare(
        `UPDATE proof_jobs SET lease_until = ?, updated_at = ?
         WHERE batch_number = ? AND status = 'proving' AND worker = ?`,
      )
      .run(now + leaseMs, now, batchNumber, workerId);
    if (changes === 0) throw this.leaseLost(batchNumber, workerId);
  }

  async complete(batchNumber: number, workerId: string, result: ProofResult): Promise<void> {
    if (result.batchNumber !== batchNumber) {
      throw new ProofJobError(`result of batch ${result.batchNumber} completed as batch ${batchNumber}`);
    }
    if (!Array.isArray(result.proof) || result.proof.length !== 8) {
      throw new ProofJobError(`batch ${batchNumber}: a proof is 8 field elements, got ${JSON.stringify(result.proof)}`);
    }
    const proof = JSON.stringify(canonicalSignals(result.proof, "proof"));
    const signals = canonicalSignals(result.publicSignals);
    const provingMs = Math.max(0, Math.round(result.provingMs));
    const now = this.now();
    this.db
      .transaction(() => {
        const row = this.row(batchNumber);
        if (row?.status === "proven" && row.worker === workerId && row.proof === proof) return; // a repeated complete
        if (row?.status !== "proving" || row.worker !== workerId) throw this.leaseLost(batchNumber, workerId, row);
        const expected = JSON.parse(row.public_signals) as string[];
        const at = firstDifference(signals, expected);
        if (at >= 0) {
          throw new ProofJobError(
            `batch ${batchNumber}: result public signal ${at} is ${signals[at] ?? "missing"}, the job expects ${expected[at] ?? "none"}`,
          );
        }
        this.db
          .prepare(
            `UPDATE proof_jobs SET status = 'proven', proof = ?, proving_ms = ?, lease_until = NULL, last_error = NULL,
             updated_at = ? WHERE batch_number = ?`,
          )
          .run(proof, provingMs, now, batchNumber);
      })
      .immediate();
  }

  async fail(batchNumber: number, workerId: string, error: string): Promise<void> {
    const now = this.now();
    this.db
      .transaction(() => {
        const row = this.row(batchNumber);
        if (row?.status !== "proving" || row.worker !== workerId) throw this.leaseLost(batchNumber, workerId, row);
        const delay = retryDelay(row.attempts, this.retryDelayMs, this.maxRetryDelayMs);
        this.db
          .prepare(
            `UPDATE proof_jobs SET status = 'pending', worker = NULL, lease_until = NULL, last_error = ?,
             available_at = ?, updated_at = ? WHERE batch_number = ?`,
          )
          .run(error, now + delay, now, batchNumber);
      })
      .immediate();
  }

  async release(batchNumber: number, workerId: string, reason: string): Promise<void> {
    const now = this.now();
    const { changes } = this.db
      .prepare(
        `UPDATE proof_jobs SET status = 'pending', worker = NULL, lease_until = NULL, attempts = max(attempts - 1, 0),
         available_at = 0, last_error = ?, updated_at = ?
         WHERE batch_number = ? AND status = 'proving' AND worker = ?`,
      )
      .run(`released: ${reason}`, now, batchNumber, workerId);
    if (changes === 0) throw this.leaseLost(batchNumber, workerId);
  }

  async result(batchNumber: number): Promise<ProofResult | null> {
    const row = this.db
      .prepare("SELECT * FROM proof_jobs WHERE batch_number = ? AND status = 'proven'")
      .get(batchNumber) as JobRow | undefined;
    if (!row) return null;
    return {
      batchNumber: row.batch_number,
      proof: JSON.parse(row.proof!) as string[],
      publicSignals: JSON.parse(row.public_signals) as string[],
      worker: row.worker!,
      provingMs: row.proving_ms!,
    };
  }

  async stats(): Promise<QueueStats> {
    const counts = { pending: 0, proving: 0, proven: 0, failed: 0 };
    const rows = this.db.prepare("SELECT status, count(*) AS n FROM proof_jobs GROUP BY status").all() as {
      status: Status;
      n: number;
    }[];
    for (const { status, n } of rows) counts[status] = n;
    const workers = this.db
      .prepare("SELECT count(DISTINCT worker) FROM proof_jobs WHERE status = 'proving' AND lease_until >= ?")
      .pluck()
      .get(this.now()) as number;
    return { ...counts, workers };
  }

  async stalled(minFailures = this.stallAfter): Promise<StalledJob[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM (
           SELECT batch_number, status, last_error, available_at,
                  attempts - (status = 'proving' AND lease_until >= @now) AS failures
           FROM proof_jobs WHERE status != 'proven')
         WHERE failures >= @min ORDER BY batch_number LIMIT 100`,
      )
      .all({ now: this.now(), min: minFailures }) as {
      batch_number: number;
      status: Status;
      failures: number;
      last_error: string | null;
      available_at: number;
    }[];
    return rows.map((r) => ({
      batchNumber: r.batch_number,
      status: r.status as StalledJob["status"],
      failures: r.failures,
      lastError: r.last_error,
      retryAt: r.status === "pending" ? r.available_at : null,
    }));
  }

  /** Operator tool: puts a `failed` job (older versions) back to pending with a fresh attempt count. Returns whether it did. */
  async retryFailed(batchNumber: number): Promise<boolean> {
    const { changes } = this.db
      .prepare(
        `UPDATE proof_jobs SET status = 'pending', attempts = 0, available_at = 0, updated_at = ?
         WHERE batch_number = ? AND status = 'failed'`,
      )
      .run(this.now(), batchNumber);
    return changes > 0;
  }

  /** Status, attempts and last error of one job (diagnostics), or null when unknown. */
  async describe(
    batchNumber: number,
  ): Promise<{ status: Status; attempts: number; worker: string | null; lastError: string | null } | null> {
    const row = this.row(batchNumber);
    return row ? { status: row.status, attempts: row.attempts, worker: row.worker, lastError: row.last_error } : null;
  }

  private row(batchNumber: number): JobRow | undefined {
    return this.db.prepare("SELECT * FROM proof_jobs WHERE batch_number = ?").get(batchNumber) as JobRow | undefined;
  }

  private leaseLost(batchNumber: number, workerId: string, row = this.row(batchNumber)): LeaseLostError {
    if (!row) return new LeaseLostError(batchNumber, workerId, "no such job");
    const holder = row.worker ? ` (worker ${row.worker})` : "";
    return new LeaseLostError(batchNumber, workerId, `the job is ${row.status}${holder}`);
  }
}

/** Argument checks shared by both queues (SQLite here, BullMQ in bullmq-queue.ts). */
export function checkBatchNumber(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new ProofJobError(`batchNumber must be a whole number >= 0, got ${n}`);
  return n;
}

export function checkWorker(id: string): void {
  if (typeof id !== "string" || id.length === 0) throw new ProofJobError("workerId must be a non-empty string");
}

export function checkLease(ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) throw new ProofJobError(`leaseMs must be > 0, got ${ms}`);
}
