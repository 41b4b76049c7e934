/**
 * What the explorer reads from the chains: an L1 and an L2 snapshot (contract views and the head
 * block), cached for a moment so a page that polls several endpoints makes one round of calls, and
 * an incremental in-memory index of the L1 AssetStorage events (deposits, proven batches,
 * withdrawals queued, claims, exodus). A chain that cannot be read is reported with the side
 * ("L1" / "L2") and a message without the RPC URL (it may carry an API key).
 */

import { type AbiEvent, type Address, BaseError, type Hex, http, type PublicClient } from "viem";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import { BridgeError } from "../lib/errors.js";
import { publicClientFor } from "../runtime/chains.js";
import type { Logger } from "../runtime/log.js";
import type { ExplorerConfig } from "./config.js";

export type Side = "L1" | "L2";

/** A chain that could not be read. */
export class ChainUnavailableError extends BridgeError {
  constructor(
    readonly side: Side,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ChainUnavailableError";
  }
}

/** A short reason for an RPC failure, without the URL viem puts in `message`. */
export function rpcReason(side: Side, error: unknown): string {
  if (error instanceof BaseError) {
    const details = error.details && error.details !== error.shortMessage ? ` (${error.details})` : "";
    return `${side} RPC: ${error.shortMessage.replace(/\.$/, "")}${details}`;
  }
  return `${side} RPC: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
}

export interface L1Snapshot {
  blockNumber: bigint;
  blockTimestamp: bigint;
  stateRoot: bigint;
  opChain: bigint;
  batchCount: bigint;
  depositCount: bigint;
  processedDeposits: bigint;
  exodusMode: boolean;
  priorityDeadline: bigint;
  tokenCount: number;
  /** Timestamp of the oldest deposit no batch consumed yet (null when none waits). */
  oldestPendingQueuedAt: bigint | null;
}

export interface L2Snapshot {
  blockNumber: bigint;
  opCount: bigint;
  nextDepositId: bigint;
  halted: boolean;
}

interface EventBase {
  blockNumber: bigint;
  logIndex: number;
  txHash: Hex;
}
export interface DepositEvent extends EventBase {
  depositId: number;
  recipient: Address;
  tokenId: number;
  amount: bigint;
  depositor: Address;
  timestamp: bigint;
}
export interface BatchEvent extends EventBase {
  batchNumber: number;
  newRoot: bigint;
  processedDeposits: bigint;
}
export interface WithdrawalEvent extends EventBase {
  batchNumber: number;
  recipient: Address;
  tokenId: number;
  amount: bigint;
}
export interface ClaimEvent extends EventBase {
  account: Address;
  tokenId: number;
  amount: bigint;
}
export interface ExitEvent extends EventBase {
  kind: "exit" | "cancel";
  account: Address;
  tokenId: number;
  amount: bigint;
  /** Slot (exit) or deposit id (cancel). */
  ref: bigint;
}
export interface TokenEvent extends EventBase {
  tokenId: number;
  token: Address;
}

/** The L1 events the explorer indexes, in chain order. */
export interface L1Events {
  deposits: Map<number, DepositEvent>;
  batches: Map<number, BatchEvent>;
  withdrawals: WithdrawalEvent[];
  claims: ClaimEvent[];
  exits: ExitEvent[];
  tokens: Map<number, TokenEvent>;
  exodus: (EventBase & { oldestDepositId: bigint; timestamp: bigint }) | null;
  /** Last block indexed (null before the first scan). */
  scannedTo: bigint | null;
}

const EVENT_NAMES = [
  "DepositQueued",
  "BatchVerified",
  "WithdrawalQueued",
  "Claimed",
  "Exited",
  "DepositCancelled",
  "TokenDocked",
  "ExodusActivated",
] as const;
const EVENTS = (assetStorageAbi as readonly { type: string; name?: string }[]).filter(
  (i) => i.type === "event" && (EVENT_NAMES as readonly string[]).includes(i.name ?? ""),
) as AbiEvent[];

/** Blocks re-read on every scan so a shallow reorg is corrected. */
const REORG_WINDOW = 12n;
/** eth_getLogs calls per refresh at most (a long history is caught up over several refreshes). */
const MAX_RANGES_PER_REFRESH = 20;

const emptyEvents = (): L1Events => ({
  deposits: new Map(),
  batches: new Map(),
  withdrawals: [],
  claims: [],
  exits: [],
  tokens: new Map(),
  exodus: null,
  scannedTo: null,
});

export const after = (a: EventBase, b: EventBase) =>
  a.blockNumber > b.blockNumber || (a.blockNumber === b.blockNumber && a.logIndex > b.logIndex);

interface Cached<T> {
  at: number;
  value: Promise<T>;
  settled: boolean;
}

export interface ChainReaderOptions {
  config: Pick<
    ExplorerConfig,
    "l1" | "l2" | "assetStorage" | "assetReceiving" | "l1DeployBlock" | "blockRange" | "rpcTimeoutMs"
  >;
  log: Logger;
  /** Clients (tests inject msw-backed ones); default: http with the explorer's timeout and no retries. */
  l1Client?: PublicClient;
  l2Client?: PublicClient;
  /** How long a snapshot is reused (default 750 ms). */
  cacheMs?: number;
  now?: () => number;
}

export class ChainReader {
  readonly l1: PublicClient;
  readonly l2: PublicClient;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private l1Cache: Cached<L1Snapshot> | undefined;
  private l2Cache: Cached<L2Snapshot> | undefined;
  private eventsCache: Cached<L1Events> | undefined;
  private events = emptyEvents();
  private readonly gas = new Map<string, bigint | null>();

  constructor(private readonly opts: ChainReaderOptions) {
    const { config } = opts;
    const transport = (url: string) => http(url, { retryCount: 0, timeout: config.rpcTimeoutMs });
    this.l1 = opts.l1Client ?? publicClientFor(config.l1, transport(config.l1.rpcUrl));
    this.l2 = opts.l2Client ?? publicClientFor(config.l2, transport(config.l2.rpcUrl));
    this.cacheMs = opts.cacheMs ?? 750;
    this.now = opts.now ?? Date.now;
  }

  private cached<T>(slot: Cached<T> | undefined, load: () => Promise<T>, store: (c: Cached<T>) => void): Promise<T> {
    const now = this.now();
    // A read still in flight is shared (never two scans at once), a settled one reused for cacheMs.
    if (slot && (!slot.settled || now - slot.at < this.cacheMs)) return slot.value;
    const entry: Cached<T> = { at: now, value: load(), settled: false };
    store(entry);
    entry.value.then(
      () => {
        entry.settled = true;
      },
      () => {
        entry.settled = true;
        entry.at = 0; // a failure is not reused: the next call tries again
      },
    );
    return entry.value;
  }

  l1Snapshot(): Promise<L1Snapshot> {
    return this.cached(
      this.l1Cache,
      () => this.readL1(),
      (c) => (this.l1Cache = c),
    );
  }

  l2Snapshot(): Promise<L2Snapshot> {
    return this.cached(
      this.l2Cache,
      () => this.readL2(),
      (c) => (this.l2Cache = c),
    );
  }

  /** The L1 event index, brought up to the head (at most once per cache period). */
  l1Events(): Promise<L1Events> {
    return this.cached(
      this.eventsCache,
      () => this.scanL1(),
      (c) => (this.eventsCache = c),
    );
  }

  private wrap<T>(side: Side, p: Promise<T>): Promise<T> {
    return p.catch((error) => {
      throw error instanceof ChainUnavailableError
        ? error
        : new ChainUnavailableError(side, rpcReason(side, error), { cause: error });
    });
  }

  private readStorage<T>(functionName: string, args: readonly unknown[] = []): Promise<T> {
    return this.l1.readContract({
      address: this.opts.config.assetStorage,
      abi: assetStorageAbi,
      functionName,
      args,
    } as never) as Promise<T>;
  }

  private readL1(): Promise<L1Snapshot> {
    return this.wrap(
      "L1",
      (async () => {
        const block = await this.l1.getBlock({ blockTag: "latest" });
        const at = { blockNumber: block.number };
        const r = <T>(fn: string, args: readonly unknown[] = []) =>
          this.l1.readContract({
            address: this.opts.config.assetStorage,
            abi: assetStorageAbi,
            functionName: fn,
            args,
            ...at,
          } as never) as Promise<T>;
        const [
          stateRoot,
          opChain,
          batchCount,
          depositCount,
          processedDeposits,
          exodusMode,
          priorityDeadline,
          tokenCount,
        ] = await Promise.all([
          r<bigint>("stateRoot"),
          r<bigint>("opChain"),
          r<bigint>("batchCount"),
          r<bigint>("depositCount"),
          r<bigint>("processedDeposits"),
          r<boolean>("exodusMode"),
          r<bigint>("priorityDeadline"),
          r<number>("tokenCount"),
        ]);
        const oldestPendingQueuedAt =
          processedDeposits < depositCount ? await r<bigint>("requestTimestamp", [processedDeposits]) : null;
        return {
          blockNumber: block.number,
          blockTimestamp: block.timestamp,
          stateRoot,
          opChain,
          batchCount,
          depositCount,
          processedDeposits,
          exodusMode,
          priorityDeadline,
          tokenCount: Number(tokenCount),
          oldestPendingQueuedAt,
        };
      })(),
    );
  }

  private readL2(): Promise<L2Snapshot> {
    return this.wrap(
      "L2",
      (async () => {
        const blockNumber = await this.l2.getBlockNumber({ cacheTime: 0 });
        const r = <T>(functionName: "opCount" | "nextDepositId" | "halted") =>
          this.l2.readContract({
            address: this.opts.config.assetReceiving,
            abi: assetReceivingAbi,
            functionName,
            blockNumber,
          }) as Promise<T>;
        const [opCount, nextDepositId, halted] = await Promise.all([
          r<bigint>("opCount"),
          r<bigint>("nextDepositId"),
          r<boolean>("halted"),
        ]);
        return { blockNumber, opCount, nextDepositId, halted };
      })(),
    );
  }

  private scanL1(): Promise<L1Events> {
    return this.wrap(
      "L1",
      (async () => {
        const head = await this.l1.getBlockNumber({ cacheTime: 0 });
        const e = this.events;
        const deployBlock = this.opts.config.l1DeployBlock;
        let from = e.scannedTo === null ? deployBlock : e.scannedTo + 1n - REORG_WINDOW;
        if (from < deployBlock) from = deployBlock;
        if (e.scannedTo !== null) dropFrom(e, from);
        const range = BigInt(this.opts.config.blockRange);
        for (let i = 0; i < MAX_RANGES_PER_REFRESH && from <= head; i++) {
          const to = from + range - 1n < head ? from + range - 1n : head;
          const logs = await this.l1.getLogs({
            address: this.opts.config.assetStorage,
            events: EVENTS,
            fromBlock: from,
            toBlock: to,
            strict: true,
          });
          for (const log of logs) addLog(e, log as unknown as DecodedLog);
          e.scannedTo = to;
          from = to + 1n;
        }
        return e;
      })(),
    );
  }

  /** Gas used by an L1 transaction (cached; null when the node has no receipt). */
  async gasUsed(tx: Hex): Promise<bigint | null> {
    if (this.gas.has(tx)) return this.gas.get(tx) ?? null;
    try {
      const receipt = await this.l1.getTransactionReceipt({ hash: tx });
      this.gas.set(tx, receipt.gasUsed);
      return receipt.gasUsed;
    } catch {
      return null; // not cached: maybe the node answers next time
    }
  }

  /** `pendingWithdrawals(account, tokenId)` of each pair, read at one block. */
  pendingWithdrawals(pairs: readonly { account: Address; tokenId: number }[]): Promise<bigint[]> {
    return this.wrap(
      "L1",
      Promise.all(pairs.map((p) => this.readStorage<bigint>("pendingWithdrawals", [p.account, p.tokenId]))),
    );
  }

  /** L2 balances of `account` for token ids 0 .. tokenCount-1, with the part held by business contracts. */
  l2Balances(account: Address, tokenCount: number): Promise<{ amount: bigint; held: bigint }[]> {
    const read = (functionName: "balanceOf" | "heldBalanceOf", id: number) =>
      this.l2.readContract({
        address: this.opts.config.assetReceiving,
        abi: assetReceivingAbi,
        functionName,
        args: [account, BigInt(id)],
      });
    return this.wrap(
      "L2",
      Promise.all(
        Array.from({ length: tokenCount }, async (_, id) => {
          const [amount, held] = await Promise.all([read("balanceOf", id), read("heldBalanceOf", id)]);
          return { amount, held };
        }),
      ),
    );
  }
}

interface DecodedLog {
  eventName: (typeof EVENT_NAMES)[number];
  args: Record<string, unknown>;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
}

function addLog(e: L1Events, log: DecodedLog): void {
  const base: EventBase = { blockNumber: log.blockNumber, logIndex: log.logIndex, txHash: log.transactionHash };
  const a = log.args;
  switch (log.eventName) {
    case "DepositQueued":
      e.deposits.set(Number(a.depositId), {
        ...base,
        depositId: Number(a.depositId),
        recipient: a.recipient as Address,
        tokenId: Number(a.tokenId),
        amount: a.amount as bigint,
        depositor: a.depositor as Address,
        timestamp: a.timestamp as bigint,
      });
      break;
    case "BatchVerified":
      e.batches.set(Number(a.batchNumber), {
        ...base,
        batchNumber: Number(a.batchNumber),
        newRoot: a.newRoot as bigint,
        processedDeposits: a.processedDeposits as bigint,
      });
      break;
    case "WithdrawalQueued":
      e.withdrawals.push({
        ...base,
        batchNumber: Number(a.batchNumber),
        recipient: a.recipient as Address,
        tokenId: Number(a.tokenId),
        amount: a.amount as bigint,
      });
      break;
    case "Claimed":
      e.claims.push({ ...base, account: a.account as Address, tokenId: Number(a.tokenId), amount: a.amount as bigint });
      break;
    case "Exited":
      e.exits.push({
        ...base,
        kind: "exit",
        account: a.owner as Address,
        tokenId: Number(a.tokenId),
        amount: a.balance as bigint,
        ref: a.slot as bigint,
      });
      break;
    case "DepositCancelled":
      e.exits.push({
        ...base,
        kind: "cancel",
        account: a.depositor as Address,
        tokenId: Number(a.tokenId),
        amount: a.amount as bigint,
        ref: a.depositId as bigint,
      });
      break;
    case "TokenDocked":
      e.tokens.set(Number(a.tokenId), { ...base, tokenId: Number(a.tokenId), token: a.token as Address });
      break;
    case "ExodusActivated":
      e.exodus = { ...base, oldestDepositId: a.oldestDepositId as bigint, timestamp: a.timestamp as bigint };
      break;
  }
}

/** Forgets every event at or after `block` (they are read again). */
function dropFrom(e: L1Events, block: bigint): void {
  const keep = (x: EventBase) => x.blockNumber < block;
  for (const m of [e.deposits, e.batches, e.tokens] as Map<number, EventBase>[]) {
    for (const [k, v] of m) if (!keep(v)) m.delete(k);
  }
  e.withdrawals = e.withdrawals.filter(keep);
  e.claims = e.claims.filter(keep);
  e.exits = e.exits.filter(keep);
  if (e.exodus && !keep(e.exodus)) e.exodus = null;
}
