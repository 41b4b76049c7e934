/** The explorer API's L2 ops, with their tokens and batches. */
import type { Address, Hex } from "viem";
import type { OpRow } from "../runtime/node-db/explorer.js";
import { type ApiCore, sources, tokenTable } from "./sources.js";
import { DEFAULT_LIMIT, KINDS, type OpView, type TokenInfo } from "./views.js";

export function opView(api: ApiCore, o: OpRow, token: (id: number) => TokenInfo): OpView {
  return {
    opIndex: o.opIndex,
    kind: KINDS[o.kind],
    token: token(o.tokenId),
    from: o.from as Address,
    to: o.to as Address,
    amount: BigInt(o.amount),
    l2Tx: o.txHash as Hex,
    l2Block: o.blockNumber,
    batch: api.tables.batchOfOp(o.opIndex)?.batchNumber ?? null,
    depositId: o.kind === 1 ? (api.tables.depositIdOfOp(o.opIndex) ?? null) : null,
    // The L1 queue request a forced withdrawal served (requests share the ids with deposits).
    requestId: o.kind === 4 ? (api.tables.depositIdOfOp(o.opIndex) ?? null) : null,
  };
}

export async function ops(api: ApiCore, limit = DEFAULT_LIMIT) {
  const s = await sources(api, { l2: true });
  const token = tokenTable(api, null);
  return {
    total: api.tables.opCount(),
    l2OpCount: s.l2?.opCount ?? null,
    ops: api.tables.latestOps(limit).map((o) => opView(api, o, token)),
    unavailable: s.unavailable,
  };
}
