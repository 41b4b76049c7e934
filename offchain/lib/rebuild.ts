/**
 * The state tree rebuilt from L1 data alone (docs/protocol.md section 15): the op data every batch
 * posts in `BatchOps` is replayed, batch after batch, into the same `BridgeState` the extractor
 * keeps (with the same slot rules), each batch's op chain checked against its `BatchVerified.newOpChain`
 * and the final root against the last `BatchVerified.newRoot`. Pure: the L1 logs
 * are read by offchain/runtime/l1-history.ts.
 */

import { getAddress, type Hex } from "viem";
import { BridgeError } from "./errors.js";
import { bigIntToAddress } from "./field.js";
import { type DepositRecord, decodeOps, leafHash, type Op, type QueueRequest } from "./protocol.js";
import { BridgeState } from "./state.js";
import { rootFromPath } from "./tree.js";

/** One proven batch as L1 logged it: its `BatchVerified` and its `BatchOps` (absent when the log is missing). */
export interface PostedBatch {
  batchNumber: bigint;
  newRoot: bigint;
  newOpChain: bigint;
  processedDeposits: bigint;
  firstOpIndex?: bigint;
  ops?: Hex;
}

/** The L1 data does not give the proven state (a missing, tampered or misordered log). */
export class RebuildError extends BridgeError {
  override name = "RebuildError";
  constructor(
    message: string,
    readonly batchNumber?: bigint,
  ) {
    super(message);
  }
}

const OP_NAMES: Record<Op["kind"], string> = { 1: "credit", 2: "transfer", 3: "withdrawal", 4: "forced withdrawal" };

/** "op 12 (transfer of 5 of token 1 from 0x.. to 0x..)" */
export function describeOp(index: bigint, op: Op | undefined): string {
  if (!op) return `op ${index} (the batch posts no op)`;
  return `op ${index} (${OP_NAMES[op.kind]} of ${op.amount} of token ${op.tokenId} from ${op.from} to ${op.to})`;
}

function decodeBatchOps(batch: PostedBatch, expectedFirst: bigint): Op[] {
  const n = batch.batchNumber;
  if (batch.ops === undefined || batch.firstOpIndex === undefined) {
    throw new RebuildError(`batch ${n}: L1 has its BatchVerified log but no BatchOps log (the RPC dropped it?)`, n);
  }
  if (batch.firstOpIndex !== expectedFirst) {
    throw new RebuildError(
      `batch ${n}: its BatchOps starts at op ${batch.firstOpIndex}, but the batches before it end at op ${expectedFirst}`,
      n,
    );
  }
  try {
    return decodeOps(batch.ops);
  } catch (error) {
    throw new RebuildError(`batch ${n}: its BatchOps data does not decode: ${(error as Error).message}`, n);
  }
}

/**
 * Replays one batch's posted ops into `state` and checks its op chain against the batch's
 * BatchVerified.newOpChain: equal chains mean the posted ops are exactly the proven ones (Poseidon),
 * whatever the attesters signed. With `checkRoot` it also checks the root after the batch (this reads
 * the tree: slow on long histories, so `rebuildState` does it only to name a bad batch). Throws a
 * RebuildError naming the batch, both values and its first op.
 */
export function replayBatch(state: BridgeState, batch: PostedBatch, checkRoot = false): void {
  const n = batch.batchNumber;
  const first = BigInt(state.opCount);
  const ops = decodeBatchOps(batch, first);
  ops.forEach((op, i) => {
    try {
      state.replay(op);
    } catch (error) {
      throw new RebuildError(
        `batch ${n}: ${describeOp(first + BigInt(i), op)} cannot be applied: ${(error as Error).message}`,
        n,
      );
    }
  });
  if (state.opChain !== batch.newOpChain) {
    throw new RebuildError(
      `batch ${n}: the op data posted on L1 gives op chain ${state.opChain}, but its BatchVerified.newOpChain is ` +
        `${batch.newOpChain} (the posted ops are not the proven ones); first op of the batch: ${describeOp(first, ops[0])}`,
      n,
    );
  }
  if (checkRoot && state.root !== batch.newRoot) {
    throw new RebuildError(
      `batch ${n}: the op data posted on L1 gives root ${state.root}, but its BatchVerified.newRoot is ` +
        `${batch.newRoot} (the batch's slot layout is not section 4's); first op of the batch: ${describeOp(first, ops[0])}`,
      n,
    );
  }
}

export interface RebuildOptions {
  /** Called after each batch is replayed and checked (progress; tests compare states). */
  onBatch?: (batch: PostedBatch, state: BridgeState) => void;
}

/** Replays `batches` from an empty tree of `depth`, checking each batch's number and op chain (and root if asked). */
function replayAll(
  depth: number,
  batches: readonly PostedBatch[],
  checkRoots: boolean,
  o: RebuildOptions,
): BridgeState {
  const state = new BridgeState(depth);
  batches.forEach((batch, i) => {
    if (batch.batchNumber !== BigInt(i)) {
      throw new RebuildError(
        `the L1 logs hold batch ${batch.batchNumber} where batch ${i} belongs (a BatchVerified log is missing or repeated)`,
        batch.batchNumber,
      );
    }
    replayBatch(state, batch, checkRoots);
    o.onBatch?.(batch, state);
  });
  return state;
}

