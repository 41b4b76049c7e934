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
import { BridgeError } from "../lib/errors.js";
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
export class TxWouldRevertError extends BridgeError {
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

type Retry = <T>(what: string, fn: () => Promise<T>) => Promise<T>;
type Found = { receipt: TransactionReceipt; hash: Hex };
type Sign = NonNullable<SignerClient["account"]["signTransaction"]>;

/**
 * Sends `req` and waits until one of its versions is mined (any status: the caller checks it), or
 * until the nonce is taken by a transaction it did not send. Reverts during gas estimation are
 * thrown (not retried); transient RPC errors are retried; an abort rejects.
 */
export async function sendTransaction(o: TxSenderOptions, req: TxRequest, hooks: SendHooks = {}): Promise<SendResult> {
  const log = o.log.child({ what: req.what });
  const account = o.wallet.account;
  if (account.type !== "local" || !account.signTransaction) {
    throw new Error("sendTransaction needs a local account (a private key from the environment)");
  }
  const bumpPercent = o.bumpPercent ?? 25;
  if (bumpPercent < 10) throw new Error("bumpPercent must be at least 10: nodes refuse smaller replacements");
  const retry: Retry = (what, fn) => rpcRetry(what, fn, { log, signal: o.signal });
  const start = await claimNonce(o, log, retry);
  if ("kind" in start) return start;
  const gas = await estimateGas(o, req, retry);
  const fees = capFees(o, log, await startFees(o, retry, start.ownPending, bumpPercent));
  const sign = account.signTransaction;
  return new Attempt(o, req, hooks, log, retry, { ...start, gas, fees, bumpPercent, sign }).run();
}

interface NonceStart {
  nonce: number;
  /** A transaction of ours with this nonce was pending from before a restart. */
  replacing: boolean;
  /** Its fees, when the node told them (txpool_content). */
  ownPending?: Fees;
}

const minedCount = (o: TxSenderOptions, retry: Retry) =>
  retry("eth_getTransactionCount", () =>
    o.client.getTransactionCount({ address: o.wallet.account.address, blockTag: "latest" }),
  );

/** The nonce to use (the mined count); a pending transaction of ours from before is given its chance first. */
async function claimNonce(o: TxSenderOptions, log: Logger, retry: Retry): Promise<NonceStart | SendResult> {
  const address = o.wallet.account.address;
  const nonce = await minedCount(o, retry);
  const pendingCount = await retry("eth_getTransactionCount pending", () =>
    o.client.getTransactionCount({ address, blockTag: "pending" }),
  );
  if (pendingCount <= nonce) return { nonce, replacing: false };
  // Ours from before a restart: give it its chance, then outbid it.
  const found = await findPendingTx(o.client, address, nonce);
  log.warn("own transaction pending from before: replacing it after the timeout", {
    nonce,
    tx: found?.hash ?? "unknown (the node has no txpool_content)",
    waitMs: o.stuckAfterMs,
  });
  const until = Date.now() + o.stuckAfterMs;
  while (Date.now() < until) {
    if ((await minedCount(o, retry)) > nonce) {
      log.info("the pending transaction was mined; re-checking chain state", { nonce, tx: found?.hash });
      return { kind: "nonceTaken", nonce };
    }
    await sleep(o.pollIntervalMs, o.signal);
  }
  return { nonce, replacing: true, ...(found ? { ownPending: found.fees } : {}) };
}

/** The gas limit: the estimate against `latest` plus the margin; a revert throws TxWouldRevertError. */
async function estimateGas(o: TxSenderOptions, req: TxRequest, retry: Retry): Promise<bigint> {
  let estimate: bigint;
  try {
    estimate = await retry("eth_estimateGas", () =>
      o.client.estimateGas({
        account: o.wallet.account.address,
        to: req.to,
        data: req.data,
        value: req.value ?? 0n,
        blockTag: "latest",
      }),
    );
  } catch (error) {
    if (isRevert(error) || !isRetryableRpcError(error))
      throw new TxWouldRevertError(req.what, describeError(error, req.abi), { cause: error });
    throw error;
  }
  return (estimate * BigInt(100 + (o.gasMarginPercent ?? 25))) / 100n;
}

async function freshFees(o: TxSenderOptions, retry: Retry): Promise<Fees> {
  const f = await retry("fees", () => o.client.estimateFeesPerGas());
  return { maxFeePerGas: f.maxFeePerGas, maxPriorityFeePerGas: f.maxPriorityFeePerGas };
}

/** The network's fees, above our own pending transaction's when replacing it. */
async function startFees(o: TxSenderOptions, retry: Retry, ownPending: Fees | undefined, bumpPercent: number) {
  const fees = await freshFees(o, retry);
  return ownPending ? bump(ownPending, bumpPercent, fees) : fees;
}

/** `fees`, lowered to MAX_FEE_PER_GAS when above it. */
function capFees(o: TxSenderOptions, log: Logger, fees: Fees): Fees {
  const cap = o.maxFeePerGasCap;
  if (cap === undefined || fees.maxFeePerGas <= cap) return fees;
  log.warn("network fee above the cap: offering the cap", { maxFeePerGas: fees.maxFeePerGas, cap });
  return { maxFeePerGas: cap, maxPriorityFeePerGas: minOf(fees.maxPriorityFeePerGas, cap) };
}

/** One nonce's broadcasts (the first and its replacements) and the wait for any of them to be mined. */
class Attempt {
  private readonly hashes: Hex[] = [];
  private replacements: number;
  private underpricedInARow = 0;
  private fees: Fees;
  private readonly nonce: number;

