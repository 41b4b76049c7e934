/**
 * Relaying the L1 queue to L2, strictly in request-id order: deposits with `creditDeposit`, forced
 * withdrawal requests with `forceWithdrawal` (docs/protocol.md sections 5, 6, 14), one loop over
 * `QueueRequest`. Before every send the monitor reads L2 `nextDepositId()` (one counter for both
 * kinds): everything below it is already served (by us before a crash, or by anyone while we were
 * down) and is only reconciled against the L2 `DepositCredited` / `ForcedWithdrawal` log, never sent
 * again. A request is marked done only when its receipt succeeded and holds the served event with
 * the same id, account and token (and, for a deposit, amount); anything else is logged as an error
 * and left not done. The monitor is a courier: each call carries the signatures of at least the
 * threshold of attesters over the whole request record.
 */
import { type Address, decodeEventLog, getAbiItem, type Hex, type PublicClient, type TransactionReceipt } from "viem";
import { assetReceivingAbi } from "../lib/abi.js";
import type { QueueRequest } from "../lib/protocol.js";
import { AttestationShortfall, type AttestationSource, attestQueueRequest } from "../runtime/attestation-source.js";
import type { SignerClient } from "../runtime/chains.js";
import { queueKindName } from "../runtime/l1-queue.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";
import type { MonitorStore, StoredRequest } from "../runtime/node-db/monitor.js";
import { rpcRetry } from "../runtime/rpc.js";
import { simulateAndSend } from "../runtime/send.js";
import type { TxSenderOptions } from "../runtime/tx.js";

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

/** What L2 logged when it served a queue request (DepositCredited or ForcedWithdrawal). */
export interface ServedEvent {
  kind: QueueRequest["kind"];
  id: bigint;
  /** The recipient of a credit, the owner of a forced withdrawal. */
  account: Address;
  tokenId: number;
  amount: bigint;
  opIndex: bigint;
}

const DEPOSIT_CREDITED = getAbiItem({ abi: assetReceivingAbi, name: "DepositCredited" });
const FORCED_WITHDRAWAL = getAbiItem({ abi: assetReceivingAbi, name: "ForcedWithdrawal" });
const SERVED_EVENTS = [DEPOSIT_CREDITED, FORCED_WITHDRAWAL] as const;

type ServedLog =
  | {
      eventName: "DepositCredited";
      args: { depositId: bigint; recipient: Address; tokenId: number; amount: bigint; opIndex: bigint };
    }
  | {
      eventName: "ForcedWithdrawal";
      args: { requestId: bigint; owner: Address; tokenId: number; amount: bigint; opIndex: bigint };
    };

/** The served event a decoded DepositCredited / ForcedWithdrawal log stands for (pure). */
export function servedEventOf(log: ServedLog): ServedEvent {
  if (log.eventName === "DepositCredited") {
    const { depositId, recipient, tokenId, amount, opIndex } = log.args;
    return { kind: "deposit", id: depositId, account: recipient, tokenId, amount, opIndex };
  }
  const { requestId, owner, tokenId, amount, opIndex } = log.args;
  return { kind: "withdrawal", id: requestId, account: owner, tokenId, amount, opIndex };
}

/** Why what L2 logged does not serve request `q` as L1 queued it, or undefined when it does (pure). */
export function servedMismatch(e: Omit<ServedEvent, "opIndex">, q: QueueRequest): string | undefined {
  const diffs: string[] = [];
  if (e.kind !== q.kind) diffs.push(`L2 served a ${queueKindName(e.kind)}, L1 queued a ${queueKindName(q.kind)}`);
  if (e.id !== q.id) diffs.push(`id ${e.id} != ${q.id}`);
  const account = q.kind === "deposit" ? q.record.recipient : q.record.owner;
  const name = q.kind === "deposit" ? "recipient" : "owner";
  if (e.account.toLowerCase() !== account.toLowerCase()) diffs.push(`${name} ${e.account} != ${account}`);
  if (e.tokenId !== q.record.tokenId) diffs.push(`tokenId ${e.tokenId} != ${q.record.tokenId}`);
  if (q.kind === "deposit" && e.amount !== q.record.amount) diffs.push(`amount ${e.amount} != ${q.record.amount}`);
  return diffs.length ? diffs.join(", ") : undefined;
}

/** The DepositCredited and ForcedWithdrawal events AssetReceiving emitted in `receipt` (pure). */
export function servedEventsOf(receipt: TransactionReceipt, assetReceiving: Address): ServedEvent[] {
  const out: ServedEvent[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== assetReceiving.toLowerCase()) continue;
    try {
      const e = decodeEventLog({ abi: SERVED_EVENTS, data: log.data, topics: log.topics, strict: true });
      out.push(servedEventOf(e as ServedLog));
    } catch {
      // another event of AssetReceiving (OpLogged, Transfer)
    }
  }
  return out;
}

