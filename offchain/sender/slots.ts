/**
 * Building the `BatchSlot[]` argument of `submitBatch` (docs/protocol.md section 8) and checking a
 * proof's public signals against the batch, before any gas is spent (pure).
 */
import type { Address } from "viem";
import {
  type BatchBoundary,
  batchPublicInputs,
  type DepositRecord,
  type Op,
  OpKind,
  ZERO_ADDRESS,
} from "../lib/protocol.js";

export interface BatchSlot {
  kind: number;
  tokenId: number;
  account: Address;
  amount: bigint;
  depositor: Address;
  timestamp: bigint;
}

export const ZERO_SLOT: BatchSlot = {
  kind: 0,
  tokenId: 0,
  account: ZERO_ADDRESS,
  amount: 0n,
  depositor: ZERO_ADDRESS,
  timestamp: 0n,
};

/** The batch and the L1 deposit records do not fit together. */
export class SlotBuildError extends Error {
  override name = "SlotBuildError";
}

/** How many credit ops (deposit slots) `ops` holds. */
export const creditCount = (ops: readonly Op[]) => ops.filter((o) => o.kind === OpKind.Credit).length;

/**
 * The slots of a batch: credit k -> kind 1 with deposit record k (`deposits` in deposit order, one
 * per credit op, checked to match the op); withdrawal -> kind 3 (account = L1 recipient); transfers
 * and padding -> all-zero kind 0.
 */
export function buildSlots(ops: readonly Op[], deposits: readonly DepositRecord[], batchSize: number): BatchSlot[] {
  if (ops.length > batchSize) throw new SlotBuildError(`batch has ${ops.length} ops but batchSize is ${batchSize}`);
  const credits = creditCount(ops);
  if (deposits.length !== credits) {
    throw new SlotBuildError(`batch has ${credits} credit ops but ${deposits.length} deposit records were given`);
  }
  let d = 0;
  const slots = ops.map((op, i): BatchSlot => {
    switch (op.kind) {
      case OpKind.Credit: {
        const r = deposits[d] as DepositRecord;
        const diffs: string[] = [];
        if (r.recipient.toLowerCase() !== op.to.toLowerCase()) diffs.push(`recipient ${r.recipient} != ${op.to}`);
        if (r.tokenId !== op.tokenId) diffs.push(`tokenId ${r.tokenId} != ${op.tokenId}`);
        if (r.amount !== op.amount) diffs.push(`amount ${r.amount} != ${op.amount}`);
        if (diffs.length)
          throw new SlotBuildError(
            `slot ${i} (credit ${d} of the batch): L1 deposit record differs from the L2 op: ${diffs.join(", ")}`,
          );
        d += 1;
        return {
          kind: 1,
          tokenId: op.tokenId,
          account: op.to,
          amount: op.amount,
          depositor: r.depositor,
          timestamp: r.timestamp,
        };
      }
      case OpKind.Withdraw:
        return { ...ZERO_SLOT, kind: 3, tokenId: op.tokenId, account: op.to, amount: op.amount };
      default:
        return { ...ZERO_SLOT };
    }
  });
  while (slots.length < batchSize) slots.push({ ...ZERO_SLOT });
  return slots;
}

/**
 * Why `publicSignals` (decimal strings from the prover) are not the public inputs L1 will build
 * for this batch, or undefined when they are.
 */
export function publicSignalsMismatch(
  boundary: BatchBoundary,
  ops: readonly Op[],
  batchSize: number,
  publicSignals: readonly string[],
): string | undefined {
  const expected = batchPublicInputs(boundary, ops, batchSize);
  if (publicSignals.length !== expected.length) {
    return `the proof has ${publicSignals.length} public signals, the batch needs ${expected.length}`;
  }
  for (let i = 0; i < expected.length; i++) {
    let got: bigint;
    try {
      got = BigInt(publicSignals[i] as string);
    } catch {
      return `public signal ${i} is not a number: ${publicSignals[i]}`;
    }
    if (got !== expected[i]) return `public signal ${i} is ${got}, the batch gives ${expected[i]}`;
  }
  return undefined;
}
