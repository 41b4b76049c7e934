import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { cutBatches } from "../extractor/batcher.js";
import { type BatchRecord, ExtractorStore } from "../extractor/store.js";
import { ALICE, BOB, CAROL, sampleOps, storedOps } from "../extractor/testkit.js";
import { leafHash } from "../lib/protocol.js";
import { BridgeState } from "../lib/state.js";
import { emptyRoot, rootFromPath } from "../lib/tree.js";
import { type Db, openDatabase } from "../runtime/db.js";
import { buildExitProofs, ExitPathError } from "./exodus.js";

const DEPTH = 10;
const dir = mkdtempSync(join(tmpdir(), "cli-exodus-"));
const path = join(dir, "bridge.sqlite");
let batches: BatchRecord[] = [];
let db: Db;
const ops = sampleOps(14);

before(() => {
  // The extractor's own code writes the database, as on a node.
  const writer = openDatabase(path);
  const store = new ExtractorStore(writer);
  const cut = cutBatches(
    { state: new BridgeState(DEPTH), nextBatchNumber: 0, creditsBefore: 0 },
    storedOps(ops, 0, 0),
    {
      batchSize: 4,
      batchTimeoutMs: 0,
      now: 1,
    },
  );
  store.commit({ ops: storedOps(ops, 0, 0), batches: cut.batches });
  batches = cut.batches;
  writer.close();
  db = new Database(path, { readonly: true, fileMustExist: true });
});

after(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Balances after `n` ops, replayed independently of the extractor. */
function replay(n: number): BridgeState {
  const s = new BridgeState(DEPTH);
  s.applyAll(ops.slice(0, n));
  return s;
}

describe("buildExitProofs", () => {
  it("gives, for every batch root L1 may hold, paths that rootFromPath maps to that root", () => {
    assert.equal(batches.length, 4);
    for (const b of batches) {
      const expected = replay(b.firstOp + b.opCount);
      for (const owner of [ALICE, BOB, CAROL]) {
        const owned = expected.accountList().filter((a) => a.owner === BigInt(owner) && a.balance > 0n);
        if (owned.length === 0) {
          assert.throws(() => buildExitProofs(db, b.newRoot, DEPTH, owner), ExitPathError);
          continue;
        }
        const proofs = buildExitProofs(db, b.newRoot, DEPTH, owner);
        assert.equal(proofs.length, owned.length);
        for (const p of proofs) {
          assert.equal(p.batchNumber, b.batchNumber);
          assert.equal(p.siblings.length, DEPTH);
          assert.equal(p.balance, expected.balanceOf(BigInt(owner), p.tokenId));
          assert.equal(p.slot, expected.slotOf(BigInt(owner), p.tokenId));
          const leaf = leafHash(BigInt(owner), BigInt(p.tokenId), p.balance);
          assert.equal(rootFromPath(leaf, p.siblings, BigInt(p.slot)), b.newRoot);
          // A different balance does not reach the root: the path binds the amount.
          assert.notEqual(
            rootFromPath(leafHash(BigInt(owner), BigInt(p.tokenId), p.balance + 1n), p.siblings, BigInt(p.slot)),
            b.newRoot,
          );
        }
      }
    }
  });

  it("uses the snapshot of the proven batch, not the newest one", () => {
    const older = batches[1]!;
    const newest = batches[3]!;
    const a = buildExitProofs(db, older.newRoot, DEPTH, ALICE, 0)[0]!;
    const b = buildExitProofs(db, newest.newRoot, DEPTH, ALICE, 0)[0]!;
    assert.equal(a.balance, replay(8).balanceOf(BigInt(ALICE), 0));
    assert.equal(b.balance, replay(14).balanceOf(BigInt(ALICE), 0));
    assert.notEqual(a.balance, b.balance);
  });

  it("filters by token", () => {
    const proofs = buildExitProofs(db, batches[3]!.newRoot, DEPTH, ALICE, 1);
    assert.deepEqual(
      proofs.map((p) => p.tokenId),
      [1],
    );
  });

  it("explains a root no batch of the database has", () => {
    assert.throws(
      () => buildExitProofs(db, 12345n, DEPTH, ALICE),
      (e: unknown) => e instanceof ExitPathError && /no batch with new root 12345.*--db/.test(e.message),
    );
  });

  it("explains that nothing can be exited from the genesis root", () => {
    assert.throws(
      () => buildExitProofs(db, emptyRoot(DEPTH), DEPTH, ALICE),
      (e: unknown) => e instanceof ExitPathError && /cancel-deposit/.test(e.message),
    );
  });

  it("refuses a database built for another depth", () => {
    assert.throws(() => buildExitProofs(db, batches[0]!.newRoot, DEPTH + 1, ALICE), ExitPathError);
  });
});
