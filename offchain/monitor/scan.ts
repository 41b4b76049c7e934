/**
 * Following AssetStorage on L1: the queue (`DepositQueued`, `WithdrawalRequestQueued`), `TokenDocked`
 * and `ExodusActivated` logs from the
 * checkpoint up to the confirmed head, one block range per eth_getLogs call, each range stored with
 * the checkpoint in one transaction. A range the node refuses as too large is halved.
 */
import { type Address, getAbiItem, type Log, type PublicClient } from "viem";
import { assetStorageAbi } from "../lib/abi.js";
import { QUEUE_EVENTS, queueRequestOf } from "../runtime/l1-queue.js";
import type { Logger } from "../runtime/log.js";
import type { DockedToken, ExodusState, MonitorStore, SeenRequest } from "../runtime/node-db/monitor.js";
import { describeError, isRangeRefused, isRetryableRpcError, rpcRetry } from "../runtime/rpc.js";

export const L1_EVENTS = [
  ...QUEUE_EVENTS,
  getAbiItem({ abi: assetStorageAbi, name: "TokenDocked" }),
  getAbiItem({ abi: assetStorageAbi, name: "ExodusActivated" }),
] as const;

/** What one batch of L1 logs means for the monitor. */
export interface L1Findings {
  /** Queue requests of both kinds, in chain order. */
  requests: SeenRequest[];
  tokens: DockedToken[];
  exodus?: Omit<ExodusState, "relayed" | "tx">;
}

type DecodedLog = Log<bigint, number, false, undefined, true, typeof L1_EVENTS>;

/** Turns decoded logs (in chain order) into queue requests, docked tokens and the exodus flag (pure). */
export function interpretL1Logs(logs: readonly DecodedLog[]): L1Findings {
  const out: L1Findings = { requests: [], tokens: [] };
  for (const log of logs) {
    if (log.blockNumber === null || log.transactionHash === null) continue; // pending logs are never asked for
    switch (log.eventName) {
      case "DepositQueued":
      case "WithdrawalRequestQueued":
        out.requests.push({ ...queueRequestOf(log), l1Block: log.blockNumber, l1Tx: log.transactionHash });
        break;
      case "TokenDocked":
        out.tokens.push({ tokenId: log.args.tokenId, token: log.args.token, l1Block: log.blockNumber });
        break;
      case "ExodusActivated":
        out.exodus ??= {
          oldestDepositId: Number(log.args.oldestDepositId),
          timestamp: log.args.timestamp.toString(),
          l1Block: log.blockNumber.toString(),
        };
        break;
    }
  }
  return out;
}

/** The last block with `confirmations` confirmations (1 = the head itself), or -1 when none is. */
export function confirmedHead(head: bigint, confirmations: number): bigint {
  return head - BigInt(Math.max(1, confirmations) - 1);
}

export interface ScanContext {
  l1: PublicClient;
  assetStorage: Address;
  deployBlock: bigint;
  confirmations: number;
  blockRange: number;
  store: MonitorStore;
  log: Logger;
  signal: AbortSignal;
}

export interface ScanResult {
  head: bigint;
  /** Last block scanned after this call (deployBlock - 1 when nothing is confirmed yet). */
  scannedTo: bigint;
  /** Queue requests found (both kinds). */
  requests: number;
  tokens: number;
  exodus: boolean;
}

/** Scans from the checkpoint to the confirmed head (or until aborted). */
export async function scanL1(ctx: ScanContext): Promise<ScanResult> {
  const { l1, store, log, signal } = ctx;
  const retry = <T>(what: string, fn: () => Promise<T>) => rpcRetry(what, fn, { log, signal });
  const head = await retry("eth_blockNumber", () => l1.getBlockNumber({ cacheTime: 0 }));
  const target = confirmedHead(head, ctx.confirmations);
  let from = (store.lastScannedBlock() ?? ctx.deployBlock - 1n) + 1n;
  let range = BigInt(Math.max(1, ctx.blockRange));
  const result: ScanResult = { head, scannedTo: from - 1n, requests: 0, tokens: 0, exodus: false };
  while (from <= target && !signal.aborted) {
    const to = from + range - 1n < target ? from + range - 1n : target;
    let logs: DecodedLog[];
    try {
      logs = (await rpcRetry(
        `eth_getLogs ${from}-${to}`,
        () => l1.getLogs({ address: ctx.assetStorage, events: L1_EVENTS, fromBlock: from, toBlock: to, strict: true }),
        { log, signal, retryable: (e) => isRetryableRpcError(e) && !isRangeRefused(e) },
      )) as DecodedLog[];
    } catch (error) {
      if (range > 1n && isRangeRefused(error)) {
        range = range / 2n;
        log.warn("eth_getLogs failed: halving the block range", { from, to, range, error: describeError(error) });
        continue;
      }
      throw error;
    }
    const found = interpretL1Logs(logs);
    store.recordScan(to, found);
    result.scannedTo = to;
    result.requests += found.requests.length;
    result.tokens += found.tokens.length;
    result.exodus ||= found.exodus !== undefined;
    if (found.requests.length || found.tokens.length || found.exodus) {
      log.info("L1 logs stored", {
        from,
        to,
        requests: found.requests.map((q) => `${q.kind} ${q.id}`),
        tokens: found.tokens.map((t) => t.tokenId),
        exodus: found.exodus !== undefined,
      });
    }
    from = to + 1n;
  }
  return result;
}
