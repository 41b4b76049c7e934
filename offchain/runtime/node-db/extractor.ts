/**
 * The extractor's SQLite tables: `extractor_ops` (the verified op log), `batches` (cut batches with
 * their circuit inputs and the state snapshot after each) and the checkpoint `extractor:cursor`.
 * One `commit` writes ops, batches and checkpoint in one transaction, so a crash at any instant
 * leaves either all of it or none of it.
 */
import type { Hex } from "viem";
import type { Op } from "../../lib/protocol.js";
import { ZERO_HEAD } from "../../lib/protocol.js";
import { BridgeState, type BridgeStateJSON } from "../../lib/state.js";
import { bigintFromText, bigintToText, hexFromText, type OpColumns, opFromRow } from "./codecs.js";
import { StoreCorruptError } from "./errors.js";
import type { Db } from "./open.js";
import { Checkpoints, migrate, tableExists } from "./open.js";

export const CURSOR_KEY = "extractor:cursor";

const MIGRATIONS = [
  `CREATE TABLE extractor_ops (
     op_index     INTEGER PRIMARY KEY,
     kind         INTEGER NOT NULL,
     token_id     INTEGER NOT NULL,
     from_address TEXT NOT NULL,
     to_address   TEXT NOT NULL,
     amount       TEXT NOT NULL,
     head         TEXT NOT NULL,
     block_number INTEGER NOT NULL,
     tx_hash      TEXT NOT NULL,
     log_index    INTEGER NOT NULL,
     extracted_at INTEGER NOT NULL
   );
   CREATE TABLE batches (
     batch_number     INTEGER PRIMARY KEY,
     first_op         INTEGER NOT NULL,
     op_count         INTEGER NOT NULL,
     first_deposit_id INTEGER NOT NULL,
     deposit_count    INTEGER NOT NULL,
     ops              TEXT NOT NULL,
     old_root         TEXT NOT NULL,
     new_root         TEXT NOT NULL,
     old_op_chain     TEXT NOT NULL,
     new_op_chain     TEXT NOT NULL,
     input            TEXT NOT NULL,
     public_signals   TEXT NOT NULL,
     state_after      TEXT NOT NULL,
     created_at       INTEGER NOT NULL,
     enqueued_at      INTEGER
   );
   CREATE INDEX batches_new_root ON batches (new_root);
   CREATE INDEX batches_not_enqueued ON batches (batch_number) WHERE enqueued_at IS NULL;`,
];

/** Where extraction stands on L2; written in the same transaction as the ops it covers. */
export interface ExtractorCursor {
  /** First L2 block not scanned yet. */
  nextBlock: number;
  /** Ops extracted so far (= index of the next op). */
  opCount: number;
  /** Op-log head after op `opCount - 1`. */
  opHead: Hex;
  /** The last scanned block and its hash (reorg check), null before the first scan. */
  lastBlock: number | null;
  lastBlockHash: Hex | null;
}

/** An extracted op as stored. */
export interface StoredOp {
  opIndex: number;
  op: Op;
  head: Hex;
  blockNumber: number;
  transactionHash: Hex;
  logIndex: number;
  /** When the extractor stored it (ms since epoch): the batch timeout counts from the oldest pending op. */
  extractedAt: number;
}

/** An op as written in `batches.ops` (amount as a decimal string). */
export interface BatchOpJSON {
  opIndex: number;
  kind: Op["kind"];
  tokenId: number;
  from: Hex;
  to: Hex;
  amount: string;
}

