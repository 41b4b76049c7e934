/**
 * The monitor's tables in the node database: `monitor_deposits` (every L1 queue request seen, with
 * its status on L2: deposits and, since issue 17, forced withdrawal requests, which share the ids;
 * `kind` tells them apart), `monitor_tokens` (docked tokens and their metadata relay) and the
 * checkpoints `monitor:l1Block` (last L1 block fully scanned) and `monitor:exodus`. What one L1
 * block range brings is written together with the checkpoint in one transaction.
 */

import type { Address, Hex } from "viem";
import { BridgeError } from "../../lib/errors.js";
import { type DepositRecord, type QueueRequest, ZERO_ADDRESS } from "../../lib/protocol.js";
import { queueKindName, queueRequestDiff } from "../l1-queue.js";
import {
  addressFromText,
  bigintFromInteger,
  bigintFromText,
  bigintToText,
  hexFromText,
  hexOrNullFromText,
  idToInteger,
} from "./codecs.js";
import { Checkpoints, type Db, migrate, tableExists } from "./open.js";

const MIGRATIONS = [
  `CREATE TABLE monitor_deposits (
     deposit_id   INTEGER PRIMARY KEY,
     recipient    TEXT NOT NULL,
     token_id     INTEGER NOT NULL,
     amount       TEXT NOT NULL,
     depositor    TEXT NOT NULL,
     timestamp    INTEGER NOT NULL,
     l1_block     INTEGER NOT NULL,
     l1_tx        TEXT NOT NULL,
     status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'credited', 'failed', 'mismatch')),
     credit_tx    TEXT,
     op_index     INTEGER,
     credited_at  INTEGER,
     error        TEXT
   );
   CREATE INDEX monitor_deposits_open ON monitor_deposits (deposit_id) WHERE status NOT IN ('credited', 'mismatch');
   CREATE TABLE monitor_tokens (
     token_id     INTEGER PRIMARY KEY,
     token        TEXT NOT NULL,
     l1_block     INTEGER NOT NULL,
     status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'set', 'failed')),
     name         TEXT,
     symbol       TEXT,
     decimals     INTEGER,
     tx           TEXT,
     error        TEXT
   );`,
  // Issue 17: forced withdrawal requests share the queue (and the ids) with deposits. For a request,
  // `recipient` is the owner, `depositor` is 0x0 and `amount` is what L2 withdrew ('0' until served);
  // status 'credited' means served on L2 (credited, or withdrawn by forceWithdrawal).
  `ALTER TABLE monitor_deposits ADD COLUMN kind TEXT NOT NULL DEFAULT 'deposit' CHECK (kind IN ('deposit', 'withdrawal'))`,
];

export const L1_BLOCK_KEY = "monitor:l1Block";
export const EXODUS_KEY = "monitor:exodus";

export type DepositStatus = "queued" | "sent" | "credited" | "failed" | "mismatch";

/** A deposit as queued on L1 (DepositQueued) plus where it was seen. */
export interface SeenDeposit extends DepositRecord {
  depositId: number;
  l1Block: bigint;
  l1Tx: Hex;
}

export interface StoredDeposit extends SeenDeposit {
  status: DepositStatus;
  creditTx: Hex | null;
  opIndex: number | null;
  error: string | null;
}

/** A queue request as L1 logged it (DepositQueued or WithdrawalRequestQueued), and where. */
export type SeenRequest = QueueRequest & { l1Block: bigint; l1Tx: Hex };

/** A queue request with its status on L2 (`relayTx`: the creditDeposit or forceWithdrawal transaction). */
export type StoredRequest = SeenRequest & {
  status: DepositStatus;
  relayTx: Hex | null;
  opIndex: number | null;
  error: string | null;
  /** What L2 withdrew for a served forced withdrawal request (null otherwise). */
  forcedAmount: bigint | null;
};

export interface DockedToken {
  tokenId: number;
  token: Address;
  l1Block: bigint;
}

export interface StoredToken extends DockedToken {
  status: "pending" | "set" | "failed";
  error: string | null;
}

export interface ExodusState {
  oldestDepositId: number;
  timestamp: string;
  l1Block: string;
  /** The L2 haltForExodus transaction, once relayed (null when L2 was already halted). */
  relayed: boolean;
  tx: Hex | null;
}

