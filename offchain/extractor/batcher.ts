/**
 * Cutting batches (pure apart from the clock it is given): a batch is `batchSize` pending ops or
 * `publicSlots` L1-visible ops, whichever comes first, or fewer once the oldest pending op has
 * waited `batchTimeoutMs`. Circuit inputs come from
 * `buildBatch` (offchain/lib/witness.ts) on a copy of the state, so a failure never leaves the
 * committed state half-advanced; the witness is cross-checked against the protocol core.
 */
import { batchPublicInputs, checkBatchShape, isPublicOp, opChainOf } from "../lib/protocol.js";
import type { BridgeState } from "../lib/state.js";
import { buildBatch } from "../lib/witness.js";
import { isQueueOp } from "../runtime/l1-queue.js";
import { type BatchRecord, batchOpJSON, type StoredOp } from "../runtime/node-db/extractor.js";
import { ExtractorHaltError } from "./errors.js";

/** The L2 state mirror refused an op that AssetReceiving accepted, or the witness disagrees with the protocol core. */
export class BatchBuildError extends ExtractorHaltError {
  override name = "BatchBuildError";
}

/** Where batching stands: the state after the last batch and the counters of the next one. */
export interface BatchCursor {
  state: BridgeState;
  nextBatchNumber: number;
  creditsBefore: number;
}

export interface CutOptions {
  batchSize: number;
  /** K: the most L1-visible ops (credits, withdrawals, forced withdrawals) a batch may hold. */
  publicSlots: number;
  batchTimeoutMs: number;
  now: number;
}

/** True when `pending` should be cut now even though it is not a full batch. */
export function timeoutDue(pending: readonly StoredOp[], opts: Pick<CutOptions, "batchTimeoutMs" | "now">): boolean {
  const oldest = pending[0];
  return oldest !== undefined && opts.now - oldest.extractedAt >= opts.batchTimeoutMs;
}

/**
 * The first batch of `pending`: ops up to the first of N ops or K L1-visible ops (section 8).
 * `full` tells whether it reached either bound (else it holds every pending op).
 */
export function nextChunk(
  pending: readonly StoredOp[],
  batchSize: number,
  publicSlots: number,
): { length: number; full: boolean } {
  let visible = 0;
  for (let i = 0; i < pending.length; i++) {
    if (isPublicOp((pending[i] as StoredOp).op)) visible += 1;
    if (visible === publicSlots || i + 1 === batchSize) return { length: i + 1, full: true };
  }
  return { length: pending.length, full: false };
}

/**
 * Cuts every full batch from `pending` (N ops or K L1-visible ops, whichever comes first), then
 * one partial batch if the timeout is due.
 * Returns the batches, the ops left pending and the new cursor. `cursor.state` is advanced in
 * place; after an error it is in an undefined position and must be reloaded.
 */
export function cutBatches(
  cursor: BatchCursor,
  pending: readonly StoredOp[],
  opts: CutOptions,
): { batches: BatchRecord[]; pending: StoredOp[]; cursor: BatchCursor } {
  const { batchSize, publicSlots } = opts;
  checkBatchShape(batchSize, publicSlots);
  let rest = [...pending];
  const batches: BatchRecord[] = [];
  const state = cursor.state;
  let { nextBatchNumber, creditsBefore } = cursor;
  for (;;) {
    const next = nextChunk(rest, batchSize, publicSlots);
    if (next.length === 0 || (!next.full && !timeoutDue(rest, opts))) break;
    const chunk = rest.slice(0, next.length);
    const ctx = { batchNumber: nextBatchNumber, creditsBefore, batchSize, publicSlots, now: opts.now };
    const batch = buildOne(state, chunk, ctx);
    batches.push(batch);
    rest = rest.slice(chunk.length);
    nextBatchNumber += 1;
    creditsBefore += batch.depositCount;
  }
  return { batches, pending: rest, cursor: { state, nextBatchNumber, creditsBefore } };
}

function buildOne(
  state: BridgeState,
  chunk: readonly StoredOp[],
  ctx: { batchNumber: number; creditsBefore: number; batchSize: number; publicSlots: number; now: number },
): BatchRecord {
  const first = chunk[0] as StoredOp;
  chunk.forEach((o, i) => {
    if (o.opIndex !== first.opIndex + i)
      throw new BatchBuildError(`batch ${ctx.batchNumber}: ops are not contiguous at op ${o.opIndex}`);
  });
  if (state.opCount !== first.opIndex) {
    throw new BatchBuildError(
      `batch ${ctx.batchNumber} starts at op ${first.opIndex} but the state has applied ${state.opCount} ops`,
    );
  }
  const ops = chunk.map((o) => o.op);
  const oldRoot = state.root;
  const oldOpChain = state.opChain;
  let witness: ReturnType<typeof buildBatch>;
  try {
    witness = buildBatch(state, ops, ctx.batchSize, ctx.publicSlots);
  } catch (error) {
    throw new BatchBuildError(
      `batch ${ctx.batchNumber} (ops ${first.opIndex}..${first.opIndex + chunk.length - 1}) cannot be built: ` +
        `${error instanceof Error ? error.message : String(error)}. The L2 state mirror disagrees with AssetReceiving`,
      { cause: error },
    );
  }
  // Cross-check the witness against the protocol core before it becomes a proof job.
  const newOpChain = opChainOf(ops, oldOpChain);
  const expectedSignals = batchPublicInputs(
    { oldRoot, newRoot: state.root, oldOpChain, newOpChain },
    ops,
    ctx.batchSize,
    ctx.publicSlots,
  );
  const problems: string[] = [];
  if (witness.oldRoot !== oldRoot) problems.push(`oldRoot ${witness.oldRoot} != ${oldRoot}`);
  if (witness.newRoot !== state.root) problems.push(`newRoot ${witness.newRoot} != state root ${state.root}`);
  if (witness.oldOpChain !== oldOpChain) problems.push(`oldOpChain ${witness.oldOpChain} != ${oldOpChain}`);
  if (witness.newOpChain !== newOpChain || state.opChain !== newOpChain) {
    problems.push(`newOpChain ${witness.newOpChain} != ${newOpChain}`);
  }
  if (
    witness.publicSignals.length !== expectedSignals.length ||
    witness.publicSignals.some((s, i) => BigInt(s) !== expectedSignals[i])
  ) {
    problems.push("publicSignals differ from batchPublicInputs");
  }
  if (state.opCount !== first.opIndex + chunk.length) problems.push(`state op count ${state.opCount} after the batch`);
  if (problems.length > 0) {
    throw new BatchBuildError(
      `batch ${ctx.batchNumber}: witness inconsistent with the protocol core: ${problems.join("; ")}`,
    );
  }
  // Credits and forced withdrawals both consume an L1 queue request (one id sequence, section 5).
  const depositCount = ops.filter(isQueueOp).length;
  return {
    batchNumber: ctx.batchNumber,
    firstOp: first.opIndex,
    opCount: chunk.length,
    firstDepositId: ctx.creditsBefore,
    depositCount,
    ops: chunk.map(batchOpJSON),
    oldRoot,
    newRoot: state.root,
    oldOpChain,
    newOpChain,
    input: witness.input,
    publicSignals: expectedSignals,
    stateAfter: state.toJSON(),
    createdAt: ctx.now,
    enqueuedAt: null,
  };
}
