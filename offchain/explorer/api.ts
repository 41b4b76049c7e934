/**
 * The explorer's data: what the JSON API answers (docs/operations.md, "Explorer and JSON API").
 * Each answer combines the node database (NodeTables) with the chains (ChainReader) and the proof
 * queue (ProofJobSource: the SQLite table, or BullMQ on Redis with REDIS_URL), and lists in
 * `unavailable` every source it could not read ({ side: "L1" | "L2" | "db" | "queue", message }),
 * answering with what it has instead of failing. Big numbers are bigints here; the server writes them as
 * decimal strings.
 */
import { type Address, formatUnits, type Hex } from "viem";
import type { BatchRow, DepositRow, JobRow, NodeTables, OpRow, SubmissionRow } from "../runtime/node-db/explorer.js";
import type { ExtractorCursor } from "../runtime/node-db/extractor.js";
import type { ExodusState } from "../runtime/node-db/monitor.js";
import {
  after,
  type ChainReader,
  ChainUnavailableError,
  type DepositEvent,
  type L1Events,
  type L1Snapshot,
  type L2Snapshot,
  type Side,
  type WithdrawalEvent,
} from "./chain.js";
import { type ProofJobSource, sqliteJobSource } from "./jobs.js";

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

const KINDS = { 1: "credit", 2: "transfer", 3: "withdrawal", 4: "forced withdrawal" } as const;
const lower = (s: string) => s.toLowerCase();

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

type Settled<T> = { ok: true; value: T } | { ok: false; error: Unavailable };

