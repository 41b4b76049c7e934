/**
 * Crediting L1 deposits on L2, strictly in deposit-id order. Before every send the monitor reads
 * L2 `nextDepositId()`: everything below it is already credited (by us before a crash, or by a
 * credit that landed while we were down) and is only reconciled against the L2 `DepositCredited`
 * log, never sent again. A credit is marked done only when its receipt succeeded and holds a
 * `DepositCredited` event with the same id, recipient, token and amount; anything else is logged
 * as an error and left not done. The monitor is a courier: each credit carries the signatures of at
 * least the threshold of attesters over the whole deposit record (docs/protocol.md section 14).
 */
import {
  type Address,
  decodeEventLog,
  encodeFunctionData,
  getAbiItem,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { assetReceivingAbi } from "../lib/abi.js";
import { AttestationShortfall, type AttestationSource } from "../runtime/attestation-source.js";
import type { SignerClient } from "../runtime/chains.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";
import { describeError, isRetryableRpcError, rpcRetry } from "../runtime/rpc.js";
import { sendTransaction, type TxSenderOptions } from "../runtime/tx.js";
import type { MonitorStore, SeenDeposit, StoredDeposit } from "./store.js";

export interface L2Context {
  l2: PublicClient;
  wallet: SignerClient;
  assetReceiving: Address;
  l2DeployBlock: bigint;
  store: MonitorStore;
  log: Logger;
  signal: AbortSignal;
  metrics: Metrics;
  /** Where the attesters' signatures come from. */
  attestations: AttestationSource;
  /** Receipt polling, replacement timeout and fee cap for L2 transactions. */
  tx: Pick<TxSenderOptions, "stuckAfterMs" | "pollIntervalMs" | "maxFeePerGasCap">;
}

export interface CreditedEvent {
  depositId: bigint;
  recipient: Address;
  tokenId: number;
  amount: bigint;
  opIndex: bigint;
}

const DEPOSIT_CREDITED = getAbiItem({ abi: assetReceivingAbi, name: "DepositCredited" });

/** Why an L2 DepositCredited event does not match the L1 deposit, or undefined when it does (pure). */
export function creditMismatch(e: Omit<CreditedEvent, "opIndex">, d: SeenDeposit): string | undefined {
  const diffs: string[] = [];
  if (e.depositId !== BigInt(d.depositId)) diffs.push(`depositId ${e.depositId} != ${d.depositId}`);
  if (e.recipient.toLowerCase() !== d.recipient.toLowerCase()) diffs.push(`recipient ${e.recipient} != ${d.recipient}`);
  if (e.tokenId !== d.tokenId) diffs.push(`tokenId ${e.tokenId} != ${d.tokenId}`);
  if (e.amount !== d.amount) diffs.push(`amount ${e.amount} != ${d.amount}`);
  return diffs.length ? diffs.join(", ") : undefined;
}

/** The DepositCredited events AssetReceiving emitted in `receipt` (pure). */
export function creditedEventsOf(receipt: TransactionReceipt, assetReceiving: Address): CreditedEvent[] {
  const out: CreditedEvent[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== assetReceiving.toLowerCase()) continue;
    try {
      const e = decodeEventLog({ abi: [DEPOSIT_CREDITED], data: log.data, topics: log.topics, strict: true });
      out.push(e.args);
    } catch {
      // another event of AssetReceiving (OpLogged, Transfer)
    }
  }
  return out;
}

/** Checks the receipt of a creditDeposit for `d` (pure): success and exactly the right event. */
export function checkCreditReceipt(
  receipt: TransactionReceipt,
  assetReceiving: Address,
  d: SeenDeposit,
): { ok: true; opIndex: number } | { ok: false; reason: string } {
  if (receipt.status !== "success") return { ok: false, reason: `transaction ${receipt.transactionHash} reverted` };
  const events = creditedEventsOf(receipt, assetReceiving);
  const mine = events.find((e) => e.depositId === BigInt(d.depositId));
  if (!mine) {
    return {
      ok: false,
      reason: `transaction ${receipt.transactionHash} succeeded without a DepositCredited event for deposit ${d.depositId}`,
    };
  }
  const diff = creditMismatch(mine, d);
  if (diff)
    return { ok: false, reason: `DepositCredited in ${receipt.transactionHash} differs from the L1 deposit: ${diff}` };
  return { ok: true, opIndex: Number(mine.opIndex) };
}

