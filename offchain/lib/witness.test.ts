import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { batchCircuit, publicOf, readBatchVectors } from "../../circuits/test/helpers.js";
import { credit, forcedWithdraw, transfer, withdraw } from "../testing/ops.js";
import { MAX_UINT128 } from "./field.js";
import { batchPublicInputs, opChainOf, packHead } from "./protocol.js";
import { BridgeState } from "./state.js";
import { emptyRoot, rootFromPath } from "./tree.js";
import { opFromJson } from "./vectors/schema.js";
import { buildBatch } from "./witness.js";

const A = 0xa0n;
const B = 0xb0n;
const L1 = 0x1111n;

const SLOT_KEYS = [
  "kind",
  "tokenId",
  "from",
  "to",
  "amount",
  "srcSlot",
  "srcBalance",
  "dstSlot",
  "dstBalance",
  "dstEmpty",
];

describe("buildBatch", () => {
  test("publicSignals equal batchPublicInputs and the boundary values, and the state advances", () => {
    const s = new BridgeState(6);
    const ops = [credit(A, 0, 10n), transfer(A, B, 0, 4n), withdraw(B, L1, 0, 1n)];
    const w = buildBatch(s, ops, 4, 4);
    assert.equal(w.oldRoot, emptyRoot(6));
    assert.equal(w.newRoot, s.root);
    assert.equal(w.oldOpChain, 0n);
    assert.equal(w.newOpChain, opChainOf(ops));
    assert.equal(s.opChain, w.newOpChain);
    assert.deepEqual(w.publicSignals, batchPublicInputs(w, ops, 4, 4));
    assert.equal(w.publicSignals.length, 4 + 2 * 4);
    assert.deepEqual(w.ops, ops);
    assert.equal(s.opCount, 3);
  });

  test("input has every signal, decimal strings, N slots and 3 * DEPTH / 2 siblings, no-op tail all zero", () => {
    const s = new BridgeState(6);
    const w = buildBatch(s, [credit(A, 3, MAX_UINT128)], 3, 3);
    const input = w.input;
    for (const k of ["oldRoot", "newRoot", "oldOpChain", "newOpChain"]) {
      assert.match(input[k] as string, /^(0|[1-9][0-9]*)$/);
    }
    assert.equal(input.newRoot, w.newRoot.toString());
    assert.deepEqual(input.pubPair, [
      [w.publicSignals[4]?.toString(), w.publicSignals[5]?.toString()],
      ["0", "0"],
      ["0", "0"],
    ]);
    for (const k of SLOT_KEYS) {
      const col = input[k] as string[];
      assert.equal(col.length, 3, k);
      assert.ok(
        col.every((v) => /^(0|[1-9][0-9]*)$/.test(v)),
        k,
      );
      assert.deepEqual(col.slice(1), ["0", "0"], `${k}: no-op tail`);
    }
    for (const k of ["srcSiblings", "dstSiblings"]) {
      const col = input[k] as string[][];
      assert.equal(col.length, 3);
      assert.ok(col.every((sib) => sib.length === 9)); // 3 per 4-ary level, depth 6
    }
    assert.deepEqual((input.amount as string[])[0], MAX_UINT128.toString());
    assert.deepEqual((input.dstEmpty as string[])[0], "1");
  });

  test("each slot's paths chain the roots: source then destination", () => {
    const s = new BridgeState(4);
    s.applyAll([credit(A, 0, 10n), credit(B, 0, 1n)]);
    const w = buildBatch(s, [transfer(A, B, 0, 3n), transfer(B, B, 0, 4n), withdraw(A, L1, 0, 7n)], 3, 3);
    let root = w.oldRoot;
    for (const a of w.applied) {
      for (const u of [a.source, a.destination]) {
        if (!u) continue;
        assert.equal(rootFromPath(u.oldLeaf, u.siblings, BigInt(u.slot)), root);
        root = rootFromPath(u.newLeaf, u.siblings, BigInt(u.slot));
      }
    }
    assert.equal(root, w.newRoot);
  });

  test("an invalid op anywhere leaves the state unchanged", () => {
    const s = new BridgeState(4);
    s.apply(credit(A, 0, 10n));
    const before = JSON.stringify(s.toJSON());
    assert.throws(
      () => buildBatch(s, [credit(B, 0, 1n), withdraw(B, L1, 0, 2n)], 4, 4),
      /op 1 of 2: insufficient balance/,
    );
    assert.throws(() => buildBatch(s, [credit(A, 0, 1n), credit(B, 0, 1n)], 1, 1), /2 ops but the circuit takes 1/);
    assert.throws(() => buildBatch(s, [], 0, 0), /batch size/);
    assert.equal(JSON.stringify(s.toJSON()), before);
  });

  test("forced withdrawals: the source side only, and a zero one with both sides zero like a no-op's", () => {
    const s = new BridgeState(4);
    s.applyAll([credit(A, 0, 10n), credit(B, 1, 5n)]);
    const w = buildBatch(s, [forcedWithdraw(A, 0, 4n), forcedWithdraw(L1, 3, 0n), forcedWithdraw(B, 1, 5n)], 4, 4);
    const col = (k: string) => w.input[k] as unknown[];
    assert.deepEqual(col("kind"), ["4", "4", "4", "0"]);
    assert.deepEqual(col("from"), col("to"));
    assert.deepEqual(col("amount"), ["4", "0", "5", "0"]);
    assert.deepEqual(col("srcSlot"), ["0", "0", "1", "0"]);
    assert.deepEqual(col("srcBalance"), ["10", "0", "5", "0"]);
    assert.deepEqual(col("dstBalance"), ["0", "0", "0", "0"]);
    assert.deepEqual(col("dstEmpty"), ["0", "0", "0", "0"]);
    const zeroSiblings = (col("srcSiblings")[1] as string[]).concat(col("dstSiblings")[1] as string[]);
    assert.ok(
      zeroSiblings.every((x) => x === "0"),
      "the zero forced withdrawal carries no path",
    );
    assert.ok(
      (col("srcSiblings")[0] as string[]).some((x) => x !== "0"),
      "the non-zero one carries its path",
    );
    assert.equal(w.applied[1]?.source, undefined);
    assert.deepEqual(w.publicSignals.slice(4, 10), [
      packHead(4, 0n, A),
      4n,
      packHead(4, 3n, L1),
      0n,
      packHead(4, 1n, B),
      5n,
    ]);
    assert.equal(s.balanceOf(A, 0), 6n);
    assert.equal(s.balanceOf(B, 1), 0n);
    assert.equal(s.slotOf(L1, 3), undefined);
    assert.throws(() => buildBatch(s, [forcedWithdraw(L1, 3, 1n)], 4, 4), /which has no slot/);
    assert.throws(() => buildBatch(s, [forcedWithdraw(A, 0, 7n)], 4, 4), /holds 6 of token 0, op moves 7/);
  });

  test("an empty batch is all no-ops and keeps root and op chain", () => {
    const s = new BridgeState(4);
    s.apply(credit(A, 0, 10n));
    const w = buildBatch(s, [], 2, 2);
    assert.equal(w.newRoot, w.oldRoot);
    assert.equal(w.newOpChain, w.oldOpChain);
    assert.deepEqual(w.publicSignals.slice(4), [0n, 0n, 0n, 0n]);
  });

  test("the circuit's own public signals equal publicSignals (compiled DEPTH 4, BATCH 4)", async () => {
    const c = await batchCircuit(4, 4, 4);
    const s = new BridgeState(4);
    const batches = [
      [credit(A, 0, 10n), credit(B, 1, 5n)],
      [transfer(A, B, 0, 4n), withdraw(B, L1, 1, 5n), transfer(B, A, 0, 1n), credit(A, 1, 1n)],
      [forcedWithdraw(A, 0, 7n), forcedWithdraw(B, 1, 0n), forcedWithdraw(L1, 0, 0n), forcedWithdraw(A, 1, 1n)],
      [],
    ];
    for (const ops of batches) {
      const w = buildBatch(s, ops, 4, 4);
      const pub = publicOf(c, await c.witness(w.input));
      assert.deepEqual(pub, w.publicSignals);
      assert.deepEqual(pub, batchPublicInputs(w, ops, 4, 4));
    }
  });

  test("replays test/vectors/batch.json: roots, op chains, public inputs, slots, stateAfter", () => {
    const vectors = readBatchVectors();
    for (const seq of vectors.sequences) {
      const s = new BridgeState(seq.depth);
      assert.equal(s.root, BigInt(seq.genesisRoot));
      for (const b of seq.batches) {
        const ops = b.ops.map(opFromJson);
        const w = buildBatch(s, ops, seq.batchSize, seq.publicSlots);
        assert.equal(w.oldRoot.toString(), b.oldRoot, b.note);
        assert.equal(w.newRoot.toString(), b.newRoot, b.note);
        assert.equal(w.oldOpChain.toString(), b.oldOpChain, b.note);
        assert.equal(w.newOpChain.toString(), b.newOpChain, b.note);
        assert.deepEqual(w.publicSignals.map(String), b.publicInputs, b.note);
        b.ops.forEach((o, i) => {
          const a = w.applied[i];
          assert.equal(a?.source?.slot ?? null, o.srcSlot, `${b.note}: op ${i} source slot`);
          assert.equal(a?.destination?.slot ?? null, o.dstSlot, `${b.note}: op ${i} destination slot`);
        });
        assert.deepEqual(
          s.accountList().map((a, slot) => ({ slot, owner: a.owner, tokenId: a.tokenId, balance: a.balance })),
          b.stateAfter.map((x) => ({
            slot: x.slot,
            owner: BigInt(x.owner),
            tokenId: Number(x.tokenId),
            balance: BigInt(x.balance),
          })),
          b.note,
        );
      }
    }
  });
});
