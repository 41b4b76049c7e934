/** The explorer API's answers: the views, their small helpers and the list limits (docs/operations.md, "Explorer and JSON API"). */

import { type Address, formatUnits, type Hex } from "viem";
import { BridgeError } from "../lib/errors.js";
import type { JobRow, NodeTables } from "../runtime/node-db/explorer.js";
import { type ChainReader, ChainUnavailableError, type Side } from "./chain.js";
import type { ProofJobSource } from "./jobs.js";

export interface Unavailable {
  /** "queue": the proof queue on Redis (REDIS_URL) could not be read. */
  side: Side | "db" | "queue";
  message: string;
}

export interface TokenInfo {
  id: number;
  symbol: string;
  /** null when the token's metadata is not known (amounts are then shown raw). */
  decimals: number | null;
  address: Address | null;
}

export type CreditStatus = "queued" | "sent" | "credited" | "failed" | "mismatch";
export type DepositStage = "deposited" | "credited" | "batched" | "proven" | "cancelled";

export interface DepositView {
  depositId: number;
  token: TokenInfo;
  amount: bigint;
  recipient: Address;
  depositor: Address;
  timestamp: bigint;
  l1Tx: Hex;
  l1Block: bigint;
  credit: { status: CreditStatus; tx: Hex | null; opIndex: number | null; error: string | null };
  batch: number | null;
  /** Consumed by a batch proven on L1 (null when L1 could not be read). */
  proven: boolean | null;
  cancelled: boolean;
  stage: DepositStage;
}

/** "unknown": the proof queue could not be read and neither the sender nor L1 says more. */
export type BatchStatus = "pending" | "proving" | "proven" | "sending" | "submitted" | "failed" | "unknown";

export interface BatchView {
  batchNumber: number;
  status: BatchStatus;
  ops: number;
  firstOp: number;
  deposits: { first: number; count: number };
  withdrawals: number;
  newRoot: bigint;
  createdAt: number;
  proof: {
    /** "unavailable": the proof queue could not be read (see `unavailable`). */
    status: JobRow["status"] | "not-enqueued" | "unavailable";
    worker: string | null;
    attempts: number;
    /** ms since the explorer saw this worker's claim (proving) or the proving time (proven). */
    elapsedMs: number | null;
    provingMs: number | null;
    error: string | null;
  };
  l1: {
    tx: Hex | null;
    gasUsed: bigint | null;
    effectiveGasPrice: bigint | null;
    block: bigint | null;
    error: string | null;
  };
}

export interface OpView {
  opIndex: number;
  kind: (typeof KINDS)[keyof typeof KINDS];
  token: TokenInfo;
  from: Address;
  to: Address;
  amount: bigint;
  l2Tx: Hex;
  l2Block: number;
  batch: number | null;
  depositId: number | null;
  /** For a forced withdrawal: the L1 queue request it served. */
  requestId: number | null;
}

export type WithdrawalStage = "requested" | "batched" | "claimable" | "claimed";

export interface WithdrawalView {
  source: "batch" | "exit" | "cancel";
  stage: WithdrawalStage;
  recipient: Address;
  token: TokenInfo;
  amount: bigint;
  /** L2 op of the request (withdrawals through a batch; null if the database does not know it). */
  opIndex: number | null;
  l2Tx: Hex | null;
  batch: number | null;
  /** The L1 transaction that made it claimable (batch submission, exit or cancel). */
  l1Tx: Hex | null;
  claimTx: Hex | null;
}

export interface ClaimableView {
  account: Address;
  token: TokenInfo;
  amount: bigint;
}

export interface JourneyStep {
  step: string;
  state: "done" | "current" | "todo" | "failed";
  detail: string;
}

export interface Journey {
  title: string;
  steps: JourneyStep[];
}

export const KINDS = { 1: "credit", 2: "transfer", 3: "withdrawal", 4: "forced withdrawal" } as const;
export const lower = (s: string) => s.toLowerCase();

/** `0.2 ETH` in the token's units; base units marked as such when its decimals are unknown. */
export function formatTokenAmount(amount: bigint, token: TokenInfo): string {
  if (token.decimals === null) return `${amount} ${token.symbol} (base units)`;
  return `${formatUnits(amount, token.decimals)} ${token.symbol}`;
}

export interface ExplorerApiOptions {
  tables: NodeTables;
  chain: ChainReader;
  /** Proof-job status (default: the `proof_jobs` table of `tables`). */
  jobs?: ProofJobSource;
  now?: () => number;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: Unavailable };

export async function settle<T>(p: Promise<T>, side: Side): Promise<Settled<T>> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return {
      ok: false,
      error: {
        side: error instanceof ChainUnavailableError ? error.side : side,
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

/** Limits of list endpoints. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** A bad query (the server answers 400 with the message). */
export class BadQueryError extends BridgeError {
  override name = "BadQueryError";
}
