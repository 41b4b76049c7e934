/**
 * The L1 deposit records a batch consumes, read from `DepositQueued` logs by their indexed deposit
 * id (the sender never trusts another service's copy of them). Ids are queued in block order, so
 * the search starts at the block of the last record used before.
 */
import { type Address, getAbiItem, type PublicClient } from "viem";
import { assetStorageAbi } from "../lib/abi.js";
import type { DepositRecord } from "../lib/protocol.js";
import type { Logger } from "../runtime/log.js";
import { describeError, isRangeRefused, isRetryableRpcError, rpcRetry } from "../runtime/rpc.js";

const DEPOSIT_QUEUED = getAbiItem({ abi: assetStorageAbi, name: "DepositQueued" });

export interface DepositLookup {
  client: PublicClient;
  assetStorage: Address;
  /** Search from this block (the AssetStorage deploy block, or the block of an earlier record). */
  fromBlock: bigint;
  /** Blocks per eth_getLogs call when the node refuses one call over the whole range. */
  blockRange: number;
  log: Logger;
  signal: AbortSignal;
}

/** Deposit records `firstId .. firstId + count - 1`, in id order, and the block of the last one. */
export async function fetchDepositRecords(
  ctx: DepositLookup,
  firstId: number,
  count: number,
): Promise<{ records: DepositRecord[]; lastBlock: bigint }> {
  if (count === 0) return { records: [], lastBlock: ctx.fromBlock };
  const ids = Array.from({ length: count }, (_, i) => BigInt(firstId + i));
  const retry = <T>(what: string, fn: () => Promise<T>) => rpcRetry(what, fn, { log: ctx.log, signal: ctx.signal });
  const head = await retry("eth_blockNumber", () => ctx.client.getBlockNumber({ cacheTime: 0 }));
  const query = (fromBlock: bigint, toBlock: bigint) =>
    rpcRetry(
      `eth_getLogs DepositQueued ${fromBlock}-${toBlock}`,
      () =>
        ctx.client.getLogs({
          address: ctx.assetStorage,
          event: DEPOSIT_QUEUED,
          args: { depositId: ids },
          fromBlock,
          toBlock,
          strict: true,
        }),
      { log: ctx.log, signal: ctx.signal, retryable: (e) => isRetryableRpcError(e) && !isRangeRefused(e) },
    );
  let logs: Awaited<ReturnType<typeof query>>;
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
  const records: DepositRecord[] = [];
  let lastBlock = ctx.fromBlock;
  for (const id of ids) {
    const l = logs.find((x) => x.args.depositId === id);
    if (!l) {
      throw new Error(
        `DepositQueued for deposit ${id} not found on L1 (blocks ${ctx.fromBlock}-${head}, AssetStorage ${ctx.assetStorage}); ` +
          "check L1_RPC_URL and deployBlock in the deployment file",
      );
    }
    records.push({
      recipient: l.args.recipient,
      tokenId: l.args.tokenId,
      amount: l.args.amount,
      depositor: l.args.depositor,
      timestamp: l.args.timestamp,
    });
    if (l.blockNumber !== null && l.blockNumber > lastBlock) lastBlock = l.blockNumber;
  }
  return { records, lastBlock };
}
