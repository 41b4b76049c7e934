/** The explorer API's shared reads: the chains settled side by side, and the token table. */
import type { Address } from "viem";
import type { NodeTables } from "../runtime/node-db/explorer.js";
import type { ChainReader, L1Events } from "./chain.js";
import type { ProofJobSource } from "./jobs.js";
import { settle, type TokenInfo, type Unavailable } from "./views.js";

/** What every resource module of the explorer API reads: the node database, the chains, the proof queue, the clock. */
export interface ApiCore {
  readonly tables: NodeTables;
  readonly chain: ChainReader;
  readonly jobs: ProofJobSource;
  readonly now: () => number;
  /** `${batch}:${worker}:${attempt}` -> when the explorer first saw that claim (ms). */
  readonly provingSince: Map<string, number>;
}

/** Both chains and the event index, each settled (an unreachable side does not fail the others). */
export async function sources(api: ApiCore, want: { l1?: boolean; l2?: boolean; events?: boolean }) {
  const [l1, l2, events] = await Promise.all([
    want.l1 ? settle(api.chain.l1Snapshot(), "L1") : undefined,
    want.l2 ? settle(api.chain.l2Snapshot(), "L2") : undefined,
    want.events ? settle(api.chain.l1Events(), "L1") : undefined,
  ]);
  const unavailable: Unavailable[] = [];
  const add = (u: Unavailable) => {
    if (!unavailable.some((x) => x.side === u.side)) unavailable.push(u);
  };
  for (const s of [l1, l2, events]) if (s && !s.ok) add(s.error);
  return {
    l1: l1?.ok ? l1.value : null,
    l2: l2?.ok ? l2.value : null,
    events: events?.ok ? events.value : null,
    unavailable,
    add,
  };
}

/** Token metadata from the monitor's table and the L1 TokenDocked events. */
export function tokenTable(api: ApiCore, events: L1Events | null): (id: number) => TokenInfo {
  const rows = new Map(api.tables.tokens().map((t) => [t.tokenId, t]));
  return (id) => {
    if (id === 0) return { id, symbol: "ETH", decimals: 18, address: null };
    const row = rows.get(id);
    const address = (row?.token ?? events?.tokens.get(id)?.token ?? null) as Address | null;
    return { id, symbol: row?.symbol ?? `token #${id}`, decimals: row?.decimals ?? null, address };
  };
}
