import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { batchPublicInputs, type Op, opChainOf, ZERO_ADDRESS } from "../lib/protocol.js";
import { BridgeState } from "../lib/state.js";
import { emptyRoot } from "../lib/tree.js";
import { opFromJSON } from "../runtime/node-db/extractor.js";
import { BatchBuildError, cutBatches, nextChunk, timeoutDue } from "./batcher.js";
import { ALICE, BOB, sampleOps, storedOps } from "./testkit.js";

const DEPTH = 8;
const N = 4;
const fresh = () => ({ state: new BridgeState(DEPTH), nextBatchNumber: 0, creditsBefore: 0 });

describe("cut rule: N ops or K L1-visible ops, whichever comes first", () => {
  const credit = (to: `0x${string}`, amount: bigint): Op => ({ kind: 1, tokenId: 0, from: ZERO_ADDRESS, to, amount });
  const send = (from: `0x${string}`, to: `0x${string}`): Op => ({ kind: 2, tokenId: 0, from, to, amount: 1n });
  const out = (from: `0x${string}`): Op => ({ kind: 3, tokenId: 0, from, to: from, amount: 1n });

  it("nextChunk stops right after the K-th L1-visible op, or at N ops", () => {
    const ops = storedOps(
      [credit(ALICE, 9n), send(ALICE, BOB), credit(BOB, 9n), send(BOB, ALICE), send(ALICE, BOB)],
      0,
      0,
    );
    assert.deepEqual(nextChunk(ops, 4, 2), { length: 3, full: true });
    assert.deepEqual(nextChunk(ops, 4, 4), { length: 4, full: true });
    assert.deepEqual(nextChunk(ops.slice(0, 2), 4, 2), { length: 2, full: false });
    assert.deepEqual(nextChunk([], 4, 2), { length: 0, full: false });
  });

  it("transfers alone fill N slots without using a pair", () => {
    const ops = storedOps([send(ALICE, BOB), send(BOB, ALICE), send(ALICE, BOB), send(BOB, ALICE)], 0, 0);
    assert.deepEqual(nextChunk(ops, 4, 1), { length: 4, full: true });
  });

  it("cutBatches cuts at K L1-visible ops before the timeout and each batch's pairs follow log order", () => {
    const ops = [credit(ALICE, 10n), credit(BOB, 10n), send(ALICE, BOB), out(BOB), send(BOB, ALICE), out(ALICE)];
    const r = cutBatches(fresh(), storedOps(ops, 0, 1000), {
      batchSize: N,
      publicSlots: 2,
      batchTimeoutMs: 1e9,
      now: 1,
    });
    assert.deepEqual(
      r.batches.map((b) => [b.firstOp, b.opCount, b.publicSignals.length]),
      [
        [0, 2, 8],
        [2, 4, 8],
      ],
    );
    assert.deepEqual(r.pending, []);
    const second = r.batches[1]!;
    assert.deepEqual(second.publicSignals.slice(4), batchPublicInputs(second, ops.slice(2), N, 2).slice(4));
    assert.equal(second.publicSignals[5], 1n, "pair 0 = the withdrawal at slot 1");
    assert.equal(second.publicSignals[7], 1n, "pair 1 = the withdrawal at slot 3");
  });
});

