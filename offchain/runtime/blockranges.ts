/**
 * Following a contract's logs in block ranges: from a start block to a target block, at most
 * `blockRange` blocks per eth_getLogs call, halving the range whenever the node refuses it as too
 * large (isRangeRefused), retrying transient failures with the RPC retry policy. Each range's
 * logs are handed to `onRange` before the next is asked for, so the caller stores a range with its
 * checkpoint in one transaction.
 */
import type { Logger } from "./log.js";
import { describeError, isRangeRefused, isRetryableRpcError, rpcRetry } from "./rpc.js";

export interface BlockRangeScan<T> {
  /** First block to read. */
  from: bigint;
  /** Last block to read (inclusive); nothing is read when it is below `from`. */
  to: bigint;
  /** Blocks per call at most (at least 1). */
  blockRange: number;
  /** Reads one range (eth_getLogs). */
  fetch: (from: bigint, to: bigint) => Promise<T>;
  /** Takes one range's result; a throw stops the scan (and is not retried). */
  onRange: (from: bigint, to: bigint, result: T) => void | Promise<void>;
  log: Logger;
  signal: AbortSignal;
  /** What is read, for the logs ("OpLogged", "DepositQueued"). */
  what: string;
}

/** Reads [from, to] range by range; resolves with the last block handed to onRange (from - 1 when none). */
export async function scanBlockRanges<T>(s: BlockRangeScan<T>): Promise<bigint> {
  let from = s.from;
  let range = BigInt(Math.max(1, s.blockRange));
  while (from <= s.to && !s.signal.aborted) {
    const to = from + range - 1n < s.to ? from + range - 1n : s.to;
    let result: T;
    try {
      result = await rpcRetry(`eth_getLogs ${s.what} [${from}, ${to}]`, () => s.fetch(from, to), {
        log: s.log,
        signal: s.signal,
        retryable: (e) => isRetryableRpcError(e) && !isRangeRefused(e),
      });
    } catch (error) {
      if (range > 1n && isRangeRefused(error)) {
        range /= 2n;
        s.log.warn("eth_getLogs refused: halving the block range", {
          what: s.what,
          from,
          to,
          range,
          error: describeError(error),
        });
        continue;
      }
      throw error;
    }
    await s.onRange(from, to, result);
    from = to + 1n;
  }
  return from - 1n;
}
