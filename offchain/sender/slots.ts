/**
 * Building the `BatchSlot[]` argument of `submitBatch` (docs/protocol.md section 8) and checking a
 * proof's public signals against the batch, before any gas is spent (pure).
 */

import type { Address } from "viem";
import { BridgeError } from "../lib/errors.js";
import {
  type BatchBoundary,
  batchPublicInputs,
  isPublicOp,
  type Op,
  OpKind,
  type QueueRequest,
  ZERO_ADDRESS,
} from "../lib/protocol.js";
import { isQueueOp, queueKindName } from "../runtime/l1-queue.js";

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

/** The batch and the L1 queue records do not fit together. */
export class SlotBuildError extends BridgeError {
  override name = "SlotBuildError";
}

/** How many ops of `ops` serve an L1 queue request (credits and forced withdrawals: the queue slots). */
export const queueSlotCount = (ops: readonly Op[]) => ops.filter(isQueueOp).length;

/** The differences between queue op `op` and the L1 request it serves (pure). */
function requestDiffs(op: Op, q: QueueRequest): string[] {
  const want = op.kind === OpKind.Credit ? "deposit" : "withdrawal";
  if (q.kind !== want)
    return [
      `L1 request ${q.id} is a ${queueKindName(q.kind)}, the op a ${op.kind === OpKind.Credit ? "credit" : "forced withdrawal"}`,
    ];
  const diffs: string[] = [];
  if (q.kind === "deposit") {
    if (q.record.recipient.toLowerCase() !== op.to.toLowerCase())
      diffs.push(`recipient ${q.record.recipient} != ${op.to}`);
    if (q.record.amount !== op.amount) diffs.push(`amount ${q.record.amount} != ${op.amount}`);
  } else if (q.record.owner.toLowerCase() !== op.from.toLowerCase())
    diffs.push(`owner ${q.record.owner} != ${op.from}`);
  if (q.record.tokenId !== op.tokenId) diffs.push(`tokenId ${q.record.tokenId} != ${op.tokenId}`);
  return diffs;
}

/** The slot of queue op `op` serving request `q` (checked to match). */
function queueSlot(op: Op, q: QueueRequest): BatchSlot {
  if (q.kind === "deposit") {
    const { depositor, timestamp } = q.record;
    return { kind: OpKind.Credit, tokenId: op.tokenId, account: op.to, amount: op.amount, depositor, timestamp };
  }
  // Forced withdrawal: account = owner, amount = what L2 withdrew, timestamp = the request's L1 time.
  const { owner, timestamp } = q.record;
  return {
    kind: OpKind.ForcedWithdraw,
    tokenId: op.tokenId,
    account: owner,
    amount: op.amount,
    depositor: ZERO_ADDRESS,
    timestamp,
  };
}

/**
 * The `publicSlots` (K) slot records of a batch, one per L1-visible op in log order, then all-zero
 * kind 0 records (section 8): queue op k (a credit or a forced withdrawal) -> its L1 request k
 * (`requests` in id order, one per queue op, checked to match the op): kind 1 with the deposit
 * record, or kind 4 with the owner and the request's timestamp; withdrawal -> kind 3 (account = L1
 * recipient); transfers have no record.
 */
export function buildSlots(
  ops: readonly Op[],
  requests: readonly QueueRequest[],
  batchSize: number,
  publicSlots: number,
): BatchSlot[] {
  if (ops.length > batchSize) throw new SlotBuildError(`batch has ${ops.length} ops but batchSize is ${batchSize}`);
  const visible = ops.filter(isPublicOp);
  if (visible.length > publicSlots) {
    throw new SlotBuildError(`batch has ${visible.length} L1-visible ops but publicSlots is ${publicSlots}`);
  }
  const queued = queueSlotCount(ops);
  if (requests.length !== queued) {
    throw new SlotBuildError(
      `batch has ${queued} queue ops (credits, forced withdrawals) but ${requests.length} L1 requests were given`,
    );
  }
  let d = 0;
  const slots = visible.map((op, i): BatchSlot => {
    if (isQueueOp(op)) {
      const q = requests[d] as QueueRequest;
      const diffs = requestDiffs(op, q);
      if (diffs.length)
        throw new SlotBuildError(
          `slot ${i} (queue request ${d} of the batch): L1 request ${q.id} differs from the L2 op: ${diffs.join(", ")}`,
        );
      d += 1;
      return queueSlot(op, q);
    }
    return { ...ZERO_SLOT, kind: 3, tokenId: op.tokenId, account: op.to, amount: op.amount };
  });
  while (slots.length < publicSlots) slots.push({ ...ZERO_SLOT });
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
  publicSlots: number,
  publicSignals: readonly string[],
): string | undefined {
  const expected = batchPublicInputs(boundary, ops, batchSize, publicSlots);
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