  constructor(
    private readonly o: TxSenderOptions,
    private readonly req: TxRequest,
    private readonly hooks: SendHooks,
    private readonly log: Logger,
    private readonly retry: Retry,
    private readonly start: NonceStart & { gas: bigint; fees: Fees; bumpPercent: number; sign: Sign },
  ) {
    this.nonce = start.nonce;
    this.fees = start.fees;
    this.replacements = start.replacing ? 1 : 0;
  }

  async run(): Promise<SendResult> {
    for (;;) {
      const sent = await this.broadcast();
      if (sent === "again") continue;
      if (sent !== "sent") return sent;
      const waited = await this.wait();
      if (waited !== "replace") return waited;
    }
  }

  /** Signs and broadcasts with the current fees: "sent", "again" (fees raised), or the result. */
  private async broadcast(): Promise<"sent" | "again" | SendResult> {
    const { o, req, nonce, fees } = this;
    const serialized = await this.start.sign({
      type: "eip1559",
      chainId: o.wallet.chain.id,
      nonce,
      to: req.to,
      data: req.data,
      value: req.value ?? 0n,
      gas: this.start.gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    try {
      await rpcRetry(
        "eth_sendRawTransaction",
        () => o.client.sendRawTransaction({ serializedTransaction: serialized }),
        {
          log: this.log,
          signal: o.signal,
          // the node's answers about this nonce are decisions, not hiccups
          retryable: (e) => isRetryableRpcError(e) && !isUnderpriced(e) && !isNonceTooLow(e) && !isAlreadyKnown(e),
        },
      );
      this.underpricedInARow = 0;
    } catch (error) {
      // "already known": the node has it, same as accepted
      if (!isAlreadyKnown(error)) return this.refused(error);
    }
    this.accepted(keccak256(serialized));
    return "sent";
  }

  /** A broadcast the node refused: outbid it when underpriced, stop when the nonce is used, else throw. */
  private async refused(error: unknown): Promise<"again" | SendResult> {
    const { req, nonce, o } = this;
    if (!isUnderpriced(error)) {
      if (!isNonceTooLow(error)) throw error;
      const found = await this.findReceipt();
      if (found) return this.mined(found);
      this.log.warn("nonce already used by another transaction; re-checking chain state", { nonce });
      return { kind: "nonceTaken", nonce };
    }
    // A transaction of ours with this nonce (sent before a restart) pays more: outbid it.
    if (++this.underpricedInARow > 20)
      throw new Error(`${req.what}: replacement still underpriced after 20 bumps`, { cause: error });
    const next = bump(this.fees, this.start.bumpPercent, this.fees);
    if (o.maxFeePerGasCap !== undefined && next.maxFeePerGas > o.maxFeePerGasCap) {
      throw new Error(
        `${req.what}: a pending transaction with nonce ${nonce} pays more than MAX_FEE_PER_GAS allows; raise the cap or wait for it`,
        { cause: error },
      );
    }
    this.log.warn("replacement underpriced: raising fees", { nonce, maxFeePerGas: next.maxFeePerGas });
    this.fees = next;
    return "again";
  }

  private accepted(hash: Hex): void {
    this.hashes.push(hash);
    this.hooks.onSent?.(hash, this.nonce);
    this.log.info(this.replacements === 0 ? "transaction sent" : "replacement sent", {
      tx: hash,
      nonce: this.nonce,
      maxFeePerGas: this.fees.maxFeePerGas,
      maxPriorityFeePerGas: this.fees.maxPriorityFeePerGas,
      replacements: this.replacements,
    });
  }

  /** Waits for a receipt of any version: the result, or "replace" (fees raised) when stuck. */
  private async wait(): Promise<"replace" | SendResult> {
    const sentAt = Date.now();
    let waitFrom = sentAt;
    for (;;) {
      const found = await this.findReceipt();
      if (found) {
        this.log.info("transaction mined", {
          tx: found.hash,
          status: found.receipt.status,
          block: found.receipt.blockNumber,
          gasUsed: found.receipt.gasUsed,
        });
        return this.mined(found);
      }
      if (Date.now() - waitFrom >= this.o.stuckAfterMs) {
        const stuck = await this.stuck(sentAt);
        if (stuck !== "wait") return stuck;
        waitFrom = Date.now();
      }
      await sleep(this.o.pollIntervalMs, this.o.signal);
    }
  }

  /** No receipt after stuckAfterMs: the result if the nonce got used, "replace" (fees bumped), or "wait" at the cap. */
  private async stuck(sentAt: number): Promise<"replace" | "wait" | SendResult> {
    const { o, nonce } = this;
    if ((await minedCount(o, this.retry)) > nonce) {
      const again = await this.findReceipt();
      if (again) return this.mined(again);
      this.log.warn("nonce used by a transaction we did not track; re-checking chain state", { nonce });
      return { kind: "nonceTaken", nonce };
    }
    const next = bump(this.fees, this.start.bumpPercent, await freshFees(o, this.retry));
    if (o.maxFeePerGasCap !== undefined && next.maxFeePerGas > o.maxFeePerGasCap) {
      this.log.warn("transaction stuck but the next bump would pass the fee cap; still waiting", {
        nonce,
        maxFeePerGas: this.fees.maxFeePerGas,
        cap: o.maxFeePerGasCap,
        waitedMs: Date.now() - sentAt,
      });
      return "wait";
    }
    this.log.warn("transaction stuck: replacing it with higher fees", { nonce, waitedMs: Date.now() - sentAt });
    this.fees = next;
    this.replacements += 1;
    return "replace";
  }

  private async findReceipt(): Promise<Found | undefined> {
    for (const hash of this.hashes) {
      try {
        const receipt = await this.o.client.getTransactionReceipt({ hash });
        return { receipt, hash };
      } catch (error) {
        if (error instanceof TransactionReceiptNotFoundError) continue;
        if (!isRetryableRpcError(error)) throw error;
        this.log.warn("receipt lookup failed; will look again", { tx: hash, error: describeError(error) });
      }
    }
    return undefined;
  }

  private async mined(found: Found): Promise<SendResult> {
    const revert =
      found.receipt.status === "success" ? {} : { revertReason: await replayRevert(this.o, this.req, found.receipt) };
    return { kind: "mined", ...found, nonce: this.nonce, replacements: this.replacements, ...revert };
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
