/**
 * Read-only queries over the node database for the explorer. Every table belongs to another module
 * (monitor, extractor, prover, sender); a table that does not exist yet (that service never ran on
 * this database) reads as empty. Nothing here writes.
 */

import { type Alarm, readAlarms } from "./alarms.js";
import { type Db, tableExists } from "./open.js";
import type { ProofJobRow } from "./proof-jobs.js";

export interface DepositRow {
  depositId: number;
  recipient: string;
  tokenId: number;
  amount: string;
  depositor: string;
  timestamp: number;
  l1Block: number;
  l1Tx: string;
  status: "queued" | "sent" | "credited" | "failed" | "mismatch";
  creditTx: string | null;
  opIndex: number | null;
  creditedAt: number | null;
  error: string | null;
}

export interface OpRow {
  opIndex: number;
  kind: 1 | 2 | 3 | 4;
  tokenId: number;
  from: string;
  to: string;
  amount: string;
  blockNumber: number;
  txHash: string;
  extractedAt: number;
}

export interface BatchRow {
  batchNumber: number;
  firstOp: number;
  opCount: number;
  firstDepositId: number;
  depositCount: number;
  ops: { opIndex: number; kind: number; tokenId: number; from: string; to: string; amount: string }[];
  oldRoot: string;
  newRoot: string;
  createdAt: number;
  enqueuedAt: number | null;
}

/** A proof job (SqliteProofQueue's `proof_jobs`; BullmqProofQueue.jobRows gives the same shape). */
export type JobRow = ProofJobRow;

export interface SubmissionRow {
  batchNumber: number;
  status: "sent" | "landed" | "reverted" | "failed";
  txHash: string | null;
  gasUsed: string | null;
  effectiveGasPrice: string | null;
  l1Block: number | null;
  sentAt: number | null;
  landedAt: number | null;
  error: string | null;
}

export interface TokenRow {
  tokenId: number;
  token: string;
  symbol: string | null;
  decimals: number | null;
}

const DEPOSIT_COLUMNS = `deposit_id AS depositId, recipient, token_id AS tokenId, amount, depositor, timestamp,
  l1_block AS l1Block, l1_tx AS l1Tx, status, credit_tx AS creditTx, op_index AS opIndex, credited_at AS creditedAt, error`;
const OP_COLUMNS = `op_index AS opIndex, kind, token_id AS tokenId, from_address AS "from", to_address AS "to", amount,
  block_number AS blockNumber, tx_hash AS txHash, extracted_at AS extractedAt`;
const BATCH_COLUMNS = `batch_number AS batchNumber, first_op AS firstOp, op_count AS opCount,
  first_deposit_id AS firstDepositId, deposit_count AS depositCount, ops, old_root AS oldRoot, new_root AS newRoot,
  created_at AS createdAt, enqueued_at AS enqueuedAt`;
const JOB_COLUMNS = `batch_number AS batchNumber, status, worker, lease_until AS leaseUntil, attempts,
  last_error AS lastError, proving_ms AS provingMs, created_at AS createdAt, updated_at AS updatedAt`;
const SUBMISSION_COLUMNS = `batch_number AS batchNumber, status, tx_hash AS txHash, gas_used AS gasUsed,
  effective_gas_price AS effectiveGasPrice, l1_block AS l1Block, sent_at AS sentAt, landed_at AS landedAt, error`;

const parseBatch = (r: BatchRow): BatchRow => ({ ...r, ops: JSON.parse(r.ops as unknown as string) });
/** The most rows a lookup by address returns. */
const BY_ADDRESS = 200;
const OPS = { columns: OP_COLUMNS, source: "extractor_ops" };

/** The node database as the explorer reads it. */
export class NodeTables {
  private readonly known = new Set<string>();

  constructor(readonly db: Db) {}

  /** Whether `name` exists (cached once true: tables are never dropped). */
  has(name: string): boolean {
    if (this.known.has(name)) return true;
    const exists = tableExists(this.db, name);
    if (exists) this.known.add(name);
    return exists;
  }