/** A cut batch, as the extractor writes it and the sender, status and exit read it. */
export interface BatchRecord {
  batchNumber: number;
  firstOp: number;
  opCount: number;
  /**
   * L1 queue request id of the batch's first credit or forced withdrawal: the number of such ops before
   * the batch (deposits and forced withdrawal requests share the ids; the name predates the latter).
   */
  firstDepositId: number;
  /** Credit and forced withdrawal ops in the batch (its queue slots: firstDepositId .. + depositCount - 1). */
  depositCount: number;
  ops: BatchOpJSON[];
  oldRoot: bigint;
  newRoot: bigint;
  oldOpChain: bigint;
  newOpChain: bigint;
  /** Circuit input JSON. */
  input: Record<string, unknown>;
  publicSignals: bigint[];
  /** BridgeState snapshot after the batch (exodus Merkle paths). */
  stateAfter: BridgeStateJSON;
  createdAt: number;
  enqueuedAt: number | null;
}

/** What the extractor has done so far, for status. */
export interface ExtractorProgress {
  /** Ops extracted (index of the next op), the last extracted op (null before any) and the next block to scan. */
  opCount: number;
  lastOpIndex: number | null;
  nextBlock: number | null;
  /** Extracted ops not cut into a batch yet. */
  pendingOps: number;
  lastBatch: { batchNumber: number; firstOp: number; opCount: number; newRoot: string; createdAt: number } | null;
  batchesNotEnqueued: number;
}

interface BatchRow {
  batch_number: number;
  first_op: number;
  op_count: number;
  first_deposit_id: number;
  deposit_count: number;
  ops: string;
  old_root: string;
  new_root: string;
  old_op_chain: string;
  new_op_chain: string;
  input: string;
  public_signals: string;
  state_after: string;
  created_at: number;
  enqueued_at: number | null;
}

interface OpRow extends OpColumns {
  op_index: number;
  head: string;
  block_number: number;
  tx_hash: string;
  log_index: number;
  extracted_at: number;
}

const bigintJson = (value: unknown): string =>
  JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

function toBatch(row: BatchRow): BatchRecord {
  return {
    batchNumber: row.batch_number,
    firstOp: row.first_op,
    opCount: row.op_count,
    firstDepositId: row.first_deposit_id,
    depositCount: row.deposit_count,
    ops: JSON.parse(row.ops) as BatchOpJSON[],
    oldRoot: bigintFromText(row.old_root),
    newRoot: bigintFromText(row.new_root),
    oldOpChain: bigintFromText(row.old_op_chain),
    newOpChain: bigintFromText(row.new_op_chain),
    input: JSON.parse(row.input) as Record<string, unknown>,
    publicSignals: (JSON.parse(row.public_signals) as string[]).map(bigintFromText),
    stateAfter: JSON.parse(row.state_after) as BridgeStateJSON,
    createdAt: row.created_at,
    enqueuedAt: row.enqueued_at,
  };
}

function toStoredOp(row: OpRow): StoredOp {
  return {
    opIndex: row.op_index,
    op: opFromRow(row),
    head: hexFromText(row.head),
    blockNumber: row.block_number,
    transactionHash: hexFromText(row.tx_hash),
    logIndex: row.log_index,
    extractedAt: row.extracted_at,
  };
}

/** An op as `batches.ops` stores it. */
export function batchOpJSON(o: { opIndex: number; op: Op }): BatchOpJSON {
  return { opIndex: o.opIndex, ...o.op, amount: bigintToText(o.op.amount) };
}

/** A `batches.ops` entry back to an Op. */
export function opFromJSON(o: BatchOpJSON): Op {
  return { kind: o.kind, tokenId: o.tokenId, from: o.from, to: o.to, amount: bigintFromText(o.amount) };
}

/** Creates the extractor's tables when absent (safe to call from readers such as the CLI). */
export function migrateExtractor(db: Db): void {
  migrate(db, "extractor", MIGRATIONS);
}

/** What the extractor resumes from after a restart. */
export interface ResumePoint {
  cursor: ExtractorCursor;
  /** State after the last cut batch (genesis when none). */
  state: BridgeState;
  nextBatchNumber: number;
  /** Index of the first op not in a batch. */
  nextBatchOp: number;
  /** Credit and forced withdrawal ops before `nextBatchOp` (= first L1 queue request id of the next batch). */
  creditsBefore: number;
  /** Extracted ops not in a batch yet, in op order. */
  pending: StoredOp[];
}