/** Thrown when what L1 says now contradicts what was stored (a reorg deeper than CONFIRMATIONS, or a bad RPC). */
export class MonitorStoreConflictError extends BridgeError {
  override name = "MonitorStoreConflictError";
}

interface DepositRow {
  deposit_id: number;
  kind: QueueRequest["kind"];
  recipient: string;
  token_id: number;
  amount: string;
  depositor: string;
  timestamp: number;
  l1_block: number;
  l1_tx: string;
  status: DepositStatus;
  credit_tx: string | null;
  op_index: number | null;
  error: string | null;
}

function toRequest(r: DepositRow): StoredRequest {
  const where = {
    l1Block: bigintFromInteger(r.l1_block),
    l1Tx: hexFromText(r.l1_tx),
    status: r.status,
    relayTx: hexOrNullFromText(r.credit_tx),
    opIndex: r.op_index,
    error: r.error,
  };
  const id = bigintFromInteger(r.deposit_id);
  const tokenId = r.token_id;
  const timestamp = bigintFromInteger(r.timestamp);
  if (r.kind === "withdrawal") {
    const served = r.status === "credited" || r.status === "mismatch";
    const record = { owner: addressFromText(r.recipient), tokenId, timestamp };
    return { kind: "withdrawal", id, record, ...where, forcedAmount: served ? bigintFromText(r.amount) : null };
  }
  const record = {
    recipient: addressFromText(r.recipient),
    tokenId,
    amount: bigintFromText(r.amount),
    depositor: addressFromText(r.depositor),
    timestamp,
  };
  return { kind: "deposit", id, record, ...where, forcedAmount: null };
}

/** The flat deposit view of a stored deposit row. */
function toDeposit(r: StoredRequest & { kind: "deposit" }): StoredDeposit {
  const { record, id, l1Block, l1Tx, status, relayTx, opIndex, error } = r;
  return { depositId: idToInteger(id), ...record, l1Block, l1Tx, status, creditTx: relayTx, opIndex, error };
}

/** Progress for status and metrics. */
export interface MonitorProgress {
  /** Last L1 block fully scanned (null before the first scan). */
  lastL1Block: number | null;
  /** Deposits seen on L1 (= the next deposit id expected). */
  depositsSeen: number;
  /** Highest deposit id known credited on L2, null when none. */
  lastCreditedDepositId: number | null;
  /** Deposits seen and not credited yet. */
  pendingCredits: number;
  /** Deposits whose last credit attempt failed (retried) or whose L2 credit did not match (needs an operator). */
  failedCredits: number;
  mismatchedCredits: number;
  /** Of the requests seen, the forced withdrawal requests, and those not served on L2 yet. */
  forcedRequestsSeen: number;
  pendingForcedRequests: number;
  tokensDocked: number;
  tokensWithoutMetadata: number;
  exodus: ExodusState | null;
}

export class MonitorStore {
  readonly checkpoints: Checkpoints;

  constructor(readonly db: Db) {
    migrate(db, "monitor", MIGRATIONS);
    this.checkpoints = new Checkpoints(db);
  }

  /** The last L1 block fully scanned, or undefined before the first scan. */
  lastScannedBlock(): bigint | undefined {
    return this.checkpoints.block(L1_BLOCK_KEY);
  }

  /** Highest deposit id stored, or -1. */
  maxDepositId(): number {
    return (this.db.prepare("SELECT MAX(deposit_id) FROM monitor_deposits").pluck().get() as number | null) ?? -1;
  }