/**
 * The state after every posted batch, batch 0 first, from an empty tree of `depth`. Every batch's op
 * chain is checked as it is replayed, and the root after the last batch against its BatchVerified.newRoot
 * (the tree is built once, in bulk). If that root differs, a second replay checks the root of every
 * batch and names the first batch whose root differs.
 */
export function rebuildState(depth: number, batches: readonly PostedBatch[], o: RebuildOptions = {}): BridgeState {
  const state = replayAll(depth, batches, false, o);
  const last = batches[batches.length - 1];
  if (last !== undefined && state.root !== last.newRoot) replayAll(depth, batches, true, {});
  return state;
}

/** Throws unless the rebuilt state is the one L1 stores (`batchCount()`, `stateRoot()`). */
export function checkRebuilt(state: BridgeState, batches: number, l1: { batchCount: bigint; stateRoot: bigint }): void {
  if (BigInt(batches) !== l1.batchCount) {
    throw new RebuildError(
      `L1 proved ${l1.batchCount} batches but its logs hold ${batches}: the RPC dropped logs, or --from-block is ` +
        "after the AssetStorage deployment",
    );
  }
  if (state.root !== l1.stateRoot) {
    throw new RebuildError(
      `the rebuilt root ${state.root} (after ${batches} batches) is not L1's stateRoot() ${l1.stateRoot}`,
    );
  }
}

/** Everything `AssetStorage.exit` takes for one slot. */
export interface ExitProof {
  slot: number;
  owner: `0x${string}`;
  tokenId: number;
  balance: bigint;
  /** Leaf level first (section 4). */
  siblings: bigint[];
  root: bigint;
}

/** The exits of `owner`'s non-zero slots (every token, or only `tokenId`), each path checked against the root. */
export function exitProofs(state: BridgeState, owner: `0x${string}`, tokenId?: number): ExitProof[] {
  const key = BigInt(owner);
  const root = state.root;
  const proofs: ExitProof[] = [];
  state.accountList().forEach((acc, slot) => {
    if (acc.owner !== key || acc.balance === 0n || (tokenId !== undefined && acc.tokenId !== tokenId)) return;
    const path = state.tree.path(slot);
    const leaf = leafHash(acc.owner, BigInt(acc.tokenId), acc.balance);
    if (path.leaf !== leaf || rootFromPath(leaf, path.siblings, BigInt(slot)) !== root) {
      throw new Error(`internal: the path of slot ${slot} does not lead to the rebuilt root`);
    }
    const o = getAddress(owner);
    proofs.push({ slot, owner: o, tokenId: acc.tokenId, balance: acc.balance, siblings: path.siblings, root });
  });
  return proofs;
}

/** The deposits of `depositor` (optionally of one token) that no proven batch consumed; forced requests are skipped. */
export function unconsumedDeposits(
  queue: readonly QueueRequest[],
  processedDeposits: bigint,
  depositor: `0x${string}`,
  tokenId?: number,
): { id: bigint; record: DepositRecord }[] {
  const who = depositor.toLowerCase();
  return queue.flatMap((q) =>
    q.kind === "deposit" &&
    q.id >= processedDeposits &&
    q.record.depositor.toLowerCase() === who &&
    (tokenId === undefined || q.record.tokenId === tokenId)
      ? [{ id: q.id, record: q.record }]
      : [],
  );
}

/** `exit-data --out`: the rebuilt accounts and root (section 15), big numbers as decimal strings. */
export interface ExitData {
  chainId: number;
  assetStorage: `0x${string}`;
  treeDepth: number;
  batchCount: number;
  stateRoot: string;
  accounts: { slot: number; owner: `0x${string}`; tokenId: number; balance: string }[];
}

export function exitDataOf(
  state: BridgeState,
  meta: { chainId: number; assetStorage: `0x${string}`; batchCount: number },
): ExitData {
  return {
    chainId: meta.chainId,
    assetStorage: getAddress(meta.assetStorage),
    treeDepth: state.depth,
    batchCount: meta.batchCount,
    stateRoot: state.root.toString(),
    accounts: state.accountList().map((a, slot) => ({
      slot,
      owner: bigIntToAddress(a.owner),
      tokenId: a.tokenId,
      balance: a.balance.toString(),
    })),
  };
}

/** Recomputes the root of an `exit-data` file; throws unless it is the file's `stateRoot`. */
export function verifyExitData(data: ExitData): BridgeState {
  data.accounts.forEach((a, i) => {
    if (a.slot !== i)
      throw new RebuildError(`exit data: account ${i} names slot ${a.slot}; slots must be 0, 1, 2, ...`);
  });
  const state = BridgeState.fromJSON({
    version: 1,
    depth: data.treeDepth,
    opCount: 0,
    opChain: "0",
    root: data.stateRoot,
    slots: data.accounts.map((a) => ({ owner: a.owner, tokenId: a.tokenId, balance: a.balance })),
  });
  return state;
}
