/**
 * Reads the L2 op log over JSON-RPC (viem), for the extractor and the attester: the confirmed tip, `OpLogged` events of a block range,
 * the stored `opCount()`/`opHead()` at a block and block hashes. Callers retry these through withRetry.
 */
import type { Hex, PublicClient } from "viem";
import { assetReceivingAbi } from "../lib/abi.js";
import type { OpLogEvent, StoredOpLog } from "../lib/oplog.js";
import type { Op } from "../lib/protocol.js";

/**
 * The newest block with at least `confirmations` confirmations (the latest block has one), or
 * null when the chain is not that long yet.
 */
export async function confirmedTip(client: PublicClient, confirmations: number): Promise<bigint | null> {
  const latest = await client.getBlockNumber({ cacheTime: 0 });
  const tip = latest - BigInt(Math.max(confirmations - 1, 0));
  return tip >= 0n ? tip : null;
}

/** `OpLogged` events of AssetReceiving in [fromBlock, toBlock], in log order. */
export async function fetchOpLogEvents(
  client: PublicClient,
  address: Hex,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<OpLogEvent[]> {
  const logs = await client.getContractEvents({
    address,
    abi: assetReceivingAbi,
    eventName: "OpLogged",
    fromBlock,
    toBlock,
    strict: true,
  });
  const events = logs.map((log): OpLogEvent => {
    if (log.blockNumber === null || log.transactionHash === null || log.logIndex === null) {
      throw new Error(`getLogs returned a pending OpLogged log in [${fromBlock}, ${toBlock}]`);
    }
    const a = log.args;
    return {
      opIndex: Number(a.opIndex),
      op: { kind: a.kind as Op["kind"], tokenId: Number(a.tokenId), from: a.from, to: a.to, amount: a.amount },
      head: a.head,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
    };
  });
  // Nodes return logs in order, but nothing in JSON-RPC promises it: sort by position in the chain.
  return events.sort((x, y) =>
    x.blockNumber === y.blockNumber ? x.logIndex - y.logIndex : x.blockNumber < y.blockNumber ? -1 : 1,
  );
}

/** The contract's `opCount()` and `opHead()` in the state after `blockNumber`. */
export async function readStoredOpLog(client: PublicClient, address: Hex, blockNumber: bigint): Promise<StoredOpLog> {
  const [opCount, opHead] = await Promise.all([
    client.readContract({ address, abi: assetReceivingAbi, functionName: "opCount", blockNumber }),
    client.readContract({ address, abi: assetReceivingAbi, functionName: "opHead", blockNumber }),
  ]);
  return { blockNumber, opCount: Number(opCount), opHead };
}

/** The hash of block `blockNumber`. */
export async function blockHash(client: PublicClient, blockNumber: bigint): Promise<Hex> {
  const block = await client.getBlock({ blockNumber });
  if (!block.hash) throw new Error(`block ${blockNumber} has no hash (pending)`);
  return block.hash;
}