  private all<T>(table: string, sql: string, ...params: unknown[]): T[] {
    return this.has(table) ? (this.db.prepare(sql).all(...params) as T[]) : [];
  }

  private one<T>(table: string, sql: string, ...params: unknown[]): T | undefined {
    return this.has(table) ? (this.db.prepare(sql).get(...params) as T | undefined) : undefined;
  }

  /**
   * The `columns` of `source` (a view of `table`) whose `keys` match `value` (an address or a hash, any
   * case), in `order` (with its LIMIT, if any): the one shape of the lookups by address and by transaction.
   */
  private matching<T>(
    table: string,
    q: { columns: string; source: string; keys: readonly string[]; order: string },
    value: string,
  ): T[] {
    const where = q.keys.map((k) => `lower(${k}) = lower(?)`).join(" OR ");
    return this.all(
      table,
      `SELECT ${q.columns} FROM ${q.source} WHERE ${where} ORDER BY ${q.order}`,
      ...q.keys.map(() => value),
    );
  }

  /** The one batch row matching `where`, its ops parsed. */
  private oneBatch(where: string, ...params: unknown[]): BatchRow | undefined {
    const r = this.one<BatchRow>("batches", `SELECT ${BATCH_COLUMNS} FROM batches WHERE ${where}`, ...params);
    return r ? parseBatch(r) : undefined;
  }

  /**
   * The deposit rows of the monitor's queue table: forced withdrawal requests share it (and the ids)
   * since issue 17, told apart by `kind`; a database from before has no such column.
   */
  private depositsOnly(): string {
    const cols = this.has("monitor_deposits")
      ? (this.db.prepare("PRAGMA table_info(monitor_deposits)").all() as { name: string }[])
      : [];
    return cols.some((c) => c.name === "kind")
      ? "(SELECT * FROM monitor_deposits WHERE kind = 'deposit')"
      : "monitor_deposits";
  }

  /** Queue requests seen (deposits and forced withdrawal requests share the ids). */
  depositCount(): number {
    const max = this.one<{ m: number | null }>("monitor_deposits", "SELECT MAX(deposit_id) AS m FROM monitor_deposits");
    return max?.m == null ? 0 : max.m + 1;
  }

  /** Deposits with ids in [from, to), newest first. */
  depositsBetween(from: number, to: number): DepositRow[] {
    return this.all(
      "monitor_deposits",
      `SELECT ${DEPOSIT_COLUMNS} FROM ${this.depositsOnly()} WHERE deposit_id >= ? AND deposit_id < ? ORDER BY deposit_id DESC`,
      from,
      to,
    );
  }

  deposit(id: number): DepositRow | undefined {
    return this.one(
      "monitor_deposits",
      `SELECT ${DEPOSIT_COLUMNS} FROM ${this.depositsOnly()} WHERE deposit_id = ?`,
      id,
    );
  }

  depositsOf(address: string): DepositRow[] {
    const q = {
      ...this.depositQuery(),
      keys: ["recipient", "depositor"],
      order: `deposit_id DESC LIMIT ${BY_ADDRESS}`,
    };
    return this.matching("monitor_deposits", q, address);
  }

  depositsByTx(tx: string): DepositRow[] {
    return this.matching(
      "monitor_deposits",
      { ...this.depositQuery(), keys: ["l1_tx", "credit_tx"], order: "deposit_id" },
      tx,
    );
  }

  private depositQuery() {
    return { columns: DEPOSIT_COLUMNS, source: this.depositsOnly() };
  }

  /** Deposit id credited by L2 op `opIndex` (the monitor records it), if known. */
  depositIdOfOp(opIndex: number): number | undefined {
    return this.one<{ id: number }>(
      "monitor_deposits",
      "SELECT deposit_id AS id FROM monitor_deposits WHERE op_index = ?",
      opIndex,
    )?.id;
  }

  opCount(): number {
    return (
      this.one<{ n: number }>("extractor_ops", "SELECT COALESCE(MAX(op_index) + 1, 0) AS n FROM extractor_ops")?.n ?? 0
    );
  }

  latestOps(limit: number): OpRow[] {
    return this.all("extractor_ops", `SELECT ${OP_COLUMNS} FROM extractor_ops ORDER BY op_index DESC LIMIT ?`, limit);
  }

