/** The explorer API's withdrawals (through a batch, exit or cancel) and what is claimable on L1. */
import type { Address, Hex } from "viem";
import { after, type L1Events, type L1Snapshot, type WithdrawalEvent } from "./chain.js";
import { type ApiCore, sources, tokenTable } from "./sources.js";
import { type ClaimableView, DEFAULT_LIMIT, lower, settle, type TokenInfo, type WithdrawalView } from "./views.js";

/** Every withdrawal the node or L1 knows, oldest first, with its stage. */
export function withdrawalViews(
  api: ApiCore,
  events: L1Events | null,
  l1: L1Snapshot | null,
  token: (id: number) => TokenInfo,
) {
  const out: WithdrawalView[] = [];
  const claimAfter = (recipient: string, tokenId: number, e: { blockNumber: bigint; logIndex: number; txHash: Hex }) =>
    events?.claims.find((c) => lower(c.account) === lower(recipient) && c.tokenId === tokenId && after(c, { ...e })) ??
    null;
  // WithdrawalQueued logs of each batch, in log order, pair with the batch's withdrawal ops in op order.
  const queuedByBatch = new Map<number, WithdrawalEvent[]>();
  for (const w of events?.withdrawals ?? []) {
    const list = queuedByBatch.get(w.batchNumber) ?? [];
    list.push(w);
    queuedByBatch.set(w.batchNumber, list);
  }
  const seen = new Set<WithdrawalEvent>();
  for (const o of api.tables.withdrawalOpsFrom(0, 10_000)) {
    const batch = api.tables.batchOfOp(o.opIndex);
    let queued: WithdrawalEvent | undefined;
    if (batch) {
      const position = batch.ops.filter((x) => x.kind === 3 && x.opIndex < o.opIndex).length;
      queued = queuedByBatch.get(batch.batchNumber)?.[position];
      if (queued) seen.add(queued);
    }
    const landed = queued !== undefined || (batch && l1 ? batch.batchNumber < l1.batchCount : false);
    const claim = queued ? claimAfter(o.to, o.tokenId, queued) : null;
    out.push({
      source: "batch",
      stage: claim ? "claimed" : landed ? "claimable" : batch ? "batched" : "requested",
      recipient: o.to as Address,
      token: token(o.tokenId),
      amount: BigInt(o.amount),
      opIndex: o.opIndex,
      l2Tx: o.txHash as Hex,
      batch: batch?.batchNumber ?? null,
      l1Tx: queued?.txHash ?? null,
      claimTx: claim?.txHash ?? null,
    });
  }
  for (const w of events?.withdrawals ?? []) {
    if (seen.has(w)) continue;
    const claim = claimAfter(w.recipient, w.tokenId, w);
    out.push({
      source: "batch",
      stage: claim ? "claimed" : "claimable",
      recipient: w.recipient,
      token: token(w.tokenId),
      amount: w.amount,
      opIndex: null,
      l2Tx: null,
      batch: w.batchNumber,
      l1Tx: w.txHash,
      claimTx: claim?.txHash ?? null,
    });
  }
  for (const x of events?.exits ?? []) {
    const claim = claimAfter(x.account, x.tokenId, x);
    out.push({
      source: x.kind,
      stage: claim ? "claimed" : "claimable",
      recipient: x.account,
      token: token(x.tokenId),
      amount: x.amount,
      opIndex: null,
      l2Tx: null,
      batch: null,
      l1Tx: x.txHash,
      claimTx: claim?.txHash ?? null,
    });
  }
  return out;
}

/** pendingWithdrawals of every (account, token) with an unclaimed entry; amounts > 0 only. */
export async function claimableOf(
  api: ApiCore,
  list: WithdrawalView[],
  token: (id: number) => TokenInfo,
): Promise<ClaimableView[]> {
  const pairs = new Map<string, { account: Address; tokenId: number }>();
  for (const w of list) {
    if (w.stage !== "claimable") continue;
    pairs.set(`${lower(w.recipient)}:${w.token.id}`, { account: w.recipient, tokenId: w.token.id });
  }
  const wanted = [...pairs.values()].slice(0, 200);
  const amounts = await api.chain.pendingWithdrawals(wanted);
  return wanted
    .map((p, i) => ({ account: p.account, token: token(p.tokenId), amount: amounts[i] ?? 0n }))
    .filter((c) => c.amount > 0n);
}

export async function withdrawals(api: ApiCore, limit = DEFAULT_LIMIT) {
  const s = await sources(api, { l1: true, events: true });
  const token = tokenTable(api, s.events);
  const all = withdrawalViews(api, s.events, s.l1, token);
  let claimable: ClaimableView[] | null = null;
  if (s.events) {
    const r = await settle(claimableOf(api, all, token), "L1");
    if (r.ok) claimable = r.value;
    else s.add(r.error);
  }
  return {
    total: all.length,
    withdrawals: all.slice(-limit).reverse(),
    claimable,
    unavailable: s.unavailable,
  };
}