export class ExtractorStore {
  private readonly checkpoints: Checkpoints;

  constructor(
    readonly db: Db,
    private readonly genesisBlock = 0,
  ) {
    migrateExtractor(db);
    this.checkpoints = new Checkpoints(db);
  }

  cursor(): ExtractorCursor {
    return (
      this.checkpoints.get<ExtractorCursor>(CURSOR_KEY) ?? {
        nextBlock: this.genesisBlock,
        opCount: 0,
        opHead: ZERO_HEAD,
        lastBlock: null,
        lastBlockHash: null,
      }
    );
  }

  /** Loads everything the extractor needs to continue, checking the pieces agree with each other. */
  resume(depth: number): ResumePoint {
    const cursor = this.cursor();
    const last = this.lastBatch();
    let state: BridgeState;
    if (last) {
      try {
        state = BridgeState.fromJSON(last.stateAfter);
      } catch (error) {
        throw new StoreCorruptError(`batch ${last.batchNumber}: stored state_after does not load`, { cause: error });
      }
      if (state.depth !== depth) {
        throw new StoreCorruptError(
          `the database holds a depth ${state.depth} state but the deployment says treeDepth ${depth}; ` +
            "use the DATA_DIR of this deployment",
        );
      }
      if (state.root !== last.newRoot || state.opChain !== last.newOpChain) {
        throw new StoreCorruptError(`batch ${last.batchNumber}: state_after does not match new_root/new_op_chain`);
      }
    } else {
      state = new BridgeState(depth);
    }
    const nextBatchOp = last ? last.firstOp + last.opCount : 0;
    const creditsBefore = last ? last.firstDepositId + last.depositCount : 0;
    if (state.opCount !== nextBatchOp) {
      throw new StoreCorruptError(`state_after has ${state.opCount} ops but the batches cover ${nextBatchOp}`);
    }
    const pending = (
      this.db.prepare("SELECT * FROM extractor_ops WHERE op_index >= ? ORDER BY op_index").all(nextBatchOp) as OpRow[]
    ).map(toStoredOp);
    const expectedPending = cursor.opCount - nextBatchOp;
    if (pending.length !== expectedPending || pending.some((p, i) => p.opIndex !== nextBatchOp + i)) {
      throw new StoreCorruptError(
        `extractor_ops holds ${pending.length} ops after batch cover ${nextBatchOp}, the cursor says ${expectedPending}`,
      );
    }
    return { cursor, state, nextBatchNumber: last ? last.batchNumber + 1 : 0, nextBatchOp, creditsBefore, pending };
  }

