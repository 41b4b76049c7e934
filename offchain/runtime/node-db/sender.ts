/**
 * The sender's table `sender_batches`: one row per batch it sent or saw land, with the L1
 * transaction, its gas and status, and the checkpoint `sender:depositFromBlock` (where the next
 * DepositQueued lookup starts).
 */
import type { Hex } from "viem";
import { bigintFromText, bigintOrNullFromText, bigintToText, hexOrNullFromText, idToInteger } from "./codecs.js";
import { Checkpoints, type Db, migrate, tableExists } from "./open.js";

const MIGRATIONS = [
  `CREATE TABLE sender_batches (
     batch_number        INTEGER PRIMARY KEY,
     status              TEXT NOT NULL CHECK (status IN ('sent', 'landed', 'reverted', 'failed')),
     tx_hash             TEXT,
     nonce               INTEGER,
     gas_used            TEXT,
     effective_gas_price TEXT,
     l1_block            INTEGER,
     attempts            INTEGER NOT NULL DEFAULT 0,
     sent_at             INTEGER,
     landed_at           INTEGER,
     error               TEXT
   );`,
];

export const DEPOSIT_FROM_KEY = "sender:depositFromBlock";

export type SubmissionStatus = "sent" | "landed" | "reverted" | "failed";

export interface Submission {
  batchNumber: number;
  status: SubmissionStatus;
  txHash: Hex | null;
  nonce: number | null;
  gasUsed: bigint | null;
  effectiveGasPrice: bigint | null;
  l1Block: number | null;
  attempts: number;
  error: string | null;
}

interface Row {
  batch_number: number;
  status: SubmissionStatus;
  tx_hash: string | null;
  nonce: number | null;
  gas_used: string | null;
  effective_gas_price: string | null;
  l1_block: number | null;
  attempts: number;
  error: string | null;
}

const toSubmission = (r: Row): Submission => ({
  batchNumber: r.batch_number,
  status: r.status,
  txHash: hexOrNullFromText(r.tx_hash),
  nonce: r.nonce,
  gasUsed: bigintOrNullFromText(r.gas_used),
  effectiveGasPrice: bigintOrNullFromText(r.effective_gas_price),
  l1Block: r.l1_block,
  attempts: r.attempts,
  error: r.error,
});

export interface SenderProgress {
  /** Highest batch number known landed on L1 (null before any). */
  lastLandedBatch: number | null;
  landed: number;
  /** Total gas of the landed batches this database knows. */
  totalGasUsed: string;
  lastSubmission: Submission | null;
}

export class SenderStore {
  readonly checkpoints: Checkpoints;

  constructor(readonly db: Db) {
    migrate(db, "sender", MIGRATIONS);
    this.checkpoints = new Checkpoints(db);
  }

  get(batchNumber: number): Submission | undefined {
    const row = this.db.prepare("SELECT * FROM sender_batches WHERE batch_number = ?").get(batchNumber) as
      | Row
      | undefined;
    return row ? toSubmission(row) : undefined;
  }

  /** Rows below `batchCount` not known as landed (landed while we were down, or sent before a crash). */
  notLandedBelow(batchCount: number): Submission[] {
    return (
      this.db
        .prepare("SELECT * FROM sender_batches WHERE batch_number < ? AND status != 'landed' ORDER BY batch_number")
        .all(batchCount) as Row[]
    ).map(toSubmission);
  }

  markSent(batchNumber: number, txHash: Hex, nonce: number, at = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO sender_batches (batch_number, status, tx_hash, nonce, attempts, sent_at) VALUES (?, 'sent', ?, ?, 1, ?)
         ON CONFLICT(batch_number) DO UPDATE SET status = 'sent', tx_hash = excluded.tx_hash, nonce = excluded.nonce,
           attempts = attempts + 1, sent_at = excluded.sent_at, error = NULL`,
      )
      .run(batchNumber, txHash, nonce, at);
  }

  markLanded(
    batchNumber: number,
    r: { txHash: Hex | null; gasUsed: bigint | null; effectiveGasPrice: bigint | null; l1Block: bigint | null },
    at = Date.now(),
  ): void {
    this.db
      .prepare(
        `INSERT INTO sender_batches (batch_number, status, tx_hash, gas_used, effective_gas_price, l1_block, landed_at)
         VALUES (?, 'landed', ?, ?, ?, ?, ?)
         ON CONFLICT(batch_number) DO UPDATE SET status = 'landed', tx_hash = COALESCE(excluded.tx_hash, tx_hash),
           gas_used = excluded.gas_used, effective_gas_price = excluded.effective_gas_price, l1_block = excluded.l1_block,
           landed_at = excluded.landed_at, error = NULL`,
      )
      .run(
        batchNumber,
        r.txHash,
        r.gasUsed === null ? null : bigintToText(r.gasUsed),
        r.effectiveGasPrice === null ? null : bigintToText(r.effectiveGasPrice),
        r.l1Block === null ? null : idToInteger(r.l1Block),
        at,
      );
  }

  /** 'reverted': mined and reverted; 'failed': refused before sending (simulation, checks). Both are retried. */
  markFailed(batchNumber: number, status: "reverted" | "failed", error: string, txHash: Hex | null = null): void {
    this.db
      .prepare(
        `INSERT INTO sender_batches (batch_number, status, tx_hash, error) VALUES (?, ?, ?, ?)
         ON CONFLICT(batch_number) DO UPDATE SET status = excluded.status, error = excluded.error,
           tx_hash = COALESCE(excluded.tx_hash, tx_hash)`,
      )
      .run(batchNumber, status, txHash, error);
  }

  depositFromBlock(): bigint | undefined {
    return this.checkpoints.block(DEPOSIT_FROM_KEY);
  }

  setDepositFromBlock(block: bigint): void {
    this.checkpoints.setBlock(DEPOSIT_FROM_KEY, block);
  }

  progress(): SenderProgress {
    return readSenderProgress(this.db) as SenderProgress;
  }
}

/** Sender progress, read-only; undefined when the sender never ran on this database. */
export function readSenderProgress(db: Db): SenderProgress | undefined {
  if (!tableExists(db, "sender_batches")) {
    return undefined;
  }
  const agg = db
    .prepare("SELECT MAX(batch_number) AS last, COUNT(*) AS n FROM sender_batches WHERE status = 'landed'")
    .get() as { last: number | null; n: number };
  const gas = (
    db
      .prepare("SELECT gas_used FROM sender_batches WHERE status = 'landed' AND gas_used IS NOT NULL")
      .pluck()
      .all() as string[]
  ).reduce((s, g) => s + bigintFromText(g), 0n);
  const last = db.prepare("SELECT * FROM sender_batches ORDER BY batch_number DESC LIMIT 1").get() as Row | undefined;
  return {
    lastLandedBatch: agg.last,
    landed: agg.n,
    totalGasUsed: gas.toString(),
    lastSubmission: last ? toSubmission(last) : null,
  };
}
