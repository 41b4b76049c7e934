/**
 * Following both chains up to their confirmed blocks (docs/protocol.md section 14.3):
 * - L2 `OpLogged`: every op's keccak head recomputed and compared with the event's, the ledger's
 *   `opCount()`/`opHead()` compared with the rebuilt log at the end of every range, and the
 *   Poseidon op chain (section 7) computed after each op;
 * - L1 `DepositQueued` and `WithdrawalRequestQueued`: one queue, request ids contiguous from 0,
 *   each record stored with its kind.
 * A mismatch throws a FollowHalt: the attester stops following that chain and refuses what
 * depends on it until an operator looks.
 */

import type { Address, Hex, PublicClient } from "viem";
import { BridgeError } from "../lib/errors.js";
import { checkStoredHead, OpLogError, verifyOpLog } from "../lib/oplog.js";
import { nextOpChain } from "../lib/protocol.js";
import { scanBlockRanges } from "../runtime/blockranges.js";
import { fetchQueueLogs, queueKindName } from "../runtime/l1-queue.js";
import type { Logger } from "../runtime/log.js";
import { blockHash, fetchOpLogEvents, readStoredOpLog } from "../runtime/oplog.js";
import { rpcRetry } from "../runtime/rpc.js";
import type { AttesterStore, FollowedOp, FollowedRequest, L1Cursor, L2Cursor } from "./store.js";

