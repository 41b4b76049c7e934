/**
 * What a user needs to leave the bridge, read from an L1 RPC alone (docs/protocol.md section 15):
 * every BatchVerified, BatchOps, DepositQueued and WithdrawalRequestQueued log of AssetStorage, in
 * block ranges (halved when the node refuses one as too large), then the state rebuilt from the
 * posted op data (offchain/lib/rebuild.ts) and checked against L1's stateRoot().
 */
import type { Address, PublicClient } from "viem";
import { assetStorageAbi } from "../lib/abi.js";
import type { QueueRequest } from "../lib/protocol.js";
import { checkRebuilt, type PostedBatch, RebuildError, type RebuildOptions, rebuildState } from "../lib/rebuild.js";
import type { BridgeState } from "../lib/state.js";
import { scanBlockRanges } from "./blockranges.js";
import { type LogFields, type Logger, silentLogger } from "./log.js";

type StorageItem = (typeof assetStorageAbi)[number];
const NAMES = ["BatchVerified", "BatchOps", "DepositQueued", "WithdrawalRequestQueued"] as const;
type HistoryEvent = Extract<StorageItem, { type: "event"; name: (typeof NAMES)[number] }>;
const HISTORY_EVENTS = assetStorageAbi.filter(
  (x): x is HistoryEvent => x.type === "event" && (NAMES as readonly string[]).includes(x.name),
);

/** Default blocks per eth_getLogs call: what public RPCs allow. */
export const DEFAULT_BLOCK_RANGE = 2000;

/** A step of a long scan. */
export type HistoryProgress =
  | { kind: "range"; from: bigint; to: bigint; target: bigint; batches: number; requests: number }
  | { kind: "split"; from: bigint; to: bigint; range: bigint };

/** The L1 logs (only the read/getLogs part of a client is used, so tests can pass a fake node). */
export type HistoryClient = Pick<PublicClient, "getLogs" | "getBlockNumber" | "readContract" | "getChainId">;

export interface ReadL1HistoryOptions {
  client: HistoryClient;
  assetStorage: Address;
  /** First block to read (the deployment block; default 0). */
  fromBlock?: bigint;
  /** Last block to read, inclusive. */
  toBlock: bigint;
  /** Blocks per eth_getLogs call at most (default 2,000; halved on a "range too large" answer). */
  blockRange?: number;
  onProgress?: (p: HistoryProgress) => void;
  log?: Logger;
  signal?: AbortSignal;
}

export interface L1History {
  /** Batch order; `ops` and `firstOpIndex` are absent where L1 has no BatchOps log. */
  batches: PostedBatch[];
  /** Queue id order: deposits and forced withdrawal requests. */
  queue: QueueRequest[];
}

/** Forwards blockranges.ts's "halving the block range" warning as a progress step. */
function splitReporter(log: Logger, report?: (p: HistoryProgress) => void): Logger {
  const forward: Logger = {
    ...log,
    warn: (msg: string, f?: LogFields) => {
      log.warn(msg, f);
      if (report && f && typeof f.range === "bigint")
        report({ kind: "split", from: f.from as bigint, to: f.to as bigint, range: f.range });
    },
    child: () => forward,
  };
  return forward;
}

class HistoryBuilder {
  readonly verified = new Map<bigint, PostedBatch>();
  readonly posted = new Map<bigint, { firstOpIndex: bigint; ops: `0x${string}` }>();
  readonly queue = new Map<bigint, QueueRequest>();

  add(log: Awaited<ReturnType<typeof fetchRange>>[number]): void {
    const once = <K, V>(m: Map<K, V>, k: K, v: V, what: string) => {
      if (m.has(k)) throw new RebuildError(`L1 logs hold ${what} twice (a reorged or repeated log)`);
      m.set(k, v);
    };
    switch (log.eventName) {
      case "BatchVerified": {
        const a = log.args;
        once(this.verified, a.batchNumber, { ...a }, `BatchVerified of batch ${a.batchNumber}`);
        break;
      }
      case "BatchOps":
        once(this.posted, log.args.batchNumber, log.args, `BatchOps of batch ${log.args.batchNumber}`);
        break;
      case "DepositQueued": {
        const { depositId, ...record } = log.args;
        once(this.queue, depositId, { kind: "deposit", id: depositId, record }, `request ${depositId}`);
        break;
      }
      case "WithdrawalRequestQueued": {
        const { requestId, ...record } = log.args;
        once(this.queue, requestId, { kind: "withdrawal", id: requestId, record }, `request ${requestId}`);
        break;
      }
    }
  }

