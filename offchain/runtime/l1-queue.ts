/**
 * The L1 priority queue as its events give it (docs/protocol.md section 5): `DepositQueued` and
 * `WithdrawalRequestQueued` share one id sequence, so a reader takes both events together and gets
 * `QueueRequest`s in id order. Used by the attester (follows the queue), the monitor (relays it)
 * and the sender (the records of a batch's queue slots): one decoder, one comparison.
 */
import { type Address, getAbiItem, type Hex, type PublicClient } from "viem";
import { assetStorageAbi } from "../lib/abi.js";
import { type Op, OpKind, type QueueRequest } from "../lib/protocol.js";

export const DEPOSIT_QUEUED = getAbiItem({ abi: assetStorageAbi, name: "DepositQueued" });
export const WITHDRAWAL_REQUEST_QUEUED = getAbiItem({ abi: assetStorageAbi, name: "WithdrawalRequestQueued" });
/** The two events of the queue, for eth_getLogs `events`. */
export const QUEUE_EVENTS = [DEPOSIT_QUEUED, WITHDRAWAL_REQUEST_QUEUED] as const;

/** A decoded queue event (viem's strict decoding of QUEUE_EVENTS). */
export type QueueLog =
  | {
      eventName: "DepositQueued";
      args: {
        depositId: bigint;
        recipient: Address;
        tokenId: number;
        amount: bigint;
        depositor: Address;
        timestamp: bigint;
      };
    }
  | {
      eventName: "WithdrawalRequestQueued";
      args: { requestId: bigint; owner: Address; tokenId: number; timestamp: bigint };
    };

/** A queue request and where L1 logged it. */
export interface QueuedRequest {
  request: QueueRequest;
  blockNumber: bigint;
  logIndex: number;
  transactionHash: Hex;
}

/** The request a queue event carries (pure). */
export function queueRequestOf(log: QueueLog): QueueRequest {
  if (log.eventName === "DepositQueued") {
    const { depositId, recipient, tokenId, amount, depositor, timestamp } = log.args;
    return { kind: "deposit", id: depositId, record: { recipient, tokenId, amount, depositor, timestamp } };
  }
  const { requestId, owner, tokenId, timestamp } = log.args;
  return { kind: "withdrawal", id: requestId, record: { owner, tokenId, timestamp } };
}

/** What a request's kind is called in messages. */
export const queueKindName = (kind: QueueRequest["kind"]): string =>
  kind === "deposit" ? "deposit" : "forced withdrawal request";

const show = (v: string | number | bigint): string => (typeof v === "string" ? v.toLowerCase() : String(v));

/**
 * The fields where `got` differs from `want`, in record order (pure): `kind` alone when the kinds
 * differ, `id` when the ids do. Addresses compare case-insensitively.
 */
export function queueRequestDiff(
  want: QueueRequest,
  got: QueueRequest,
): { field: string; want: string; got: string }[] {
  if (want.kind !== got.kind) return [{ field: "kind", want: want.kind, got: got.kind }];
  const out: { field: string; want: string; got: string }[] = [];
  if (want.id !== got.id) out.push({ field: "id", want: String(want.id), got: String(got.id) });
  const w = want.record as unknown as Record<string, string | number | bigint>;
  const g = got.record as unknown as Record<string, string | number | bigint>;
  for (const field of Object.keys(w)) {
    const a = w[field] as string | number | bigint;
    const b = g[field] as string | number | bigint;
    if (show(a) !== show(b)) out.push({ field, want: String(a), got: String(b) });
  }
  return out;
}

/** Queue events of `address` in [fromBlock, toBlock], sorted by position in the chain. */
export async function fetchQueueLogs(
  client: PublicClient,
  address: Address,
  fromBlock: bigint,
  toBlock: bigint,
  ids?: readonly bigint[],
): Promise<QueuedRequest[]> {
  const [deposits, requests] = await Promise.all([
    client.getLogs({
      address,
      event: DEPOSIT_QUEUED,
      fromBlock,
      toBlock,
      strict: true,
      ...(ids ? { args: { depositId: [...ids] } } : {}),
    }),
    client.getLogs({
      address,
      event: WITHDRAWAL_REQUEST_QUEUED,
      fromBlock,
      toBlock,
      strict: true,
      ...(ids ? { args: { requestId: [...ids] } } : {}),
    }),
  ]);
  const out = [...deposits, ...requests].map((l): QueuedRequest => {
    if (l.blockNumber === null || l.logIndex === null || l.transactionHash === null)
      throw new Error(`getLogs returned a pending ${l.eventName} log in [${fromBlock}, ${toBlock}]`);
    return {
      request: queueRequestOf(l),
      blockNumber: l.blockNumber,
      logIndex: l.logIndex,
      transactionHash: l.transactionHash,
    };
  });
  return sortByChainPosition(out);
}

/** Sorts by (block, log index): JSON-RPC does not promise the order, nor across two queries. */
export function sortByChainPosition<T extends { blockNumber: bigint; logIndex: number }>(xs: T[]): T[] {
  return xs.sort((x, y) =>
    x.blockNumber === y.blockNumber ? x.logIndex - y.logIndex : x.blockNumber < y.blockNumber ? -1 : 1,
  );
}

/**
 * True for an L2 op that serves an L1 queue request (a credit or a forced withdrawal): each takes one
 * queue slot of its batch, so a batch's first request id is the number of such ops before it.
 */
export const isQueueOp = (op: Pick<Op, "kind">): boolean =>
  op.kind === OpKind.Credit || op.kind === OpKind.ForcedWithdraw;