  op(opIndex: number): OpRow | undefined {
    return this.one("extractor_ops", `SELECT ${OP_COLUMNS} FROM extractor_ops WHERE op_index = ?`, opIndex);
  }

  opsOf(address: string): OpRow[] {
    const q = { ...OPS, keys: ["from_address", "to_address"], order: `op_index DESC LIMIT ${BY_ADDRESS}` };
    return this.matching("extractor_ops", q, address);
  }

  opsByTx(tx: string): OpRow[] {
    return this.matching("extractor_ops", { ...OPS, keys: ["tx_hash"], order: "op_index" }, tx);
  }

  /** Withdrawal ops (kind 3) from `firstOp` on, oldest first. */
  withdrawalOpsFrom(firstOp: number, limit: number): OpRow[] {
    return this.all(
      "extractor_ops",
      `SELECT ${OP_COLUMNS} FROM extractor_ops WHERE kind = 3 AND op_index >= ? ORDER BY op_index LIMIT ?`,
      firstOp,
      limit,
    );
  }

  latestBatches(limit: number): BatchRow[] {
    return this.all<BatchRow>(
      "batches",
      `SELECT ${BATCH_COLUMNS} FROM batches ORDER BY batch_number DESC LIMIT ?`,
      limit,
    ).map(parseBatch);
  }

  batch(n: number): BatchRow | undefined {
    return this.oneBatch("batch_number = ?", n);
  }

  batchCount(): number {
    return this.one<{ n: number }>("batches", "SELECT COALESCE(MAX(batch_number) + 1, 0) AS n FROM batches")?.n ?? 0;
  }

  /** The batch holding op `opIndex`. */
  batchOfOp(opIndex: number): BatchRow | undefined {
    return this.oneBatch("first_op <= ? AND ? < first_op + op_count", opIndex, opIndex);
  }

  /** The batch consuming L1 deposit `id`. */
  batchOfDeposit(id: number): BatchRow | undefined {
    return this.oneBatch("first_deposit_id <= ? AND ? < first_deposit_id + deposit_count", id, id);
  }

  jobs(batchNumbers: readonly number[]): Map<number, JobRow> {
    return this.byBatch<JobRow>("proof_jobs", JOB_COLUMNS, batchNumbers);
  }

  submissions(batchNumbers: readonly number[]): Map<number, SubmissionRow> {
    return this.byBatch<SubmissionRow>("sender_batches", SUBMISSION_COLUMNS, batchNumbers);
  }

  /** Rows of `table` (keyed by batch_number) for these batches, by batch number. */
  private byBatch<T extends { batchNumber: number }>(
    table: string,
    columns: string,
    batchNumbers: readonly number[],
  ): Map<number, T> {
    const out = new Map<number, T>();
    if (batchNumbers.length === 0) return out;
    const marks = batchNumbers.map(() => "?").join(",");
    for (const r of this.all<T>(
      table,
      `SELECT ${columns} FROM ${table} WHERE batch_number IN (${marks})`,
      ...batchNumbers,
    ))
      out.set(r.batchNumber, r);
    return out;
  }

  submissionByTx(tx: string): SubmissionRow | undefined {
    return this.one(
      "sender_batches",
      `SELECT ${SUBMISSION_COLUMNS} FROM sender_batches WHERE lower(tx_hash) = lower(?)`,
      tx,
    );
  }

  tokens(): TokenRow[] {
    return this.all(
      "monitor_tokens",
      "SELECT token_id AS tokenId, token, symbol, decimals FROM monitor_tokens ORDER BY token_id",
    );
  }

  /** The node's active alarms (runtime/node-db/alarms.ts: a stalled proof, L1 diverged from L2). */
  alarms(): Alarm[] {
    return readAlarms(this.db);
  }

  checkpoint<T>(key: string): T | undefined {
    const r = this.one<{ value: string }>("checkpoints", "SELECT value FROM checkpoints WHERE key = ?", key);
    return r ? (JSON.parse(r.value) as T) : undefined;
  }
}
