/**
 * `exit` from L1 alone against the node: the extractor's own batcher cuts a history, its stored
 * snapshots (what the node database held, and what `exit --db` used to read) must equal the state
 * rebuilt from the op data as L1 posts it, and the exit paths built from the rebuild must reach each
 * batch's root.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cutBatches } from "../extractor/batcher.js";
import { ALICE, BOB, CAROL, sampleOps, storedOps } from "../extractor/testkit.js";
import { encodeOps, leafHash } from "../lib/protocol.js";
import { exitProofs, type PostedBatch, rebuildState } from "../lib/rebuild.js";
import { BridgeState } from "../lib/state.js";
import { rootFromPath } from "../lib/tree.js";
import type { BatchRecord } from "../runtime/node-db/extractor.js";

const DEPTH = 10;
const ops = sampleOps(14);
const cut = cutBatches({ state: new BridgeState(DEPTH), nextBatchNumber: 0, creditsBefore: 0 }, storedOps(ops, 0, 0), {
  batchSize: 4,
  publicSlots: 4,
  batchTimeoutMs: 0,
  now: 1,
});
const batches: BatchRecord[] = cut.batches;

/** What L1 logs for a cut batch (BatchVerified + BatchOps). */
const posted = (b: BatchRecord): PostedBatch => ({
  batchNumber: BigInt(b.batchNumber),
  newRoot: b.newRoot,
  newOpChain: b.newOpChain,
  processedDeposits: BigInt(b.firstDepositId + b.depositCount),
  firstOpIndex: BigInt(b.firstOp),
  ops: encodeOps(
    b.ops.map((o) => ({ kind: o.kind, tokenId: o.tokenId, from: o.from, to: o.to, amount: BigInt(o.amount) })),
  ),
});

describe("exit from L1 data: the extractor's batches", () => {
  it("rebuilds, after every batch, the snapshot the node stored", () => {
    assert.equal(batches.length, 4);
    let seen = 0;
    rebuildState(DEPTH, batches.map(posted), {
      onBatch: (b, s) => {
        assert.deepEqual(s.toJSON(), (batches[Number(b.batchNumber)] as BatchRecord).stateAfter);
        seen++;
      },
    });
    assert.equal(seen, 4);
  });

  it("gives, at every batch root L1 may hold, exit paths that reach that root and bind the amount", () => {
    for (let n = 1; n <= batches.length; n++) {
      const state = rebuildState(DEPTH, batches.slice(0, n).map(posted));
      const root = (batches[n - 1] as BatchRecord).newRoot;
      for (const owner of [ALICE, BOB, CAROL]) {
        const owned = state.accountList().filter((a) => a.owner === BigInt(owner) && a.balance > 0n);
        const proofs = exitProofs(state, owner);
        assert.equal(proofs.length, owned.length);
        for (const p of proofs) {
          assert.equal(p.root, root);
          assert.equal(p.siblings.length, (3 * DEPTH) / 2);
          const leaf = leafHash(BigInt(owner), BigInt(p.tokenId), p.balance);
          assert.equal(rootFromPath(leaf, p.siblings, BigInt(p.slot)), root);
          const more = leafHash(BigInt(owner), BigInt(p.tokenId), p.balance + 1n);
          assert.notEqual(rootFromPath(more, p.siblings, BigInt(p.slot)), root);
        }
      }
    }
  });

  it("filters by token", () => {
    const state = rebuildState(DEPTH, batches.map(posted));
    assert.deepEqual(
      exitProofs(state, ALICE, 1).map((p) => p.tokenId),
      [1],
    );
  });
});
