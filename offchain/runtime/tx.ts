/**
 * Sending one transaction until it is mined, for the services that write to a chain (monitor on
 * L2, sender on L1). The nonce is the account's *mined* count, so after a crash a transaction of
 * ours still in the mempool is replaced rather than queued behind: when the pending count is
 * higher, our own transaction with that nonce (found in `txpool_content` when the node offers it)
 * is given `stuckAfterMs` to be mined; if it is, the result is `nonceTaken` (the caller re-reads
 * chain state), else it is replaced with the same nonce and fees above its own. Gas is estimated
 * against `latest`, never `pending`: in the pending block our own transaction may already have done
 * the work, and the estimate would revert. Reverts are thrown as TxWouldRevertError, and a mined
 * revert carries `revertReason`, both decoded to the error's name (`req.abi`, then the bridge
 * contracts' errors), never a raw selector. A transaction without a receipt
 * after `stuckAfterMs` is re-signed with the same nonce and fees raised by `bumpPercent` (nodes
 * need at least 10 %), up to `maxFeePerGasCap`. Every hash sent is watched, since any of them may be
 * the one mined. If the nonce gets used by a transaction that is not ours to track (one sent
 * before a crash), the result is `nonceTaken` and the caller re-reads chain state before deciding
 * anything: that is what makes the services idempotent.
 */