/** Checks the receipt of the call serving `q` (pure): success and exactly the right event. */
export function checkServedReceipt(
  receipt: TransactionReceipt,
  assetReceiving: Address,
  q: QueueRequest,
): { ok: true; opIndex: number; amount: bigint } | { ok: false; reason: string } {
  if (receipt.status !== "success") return { ok: false, reason: `transaction ${receipt.transactionHash} reverted` };
  const mine = servedEventsOf(receipt, assetReceiving).find((e) => e.id === q.id);
  const event = q.kind === "deposit" ? "DepositCredited" : "ForcedWithdrawal";
  if (!mine) {
    return {
      ok: false,
      reason: `transaction ${receipt.transactionHash} succeeded without a ${event} event for ${queueKindName(q.kind)} ${q.id}`,
    };
  }
  const diff = servedMismatch(mine, q);
  if (diff)
    return {
      ok: false,
      reason: `${event} in ${receipt.transactionHash} differs from the L1 ${queueKindName(q.kind)}: ${diff}`,
    };
  return { ok: true, opIndex: Number(mine.opIndex), amount: mine.amount };
}

/** Reads the L2 values the relay loop decides on. */
async function readL2(ctx: L2Context) {
  const retry = <T>(what: string, fn: () => Promise<T>) => rpcRetry(what, fn, { log: ctx.log, signal: ctx.signal });
  const read = <T>(functionName: "nextDepositId" | "halted") =>
    retry(`L2 ${functionName}()`, () =>
      ctx.l2.readContract({ address: ctx.assetReceiving, abi: assetReceivingAbi, functionName }),
    ) as Promise<T>;
  const [next, halted] = await Promise.all([read<bigint>("nextDepositId"), read<boolean>("halted")]);
  return { next: Number(next), halted };
}

/** The served events of requests `ids` in the L2 log (both kinds: one getLogs per event, filtered by id). */
async function servedLogs(ctx: L2Context, ids: readonly bigint[]): Promise<(ServedEvent & { tx: Hex | null })[]> {
  const retry = <T>(what: string, fn: () => Promise<T>) => rpcRetry(what, fn, { log: ctx.log, signal: ctx.signal });
  const range = {
    address: ctx.assetReceiving,
    fromBlock: ctx.l2DeployBlock,
    toBlock: "latest" as const,
    strict: true as const,
  };
  const [credited, forced] = await Promise.all([
    retry("eth_getLogs DepositCredited", () =>
      ctx.l2.getLogs({ ...range, event: DEPOSIT_CREDITED, args: { depositId: [...ids] } }),
    ),
    retry("eth_getLogs ForcedWithdrawal", () =>
      ctx.l2.getLogs({ ...range, event: FORCED_WITHDRAWAL, args: { requestId: [...ids] } }),
    ),
  ]);
  return [...credited, ...forced].map((l) => ({ ...servedEventOf(l as ServedLog), tx: l.transactionHash }));
}

/**
 * Settles requests below L2 `nextDepositId` that the store does not know as served: from the
 * receipt of the call we sent when there is one, else from the L2 DepositCredited / ForcedWithdrawal log.
 */
export async function reconcileServed(ctx: L2Context, next: number): Promise<void> {
  const open = ctx.store.unsettledBelow(next);
  if (open.length === 0) return;
  const retry = <T>(what: string, fn: () => Promise<T>) => rpcRetry(what, fn, { log: ctx.log, signal: ctx.signal });
  const rest: StoredRequest[] = [];
  for (const q of open) {
    if (q.relayTx) {
      const receipt = await retry("eth_getTransactionReceipt", () =>
        ctx.l2.getTransactionReceipt({ hash: q.relayTx as Hex }),
      ).catch(() => undefined);
      const check = receipt ? checkServedReceipt(receipt, ctx.assetReceiving, q) : undefined;
      if (check?.ok) {
        ctx.store.markCredited(Number(q.id), q.relayTx, check.opIndex, Date.now(), check.amount);
        ctx.log.info("relay sent before a restart confirmed", { requestId: q.id, kind: q.kind, tx: q.relayTx });
        continue;
      }
    }
    rest.push(q);
  }
  for (let i = 0; i < rest.length; i += 100) {
    const chunk = rest.slice(i, i + 100);
    const logs = await servedLogs(
      ctx,
      chunk.map((q) => q.id),
    );
    for (const q of chunk)
      settleFromLog(
        ctx,
        q,
        logs.find((l) => l.id === q.id),
      );
  }
}

function settleFromLog(ctx: L2Context, q: StoredRequest, log: (ServedEvent & { tx: Hex | null }) | undefined): void {
  const id = Number(q.id);
  const fields = { requestId: q.id, kind: q.kind };
  if (!log) {
    ctx.log.warn(
      "L2 nextDepositId says this request is served but no served event was found; marking it served",
      fields,
    );
    ctx.store.markCredited(id, null, null);
    return;
  }
  const diff = servedMismatch(log, q);
  if (diff) {
    ctx.log.error("L2 served this request with different values than L1 queued: operator action needed", {
      ...fields,
      tx: log.tx,
      diff,
    });
    ctx.store.markFailed(id, "mismatch", diff, log.tx);
    ctx.metrics.inc("monitor_credit_failures_total", 1, { reason: "mismatch" });
  } else {
    ctx.store.markCredited(id, log.tx, Number(log.opIndex), Date.now(), log.amount);
    ctx.log.info("request already served on L2: skipped", { ...fields, tx: log.tx });
  }
}