  /**
   * Records what blocks up to `toBlock` brought, and the checkpoint, in one transaction.
   * Deposits must continue the stored ids without a gap; a deposit stored before must be identical.
   */
  recordScan(
    toBlock: bigint,
    found: {
      requests: readonly SeenRequest[];
      tokens: readonly DockedToken[];
      exodus?: Omit<ExodusState, "relayed" | "tx">;
    },
  ): void {
    const insertRequest = this.db.prepare(
      `INSERT INTO monitor_deposits (deposit_id, kind, recipient, token_id, amount, depositor, timestamp, l1_block, l1_tx)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertToken = this.db.prepare(
      "INSERT INTO monitor_tokens (token_id, token, l1_block) VALUES (?, ?, ?) ON CONFLICT(token_id) DO NOTHING",
    );
    this.db.transaction(() => {
      let expected = this.maxDepositId() + 1;
      for (const q of found.requests) {
        const existing = this.request(idToInteger(q.id));
        if (existing) {
          const diff = queueRequestDiff(existing, q);
          if (diff.length) {
            throw new MonitorStoreConflictError(
              `queue request ${q.id} seen again in block ${q.l1Block} as a ${queueKindName(q.kind)} with a different record than stored from block ${existing.l1Block} ` +
                `(${diff.map((d) => `${d.field} ${d.want} != ${d.got}`).join(", ")}): ` +
                "a reorg deeper than CONFIRMATIONS or an inconsistent L1 RPC; stop, raise CONFIRMATIONS and investigate",
            );
          }
          continue;
        }
        if (q.id !== BigInt(expected)) {
          throw new MonitorStoreConflictError(
            `queue request ids jump from ${expected - 1} to ${q.id} (block ${q.l1Block}): DepositQueued or WithdrawalRequestQueued logs are missing; ` +
              "check the L1 RPC (eth_getLogs) and deployBlock in the deployment file",
          );
        }
        const r = q.record;
        const [recipient, amount, depositor] =
          q.kind === "deposit"
            ? [q.record.recipient, q.record.amount, q.record.depositor]
            : [q.record.owner, 0n, ZERO_ADDRESS];
        insertRequest.run(
          idToInteger(q.id),
          q.kind,
          recipient,
          r.tokenId,
          bigintToText(amount),
          depositor,
          idToInteger(r.timestamp),
          idToInteger(q.l1Block),
          q.l1Tx,
        );
        expected += 1;
      }
      for (const t of found.tokens) insertToken.run(t.tokenId, t.token, idToInteger(t.l1Block));
      if (found.exodus && !this.exodus())
        this.checkpoints.set(EXODUS_KEY, { ...found.exodus, relayed: false, tx: null });
      this.checkpoints.setBlock(L1_BLOCK_KEY, toBlock);
    })();
  }

  /** Queue request `id` (either kind) with its status on L2, or undefined when not seen. */
  request(id: number): StoredRequest | undefined {
    const row = this.db.prepare("SELECT * FROM monitor_deposits WHERE deposit_id = ?").get(id) as
      | DepositRow
      | undefined;
    return row ? toRequest(row) : undefined;
  }

  /** Deposit `depositId` in the flat deposit shape; undefined when not seen or when that id is a forced withdrawal request. */
  deposit(depositId: number): StoredDeposit | undefined {
    const r = this.request(depositId);
    return r?.kind === "deposit" ? toDeposit(r) : undefined;
  }

  /** Queue requests below `next` not settled yet (not served, not flagged as mismatch), in id order. */
  unsettledBelow(next: number): StoredRequest[] {
    return (
      this.db
        .prepare(
          "SELECT * FROM monitor_deposits WHERE deposit_id < ? AND status NOT IN ('credited', 'mismatch') ORDER BY deposit_id",
        )
        .all(next) as DepositRow[]
    ).map(toRequest);
  }

  markSent(depositId: number, tx: Hex): void {
    this.db
      .prepare("UPDATE monitor_deposits SET status = 'sent', credit_tx = ?, error = NULL WHERE deposit_id = ?")
      .run(tx, depositId);
  }

  /** Served on L2; `forcedAmount`: what a forced withdrawal took (kept as the row's amount). */
  markCredited(
    depositId: number,
    tx: Hex | null,
    opIndex: number | null,
    at = Date.now(),
    forcedAmount?: bigint,
  ): void {
    this.db
      .prepare(
        `UPDATE monitor_deposits SET status = 'credited', credit_tx = COALESCE(?, credit_tx), op_index = ?, credited_at = ?,
           error = NULL, amount = CASE WHEN kind = 'withdrawal' AND ? IS NOT NULL THEN ? ELSE amount END WHERE deposit_id = ?`,
      )
      .run(tx, opIndex, at, forcedAmount?.toString() ?? null, forcedAmount?.toString() ?? null, depositId);
  }

  /** 'failed': the attempt failed and will be retried; 'mismatch': L2 credited something else (operator needed). */
  markFailed(depositId: number, status: "failed" | "mismatch", error: string, tx: Hex | null = null): void {
    this.db
      .prepare(
        "UPDATE monitor_deposits SET status = ?, error = ?, credit_tx = COALESCE(?, credit_tx) WHERE deposit_id = ?",
      )
      .run(status, error, tx, depositId);
  }

  tokensWithoutMetadata(): StoredToken[] {
    return (
      this.db.prepare("SELECT * FROM monitor_tokens WHERE status != 'set' ORDER BY token_id").all() as {
        token_id: number;
        token: string;
        l1_block: number;
        status: StoredToken["status"];
        error: string | null;
      }[]
    ).map((r) => ({
      tokenId: r.token_id,
      token: addressFromText(r.token),
      l1Block: bigintFromInteger(r.l1_block),
      status: r.status,
      error: r.error,
    }));
  }

  markMetadata(
    tokenId: number,
    m: { status: "set" | "failed"; name?: string; symbol?: string; decimals?: number; tx?: Hex | null; error?: string },
  ): void {
    this.db
      .prepare(
        `UPDATE monitor_tokens SET status = ?, name = COALESCE(?, name), symbol = COALESCE(?, symbol),
           decimals = COALESCE(?, decimals), tx = COALESCE(?, tx), error = ? WHERE token_id = ?`,
      )
      .run(m.status, m.name ?? null, m.symbol ?? null, m.decimals ?? null, m.tx ?? null, m.error ?? null, tokenId);
  }

  exodus(): ExodusState | undefined {
    return this.checkpoints.get<ExodusState>(EXODUS_KEY);
  }

  markExodusRelayed(tx: Hex | null): void {
    const e = this.exodus();
    if (!e) throw new Error("no exodus recorded");
    this.checkpoints.set(EXODUS_KEY, { ...e, relayed: true, tx });
  }

  progress(): MonitorProgress {
    return readMonitorProgress(this.db) as MonitorProgress;
  }
}

/** Monitor progress, read-only (status CLI, supervisor); undefined when the monitor never ran on this database. */
export function readMonitorProgress(db: Db): MonitorProgress | undefined {
  if (!tableExists(db, "monitor_deposits")) return undefined;
  const cp = (key: string) =>
    tableExists(db, "checkpoints")
      ? (db.prepare("SELECT value FROM checkpoints WHERE key = ?").pluck().get(key) as string | undefined)
      : undefined;
  const l1 = cp(L1_BLOCK_KEY);
  const exodus = cp(EXODUS_KEY);
  const count = (where: string) =>
    db.prepare(`SELECT COUNT(*) FROM monitor_deposits WHERE ${where}`).pluck().get() as number;
  const hasKind = (db.prepare("PRAGMA table_info(monitor_deposits)").all() as { name: string }[]).some(
    (c) => c.name === "kind",
  );
  const forced = (where: string) => (hasKind ? count(`kind = 'withdrawal' AND ${where}`) : 0);
  const maxId = db.prepare("SELECT MAX(deposit_id) FROM monitor_deposits").pluck().get() as number | null;
  const lastCredited = db
    .prepare("SELECT MAX(deposit_id) FROM monitor_deposits WHERE status = 'credited'")
    .pluck()
    .get() as number | null;
  return {
    lastL1Block: l1 === undefined ? null : Number(JSON.parse(l1)),
    depositsSeen: maxId === null ? 0 : maxId + 1,
    lastCreditedDepositId: lastCredited,
    pendingCredits: count("status NOT IN ('credited', 'mismatch')"),
    failedCredits: count("status = 'failed'"),
    mismatchedCredits: count("status = 'mismatch'"),
    forcedRequestsSeen: forced("1"),
    pendingForcedRequests: forced("status NOT IN ('credited', 'mismatch')"),
    tokensDocked: db.prepare("SELECT COUNT(*) FROM monitor_tokens").pluck().get() as number,
    tokensWithoutMetadata: db
      .prepare("SELECT COUNT(*) FROM monitor_tokens WHERE status != 'set'")
      .pluck()
      .get() as number,
    exodus: exodus === undefined ? null : (JSON.parse(exodus) as ExodusState),
  };
}