describe("cutBatches", () => {
  it("cuts only full batches while the timeout is not due", () => {
    const ops = sampleOps(10);
    const cursor = fresh();
    const {
      batches,
      pending,
      cursor: next,
    } = cutBatches(cursor, storedOps(ops, 0, 1000), { batchSize: N, publicSlots: N, batchTimeoutMs: 5000, now: 2000 });
    assert.deepEqual(
      batches.map((b) => [b.batchNumber, b.firstOp, b.opCount]),
      [
        [0, 0, 4],
        [1, 4, 4],
      ],
    );
    assert.deepEqual(
      pending.map((p) => p.opIndex),
      [8, 9],
    );
    assert.equal(next.state.opCount, 8);
    const replay = new BridgeState(DEPTH);
    replay.applyAll(ops.slice(0, 8));
    assert.equal(next.state.root, replay.root);
    assert.equal(next.nextBatchNumber, 2);
  });

  it("cuts a partial batch once the oldest pending op waited the timeout", () => {
    const ops = sampleOps(2);
    const pending = storedOps(ops, 0, 1000);
    const early = cutBatches(fresh(), pending, { batchSize: N, publicSlots: N, batchTimeoutMs: 5000, now: 5999 });
    assert.equal(early.batches.length, 0);
    assert.equal(timeoutDue(pending, { batchTimeoutMs: 5000, now: 5999 }), false);
    const due = cutBatches(fresh(), pending, { batchSize: N, publicSlots: N, batchTimeoutMs: 5000, now: 6000 });
    assert.equal(due.batches.length, 1);
    assert.equal(due.batches[0]?.opCount, 2);
    assert.equal(due.pending.length, 0);
    // The public signals pad the tail with no-ops.
    const b = due.batches[0]!;
    assert.deepEqual(b.publicSignals.slice(8), [0n, 0n, 0n, 0n]);
  });

  it("counts forced withdrawals (kind 4, amount 0 too) as queue slots, keeping the ops in log order", () => {
    const ops: Op[] = [
      { kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: ALICE, amount: 50n },
      { kind: 4, tokenId: 0, from: ALICE, to: ALICE, amount: 20n },
      { kind: 2, tokenId: 0, from: ALICE, to: BOB, amount: 30n },
      { kind: 4, tokenId: 0, from: BOB, to: BOB, amount: 0n },
      { kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: BOB, amount: 5n },
    ];
    const r = cutBatches(fresh(), storedOps(ops, 0, 1000), {
      batchSize: N,
      publicSlots: N,
      batchTimeoutMs: 0,
      now: 9000,
    });
    assert.deepEqual(
      r.batches.map((b) => [b.firstOp, b.opCount, b.firstDepositId, b.depositCount]),
      [
        [0, 4, 0, 3],
        [4, 1, 3, 1],
      ],
      "request ids: credit 0, forced 1, forced 2 in batch 0, credit 3 in batch 1",
    );
    assert.deepEqual(r.batches[0]?.ops.map(opFromJSON), ops.slice(0, 4));
    assert.equal(r.cursor.creditsBefore, 4);
  });

  it("does nothing with no ops, even when the timeout is zero", () => {
    const r = cutBatches(fresh(), [], { batchSize: N, publicSlots: N, batchTimeoutMs: 0, now: 10 });
    assert.equal(r.batches.length, 0);
  });

  it("numbers deposits: first_deposit_id counts the credit ops before the batch", () => {
    const ops = sampleOps(12); // credits at 0, 3, 6, 9
    const { batches } = cutBatches(fresh(), storedOps(ops, 0, 0), {
      batchSize: N,
      publicSlots: N,
      batchTimeoutMs: 1e9,
      now: 1,
    });
    assert.deepEqual(
      batches.map((b) => [b.firstDepositId, b.depositCount]),
      [
        [0, 2],
        [2, 1],
        [3, 1],
      ],
    );
  });

  it("chains batches: roots, op chains and public signals agree with the protocol core and a replay", () => {
    const ops = sampleOps(8);
    const { batches, cursor } = cutBatches(fresh(), storedOps(ops, 0, 0), {
      batchSize: N,
      publicSlots: N,
      batchTimeoutMs: 1e9,
      now: 1,
    });
    const [b0, b1] = batches as [NonNullable<(typeof batches)[0]>, NonNullable<(typeof batches)[0]>];
    assert.equal(b0.oldRoot, emptyRoot(DEPTH));
    assert.equal(b1.oldRoot, b0.newRoot);
    assert.equal(b1.oldOpChain, b0.newOpChain);
    assert.equal(b1.newOpChain, opChainOf(ops));
    const replay = new BridgeState(DEPTH);
    replay.applyAll(ops);
    assert.equal(b1.newRoot, replay.root);
    assert.equal(cursor.state.root, replay.root);
    assert.deepEqual(b1.publicSignals, batchPublicInputs(b1, b1.ops.map(opFromJSON), N, N));
    // The snapshot restores the state after the batch.
    assert.equal(BridgeState.fromJSON(b0.stateAfter).root, b0.newRoot);
    // The circuit input is the witness builder's, for the same boundary.
    assert.equal(b0.input.newRoot, b0.newRoot.toString());
    assert.equal((b0.input.kind as string[]).length, N);
  });

  it("halts when the L2 mirror refuses an op (a withdrawal above the balance)", () => {
    const ops = [
      {
        kind: 1 as const,
        tokenId: 0,
        from: "0x0000000000000000000000000000000000000000" as const,
        to: ALICE,
        amount: 5n,
      },
      { kind: 3 as const, tokenId: 0, from: ALICE, to: BOB, amount: 6n },
    ];
    assert.throws(
      () => cutBatches(fresh(), storedOps(ops, 0, 0), { batchSize: 2, publicSlots: 2, batchTimeoutMs: 1e9, now: 1 }),
      (e: unknown) => e instanceof BatchBuildError && /ops 0\.\.1/.test(e.message),
    );
  });

  it("halts when the pending ops do not continue the state", () => {
    const ops = sampleOps(8);
    assert.throws(
      () => cutBatches(fresh(), storedOps(ops, 4, 0), { batchSize: N, publicSlots: N, batchTimeoutMs: 1e9, now: 1 }),
      BatchBuildError,
    );
  });
});