/** Reads the L2 values the credit loop decides on. */
async function readL2(ctx: L2Context) {
  const retry = <T>(what: string, fn: () => Promise<T>) => rpcRetry(what, fn, { log: ctx.log, signal: ctx.signal });
  const read = <T>(functionName: "nextDepositId" | "halted") =>
    retry(`L2 ${functionName}()`, () =>
      ctx.l2.readContract({ address: ctx.assetReceiving, abi: assetReceivingAbi, functionName }),
    ) as Promise<T>;
  const [next, halted] = await Promise.all([read<bigint>("nextDepositId"), read<boolean>("halted")]);
  return { next: Number(next), halted };
}

/**
 * Settles deposits below L2 `nextDepositId` that the store does not know as credited: from the
 * receipt of the credit we sent when there is one, else from the L2 `DepositCredited` log.
 */
export async function reconcileCredited(ctx: L2Context, next: number): Promise<void> {
  const open = ctx.store.unsettledBelow(next);
  if (open.length === 0) return;
  const retry = <T>(what: string, fn: () => Promise<T>) => rpcRetry(what, fn, { log: ctx.log, signal: ctx.signal });
  const rest: StoredDeposit[] = [];
  for (const d of open) {
    if (d.creditTx) {
      const receipt = await retry("eth_getTransactionReceipt", () =>
        ctx.l2.getTransactionReceipt({ hash: d.creditTx as Hex }),
      ).catch(() => undefined);
      const check = receipt ? checkCreditReceipt(receipt, ctx.assetReceiving, d) : undefined;
      if (check?.ok) {
        ctx.store.markCredited(d.depositId, d.creditTx, check.opIndex);
        ctx.log.info("credit sent before a restart confirmed", { depositId: d.depositId, tx: d.creditTx });
        continue;
      }
    }
    rest.push(d);
  }
  for (let i = 0; i < rest.length; i += 100) {
    const chunk = rest.slice(i, i + 100);
    const logs = await retry("eth_getLogs DepositCredited", () =>
      ctx.l2.getLogs({
        address: ctx.assetReceiving,
        event: DEPOSIT_CREDITED,
        args: { depositId: chunk.map((d) => BigInt(d.depositId)) },
        fromBlock: ctx.l2DeployBlock,
        toBlock: "latest",
        strict: true,
      }),
    );
    for (const d of chunk) {
      const log = logs.find((l) => l.args.depositId === BigInt(d.depositId));
      if (!log) {
        ctx.log.warn(
          "L2 nextDepositId says this deposit is credited but no DepositCredited log was found; marking it credited",
          {
            depositId: d.depositId,
          },
        );
        ctx.store.markCredited(d.depositId, null, null);
        continue;
      }
      const diff = creditMismatch(log.args, d);
      if (diff) {
        ctx.log.error("L2 credited this deposit with different values than L1 queued: operator action needed", {
          depositId: d.depositId,
          tx: log.transactionHash,
          diff,
        });
        ctx.store.markFailed(d.depositId, "mismatch", diff, log.transactionHash);
        ctx.metrics.inc("monitor_credit_failures_total", 1, { reason: "mismatch" });
      } else {
        ctx.store.markCredited(d.depositId, log.transactionHash, Number(log.args.opIndex));
        ctx.log.info("deposit already credited on L2: skipped", { depositId: d.depositId, tx: log.transactionHash });
      }
    }
  }
}

export type CreditStop = "caught-up" | "halted" | "unattested" | "reverted" | "mismatch" | "limit" | "aborted";

/** The attesters' signatures of deposit `d`, or undefined (logged as an error) when fewer than M signed. */
async function attestDeposit(ctx: L2Context, d: SeenDeposit): Promise<Hex | undefined> {
  const { recipient, tokenId, amount, depositor, timestamp } = d;
  try {
    const attested = await ctx.attestations.deposit(BigInt(d.depositId), {
      recipient,
      tokenId,
      amount,
      depositor,
      timestamp,
    });
    return attested.signatures;
  } catch (error) {
    if (!(error instanceof AttestationShortfall)) throw error;
    ctx.log.error("deposit not attested by enough attesters: not sent, will retry", {
      depositId: d.depositId,
      reason: error.message,
    });
    ctx.metrics.inc("monitor_credit_failures_total", 1, { reason: "attestation" });
    return undefined;
  }
}

