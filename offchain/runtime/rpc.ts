/**
 * RPC retry policy shared by the services: which errors are worth retrying (network, timeouts,
 * overloaded or flaky nodes) and which are answers (reverts, bad parameters) that retrying cannot
 * change.
 */
import {
  type Abi,
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  decodeErrorResult,
  ExecutionRevertedError,
  type Hex,
  HttpRequestError,
  InsufficientFundsError,
  InvalidParamsRpcError,
  MethodNotFoundRpcError,
  MethodNotSupportedRpcError,
  RpcError,
  RpcRequestError,
  SocketClosedError,
  TimeoutError,
  WebSocketRequestError,
} from "viem";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import type { Logger } from "./log.js";
import { withRetry } from "./retry.js";

function chainOf(error: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = error;
  for (let i = 0; e !== undefined && e !== null && i < 16; i++) {
    out.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/** True when the error (or one of its causes) is a contract revert. */
export function isRevert(error: unknown): boolean {
  return chainOf(error).some(
    (e) =>
      e instanceof ContractFunctionRevertedError ||
      e instanceof ExecutionRevertedError ||
      e instanceof ContractFunctionZeroDataError,
  );
}

/** True for transient RPC failures: HTTP errors, timeouts, and JSON-RPC errors other than reverts and bad requests. */
export function isRetryableRpcError(error: unknown): boolean {
  const chain = chainOf(error);
  if (isRevert(error)) return false;
  if (
    chain.some(
      (e) =>
        e instanceof InvalidParamsRpcError ||
        e instanceof MethodNotFoundRpcError ||
        e instanceof MethodNotSupportedRpcError ||
        e instanceof InsufficientFundsError,
    )
  ) {
    return false;
  }
  // Transport failures and JSON-RPC error answers (overloaded or flaky node) are worth retrying.
  // Anything else (ABI decoding, our own bugs) would fail the same way again.
  return chain.some(
    (e) =>
      e instanceof HttpRequestError ||
      e instanceof TimeoutError ||
      e instanceof RpcRequestError ||
      e instanceof RpcError ||
      e instanceof SocketClosedError ||
      e instanceof WebSocketRequestError,
  );
}

/** True when a node refused an eth_getLogs call for its block range or result size (split it and ask again). */
export function isRangeRefused(error: unknown): boolean {
  return /block range|range too (large|wide)|too many (blocks|results|logs)|limit exceeded|exceeds? (the )?(max|limit)|more than \d+ results|response size|query returned more/i.test(
    `${error instanceof Error ? error.message : ""} ${describeError(error)}`,
  );
}

export interface RpcRetryOptions {
  log: Logger;
  signal: AbortSignal;
  /** Attempts in all (default 5). */
  attempts?: number;
  /** First backoff delay in ms (default 250). */
  baseDelayMs?: number;
  /** Narrows the retry policy (default: isRetryableRpcError). */
  retryable?: (error: unknown) => boolean;
}

/** Runs one RPC action with retries on transient errors; reverts and bad requests are thrown at once. */
export function rpcRetry<T>(what: string, fn: () => Promise<T>, o: RpcRetryOptions): Promise<T> {
  return withRetry(fn, {
    attempts: o.attempts ?? 5,
    baseDelayMs: o.baseDelayMs ?? 250,
    retryable: o.retryable ?? isRetryableRpcError,
    signal: o.signal,
    log: o.log,
    what,
  });
}

/** The ABIs whose custom errors every log line names (the bridge contracts). */
const KNOWN_ERRORS: readonly Abi[] = [assetStorageAbi, assetReceivingAbi];

const formatArgs = (args: readonly unknown[] | undefined) =>
  (args ?? []).map((a) => (typeof a === "bigint" ? a.toString() : JSON.stringify(a))).join(", ");

/** The raw revert data somewhere in the error chain (eth_call / eth_estimateGas answers), if any. */
export function revertData(error: unknown): Hex | undefined {
  for (const e of chainOf(error)) {
    const d = (e as { data?: unknown }).data;
    const hex =
      typeof d === "string"
        ? d
        : typeof (d as { data?: unknown })?.data === "string"
          ? (d as { data: string }).data
          : undefined;
    if (hex && /^0x[0-9a-fA-F]{8}/.test(hex)) return hex as Hex;
  }
  return undefined;
}

/** `Name(args)` for revert data of a known error (`abi` first, then the bridge contracts), else undefined. */
export function decodeRevert(data: Hex, abi?: Abi): string | undefined {
  for (const a of abi ? [abi, ...KNOWN_ERRORS] : KNOWN_ERRORS) {
    try {
      const r = decodeErrorResult({ abi: a, data });
      if (r.errorName === "Error") return `reverted: ${String(r.args?.[0])}`;
      return `reverted with ${r.errorName}(${formatArgs(r.args)})`;
    } catch {
      // not an error of this ABI
    }
  }
  return undefined;
}

/**
 * A one-line description of an error for logs: the revert's error name and args (decoded from raw
 * revert data with `abi` or the bridge contracts' errors when viem did not), else viem's short message.
 */
export function describeError(error: unknown, abi?: Abi): string {
  const revert = chainOf(error).find((e) => e instanceof ContractFunctionRevertedError) as
    | ContractFunctionRevertedError
    | undefined;
  if (revert?.data) return `reverted with ${revert.data.errorName}(${formatArgs(revert.data.args)})`;
  if (revert?.reason) return `reverted: ${revert.reason}`;
  const data = revert?.raw ?? revertData(error);
  const decoded = data && decodeRevert(data, abi);
  if (decoded) return decoded;
  if (data) return `reverted with unknown error data ${data.slice(0, 74)}`;
  if (error instanceof BaseError) return error.shortMessage;
  return error instanceof Error ? error.message : String(error);
}
