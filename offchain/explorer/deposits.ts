/** The explorer API's deposits: each L1 queue request with its credit on L2, its batch and its stage. */
import type { Address, Hex } from "viem";
import type { DepositRow } from "../runtime/node-db/explorer.js";
import type { DepositEvent, L1Events, L1Snapshot, L2Snapshot } from "./chain.js";
import { type ApiCore, sources, tokenTable } from "./sources.js";
import { type CreditStatus, DEFAULT_LIMIT, type DepositStage, type DepositView, type TokenInfo } from "./views.js";

export function depositView(
  api: ApiCore,
  id: number,
  row: DepositRow | undefined,
  ev: DepositEvent | undefined,
  ctx: { l1: L1Snapshot | null; l2: L2Snapshot | null; events: L1Events | null; token: (id: number) => TokenInfo },
): DepositView | undefined {
  if (!row && !ev) return undefined;
  const creditedOnL2 = ctx.l2 ? BigInt(id) < ctx.l2.nextDepositId : false;
  let status: CreditStatus = row?.status ?? "queued";
  if (creditedOnL2 && status !== "mismatch") status = "credited";
  const batch = api.tables.batchOfDeposit(id)?.batchNumber ?? null;
  const proven = ctx.l1 ? BigInt(id) < ctx.l1.processedDeposits : null;
  const cancelled = ctx.events?.exits.some((x) => x.kind === "cancel" && x.ref === BigInt(id)) ?? false;
  const stage: DepositStage = cancelled
    ? "cancelled"
    : proven
      ? "proven"
      : batch !== null
        ? "batched"
        : status === "credited"
          ? "credited"
          : "deposited";
  const src = row
    ? {
        recipient: row.recipient as Address,
        tokenId: row.tokenId,
        amount: BigInt(row.amount),
        depositor: row.depositor as Address,
        timestamp: BigInt(row.timestamp),
        l1Tx: row.l1Tx as Hex,
        l1Block: BigInt(row.l1Block),
      }
    : {
        recipient: ev!.recipient,
        tokenId: ev!.tokenId,
        amount: ev!.amount,
        depositor: ev!.depositor,
        timestamp: ev!.timestamp,
        l1Tx: ev!.txHash,
        l1Block: ev!.blockNumber,
      };
  return {
    depositId: id,
    token: ctx.token(src.tokenId),
    amount: src.amount,
    recipient: src.recipient,
    depositor: src.depositor,
    timestamp: src.timestamp,
    l1Tx: src.l1Tx,
    l1Block: src.l1Block,
    credit: {
      status,
      tx: (row?.creditTx ?? null) as Hex | null,
      opIndex: row?.opIndex ?? null,
      error: status === "credited" ? null : (row?.error ?? null),
    },
    batch,
    proven,
    cancelled,
    stage,
  };
}

export async function deposits(api: ApiCore, limit = DEFAULT_LIMIT) {
  const s = await sources(api, { l1: true, l2: true, events: true });
  const token = tokenTable(api, s.events);
  const eventCount = s.events ? Math.max(-1, ...s.events.deposits.keys()) + 1 : 0;
  const total = Math.max(api.tables.depositCount(), eventCount, s.l1 ? Number(s.l1.depositCount) : 0);
  const from = Math.max(0, total - limit);
  const rows = new Map(api.tables.depositsBetween(from, total).map((r) => [r.depositId, r]));
  const ctx = { l1: s.l1, l2: s.l2, events: s.events, token };
  const deposits: DepositView[] = [];
  for (let id = total - 1; id >= from; id--) {
    const v = depositView(api, id, rows.get(id), s.events?.deposits.get(id), ctx);
    if (v) deposits.push(v);
  }
  return { total, deposits, unavailable: s.unavailable };
}
