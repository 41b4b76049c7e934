/**
 * The monitor's tables in the node database: `monitor_deposits` (every L1 deposit seen, with its
 * credit status on L2), `monitor_tokens` (docked tokens and their metadata relay) and the
 * checkpoints `monitor:l1Block` (last L1 block fully scanned) and `monitor:exodus`. What one L1
 * block range brings is written together with the checkpoint in one transaction.
 */
import type { Address, Hex } from "viem";
import type { DepositRecord } from "../lib/protocol.js";
import { Checkpoints, type Db, migrate } from "../runtime/db.js";

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
export class MonitorStoreConflictError extends Error {
  override name = "MonitorStoreConflictError";
}

interface DepositRow {
  deposit_id: number;
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

const toDeposit = (r: DepositRow): StoredDeposit => ({
  depositId: r.deposit_id,
  recipient: r.recipient as Address,
  tokenId: r.token_id,
  amount: BigInt(r.amount),
  depositor: r.depositor as Address,
  timestamp: BigInt(r.timestamp),
  l1Block: BigInt(r.l1_block),
  l1Tx: r.l1_tx as Hex,
  status: r.status,
  creditTx: r.credit_tx as Hex | null,
  opIndex: r.op_index,
  error: r.error,
});

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

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
    const v = this.checkpoints.get<string | number>(L1_BLOCK_KEY);
    return v === undefined ? undefined : BigInt(v);
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
      deposits: readonly SeenDeposit[];
      tokens: readonly DockedToken[];
      exodus?: Omit<ExodusState, "relayed" | "tx">;
    },
  ): void {
    const getDeposit = this.db.prepare("SELECT * FROM monitor_deposits WHERE deposit_id = ?");
    const insertDeposit = this.db.prepare(
      `INSERT INTO monitor_deposits (deposit_id, recipient, token_id, amount, depositor, timestamp, l1_block, l1_tx)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertToken = this.db.prepare(
      "INSERT INTO monitor_tokens (token_id, token, l1_block) VALUES (?, ?, ?) ON CONFLICT(token_id) DO NOTHING",
    );
    this.db.transaction(() => {
      let expected = this.maxDepositId() + 1;
      for (const d of found.deposits) {
        const existing = getDeposit.get(d.depositId) as DepositRow | undefined;
        if (existing) {
          const e = toDeposit(existing);
          if (
            !sameAddress(e.recipient, d.recipient) ||
            e.tokenId !== d.tokenId ||
            e.amount !== d.amount ||
            !sameAddress(e.depositor, d.depositor) ||
            e.timestamp !== d.timestamp
          ) {
            throw new MonitorStoreConflictError(
              `deposit ${d.depositId} seen again in block ${d.l1Block} with a different record than stored from block ${e.l1Block}: ` +
                "a reorg deeper than CONFIRMATIONS or an inconsistent L1 RPC; stop, raise CONFIRMATIONS and investigate",
            );
          }
          continue;
        }
        if (d.depositId !== expected) {
          throw new MonitorStoreConflictError(
            `deposit ids jump from ${expected - 1} to ${d.depositId} (block ${d.l1Block}): DepositQueued logs are missing; ` +
              "check the L1 RPC (eth_getLogs) and deployBlock in the deployment file",
          );
        }
        insertDeposit.run(
          d.depositId,
          d.recipient,
          d.tokenId,
          d.amount.toString(),
          d.depositor,
          Number(d.timestamp),
          Number(d.l1Block),
          d.l1Tx,
        );
        expected += 1;
      }
      for (const t of found.tokens) insertToken.run(t.tokenId, t.token, Number(t.l1Block));
      if (found.exodus && !this.exodus())
        this.checkpoints.set(EXODUS_KEY, { ...found.exodus, relayed: false, tx: null });
      this.checkpoints.set(L1_BLOCK_KEY, toBlock.toString());
    })();
  }

  deposit(depositId: number): StoredDeposit | undefined {
    const row = this.db.prepare("SELECT * FROM monitor_deposits WHERE deposit_id = ?").get(depositId) as
      | DepositRow
      | undefined;
    return row ? toDeposit(row) : undefined;
  }

  /** Deposits below `next` not settled yet (not credited, not flagged as mismatch), in id order. */
  unsettledBelow(next: number): StoredDeposit[] {
    return (
      this.db
        .prepare(
          "SELECT * FROM monitor_deposits WHERE deposit_id < ? AND status NOT IN ('credited', 'mismatch') ORDER BY deposit_id",
        )
        .all(next) as DepositRow[]
    ).map(toDeposit);
  }

  markSent(depositId: number, tx: Hex): void {
    this.db
      .prepare("UPDATE monitor_deposits SET status = 'sent', credit_tx = ?, error = NULL WHERE deposit_id = ?")
      .run(tx, depositId);
  }

  markCredited(depositId: number, tx: Hex | null, opIndex: number | null, at = Date.now()): void {
    this.db
      .prepare(
        `UPDATE monitor_deposits SET status = 'credited', credit_tx = COALESCE(?, credit_tx), op_index = ?, credited_at = ?,
           error = NULL WHERE deposit_id = ?`,
      )
      .run(tx, opIndex, at, depositId);
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
      token: r.token as Address,
      l1Block: BigInt(r.l1_block),
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

const tableExists = (db: Db, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

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
    tokensDocked: db.prepare("SELECT COUNT(*) FROM monitor_tokens").pluck().get() as number,
    tokensWithoutMetadata: db
      .prepare("SELECT COUNT(*) FROM monitor_tokens WHERE status != 'set'")
      .pluck()
      .get() as number,
    exodus: exodus === undefined ? null : (JSON.parse(exodus) as ExodusState),
  };
}