/** The chain can no longer be followed without an operator (mismatch, gap, reorg). */
export class FollowHalt extends BridgeError {
  override name = "FollowHalt";
  constructor(
    readonly chain: "L1" | "L2",
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

export interface FollowContext {
  client: PublicClient;
  address: Address;
  confirmations: number;
  blockRange: number;
  store: AttesterStore;
  log: Logger;
  signal: AbortSignal;
}

/** The newest block with `confirmations` blocks on top (0 = the head), or null before it exists. */
export async function confirmedBlock(
  ctx: Pick<FollowContext, "client" | "confirmations" | "log" | "signal">,
): Promise<bigint | null> {
  const head = await rpcRetry("eth_blockNumber", () => ctx.client.getBlockNumber({ cacheTime: 0 }), ctx);
  const block = head - BigInt(ctx.confirmations);
  return block >= 0n ? block : null;
}

/** Throws FollowHalt when the last followed block is no longer canonical (a reorg deeper than CONFIRMATIONS). */
async function checkNoReorg(
  ctx: FollowContext,
  chain: "L1" | "L2",
  cursor: { nextBlock: bigint; lastBlockHash: Hex | null },
): Promise<void> {
  if (cursor.lastBlockHash === null) return;
  const last = cursor.nextBlock - 1n;
  const hash = await rpcRetry(`block ${last}`, () => blockHash(ctx.client, last), ctx);
  if (hash.toLowerCase() !== cursor.lastBlockHash.toLowerCase()) {
    throw new FollowHalt(
      chain,
      `${chain} block ${last} changed from ${cursor.lastBlockHash} to ${hash} after it was followed: a reorg deeper than CONFIRMATIONS; raise CONFIRMATIONS and start from an empty ATTESTER_DATA_DIR`,
    );
  }
}

/**
 * Follows `chain` from the stored cursor up to `target`: the reorg check, then the logs in block ranges,
 * each range committed by `apply` (which returns the cursor after it). Resolves with the new cursor.
 */
async function follow<C extends { nextBlock: bigint; lastBlockHash: Hex | null }, E>(
  ctx: FollowContext,
  f: {
    chain: "L1" | "L2";
    cursor: C;
    target: bigint;
    what: string;
    fetch: (from: bigint, to: bigint) => Promise<E[]>;
    apply: (cursor: C, to: bigint, events: E[]) => Promise<C>;
  },
): Promise<C> {
  let cursor = f.cursor;
  if (cursor.nextBlock > f.target) return cursor;
  await checkNoReorg(ctx, f.chain, cursor);
  await scanBlockRanges({
    from: cursor.nextBlock,
    to: f.target,
    blockRange: ctx.blockRange,
    fetch: f.fetch,
    onRange: async (_from, to, events) => {
      cursor = await f.apply(cursor, to, events);
    },
    log: ctx.log,
    signal: ctx.signal,
    what: f.what,
  });
  return cursor;
}

/** Follows L2 OpLogged up to `target`; resolves with the new cursor. */
export function followL2(ctx: FollowContext, target: bigint): Promise<L2Cursor> {
  return follow(ctx, {
    chain: "L2",
    cursor: ctx.store.l2Cursor(),
    target,
    what: "OpLogged",
    fetch: (from, to) => fetchOpLogEvents(ctx.client, ctx.address, from, to),
    apply: (cursor, to, events) => applyL2Range(ctx, cursor, to, events),
  });
}

async function applyL2Range(
  ctx: FollowContext,
  cursor: L2Cursor,
  to: bigint,
  events: Awaited<ReturnType<typeof fetchOpLogEvents>>,
): Promise<L2Cursor> {
  const stored = await rpcRetry(
    `opCount/opHead at L2 block ${to}`,
    () => readStoredOpLog(ctx.client, ctx.address, to),
    ctx,
  );
  let verified: ReturnType<typeof verifyOpLog>;
  try {
    verified = verifyOpLog({ nextIndex: cursor.opCount, head: cursor.opHead }, events);
    checkStoredHead(verified.cursor, stored);
  } catch (error) {
    if (error instanceof OpLogError) throw new FollowHalt("L2", error.message, { cause: error });
    throw error;
  }
  let chain = cursor.opChain;
  const ops: FollowedOp[] = verified.ops.map((e) => {
    chain = nextOpChain(chain, e.op);
    return { opIndex: e.opIndex, op: e.op, head: e.head, opChain: chain, blockNumber: e.blockNumber };
  });
  const hash = await rpcRetry(`block ${to}`, () => blockHash(ctx.client, to), ctx);
  const next: L2Cursor = {
    nextBlock: to + 1n,
    opCount: verified.cursor.nextIndex,
    opHead: verified.cursor.head,
    opChain: chain,
    lastBlockHash: hash,
  };
  ctx.store.commitL2(ops, next);
  if (ops.length)
    ctx.log.info("L2 ops followed", { toBlock: to, ops: ops.length, opCount: next.opCount, opHead: next.opHead });
  return next;
}

/** Follows the L1 queue (DepositQueued and WithdrawalRequestQueued, one id sequence) up to `target`. */
export function followL1(ctx: FollowContext, target: bigint): Promise<L1Cursor> {
  return follow(ctx, {
    chain: "L1",
    cursor: ctx.store.l1Cursor(),
    target,
    what: "DepositQueued/WithdrawalRequestQueued",
    fetch: (from, to) => fetchQueueLogs(ctx.client, ctx.address, from, to),
    apply: (cursor, to, logs) => applyL1Range(ctx, cursor, to, logs),
  });
}

async function applyL1Range(
  ctx: FollowContext,
  cursor: L1Cursor,
  to: bigint,
  logs: Awaited<ReturnType<typeof fetchQueueLogs>>,
): Promise<L1Cursor> {
  const requests: FollowedRequest[] = logs.map((l, i) => {
    if (l.request.id !== BigInt(cursor.requestCount + i)) {
      throw new FollowHalt(
        "L1",
        `queue request ids jump: expected request ${cursor.requestCount + i}, L1 logs give ${queueKindName(l.request.kind)} ${l.request.id} (block ${l.blockNumber}); check the L1 RPC and deployBlock`,
      );
    }
    return { ...l.request, blockNumber: l.blockNumber };
  });
  const hash = await rpcRetry(`block ${to}`, () => blockHash(ctx.client, to), ctx);
  const next: L1Cursor = {
    nextBlock: to + 1n,
    requestCount: cursor.requestCount + requests.length,
    lastBlockHash: hash,
  };
  ctx.store.commitL1(requests, next);
  if (requests.length)
    ctx.log.info("L1 queue requests followed", {
      toBlock: to,
      requests: requests.map((r) => `${r.kind} ${r.id}`),
    });
  return next;
}