async function settle<T>(p: Promise<T>, side: Side): Promise<Settled<T>> {
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
export class BadQueryError extends Error {
  override name = "BadQueryError";
}

export class ExplorerApi {
  private readonly tables: NodeTables;
  private readonly chain: ChainReader;
  private readonly jobs: ProofJobSource;
  private readonly now: () => number;
  /** `${batch}:${worker}:${attempt}` -> when the explorer first saw that claim (ms). */
  private readonly provingSince = new Map<string, number>();

  constructor(opts: ExplorerApiOptions) {
    this.tables = opts.tables;
    this.chain = opts.chain;
    this.jobs = opts.jobs ?? sqliteJobSource(opts.tables);
    this.now = opts.now ?? Date.now;
  }

  /** Both chains and the event index, each settled (an unreachable side does not fail the others). */
  private async sources(want: { l1?: boolean; l2?: boolean; events?: boolean }) {
    const [l1, l2, events] = await Promise.all([
      want.l1 ? settle(this.chain.l1Snapshot(), "L1") : undefined,
      want.l2 ? settle(this.chain.l2Snapshot(), "L2") : undefined,
      want.events ? settle(this.chain.l1Events(), "L1") : undefined,
    ]);
    const unavailable: Unavailable[] = [];
    const add = (u: Unavailable) => {
      if (!unavailable.some((x) => x.side === u.side)) unavailable.push(u);
    };
    for (const s of [l1, l2, events]) if (s && !s.ok) add(s.error);
    return {
      l1: l1?.ok ? l1.value : null,
      l2: l2?.ok ? l2.value : null,
      events: events?.ok ? events.value : null,
      unavailable,
      add,
    };
  }

  /** Token metadata from the monitor's table and the L1 TokenDocked events. */
  private tokenTable(events: L1Events | null): (id: number) => TokenInfo {
    const rows = new Map(this.tables.tokens().map((t) => [t.tokenId, t]));
    return (id) => {
      if (id === 0) return { id, symbol: "ETH", decimals: 18, address: null };
      const row = rows.get(id);
      const address = (row?.token ?? events?.tokens.get(id)?.token ?? null) as Address | null;
      return { id, symbol: row?.symbol ?? `token #${id}`, decimals: row?.decimals ?? null, address };
    };
  }

  // ---------------------------------------------------------------- status

  async status() {
    const s = await this.sources({ l1: true, l2: true, events: true });
    const t = this.tables;
    const monitorExodus = t.checkpoint<ExodusState>("monitor:exodus") ?? null;
    const cursor = t.checkpoint<ExtractorCursor>("extractor:cursor") ?? null;
    const dbBatches = t.batchCount();
    const l1 = s.l1;
    let queue = null;
    if (l1) {
      const pending = l1.depositCount - l1.processedDeposits;
      const queuedAt = l1.oldestPendingQueuedAt;
      const age = queuedAt === null ? null : l1.blockTimestamp - queuedAt;
      queue = {
        pending,
        oldestPendingId: pending > 0n ? l1.processedDeposits : null,
        oldestQueuedAt: queuedAt,
        ageSeconds: age,
        deadlineSeconds: l1.priorityDeadline,
        secondsLeft: age === null ? null : l1.priorityDeadline - age,
        exodusCanBeActivated: age !== null && age >= l1.priorityDeadline && !l1.exodusMode,
      };
    }
    const provenBatch = l1 && l1.batchCount > 0n ? Number(l1.batchCount - 1n) : null;
    const dbProven = provenBatch === null ? undefined : t.batch(provenBatch);
    return {
      now: this.now(),
      l1: l1 ? { ...l1, assetStorageBlock: undefined } : null,
      l2: s.l2,
      provenRoot: l1
        ? {
            root: l1.stateRoot,
            opChain: l1.opChain,
            batchNumber: provenBatch,
            batchCount: l1.batchCount,
            /** Whether the database's batch of that number ends at the same root (null when it does not have it). */
            matchesDatabase: dbProven ? BigInt(dbProven.newRoot) === l1.stateRoot : null,
          }
        : null,
      depositQueue: queue,
      exodus: {
        active: l1?.exodusMode ?? (monitorExodus !== null ? true : null),
        activatedAt: s.events?.exodus ? { tx: s.events.exodus.txHash, timestamp: s.events.exodus.timestamp } : null,
        l2Halted: s.l2?.halted ?? null,
        relayedToL2: monitorExodus?.relayed ?? null,
      },
      node: {
        deposits: t.depositCount(),
        opsExtracted: cursor?.opCount ?? t.opCount(),
        batches: dbBatches,
        database: t.has("schema_migrations"),
      },
      /** Conditions that stop the bridge until an operator acts (docs/operations.md, Alarms). */
      alarms: t.alarms(),
      unavailable: s.unavailable,
    };
  }

  // ---------------------------------------------------------------- deposits

  private depositView(
    id: number,
    row: DepositRow | undefined,
    ev: DepositEvent | undefined,
    ctx: { l1: L1Snapshot | null; l2: L2Snapshot | null; events: L1Events | null; token: (id: number) => TokenInfo },
  ): DepositView | undefined {
    if (!row && !ev) return undefined;
    const creditedOnL2 = ctx.l2 ? BigInt(id) < ctx.l2.nextDepositId : false;
    let status: CreditStatus = row?.status ?? "queued";
    if (creditedOnL2 && status !== "mismatch") status = "credited";
    const batch = this.tables.batchOfDeposit(id)?.batchNumber ?? null;
    const proven = ctx.l1 ? BigInt(id) < ctx.l1.processedDeposits : null;
    const cancelled = ctx.events?.exits.some((x) => x.kind === "cancel" && x.ref === BigInt(id)) ?? false;
    const stage: DepositStage = cancelled
      ? "cancelled"
      : proven
        ? "proven"
        : batch !== null
          ? "batched"
          : status === "credited"
            ? "credited"
            : "deposited";
    const src = row
      ? {
          recipient: row.recipient as Address,
          tokenId: row.tokenId,
          amount: BigInt(row.amount),
          depositor: row.depositor as Address,
          timestamp: BigInt(row.timestamp),
          l1Tx: row.l1Tx as Hex,
          l1Block: BigInt(row.l1Block),
        }
      : {
          recipient: ev!.recipient,
          tokenId: ev!.tokenId,
          amount: ev!.amount,
          depositor: ev!.depositor,
          timestamp: ev!.timestamp,
          l1Tx: ev!.txHash,
          l1Block: ev!.blockNumber,
        };
    return {
      depositId: id,
      token: ctx.token(src.tokenId),
      amount: src.amount,
      recipient: src.recipient,
      depositor: src.depositor,
      timestamp: src.timestamp,
      l1Tx: src.l1Tx,
      l1Block: src.l1Block,
      credit: {
        status,
        tx: (row?.creditTx ?? null) as Hex | null,
        opIndex: row?.opIndex ?? null,
        error: status === "credited" ? null : (row?.error ?? null),
      },
      batch,
      proven,
      cancelled,
      stage,
    };
  }

  async deposits(limit = DEFAULT_LIMIT) {
    const s = await this.sources({ l1: true, l2: true, events: true });
    const token = this.tokenTable(s.events);
    const eventCount = s.events ? Math.max(-1, ...s.events.deposits.keys()) + 1 : 0;
    const total = Math.max(this.tables.depositCount(), eventCount, s.l1 ? Number(s.l1.depositCount) : 0);
    const from = Math.max(0, total - limit);
    const rows = new Map(this.tables.depositsBetween(from, total).map((r) => [r.depositId, r]));
    const ctx = { l1: s.l1, l2: s.l2, events: s.events, token };
    const deposits: DepositView[] = [];
    for (let id = total - 1; id >= from; id--) {
      const v = this.depositView(id, rows.get(id), s.events?.deposits.get(id), ctx);
      if (v) deposits.push(v);
    }
    return { total, deposits, unavailable: s.unavailable };
  }

  // ---------------------------------------------------------------- ops

  private opView(o: OpRow, token: (id: number) => TokenInfo): OpView {
    return {
      opIndex: o.opIndex,
      kind: KINDS[o.kind],
      token: token(o.tokenId),
      from: o.from as Address,
      to: o.to as Address,
      amount: BigInt(o.amount),
      l2Tx: o.txHash as Hex,
      l2Block: o.blockNumber,
      batch: this.tables.batchOfOp(o.opIndex)?.batchNumber ?? null,
      depositId: o.kind === 1 ? (this.tables.depositIdOfOp(o.opIndex) ?? null) : null,
      // The L1 queue request a forced withdrawal served (requests share the ids with deposits).
      requestId: o.kind === 4 ? (this.tables.depositIdOfOp(o.opIndex) ?? null) : null,
    };
  }

  async ops(limit = DEFAULT_LIMIT) {
    const s = await this.sources({ l2: true });
    const token = this.tokenTable(null);
    return {
      total: this.tables.opCount(),
      l2OpCount: s.l2?.opCount ?? null,
      ops: this.tables.latestOps(limit).map((o) => this.opView(o, token)),
      unavailable: s.unavailable,
    };
  }

  // ---------------------------------------------------------------- batches

  /** Proof-job rows of `numbers`, or null (and an `unavailable` entry) when the source cannot be read. */
  private async jobRows(numbers: number[], add: (u: Unavailable) => void): Promise<Map<number, JobRow> | null> {
    try {
      return await this.jobs.jobs(numbers);
    } catch (error) {
      add({ side: this.jobs.side, message: this.jobs.describe(error) });
      return null;
    }
  }

  private async batchViews(
    rows: BatchRow[],
    l1: L1Snapshot | null,
    events: L1Events | null,
    add: (u: Unavailable) => void,
  ): Promise<BatchView[]> {
    const numbers = rows.map((r) => r.batchNumber);
    const jobs = rows.length > 0 ? await this.jobRows(numbers, add) : new Map<number, JobRow>();
    const subs = this.tables.submissions(numbers);
    const now = this.now();
    const out: BatchView[] = [];
    for (const b of rows) {
      const job = jobs?.get(b.batchNumber);
      const sub: SubmissionRow | undefined = subs.get(b.batchNumber);
      const verified = events?.batches.get(b.batchNumber);
      const landedOnL1 =
        sub?.status === "landed" || verified !== undefined || (l1 ? b.batchNumber < l1.batchCount : false);
      let elapsedMs: number | null = null;
      if (job?.status === "proving" && job.worker) {
        const key = `${b.batchNumber}:${job.worker}:${job.attempts}`;
        const since = this.provingSince.get(key) ?? Math.min(job.updatedAt, now);
        this.provingSince.set(key, since);
        elapsedMs = now - since;
      } else if (job?.status === "proven") {
        elapsedMs = job.provingMs;
      }
      let status: BatchStatus;
      if (landedOnL1) status = "submitted";
      else if (sub?.status === "sent") status = "sending";
      else if (job?.status === "proven") status = "proven";
      else if (job?.status === "proving") status = "proving";
      else if (job?.status === "failed") status = "failed";
      else if (jobs === null) status = "unknown";
      else status = "pending";
      const tx = (sub?.txHash ?? verified?.txHash ?? null) as Hex | null;
      let gasUsed = sub?.gasUsed != null ? BigInt(sub.gasUsed) : null;
      if (landedOnL1 && gasUsed === null && tx) gasUsed = await this.chain.gasUsed(tx);
      out.push({
        batchNumber: b.batchNumber,
        status,
        ops: b.opCount,
        firstOp: b.firstOp,
        deposits: { first: b.firstDepositId, count: b.depositCount },
        withdrawals: b.ops.filter((o) => o.kind === 3).length,
        newRoot: BigInt(b.newRoot),
        createdAt: b.createdAt,
        proof: {
          status: jobs === null ? "unavailable" : (job?.status ?? "not-enqueued"),
          worker: job?.worker ?? null,
          attempts: job?.attempts ?? 0,
          elapsedMs,
          provingMs: job?.provingMs ?? null,
          error: job?.status === "failed" || job?.status === "pending" ? (job.lastError ?? null) : null,
        },
        l1: {
          tx: landedOnL1 || sub?.status === "sent" ? tx : null,
          gasUsed: landedOnL1 ? gasUsed : null,
          effectiveGasPrice: sub?.effectiveGasPrice != null ? BigInt(sub.effectiveGasPrice) : null,
          block: sub?.l1Block != null ? BigInt(sub.l1Block) : (verified?.blockNumber ?? null),
          error: !landedOnL1 && (sub?.status === "reverted" || sub?.status === "failed") ? sub.error : null,
        },
      });
    }
    return out;
  }

  async batches(limit = DEFAULT_LIMIT) {
    const s = await this.sources({ l1: true, events: true });
    const batches = await this.batchViews(this.tables.latestBatches(limit), s.l1, s.events, s.add);
    const counts: Record<BatchStatus, number> = {
      pending: 0,
      proving: 0,
      proven: 0,
      sending: 0,
      submitted: 0,
      failed: 0,
      unknown: 0,
    };
    for (const b of batches) counts[b.status] += 1;
    return {
      total: this.tables.batchCount(),
      l1BatchCount: s.l1?.batchCount ?? null,
      counts,
      batches,
      unavailable: s.unavailable,
    };
  }

  // ---------------------------------------------------------------- withdrawals

  /** Every withdrawal the node or L1 knows, oldest first, with its stage. */
  private withdrawalViews(events: L1Events | null, l1: L1Snapshot | null, token: (id: number) => TokenInfo) {
    const out: WithdrawalView[] = [];
    const claimAfter = (
      recipient: string,
      tokenId: number,
      e: { blockNumber: bigint; logIndex: number; txHash: Hex },
    ) =>
      events?.claims.find(
        (c) => lower(c.account) === lower(recipient) && c.tokenId === tokenId && after(c, { ...e }),
      ) ?? null;
    // WithdrawalQueued logs of each batch, in log order, pair with the batch's withdrawal ops in op order.
    const queuedByBatch = new Map<number, WithdrawalEvent[]>();
    for (const w of events?.withdrawals ?? []) {
      const list = queuedByBatch.get(w.batchNumber) ?? [];
      list.push(w);
      queuedByBatch.set(w.batchNumber, list);
    }
    const seen = new Set<WithdrawalEvent>();
    for (const o of this.tables.withdrawalOpsFrom(0, 10_000)) {
      const batch = this.tables.batchOfOp(o.opIndex);
      let queued: WithdrawalEvent | undefined;
      if (batch) {
        const position = batch.ops.filter((x) => x.kind === 3 && x.opIndex < o.opIndex).length;
        queued = queuedByBatch.get(batch.batchNumber)?.[position];
        if (queued) seen.add(queued);
      }
      const landed = queued !== undefined || (batch && l1 ? batch.batchNumber < l1.batchCount : false);
      const claim = queued ? claimAfter(o.to, o.tokenId, queued) : null;
      out.push({
        source: "batch",
        stage: claim ? "claimed" : landed ? "claimable" : batch ? "batched" : "requested",
        recipient: o.to as Address,
        token: token(o.tokenId),
        amount: BigInt(o.amount),
        opIndex: o.opIndex,
        l2Tx: o.txHash as Hex,
        batch: batch?.batchNumber ?? null,
        l1Tx: queued?.txHash ?? null,
        claimTx: claim?.txHash ?? null,
      });
    }
    for (const w of events?.withdrawals ?? []) {
      if (seen.has(w)) continue;
      const claim = claimAfter(w.recipient, w.tokenId, w);
      out.push({
        source: "batch",
        stage: claim ? "claimed" : "claimable",
        recipient: w.recipient,
        token: token(w.tokenId),
        amount: w.amount,
        opIndex: null,
        l2Tx: null,
        batch: w.batchNumber,
        l1Tx: w.txHash,
        claimTx: claim?.txHash ?? null,
      });
    }
    for (const x of events?.exits ?? []) {
      const claim = claimAfter(x.account, x.tokenId, x);
      out.push({
        source: x.kind,
        stage: claim ? "claimed" : "claimable",
        recipient: x.account,
        token: token(x.tokenId),
        amount: x.amount,
        opIndex: null,
        l2Tx: null,
        batch: null,
        l1Tx: x.txHash,
        claimTx: claim?.txHash ?? null,
      });
    }
    return out;
  }

  /** pendingWithdrawals of every (account, token) with an unclaimed entry; amounts > 0 only. */
  private async claimable(list: WithdrawalView[], token: (id: number) => TokenInfo): Promise<ClaimableView[]> {
    const pairs = new Map<string, { account: Address; tokenId: number }>();
    for (const w of list) {
      if (w.stage !== "claimable") continue;
      pairs.set(`${lower(w.recipient)}:${w.token.id}`, { account: w.recipient, tokenId: w.token.id });
    }
    const wanted = [...pairs.values()].slice(0, 200);
    const amounts = await this.chain.pendingWithdrawals(wanted);
    return wanted
      .map((p, i) => ({ account: p.account, token: token(p.tokenId), amount: amounts[i] ?? 0n }))
      .filter((c) => c.amount > 0n);
  }

  async withdrawals(limit = DEFAULT_LIMIT) {
    const s = await this.sources({ l1: true, events: true });
    const token = this.tokenTable(s.events);
    const all = this.withdrawalViews(s.events, s.l1, token);
    let claimable: ClaimableView[] | null = null;
    if (s.events) {
      const r = await settle(this.claimable(all, token), "L1");
      if (r.ok) claimable = r.value;
      else s.add(r.error);
    }
    return {
      total: all.length,
      withdrawals: all.slice(-limit).reverse(),
      claimable,
      unavailable: s.unavailable,
    };
  }

  // ---------------------------------------------------------------- lookup

  async lookup(raw: string) {
    const q = raw.trim();
    if (/^#?\d+$/.test(q)) return this.lookupDeposit(Number(q.replace("#", "")), q);
    if (/^0x[0-9a-fA-F]{40}$/.test(q)) return this.lookupAddress(q as Address);
    if (/^0x[0-9a-fA-F]{64}$/.test(q)) return this.lookupTx(q as Hex);
    throw new BadQueryError(
      `cannot read ${JSON.stringify(raw.slice(0, 80))}: paste a deposit id (a whole number), an address (0x + 40 hex digits) or a transaction hash (0x + 64 hex digits)`,
    );
  }

  private async journeyContext() {
    const s = await this.sources({ l1: true, l2: true, events: true });
    return { ...s, token: this.tokenTable(s.events) };
  }

  private depositJourney(d: DepositView, ctx: { l1: L1Snapshot | null; events: L1Events | null }): Journey {
    const sub = d.batch === null ? undefined : this.tables.submissions([d.batch]).get(d.batch);
    const verified = d.batch === null ? undefined : ctx.events?.batches.get(d.batch);
    const batchTx = sub?.txHash ?? verified?.txHash ?? null;
    const creditState = d.credit.status === "credited" ? "done" : d.credit.status === "mismatch" ? "failed" : "current";
    const steps: JourneyStep[] = [
      { step: "deposited", state: "done", detail: `L1 tx ${d.l1Tx} (block ${d.l1Block})` },
      {
        step: "credited",
        state: creditState,
        detail:
          d.credit.status === "credited"
            ? `on L2${d.credit.tx ? ` tx ${d.credit.tx}` : ""}${d.credit.opIndex !== null ? `, op ${d.credit.opIndex}` : ""}`
            : d.credit.status === "mismatch"
              ? `L2 credited different values: ${d.credit.error ?? ""}`
              : `waiting for the relayer (${d.credit.status}${d.credit.error ? `: ${d.credit.error}` : ""})`,
      },
      {
        step: "batched",
        state: d.batch !== null ? "done" : creditState === "done" ? "current" : "todo",
        detail: d.batch !== null ? `included in batch ${d.batch}` : "not in a batch yet",
      },
      {
        step: "proven",
        state: d.proven ? "done" : d.batch !== null ? "current" : "todo",
        detail: d.proven
          ? `proven on L1${batchTx ? ` (submitBatch tx ${batchTx})` : ""}`
          : d.proven === null
            ? "L1 unreachable"
            : "waiting for the proof",
      },
    ];
    if (d.cancelled) {
      const x = ctx.events?.exits.find((e) => e.kind === "cancel" && e.ref === BigInt(d.depositId));
      steps.push({
        step: "cancelled",
        state: "done",
        detail: `refunded in exodus${x ? ` (tx ${x.txHash})` : ""}: claimable by the depositor on L1`,
      });
    }
    return { title: `deposit ${d.depositId}`, steps };
  }

  private withdrawalJourney(w: WithdrawalView): Journey {
    const landed = w.stage === "claimable" || w.stage === "claimed";
    const steps: JourneyStep[] = [];
    if (w.source === "batch") {
      steps.push(
        {
          step: "requested",
          state: "done",
          detail: w.opIndex !== null ? `L2 op ${w.opIndex}${w.l2Tx ? ` tx ${w.l2Tx}` : ""}` : "on L2",
        },
        {
          step: "batched",
          state: w.batch !== null ? "done" : "current",
          detail: w.batch !== null ? `included in batch ${w.batch}` : "not in a batch yet",
        },
        {
          step: "proven",
          state: landed ? "done" : w.batch !== null ? "current" : "todo",
          detail: landed ? `proven on L1${w.l1Tx ? ` (tx ${w.l1Tx})` : ""}` : "waiting for the proof",
        },
      );
    } else {
      steps.push({
        step: w.source === "exit" ? "exited" : "cancelled",
        state: "done",
        detail: `exodus ${w.source} on L1 (tx ${w.l1Tx})`,
      });
    }
    steps.push(
      {
        step: "claimable",
        state: w.stage === "claimed" ? "done" : landed ? "current" : "todo",
        detail: landed ? `claim on L1: claim(${w.token.id}) from ${w.recipient}` : "after the proof lands",
      },
      {
        step: "claimed",
        state: w.stage === "claimed" ? "done" : "todo",
        detail: w.claimTx ? `L1 tx ${w.claimTx}` : "not claimed yet",
      },
    );
    return { title: `withdrawal of ${formatTokenAmount(w.amount, w.token)} to ${w.recipient}`, steps };
  }

  private async lookupDeposit(id: number, q: string) {
    const ctx = await this.journeyContext();
    const d = this.depositView(id, this.tables.deposit(id), ctx.events?.deposits.get(id), ctx);
    return {
      query: q,
      kind: "deposit" as const,
      found: d !== undefined,
      message: d ? undefined : `no deposit ${id} known to the node or L1`,
      deposits: d ? [d] : [],
      journeys: d ? [this.depositJourney(d, ctx)] : [],
      unavailable: ctx.unavailable,
    };
  }

  private async lookupAddress(address: Address) {
    const ctx = await this.journeyContext();
    const ids = new Set(this.tables.depositsOf(address).map((r) => r.depositId));
    for (const e of ctx.events?.deposits.values() ?? []) {
      if (lower(e.recipient) === lower(address) || lower(e.depositor) === lower(address)) ids.add(e.depositId);
    }
    const deposits = [...ids]
      .sort((a, b) => b - a)
      .slice(0, 100)
      .map((id) => this.depositView(id, this.tables.deposit(id), ctx.events?.deposits.get(id), ctx))
      .filter((d): d is DepositView => d !== undefined);
    const ops = this.tables.opsOf(address).map((o) => this.opView(o, ctx.token));
    const withdrawals = this.withdrawalViews(ctx.events, ctx.l1, ctx.token).filter(
      (w) => lower(w.recipient) === lower(address) || (w.opIndex !== null && ops.some((o) => o.opIndex === w.opIndex)),
    );
    const tokenCount = ctx.l1?.tokenCount ?? 1;
    const ids32 = Array.from({ length: Math.min(tokenCount, 64) }, (_, i) => i);
    const [pending, balances] = await Promise.all([
      ctx.l1
        ? settle(this.chain.pendingWithdrawals(ids32.map((tokenId) => ({ account: address, tokenId }))), "L1")
        : undefined,
      settle(this.chain.l2Balances(address, ids32.length), "L2"),
    ]);
    if (pending && !pending.ok) ctx.add(pending.error);
    if (!balances.ok) ctx.add(balances.error);
    const claimable = pending?.ok
      ? ids32
          .map((id, i) => ({ account: address, token: ctx.token(id), amount: pending.value[i] ?? 0n }))
          .filter((c) => c.amount > 0n)
      : null;
    const l2Balances = balances.ok
      ? ids32
          .map((id, i) => {
            const { amount, held } = balances.value[i] ?? { amount: 0n, held: 0n };
            return { token: ctx.token(id), amount, held, spendable: amount - held };
          })
          .filter((b) => b.amount > 0n)
      : null;
    const journeys = [
      ...deposits.map((d) => this.depositJourney(d, ctx)),
      ...withdrawals.map((w) => this.withdrawalJourney(w)),
    ];
    const found = deposits.length + ops.length + withdrawals.length > 0 || (claimable?.length ?? 0) > 0;
    return {
      query: address,
      kind: "address" as const,
      found,
      message: found ? undefined : `nothing known about ${address}`,
      deposits,
      ops,
      withdrawals,
      claimable,
      l2Balances,
      journeys,
      unavailable: ctx.unavailable,
    };
  }

  private async lookupTx(tx: Hex) {
    const ctx = await this.journeyContext();
    const t = lower(tx);
    const ids = new Set(this.tables.depositsByTx(tx).map((r) => r.depositId));
    for (const e of ctx.events?.deposits.values() ?? []) if (lower(e.txHash) === t) ids.add(e.depositId);
    const deposits = [...ids]
      .sort((a, b) => a - b)
      .map((id) => this.depositView(id, this.tables.deposit(id), ctx.events?.deposits.get(id), ctx))
      .filter((d): d is DepositView => d !== undefined);
    const ops = this.tables.opsByTx(tx).map((o) => this.opView(o, ctx.token));
    // Credits of this L2 tx are deposits too.
    for (const o of ops) {
      if (o.depositId !== null && !ids.has(o.depositId)) {
        const d = this.depositView(
          o.depositId,
          this.tables.deposit(o.depositId),
          ctx.events?.deposits.get(o.depositId),
          ctx,
        );
        if (d) deposits.push(d);
      }
    }
    const allWithdrawals = this.withdrawalViews(ctx.events, ctx.l1, ctx.token);
    const withdrawals = allWithdrawals.filter(
      (w) =>
        (w.l2Tx && lower(w.l2Tx) === t) || (w.claimTx && lower(w.claimTx) === t) || (w.l1Tx && lower(w.l1Tx) === t),
    );
    const sub = this.tables.submissionByTx(tx);
    let batchNumber = sub?.batchNumber;
    if (batchNumber === undefined) {
      for (const b of ctx.events?.batches.values() ?? []) if (lower(b.txHash) === t) batchNumber = b.batchNumber;
    }
    const batchRow = batchNumber === undefined ? undefined : this.tables.batch(batchNumber);
    const batches = batchRow ? await this.batchViews([batchRow], ctx.l1, ctx.events, ctx.add) : [];
    const journeys = [
      ...deposits.map((d) => this.depositJourney(d, ctx)),
      ...withdrawals.map((w) => this.withdrawalJourney(w)),
    ];
    const found = deposits.length + ops.length + withdrawals.length + batches.length > 0 || batchNumber !== undefined;
    return {
      query: tx,
      kind: "tx" as const,
      found,
      message: found
        ? undefined
        : `transaction ${tx} is not a deposit, credit, L2 op, batch submission or claim known here`,
      deposits,
      ops,
      withdrawals,
      batches,
      batchNumber: batchNumber ?? null,
      journeys,
      unavailable: ctx.unavailable,
    };
  }
}