  build(): L1History {
    const byKey = <V>(m: Map<bigint, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [n] of this.posted) {
      if (!this.verified.has(n)) throw new RebuildError(`batch ${n}: L1 has its BatchOps log but no BatchVerified`, n);
    }
    const batches = byKey(this.verified).map(([n, b]) => ({ ...b, ...this.posted.get(n) }));
    return { batches, queue: byKey(this.queue).map(([, q]) => q) };
  }
}

function fetchRange(client: HistoryClient, address: Address, fromBlock: bigint, toBlock: bigint) {
  return client.getLogs({ address, events: HISTORY_EVENTS, fromBlock, toBlock, strict: true });
}

/** Reads the batches and the queue of `assetStorage` from `fromBlock` to `toBlock`, range by range. */
export async function readL1History(o: ReadL1HistoryOptions): Promise<L1History> {
  const b = new HistoryBuilder();
  const from = o.fromBlock ?? 0n;
  await scanBlockRanges({
    from,
    to: o.toBlock,
    blockRange: o.blockRange ?? DEFAULT_BLOCK_RANGE,
    fetch: (f, t) => fetchRange(o.client, o.assetStorage, f, t),
    onRange: (f, t, logs) => {
      for (const log of logs) b.add(log);
      o.onProgress?.({
        kind: "range",
        from: f,
        to: t,
        target: o.toBlock,
        batches: b.verified.size,
        requests: b.queue.size,
      });
    },
    log: splitReporter(o.log ?? silentLogger, o.onProgress),
    signal: o.signal ?? new AbortController().signal,
    what: "AssetStorage history",
  });
  return b.build();
}

export interface RebuildFromL1Options extends Omit<ReadL1HistoryOptions, "toBlock"> {
  /** Read L1 as of this block (default: the latest block). */
  toBlock?: bigint;
  onBatch?: RebuildOptions["onBatch"];
}

/** The proven state rebuilt from L1 alone, with what `exit` and `cancelDeposit` need. */
export interface L1Rebuild {
  state: BridgeState;
  chainId: number;
  assetStorage: Address;
  /** The block L1 was read at. */
  block: bigint;
  treeDepth: number;
  batchCount: number;
  stateRoot: bigint;
  processedDeposits: bigint;
  depositCount: bigint;
  exodusMode: boolean;
  history: L1History;
}

async function l1Views(client: HistoryClient, address: Address, blockNumber: bigint) {
  const read = { address, abi: assetStorageAbi, blockNumber } as const;
  const [treeDepth, stateRoot, batchCount, processedDeposits, depositCount, exodusMode, chainId] = await Promise.all([
    client.readContract({ ...read, functionName: "treeDepth" }),
    client.readContract({ ...read, functionName: "stateRoot" }),
    client.readContract({ ...read, functionName: "batchCount" }),
    client.readContract({ ...read, functionName: "processedDeposits" }),
    client.readContract({ ...read, functionName: "depositCount" }),
    client.readContract({ ...read, functionName: "exodusMode" }),
    client.getChainId(),
  ]);
  return { treeDepth, stateRoot, batchCount, processedDeposits, depositCount, exodusMode, chainId };
}

/**
 * Rebuilds the last proven state of `assetStorage` from L1 logs alone: every batch's root checked
 * against its BatchVerified.newRoot, the final root against stateRoot(), all read as of one block.
 * Throws a RebuildError (lib/rebuild.ts) when the L1 data does not give the stored root.
 */
export async function rebuildFromL1(o: RebuildFromL1Options): Promise<L1Rebuild> {
  const block = o.toBlock ?? (await o.client.getBlockNumber());
  const v = await l1Views(o.client, o.assetStorage, block);
  const history = await readL1History({ ...o, toBlock: block });
  const state = rebuildState(v.treeDepth, history.batches, { onBatch: o.onBatch });
  checkRebuilt(state, history.batches.length, v);
  return {
    state,
    chainId: v.chainId,
    assetStorage: o.assetStorage,
    block,
    treeDepth: v.treeDepth,
    batchCount: Number(v.batchCount),
    stateRoot: v.stateRoot,
    processedDeposits: v.processedDeposits,
    depositCount: v.depositCount,
    exodusMode: v.exodusMode,
    history,
  };
}
