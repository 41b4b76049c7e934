/**
 * The L1 queue records a batch consumes (deposits and forced withdrawal requests, one id sequence),
 * read from `DepositQueued` / `WithdrawalRequestQueued` logs by their indexed id (the sender never
 * trusts another service's copy of them). Ids are queued in block order, so the search starts at the
 * block of the last record used before.
 */
import type { Address, PublicClient } from "viem";
import type { QueueRequest } from "../lib/protocol.js";
import { fetchQueueLogs, type QueuedRequest } from "../runtime/l1-queue.js";
import type { Logger } from "../runtime/log.js";
import { describeError, isRangeRefused, isRetryableRpcError, rpcRetry } from "../runtime/rpc.js";

export interface QueueLookup {
  client: PublicClient;
  assetStorage: Address;
  /** Search from this block (the AssetStorage deploy block, or the block of an earlier record). */
  fromBlock: bigint;
  /** Blocks per eth_getLogs call when the node refuses one call over the whole range. */
  blockRange: number;
  log: Logger;
  signal: AbortSignal;
}

/** Queue requests `firstId .. firstId + count - 1`, in id order, and the block of the last one. */
export async function fetchQueueRequests(
  ctx: QueueLookup,
  firstId: number,
  count: number,
): Promise<{ requests: QueueRequest[]; lastBlock: bigint }> {
  if (count === 0) return { requests: [], lastBlock: ctx.fromBlock };
  const ids = Array.from({ length: count }, (_, i) => BigInt(firstId + i));
  const retry = <T>(what: string, fn: () => Promise<T>) => rpcRetry(what, fn, { log: ctx.log, signal: ctx.signal });
  const head = await retry("eth_blockNumber", () => ctx.client.getBlockNumber({ cacheTime: 0 }));
  const query = (fromBlock: bigint, toBlock: bigint) =>
    rpcRetry(
      `eth_getLogs DepositQueued/WithdrawalRequestQueued ${fromBlock}-${toBlock}`,
      () => fetchQueueLogs(ctx.client, ctx.assetStorage, fromBlock, toBlock, ids),
      { log: ctx.log, signal: ctx.signal, retryable: (e) => isRetryableRpcError(e) && !isRangeRefused(e) },
    );
  let logs: QueuedRequest[];
  try {
    logs = await query(ctx.fromBlock, head);
  } catch (error) {
    if (!isRangeRefused(error)) throw error;
    // The node caps the block range of eth_getLogs: walk it in chunks instead.
    ctx.log.warn("eth_getLogs over the whole range failed; scanning in chunks", { error: describeError(error) });
    logs = [];
    const step = BigInt(Math.max(1, ctx.blockRange));
    for (let from = ctx.fromBlock; from <= head && logs.length < count; from += step) {
      const to = from + step - 1n < head ? from + step - 1n : head;
      logs.push(...(await query(from, to)));
    }
  }
  const requests: QueueRequest[] = [];
  let lastBlock = ctx.fromBlock;
  for (const id of ids) {
    const l = logs.find((x) => x.request.id === id);
    if (!l) {
      throw new Error(
        `DepositQueued or WithdrawalRequestQueued for queue request ${id} not found on L1 (blocks ${ctx.fromBlock}-${head}, AssetStorage ${ctx.assetStorage}); ` +
          "check L1_RPC_URL and deployBlock in the deployment file",
      );
    }
    requests.push(l.request);
    if (l.blockNumber > lastBlock) lastBlock = l.blockNumber;
  }
  return { requests, lastBlock };
}