/** Credits deposits in order until caught up, stopped, or `max` credits were sent. */
export async function creditDeposits(
  ctx: L2Context,
  max = 100,
): Promise<{ credited: number; stop: CreditStop; next: number }> {
  const { store, log, metrics } = ctx;
  let credited = 0;
  let next = -1;
  for (let round = 0; round < max; round++) {
    if (ctx.signal.aborted) return { credited, stop: "aborted", next };
    const l2 = await readL2(ctx);
    next = l2.next;
    metrics.set("monitor_l2_next_deposit_id", next);
    await reconcileCredited(ctx, next);
    if (l2.halted) return { credited, stop: "halted", next };
    const d = store.deposit(next);
    if (!d) return { credited, stop: "caught-up", next };
    const signatures = await attestDeposit(ctx, d);
    if (!signatures) return { credited, stop: "unattested", next };
    const record = {
      recipient: d.recipient,
      tokenId: d.tokenId,
      amount: d.amount,
      depositor: d.depositor,
      timestamp: d.timestamp,
    };
    const args = [BigInt(d.depositId), record, signatures] as const;
    const dlog = log.child({ depositId: d.depositId });
    try {
      await rpcRetry(
        "simulate creditDeposit",
        () =>
          ctx.l2.simulateContract({
            account: ctx.wallet.account,
            address: ctx.assetReceiving,
            abi: assetReceivingAbi,
            functionName: "creditDeposit",
            args,
            blockTag: "latest",
          }),
        { log: dlog, signal: ctx.signal },
      );
    } catch (error) {
      if (isRetryableRpcError(error) || ctx.signal.aborted) throw error;
      const reason = describeError(error);
      dlog.error("creditDeposit would revert on L2: not sent, will retry", {
        reason,
        recipient: d.recipient,
        amount: d.amount,
      });
      store.markFailed(d.depositId, "failed", `simulation: ${reason}`);
      metrics.inc("monitor_credit_failures_total", 1, { reason: "simulation" });
      return { credited, stop: "reverted", next };
    }
    const data = encodeFunctionData({ abi: assetReceivingAbi, functionName: "creditDeposit", args });
    const sent = await sendTransaction(
      { client: ctx.l2, wallet: ctx.wallet, log: dlog, signal: ctx.signal, ...ctx.tx },
      { to: ctx.assetReceiving, data, what: `creditDeposit ${d.depositId}`, abi: assetReceivingAbi },
      { onSent: (hash) => store.markSent(d.depositId, hash) },
    );
    if (sent.kind === "nonceTaken") continue; // re-read nextDepositId: the other transaction may have been our credit
    const check = checkCreditReceipt(sent.receipt, ctx.assetReceiving, d);
    if (!check.ok) {
      const reverted = sent.receipt.status !== "success";
      dlog.error(
        reverted
          ? "credit reverted on L2: not marked done"
          : "L2 credit does not match the L1 deposit: not marked done",
        { tx: sent.hash, reason: sent.revertReason ? `${check.reason}: ${sent.revertReason}` : check.reason },
      );
      store.markFailed(d.depositId, reverted ? "failed" : "mismatch", check.reason, sent.hash);
      metrics.inc("monitor_credit_failures_total", 1, { reason: reverted ? "reverted" : "mismatch" });
      return { credited, stop: reverted ? "reverted" : "mismatch", next };
    }
    store.markCredited(d.depositId, sent.hash, check.opIndex);
    credited += 1;
    metrics.inc("monitor_credits_total");
    dlog.info("deposit credited on L2", {
      tx: sent.hash,
      opIndex: check.opIndex,
      recipient: d.recipient,
      tokenId: d.tokenId,
      amount: d.amount,
      gasUsed: sent.receipt.gasUsed,
    });
  }
  return { credited, stop: "limit", next };
}
