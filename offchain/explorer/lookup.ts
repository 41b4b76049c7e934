/** The explorer API's search: a deposit id, an address or a transaction hash, with the journeys it belongs to. */
import type { Address, Hex } from "viem";
import { batchViews } from "./batches.js";
import type { L1Events, L1Snapshot } from "./chain.js";
import { depositView } from "./deposits.js";
import { opView } from "./ops.js";
import { type ApiCore, sources, tokenTable } from "./sources.js";
import {
  BadQueryError,
  type DepositView,
  formatTokenAmount,
  type Journey,
  type JourneyStep,
  lower,
  settle,
  type WithdrawalView,
} from "./views.js";
import { withdrawalViews } from "./withdrawals.js";

export async function lookup(api: ApiCore, raw: string) {
  const q = raw.trim();
  if (/^#?\d+$/.test(q)) return lookupDeposit(api, Number(q.replace("#", "")), q);
  if (/^0x[0-9a-fA-F]{40}$/.test(q)) return lookupAddress(api, q as Address);
  if (/^0x[0-9a-fA-F]{64}$/.test(q)) return lookupTx(api, q as Hex);
  throw new BadQueryError(
    `cannot read ${JSON.stringify(raw.slice(0, 80))}: paste a deposit id (a whole number), an address (0x + 40 hex digits) or a transaction hash (0x + 64 hex digits)`,
  );
}

export async function journeyContext(api: ApiCore) {
  const s = await sources(api, { l1: true, l2: true, events: true });
  return { ...s, token: tokenTable(api, s.events) };
}

export function depositJourney(
  api: ApiCore,
  d: DepositView,
  ctx: { l1: L1Snapshot | null; events: L1Events | null },
): Journey {
  const sub = d.batch === null ? undefined : api.tables.submissions([d.batch]).get(d.batch);
  const verified = d.batch === null ? undefined : ctx.events?.batches.get(d.batch);
  const batchTx = sub?.txHash ?? verified?.txHash ?? null;
  const creditState = d.credit.status === "credited" ? "done" : d.credit.status === "mismatch" ? "failed" : "current";
  const steps: JourneyStep[] = [
    { step: "deposited", state: "done", detail: `L1 tx ${d.l1Tx} (block ${d.l1Block})` },
    {
      step: "credited",
      state: creditState,
      detail:
        d.credit.status === "credited"
          ? `on L2${d.credit.tx ? ` tx ${d.credit.tx}` : ""}${d.credit.opIndex !== null ? `, op ${d.credit.opIndex}` : ""}`
          : d.credit.status === "mismatch"
            ? `L2 credited different values: ${d.credit.error ?? ""}`
            : `waiting for the relayer (${d.credit.status}${d.credit.error ? `: ${d.credit.error}` : ""})`,
    },
    {
      step: "batched",
      state: d.batch !== null ? "done" : creditState === "done" ? "current" : "todo",
      detail: d.batch !== null ? `included in batch ${d.batch}` : "not in a batch yet",
    },
    {
      step: "proven",
      state: d.proven ? "done" : d.batch !== null ? "current" : "todo",
      detail: d.proven
        ? `proven on L1${batchTx ? ` (submitBatch tx ${batchTx})` : ""}`
        : d.proven === null
          ? "L1 unreachable"
          : "waiting for the proof",
    },
  ];
  if (d.cancelled) {
    const x = ctx.events?.exits.find((e) => e.kind === "cancel" && e.ref === BigInt(d.depositId));
    steps.push({
      step: "cancelled",
      state: "done",
      detail: `refunded in exodus${x ? ` (tx ${x.txHash})` : ""}: claimable by the depositor on L1`,
    });
  }
  return { title: `deposit ${d.depositId}`, steps };
}

export function withdrawalJourney(_api: ApiCore, w: WithdrawalView): Journey {
  const landed = w.stage === "claimable" || w.stage === "claimed";
  const steps: JourneyStep[] = [];
  if (w.source === "batch") {
    steps.push(
      {
        step: "requested",
        state: "done",
        detail: w.opIndex !== null ? `L2 op ${w.opIndex}${w.l2Tx ? ` tx ${w.l2Tx}` : ""}` : "on L2",
      },
      {
        step: "batched",
        state: w.batch !== null ? "done" : "current",
        detail: w.batch !== null ? `included in batch ${w.batch}` : "not in a batch yet",
      },
      {
        step: "proven",
        state: landed ? "done" : w.batch !== null ? "current" : "todo",
        detail: landed ? `proven on L1${w.l1Tx ? ` (tx ${w.l1Tx})` : ""}` : "waiting for the proof",
      },
    );
  } else {
    steps.push({
      step: w.source === "exit" ? "exited" : "cancelled",
      state: "done",
      detail: `exodus ${w.source} on L1 (tx ${w.l1Tx})`,
    });
  }
  steps.push(
    {
      step: "claimable",
      state: w.stage === "claimed" ? "done" : landed ? "current" : "todo",
      detail: landed ? `claim on L1: claim(${w.token.id}) from ${w.recipient}` : "after the proof lands",
    },
    {
      step: "claimed",
      state: w.stage === "claimed" ? "done" : "todo",
      detail: w.claimTx ? `L1 tx ${w.claimTx}` : "not claimed yet",
    },
  );
  return { title: `withdrawal of ${formatTokenAmount(w.amount, w.token)} to ${w.recipient}`, steps };
}

export async function lookupDeposit(api: ApiCore, id: number, q: string) {
  const ctx = await journeyContext(api);
  const d = depositView(api, id, api.tables.deposit(id), ctx.events?.deposits.get(id), ctx);
  return {
    query: q,
    kind: "deposit" as const,
    found: d !== undefined,
    message: d ? undefined : `no deposit ${id} known to the node or L1`,
    deposits: d ? [d] : [],
    journeys: d ? [depositJourney(api, d, ctx)] : [],
    unavailable: ctx.unavailable,
  };
}

export async function lookupAddress(api: ApiCore, address: Address) {
  const ctx = await journeyContext(api);
  const ids = new Set(api.tables.depositsOf(address).map((r) => r.depositId));
  for (const e of ctx.events?.deposits.values() ?? []) {
    if (lower(e.recipient) === lower(address) || lower(e.depositor) === lower(address)) ids.add(e.depositId);
  }
  const deposits = [...ids]
    .sort((a, b) => b - a)
    .slice(0, 100)
    .map((id) => depositView(api, id, api.tables.deposit(id), ctx.events?.deposits.get(id), ctx))
    .filter((d): d is DepositView => d !== undefined);
  const ops = api.tables.opsOf(address).map((o) => opView(api, o, ctx.token));
  const withdrawals = withdrawalViews(api, ctx.events, ctx.l1, ctx.token).filter(
    (w) => lower(w.recipient) === lower(address) || (w.opIndex !== null && ops.some((o) => o.opIndex === w.opIndex)),
  );
  const tokenCount = ctx.l1?.tokenCount ?? 1;
  const ids32 = Array.from({ length: Math.min(tokenCount, 64) }, (_, i) => i);
  const [pending, balances] = await Promise.all([
    ctx.l1
      ? settle(api.chain.pendingWithdrawals(ids32.map((tokenId) => ({ account: address, tokenId }))), "L1")
      : undefined,
    settle(api.chain.l2Balances(address, ids32.length), "L2"),
  ]);
  if (pending && !pending.ok) ctx.add(pending.error);
  if (!balances.ok) ctx.add(balances.error);
  const claimable = pending?.ok
    ? ids32
        .map((id, i) => ({ account: address, token: ctx.token(id), amount: pending.value[i] ?? 0n }))
        .filter((c) => c.amount > 0n)
    : null;
  const l2Balances = balances.ok
    ? ids32
        .map((id, i) => {
          const { amount, held } = balances.value[i] ?? { amount: 0n, held: 0n };
          return { token: ctx.token(id), amount, held, spendable: amount - held };
        })
        .filter((b) => b.amount > 0n)
    : null;
  const journeys = [
    ...deposits.map((d) => depositJourney(api, d, ctx)),
    ...withdrawals.map((w) => withdrawalJourney(api, w)),
  ];
  const found = deposits.length + ops.length + withdrawals.length > 0 || (claimable?.length ?? 0) > 0;
  return {
    query: address,
    kind: "address" as const,
    found,
    message: found ? undefined : `nothing known about ${address}`,
    deposits,
    ops,
    withdrawals,
    claimable,
    l2Balances,
    journeys,
    unavailable: ctx.unavailable,
  };
}

export async function lookupTx(api: ApiCore, tx: Hex) {
  const ctx = await journeyContext(api);
  const t = lower(tx);
  const ids = new Set(api.tables.depositsByTx(tx).map((r) => r.depositId));
  for (const e of ctx.events?.deposits.values() ?? []) if (lower(e.txHash) === t) ids.add(e.depositId);
  const deposits = [...ids]
    .sort((a, b) => a - b)
    .map((id) => depositView(api, id, api.tables.deposit(id), ctx.events?.deposits.get(id), ctx))
    .filter((d): d is DepositView => d !== undefined);
  const ops = api.tables.opsByTx(tx).map((o) => opView(api, o, ctx.token));
  // Credits of this L2 tx are deposits too.
  for (const o of ops) {
    if (o.depositId !== null && !ids.has(o.depositId)) {
      const d = depositView(
        api,
        o.depositId,
        api.tables.deposit(o.depositId),
        ctx.events?.deposits.get(o.depositId),
        ctx,
      );
      if (d) deposits.push(d);
    }
  }
  const allWithdrawals = withdrawalViews(api, ctx.events, ctx.l1, ctx.token);
  const withdrawals = allWithdrawals.filter(
    (w) => (w.l2Tx && lower(w.l2Tx) === t) || (w.claimTx && lower(w.claimTx) === t) || (w.l1Tx && lower(w.l1Tx) === t),
  );
  const sub = api.tables.submissionByTx(tx);
  let batchNumber = sub?.batchNumber;
  if (batchNumber === undefined) {
    for (const b of ctx.events?.batches.values() ?? []) if (lower(b.txHash) === t) batchNumber = b.batchNumber;
  }
  const batchRow = batchNumber === undefined ? undefined : api.tables.batch(batchNumber);
  const batches = batchRow ? await batchViews(api, [batchRow], ctx.l1, ctx.events, ctx.add) : [];
  const journeys = [
    ...deposits.map((d) => depositJourney(api, d, ctx)),
    ...withdrawals.map((w) => withdrawalJourney(api, w)),
  ];
  const found = deposits.length + ops.length + withdrawals.length + batches.length > 0 || batchNumber !== undefined;
  return {
    query: tx,
    kind: "tx" as const,
    found,
    message: found
      ? undefined
      : `transaction ${tx} is not a deposit, credit, L2 op, batch submission or claim known here`,
    deposits,
    ops,
    withdrawals,
    batches,
    batchNumber: batchNumber ?? null,
    journeys,
    unavailable: ctx.unavailable,
  };
}