  /**
   * One transaction: the new verified ops, the batches cut from them, and the cursor.
   * Nothing is written if any part fails.
   */
  commit(work: { ops: readonly StoredOp[]; batches: readonly BatchRecord[]; cursor?: ExtractorCursor }): void {
    const insertOp = this.db.prepare(
      `INSERT INTO extractor_ops (op_index, kind, token_id, from_address, to_address, amount, head, block_number,
         tx_hash, log_index, extracted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertBatch = this.db.prepare(
      `INSERT INTO batches (batch_number, first_op, op_count, first_deposit_id, deposit_count, ops, old_root, new_root,
         old_op_chain, new_op_chain, input, public_signals, state_after, created_at, enqueued_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
    );
    this.db.transaction(() => {
      for (const o of work.ops) {
        insertOp.run(
          o.opIndex,
          o.op.kind,
          o.op.tokenId,
          o.op.from,
          o.op.to,
          bigintToText(o.op.amount),
          o.head,
          o.blockNumber,
          o.transactionHash,
          o.logIndex,
          o.extractedAt,
        );
      }
      for (const b of work.batches) {
        insertBatch.run(
          b.batchNumber,
          b.firstOp,
          b.opCount,
          b.firstDepositId,
          b.depositCount,
          JSON.stringify(b.ops),
          bigintToText(b.oldRoot),
          bigintToText(b.newRoot),
          bigintToText(b.oldOpChain),
          bigintToText(b.newOpChain),
          bigintJson(b.input),
          JSON.stringify(b.publicSignals.map(bigintToText)),
          JSON.stringify(b.stateAfter),
          b.createdAt,
        );
      }
      if (work.cursor) this.checkpoints.set(CURSOR_KEY, work.cursor);
    })();
  }

  /** Batches whose proof job was not confirmed enqueued yet, oldest first. */
  batchesNotEnqueued(): BatchRecord[] {
    return (
      this.db.prepare("SELECT * FROM batches WHERE enqueued_at IS NULL ORDER BY batch_number").all() as BatchRow[]
    ).map(toBatch);
  }

  markEnqueued(batchNumber: number, at: number): void {
    this.db.prepare("UPDATE batches SET enqueued_at = ? WHERE batch_number = ?").run(at, batchNumber);
  }

  lastBatch(): BatchRecord | undefined {
    const row = this.db.prepare("SELECT * FROM batches ORDER BY batch_number DESC LIMIT 1").get() as
      | BatchRow
      | undefined;
    return row ? toBatch(row) : undefined;
  }

  progress(): ExtractorProgress {
    return readExtractorProgress(this.db) as ExtractorProgress;
  }
}

/** Batch `batchNumber`, or undefined (read-only; undefined when the extractor never ran on this db). */
export function readBatch(db: Db, batchNumber: number): BatchRecord | undefined {
  if (!tableExists(db, "batches")) return undefined;
  const row = db.prepare("SELECT * FROM batches WHERE batch_number = ?").get(batchNumber) as BatchRow | undefined;
  return row ? toBatch(row) : undefined;
}

/** The batch whose new root is `root` (the latest if several), or undefined. */
export function readBatchByNewRoot(db: Db, root: bigint): BatchRecord | undefined {
  if (!tableExists(db, "batches")) return undefined;
  const row = db
    .prepare("SELECT * FROM batches WHERE new_root = ? ORDER BY batch_number DESC LIMIT 1")
    .get(root.toString()) as BatchRow | undefined;
  return row ? toBatch(row) : undefined;
}

/**
 * Extractor progress for status, read-only: undefined when the extractor never ran on this database.
 */
export function readExtractorProgress(db: Db): ExtractorProgress | undefined {
  if (!tableExists(db, "batches") || !tableExists(db, "extractor_ops")) return undefined;
  const cursorRow = tableExists(db, "checkpoints")
    ? (db.prepare("SELECT value FROM checkpoints WHERE key = ?").get(CURSOR_KEY) as { value: string } | undefined)
    : undefined;
  const cursor = cursorRow ? (JSON.parse(cursorRow.value) as ExtractorCursor) : undefined;
  const last = db
    .prepare(
      "SELECT batch_number, first_op, op_count, new_root, created_at FROM batches ORDER BY batch_number DESC LIMIT 1",
    )
    .get() as Pick<BatchRow, "batch_number" | "first_op" | "op_count" | "new_root" | "created_at"> | undefined;
  const opCount = cursor?.opCount ?? 0;
  const covered = last ? last.first_op + last.op_count : 0;
  const notEnqueued = db.prepare("SELECT COUNT(*) FROM batches WHERE enqueued_at IS NULL").pluck().get() as number;
  return {
    opCount,
    lastOpIndex: opCount > 0 ? opCount - 1 : null,
    nextBlock: cursor?.nextBlock ?? null,
    pendingOps: opCount - covered,
    lastBatch: last
      ? {
          batchNumber: last.batch_number,
          firstOp: last.first_op,
          opCount: last.op_count,
          newRoot: last.new_root,
          createdAt: last.created_at,
        }
      : null,
    batchesNotEnqueued: notEnqueued,
  };
}
