/**
 * Read-only access to the extractor's `batches` table (written by extractor.ts): the
 * sender needs only batch_number, first_op, op_count, first_deposit_id, ops (JSON), old_root,
 * new_root, old_op_chain and new_op_chain. Reading the columns directly keeps the sender
 * independent of the extractor's code; the extractor must keep these columns (append-only
 * migrations) and write each batch in one transaction.
 */

import type { Hex } from "viem";
import { BridgeError } from "../../lib/errors.js";
import type { Op } from "../../lib/protocol.js";
import { addressFromText, bigintFromInteger, bigintFromText, hexFromText } from "./codecs.js";
import { type Db, tableExists } from "./open.js";

export interface BatchToSend {
  batchNumber: number;
  firstOp: number;
  opCount: number;
  /** L1 queue request id of the batch's first credit or forced withdrawal op. */
  firstDepositId: number;
  /** The batch's real ops in log order (at most batchSize). */
  ops: Op[];
  oldRoot: bigint;
  newRoot: bigint;
  oldOpChain: bigint;
  newOpChain: bigint;
  /** L2 ops included after the batch (first_op + op_count) and the keccak op head after them. */
  l2OpCount: bigint;
  l2OpHead: Hex;
}

/** The batches table exists but a row cannot be understood: the extractor and sender disagree. */
export class BatchRowError extends BridgeError {
  override name = "BatchRowError";
}

interface Row {
  batch_number: number;
  first_op: number;
  op_count: number;
  first_deposit_id: number;
  ops: string;
  old_root: string;
  new_root: string;
  old_op_chain: string;
  new_op_chain: string;
  head: string | null;
}

function parseOp(raw: unknown, where: string): Op {
  const o = raw as Record<string, unknown>;
  const kind = o?.kind;
  if (kind !== 1 && kind !== 2 && kind !== 3 && kind !== 4)
    throw new BatchRowError(`${where}: kind ${String(kind)} is not 1, 2, 3 or 4`);
  if (typeof o.tokenId !== "number" || !Number.isInteger(o.tokenId)) throw new BatchRowError(`${where}: bad tokenId`);
  for (const k of ["from", "to"] as const) {
    if (typeof o[k] !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(o[k] as string))
      throw new BatchRowError(`${where}: bad ${k}`);
  }
  if (typeof o.amount !== "string" && typeof o.amount !== "number") throw new BatchRowError(`${where}: bad amount`);
  let amount: bigint;
  try {
    amount = BigInt(o.amount as string | number);
  } catch (error) {
    throw new BatchRowError(`${where}: bad amount ${String(o.amount)}`, { cause: error });
  }
  return {
    kind,
    tokenId: o.tokenId,
    from: addressFromText(o.from as string),
    to: addressFromText(o.to as string),
    amount,
  };
}

/** Batch `batchNumber` as the extractor stored it; undefined while it does not exist (or the extractor never ran). */
export function readBatchToSend(db: Db, batchNumber: number): BatchToSend | undefined {
  if (!tableExists(db, "batches")) return undefined;
  const row = db
    .prepare(
      `SELECT b.batch_number, b.first_op, b.op_count, b.first_deposit_id, b.ops, b.old_root, b.new_root,
              b.old_op_chain, b.new_op_chain, o.head
       FROM batches b LEFT JOIN extractor_ops o ON o.op_index = b.first_op + b.op_count - 1
       WHERE b.batch_number = ?`,
    )
    .get(batchNumber) as Row | undefined;
  if (!row) return undefined;
  const where = `batches row ${batchNumber}`;
  let ops: unknown;
  try {
    ops = JSON.parse(row.ops);
  } catch (error) {
    throw new BatchRowError(`${where}: ops is not JSON`, { cause: error });
  }
  if (!Array.isArray(ops) || ops.length !== row.op_count) {
    throw new BatchRowError(
      `${where}: ops holds ${Array.isArray(ops) ? ops.length : "no array"} ops, op_count says ${row.op_count}`,
    );
  }
  const big = (v: string, name: string) => {
    try {
      return bigintFromText(v);
    } catch (error) {
      throw new BatchRowError(`${where}: ${name} is not a number`, { cause: error });
    }
  };
  if (row.head === null || !/^0x[0-9a-fA-F]{64}$/.test(row.head))
    throw new BatchRowError(`${where}: extractor_ops has no keccak head for op ${row.first_op + row.op_count - 1}`);
  return {
    batchNumber: row.batch_number,
    firstOp: row.first_op,
    opCount: row.op_count,
    firstDepositId: row.first_deposit_id,
    ops: ops.map((o, i) => parseOp(o, `${where} op ${i}`)),
    oldRoot: big(row.old_root, "old_root"),
    newRoot: big(row.new_root, "new_root"),
    oldOpChain: big(row.old_op_chain, "old_op_chain"),
    newOpChain: big(row.new_op_chain, "new_op_chain"),
    l2OpCount: bigintFromInteger(row.first_op + row.op_count),
    l2OpHead: hexFromText(row.head),
  };
}