import {
  type Abi,
  type Address,
  type Hex,
  keccak256,
  type PublicClient,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from "viem";
import type { SignerClient } from "./chains.js";
import type { Logger } from "./log.js";
import { sleep } from "./retry.js";
import { describeError, isRetryableRpcError, isRevert, rpcRetry } from "./rpc.js";

export interface TxSenderOptions {
  client: PublicClient;
  wallet: SignerClient;
  log: Logger;
  signal: AbortSignal;
  /** Re-sign with higher fees when there is no receipt after this long (ms). */
  stuckAfterMs: number;
  /** How often to look for the receipt (ms). */
  pollIntervalMs: number;
  /** Fee increase per replacement, in percent (default 25; nodes require at least 10). */
  bumpPercent?: number;
  /** Never offer more than this maxFeePerGas (wei); a stuck transaction then just waits. */
  maxFeePerGasCap?: bigint;
  /** Gas limit = estimate * (100 + gasMarginPercent) / 100 (default 25). */
  gasMarginPercent?: number;
}

export interface TxRequest {
  to: Address;
  data: Hex;
  value?: bigint;
  /** What this is, for logs ("creditDeposit 7"). */
  what: string;
  /** The target's ABI, to name its custom errors in revert messages (the bridge contracts' are known anyway). */
  abi?: Abi;
}

export type SendResult =
  | {
      kind: "mined";
      receipt: TransactionReceipt;
      hash: Hex;
      nonce: number;
      replacements: number;
      /** For a reverted receipt: the error, replayed at its block and decoded ("reverted with Name(args)"). */
      revertReason?: string;
    }
  | { kind: "nonceTaken"; nonce: number };

/** The transaction reverts in the latest state (estimation): not sent. */
export class TxWouldRevertError extends Error {
  constructor(
    readonly what: string,
    readonly reason: string,
    options: { cause: unknown },
  ) {
    super(`${what} would revert: ${reason}`, options);
    this.name = "TxWouldRevertError";
  }
}

export interface SendHooks {
  /** Called after each accepted broadcast (the first and each replacement), before waiting. */
  onSent?: (hash: Hex, nonce: number) => void;
}

interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

const messageOf = (e: unknown) => `${e instanceof Error ? e.message : String(e)} ${describeError(e)}`.toLowerCase();
const isUnderpriced = (e: unknown) => /underpriced|fee too low|max fee per gas less than/.test(messageOf(e));
const isNonceTooLow = (e: unknown) => /nonce too low|nonce has already been used|nonce is too low/.test(messageOf(e));
const isAlreadyKnown = (e: unknown) => /already known|known transaction|already imported/.test(messageOf(e));

function maxOf(...values: bigint[]): bigint {
  let best = values[0] as bigint;
  for (const v of values) if (v > best) best = v;
  return best;
}
function minOf(...values: bigint[]): bigint {
  let best = values[0] as bigint;
  for (const v of values) if (v < best) best = v;
  return best;
}

function bump(f: Fees, percent: number, fresh: Fees): Fees {
  const up = (v: bigint) => (v * BigInt(100 + percent) + 99n) / 100n;
  const maxPriorityFeePerGas = maxOf(up(f.maxPriorityFeePerGas), fresh.maxPriorityFeePerGas);
  const maxFeePerGas = maxOf(up(f.maxFeePerGas), fresh.maxFeePerGas, maxPriorityFeePerGas);
  return { maxFeePerGas, maxPriorityFeePerGas };
}

/**
 * Sends `req` and waits until one of its versions is mined (any status: the caller checks it), or
 * until the nonce is taken by a transaction it did not send. Reverts during gas estimation are
 * thrown (not retried); transient RPC errors are retried; an abort rejects.
 */
export async function sendTransaction(o: TxSenderOptions, req: TxRequest, hooks: SendHooks = {}): Promise<SendResult> {
  const { client, wallet, signal } = o;
  const log = o.log.child({ tx: req.what });
  const account = wallet.account;
  if (account.type !== "local" || !account.signTransaction) {
    throw new Error("sendTransaction needs a local account (a private key from the environment)");
  }
  const address = account.address;
  const retry = <T>(what: string, fn: () => Promise<T>) => rpcRetry(what, fn, { log, signal });
  const bumpPercent = o.bumpPercent ?? 25;
  if (bumpPercent < 10) throw new Error("bumpPercent must be at least 10: nodes refuse smaller replacements");

  const nonce = await retry("eth_getTransactionCount", () =>
    client.getTransactionCount({ address, blockTag: "latest" }),
  );
  const nonceUsed = async () =>
    (await retry("eth_getTransactionCount", () => client.getTransactionCount({ address, blockTag: "latest" }))) > nonce;
  const pendingCount = await retry("eth_getTransactionCount pending", () =>
    client.getTransactionCount({ address, blockTag: "pending" }),
  );
  let ownPending: Fees | undefined;
  if (pendingCount > nonce) {
    // Ours from before a restart: give it its chance, then outbid it.
    const found = await findPendingTx(client, address, nonce);
    log.warn("own transaction pending from before: replacing it after the timeout", {
      nonce,
      hash: found?.hash ?? "unknown (the node has no txpool_content)",
      waitMs: o.stuckAfterMs,
    });
    const until = Date.now() + o.stuckAfterMs;
    while (Date.now() < until) {
      if (await nonceUsed()) {
        log.info("the pending transaction was mined; re-checking chain state", { nonce, hash: found?.hash });
        return { kind: "nonceTaken", nonce };
      }
      await sleep(o.pollIntervalMs, signal);
    }
    ownPending = found?.fees;
  }
  let estimate: bigint;
  try {
    estimate = await retry("eth_estimateGas", () =>
      client.estimateGas({ account: address, to: req.to, data: req.data, value: req.value ?? 0n, blockTag: "latest" }),
    );
  } catch (error) {
    if (isRevert(error) || !isRetryableRpcError(error))
      throw new TxWouldRevertError(req.what, describeError(error, req.abi), { cause: error });
    throw error;
  }
  const gas = (estimate * BigInt(100 + (o.gasMarginPercent ?? 25))) / 100n;
  const freshFees = async (): Promise<Fees> => {
    const f = await retry("fees", () => client.estimateFeesPerGas());
    return { maxFeePerGas: f.maxFeePerGas, maxPriorityFeePerGas: f.maxPriorityFeePerGas };
  };
  let fees = await freshFees();
  if (ownPending) fees = bump(ownPending, bumpPercent, fees);
  if (o.maxFeePerGasCap !== undefined && fees.maxFeePerGas > o.maxFeePerGasCap) {
    log.warn("network fee above the cap: offering the cap", {
      maxFeePerGas: fees.maxFeePerGas,
      cap: o.maxFeePerGasCap,
    });
    fees = {
      maxFeePerGas: o.maxFeePerGasCap,
      maxPriorityFeePerGas: minOf(fees.maxPriorityFeePerGas, o.maxFeePerGasCap),
    };
  }

  const hashes: Hex[] = [];
  let replacements = pendingCount > nonce ? 1 : 0;
  let underpricedInARow = 0;

  const findReceipt = async (): Promise<{ receipt: TransactionReceipt; hash: Hex } | undefined> => {
    for (const hash of hashes) {
      try {
        const receipt = await client.getTransactionReceipt({ hash });
        return { receipt, hash };
      } catch (error) {
        if (error instanceof TransactionReceiptNotFoundError) continue;
        if (!isRetryableRpcError(error)) throw error;
        log.warn("receipt lookup failed; will look again", { hash, error: describeError(error) });
      }
    }
    return undefined;
  };
  const mined = async (found: { receipt: TransactionReceipt; hash: Hex }): Promise<SendResult> => ({
    kind: "mined",
    ...found,
    nonce,
    replacements,
    ...(found.receipt.status === "success" ? {} : { revertReason: await replayRevert(o, req, found.receipt) }),
  });

  for (;;) {
    // Broadcast (the first time, or a replacement with higher fees).
    const serialized = await account.signTransaction({
      type: "eip1559",
      chainId: wallet.chain.id,
      nonce,
      to: req.to,
      data: req.data,
      value: req.value ?? 0n,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const hash = keccak256(serialized);
    let broadcast = true;
    try {
      await rpcRetry("eth_sendRawTransaction", () => client.sendRawTransaction({ serializedTransaction: serialized }), {
        log,
        signal,
        // the node's answers about this nonce are decisions, not hiccups
        retryable: (e) => isRetryableRpcError(e) && !isUnderpriced(e) && !isNonceTooLow(e) && !isAlreadyKnown(e),
      });
      underpricedInARow = 0;
    } catch (error) {
      if (isAlreadyKnown(error)) {
        // the node has it: same as accepted
      } else if (isUnderpriced(error)) {
        // A transaction of ours with this nonce (sent before a restart) pays more: outbid it.
        broadcast = false;
        if (++underpricedInARow > 20)
          throw new Error(`${req.what}: replacement still underpriced after 20 bumps`, { cause: error });
        const next = bump(fees, bumpPercent, fees);
        if (o.maxFeePerGasCap !== undefined && next.maxFeePerGas > o.maxFeePerGasCap) {
          throw new Error(
            `${req.what}: a pending transaction with nonce ${nonce} pays more than MAX_FEE_PER_GAS allows; raise the cap or wait for it`,
            { cause: error },
          );
        }
        log.warn("replacement underpriced: raising fees", { nonce, maxFeePerGas: next.maxFeePerGas });
        fees = next;
        continue;
      } else if (isNonceTooLow(error)) {
        const found = await findReceipt();
        if (found) return mined(found);
        log.warn("nonce already used by another transaction; re-checking chain state", { nonce });
        return { kind: "nonceTaken", nonce };
      } else {
        throw error;
      }
    }
    if (broadcast) {
      hashes.push(hash);
      hooks.onSent?.(hash, nonce);
      log.info(replacements === 0 ? "transaction sent" : "replacement sent", {
        hash,
        nonce,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
        replacements,
      });
    }

    // Wait for a receipt of any version; replace when stuck.
    const sentAt = Date.now();
    let waitFrom = sentAt;
    for (;;) {
      const found = await findReceipt();
      if (found) {
        log.info("transaction mined", {
          hash: found.hash,
          status: found.receipt.status,
          block: found.receipt.blockNumber,
          gasUsed: found.receipt.gasUsed,
        });
        return mined(found);
      }
      if (Date.now() - waitFrom >= o.stuckAfterMs) {
        if (await nonceUsed()) {
          const again = await findReceipt();
          if (again) return mined(again);
          log.warn("nonce used by a transaction we did not track; re-checking chain state", { nonce });
          return { kind: "nonceTaken", nonce };
        }
        const next = bump(fees, bumpPercent, await freshFees());
        if (o.maxFeePerGasCap !== undefined && next.maxFeePerGas > o.maxFeePerGasCap) {
          log.warn("transaction stuck but the next bump would pass the fee cap; still waiting", {
            nonce,
            maxFeePerGas: fees.maxFeePerGas,
            cap: o.maxFeePerGasCap,
            waitedMs: Date.now() - sentAt,
          });
          waitFrom = Date.now();
        } else {
          log.warn("transaction stuck: replacing it with higher fees", { nonce, waitedMs: Date.now() - sentAt });
          fees = next;
          replacements += 1;
          break;
        }
      }
      await sleep(o.pollIntervalMs, signal);
    }
  }
}

/** Our own transaction with `nonce` in the node's mempool (txpool_content), or undefined when the node does not tell. */
async function findPendingTx(
  client: PublicClient,
  address: Address,
  nonce: number,
): Promise<{ hash: Hex; fees: Fees } | undefined> {
  try {
    const pool = (await client.request({ method: "txpool_content" } as never)) as {
      pending?: Record<
        string,
        Record<string, { hash: Hex; maxFeePerGas?: Hex; maxPriorityFeePerGas?: Hex; gasPrice?: Hex }>
      >;
    };
    const mine = Object.entries(pool.pending ?? {}).find(([a]) => a.toLowerCase() === address.toLowerCase())?.[1];
    const tx = mine?.[String(nonce)];
    if (!tx) return undefined;
    const maxFeePerGas = BigInt(tx.maxFeePerGas ?? tx.gasPrice ?? "0x0");
    return {
      hash: tx.hash,
      fees: { maxFeePerGas, maxPriorityFeePerGas: BigInt(tx.maxPriorityFeePerGas ?? tx.gasPrice ?? "0x0") },
    };
  } catch {
    return undefined; // no txpool API: the node's "underpriced" answers raise the fees instead
  }
}

/** Why a mined transaction reverted: the same call replayed at its block, decoded. */
async function replayRevert(o: TxSenderOptions, req: TxRequest, receipt: TransactionReceipt): Promise<string> {
  try {
    await o.client.call({
      account: o.wallet.account.address,
      to: req.to,
      data: req.data,
      value: req.value ?? 0n,
      blockNumber: receipt.blockNumber - 1n,
    });
    return "reverted (the call succeeds when replayed: out of gas, or state changed within the block)";
  } catch (error) {
    return describeError(error, req.abi);
  }
}