export type CreditStop = "caught-up" | "halted" | "unattested" | "reverted" | "mismatch" | "limit" | "aborted";

/** The attesters' signatures of request `q`, or undefined (logged as an error) when fewer than M signed. */
async function attest(ctx: L2Context, q: StoredRequest): Promise<Hex | undefined> {
  try {
    return (await attestQueueRequest(ctx.attestations, q)).signatures;
  } catch (error) {
    if (!(error instanceof AttestationShortfall)) throw error;
    ctx.log.error(`${queueKindName(q.kind)} not attested by enough attesters: not sent, will retry`, {
      requestId: q.id,
      kind: q.kind,
      reason: error.message,
    });
    ctx.metrics.inc("monitor_credit_failures_total", 1, { reason: "attestation" });
    return undefined;
  }
}

/** The L2 call that serves `q`: creditDeposit for a deposit, forceWithdrawal for a forced withdrawal request. */
function relayCall(q: QueueRequest, signatures: Hex) {
  return q.kind === "deposit"
    ? ({ functionName: "creditDeposit", args: [q.id, q.record, signatures] } as const)
    : ({ functionName: "forceWithdrawal", args: [q.id, q.record, signatures] } as const);
}

/** Relays queue requests in id order until caught up, stopped, or `max` were sent. */
export async function relayQueue(
  ctx: L2Context,
  max = 100,
): Promise<{ credited: number; stop: CreditStop; next: number }> {
  let credited = 0;
  let next = -1;
  for (let round = 0; round < max; round++) {
    if (ctx.signal.aborted) return { credited, stop: "aborted", next };
    const l2 = await readL2(ctx);
    next = l2.next;
    ctx.metrics.set("monitor_l2_next_deposit_id", next);
    await reconcileServed(ctx, next);
    if (l2.halted) return { credited, stop: "halted", next };
    const q = ctx.store.request(next);
    if (!q) return { credited, stop: "caught-up", next };
    const outcome = await relayOne(ctx, q);
    if (outcome === "again") continue;
    if (outcome !== "served") return { credited, stop: outcome, next };
    credited += 1;
  }
  return { credited, stop: "limit", next };
}

/** Attests, simulates, sends and checks the call serving `q`. */
async function relayOne(ctx: L2Context, q: StoredRequest): Promise<"served" | "again" | CreditStop> {
  const { store, metrics } = ctx;
  const id = Number(q.id);
  const signatures = await attest(ctx, q);
  if (!signatures) return "unattested";
  const call = relayCall(q, signatures);
  const qlog = ctx.log.child(q.kind === "deposit" ? { depositId: id } : { requestId: id, kind: q.kind });
  const sent = await simulateAndSend(
    {
      client: ctx.l2,
      wallet: ctx.wallet,
      log: qlog,
      signal: ctx.signal,
      ...ctx.tx,
      what: `${call.functionName} ${id}`,
      hooks: { onSent: (hash) => store.markSent(id, hash) },
    },
    { address: ctx.assetReceiving, abi: assetReceivingAbi, ...call },
  );
  if (sent.kind === "wouldRevert") {
    qlog.error(`${call.functionName} would revert on L2: not sent, will retry`, {
      reason: sent.reason,
      record: q.record,
    });
    store.markFailed(id, "failed", `simulation: ${sent.reason}`);
    metrics.inc("monitor_credit_failures_total", 1, { reason: "simulation" });
    return "reverted";
  }
  if (sent.kind === "nonceTaken") return "again"; // re-read nextDepositId: the other transaction may have been ours
  const check = checkServedReceipt(sent.receipt, ctx.assetReceiving, q);
  if (!check.ok) {
    const reverted = sent.receipt.status !== "success";
    const what = q.kind === "deposit" ? "credit" : "forced withdrawal";
    qlog.error(
      reverted
        ? `${what} reverted on L2: not marked done`
        : `L2 ${what} does not match the L1 ${q.kind === "deposit" ? "deposit" : "request"}: not marked done`,
      { tx: sent.hash, reason: sent.kind === "reverted" ? `${check.reason}: ${sent.reason}` : check.reason },
    );
    store.markFailed(id, reverted ? "failed" : "mismatch", check.reason, sent.hash);
    metrics.inc("monitor_credit_failures_total", 1, { reason: reverted ? "reverted" : "mismatch" });
    return reverted ? "reverted" : "mismatch";
  }
  store.markCredited(id, sent.hash, check.opIndex, Date.now(), check.amount);
  metrics.inc("monitor_credits_total");
  qlog.info(q.kind === "deposit" ? "deposit credited on L2" : "forced withdrawal served on L2", {
    tx: sent.hash,
    opIndex: check.opIndex,
    ...q.record,
    ...(q.kind === "withdrawal" ? { amount: check.amount } : {}),
    gasUsed: sent.receipt.gasUsed,
  });
  return "served";
}
