/** The reads of the L1 divergence watch (offchain/monitor/divergence.ts): batches by op chain, and ops in order. */
import type { Op } from "../../lib/protocol.js";
import { bigintToText, type OpColumns, opFromRow } from "./codecs.js";
import { type Db, tableExists } from "./open.js";

interface OpRow extends OpColumns {
  op_index: number;
}

/** The op count at the end of the first batch whose new op chain is `chain`; undefined when none (or no table). */
export function opCountOfBatchChain(db: Db, chain: bigint): number | undefined {
  if (!tableExists(db, "batches")) return undefined;
  const row = db
    .prepare("SELECT first_op + op_count AS n FROM batches WHERE new_op_chain = ? ORDER BY batch_number LIMIT 1")
    .get(bigintToText(chain)) as { n: number } | undefined;
  return row?.n;
}

/** Up to `limit` extracted ops from op index `from`, in order, with their indices (gaps are the caller's to see). */
export function extractedOpsFrom(db: Db, from: number, limit: number): { opIndex: number; op: Op }[] {
  if (!tableExists(db, "extractor_ops")) return [];
  const rows = db
    .prepare(
      "SELECT op_index, kind, token_id, from_address, to_address, amount FROM extractor_ops WHERE op_index >= ? ORDER BY op_index LIMIT ?",
    )
    .all(from, limit) as OpRow[];
  return rows.map((r) => ({ opIndex: r.op_index, op: opFromRow(r) }));
}

/** How many ops the extractor stored (0 before it ran). */
export function extractedOpCount(db: Db): number {
  if (!tableExists(db, "extractor_ops")) return 0;
  return (db.prepare("SELECT count(*) FROM extractor_ops").pluck().get() as number) ?? 0;
}
