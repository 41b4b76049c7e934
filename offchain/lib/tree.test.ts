import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IncrementalMerkleTree } from "@zk-kit/incremental-merkle-tree";
import { poseidon4 } from "poseidon-lite";
import { FIELD_MODULUS } from "./field.js";
import { leafHash } from "./protocol.js";
import { emptyRoot, pathLength, rootFromPath, StateTree, zeroHashes } from "./tree.js";

const r = FIELD_MODULUS;
const h = (a: bigint, b: bigint, c: bigint, d: bigint): bigint => poseidon4([a, b, c, d]);
const leaf = (i: number): bigint => leafHash(BigInt(0x1000 + i), BigInt(i % 3), BigInt(i * 1000 + 1));

/** The reference tree the design names: @zk-kit/incremental-merkle-tree, arity 4, with poseidon-lite. */
function zkKitTree(depth: number, leaves: readonly bigint[]): IncrementalMerkleTree {
  const t = new IncrementalMerkleTree((v) => poseidon4(v as bigint[]), depth / 2, 0n, 4);
  for (const l of leaves) t.insert(l);
  return t;
}

describe("zero hashes and empty roots", () => {
  it("follow zeros[i + 1] = Poseidon(z, z, z, z), z = zeros[i], from zeros[0] = 0 (depth / 2 levels)", () => {
    const zeros = zeroHashes(32);
    assert.equal(zeros.length, 17);
    let z = 0n;
    for (let i = 0; i <= 16; i++) {
      assert.equal(zeros[i], z, `zeros[${i}]`);
      z = h(z, z, z, z);
    }
  });

  it("pinned values (test/Vectors.t.sol checks the same roots against poseidon-solidity PoseidonT5)", () => {
    assert.equal(emptyRoot(2), 2351654555892372227640888372176282444150254868378439619268573230312091195718n);
    assert.equal(emptyRoot(4), 13867732332339151465497925642082178974038372652152621168903203076445231043372n);
    assert.equal(emptyRoot(16), 12390767703375336354386586159705861191789202938804190201641874256578171062369n);
    assert.equal(emptyRoot(20), 17246586734894168265112266963200606530710644744521791774170567941230295667185n);
    assert.equal(emptyRoot(32), 9533201250583817767896570092866591469094150406835227552485691564931228351592n);
  });

  it("are the roots of new, empty state trees", () => {
    for (const depth of [2, 4, 16, 32]) assert.equal(new StateTree(depth).root, emptyRoot(depth));
  });

  it("are refused for an odd depth", () => {
    for (const depth of [1, 3, 15, 31]) assert.throws(() => emptyRoot(depth), /tree depth .* must be an even number/);
  });

  it("do not change when a zero leaf is written", () => {
    const t = new StateTree(8);
    t.set(0, 0n);
    t.set(255, 0n);
    assert.equal(t.root, emptyRoot(8));
    assert.equal(t.size, 256);
  });
});

describe("StateTree against @zk-kit/incremental-merkle-tree", () => {
  const leaves = Array.from({ length: 13 }, (_, i) => leaf(i));

  it("gives the same root and paths for sequential slots", () => {
    const ref = zkKitTree(6, leaves);
    const t = new StateTree(6);
    leaves.forEach((l, i) => {
      t.set(i, l);
    });
    assert.equal(t.root, ref.root);
    for (const slot of [0, 1, 2, 3, 6, 12]) {
      const p = t.path(slot);
      const q = ref.createProof(slot);
      assert.equal(p.leaf, q.leaf);
      assert.deepEqual(p.pathIndices, q.pathIndices);
      // zk-kit gives 3 siblings per level (ascending position); section 4 flattens them level-major.
      assert.deepEqual(p.siblings, (q.siblings as bigint[][]).flat());
      assert.equal(p.siblings.length, pathLength(6));
      assert.equal(p.root, ref.root);
    }
  });

  it("gives the same root after an update of an existing slot", () => {
    const ref = zkKitTree(6, leaves);
    const t = new StateTree(6, leaves);
    ref.update(4, 77n);
    t.set(4, 77n);
    assert.equal(t.root, ref.root);
  });

  it("builds the same tree from a leaf list as by writing each slot", () => {
    const a = new StateTree(6, leaves);
    const b = new StateTree(6);
    leaves.forEach((l, i) => {
      b.set(i, l);
    });
    assert.equal(a.root, b.root);
    assert.deepEqual(a.leaves(), leaves);
    assert.equal(a.size, 13);
  });
});

describe("paths (section 4 convention)", () => {
  it("hand-computed depth-2 tree (one level): root and every position", () => {
    const [l0, l1, l2] = [5n, 6n, 7n];
    const t = new StateTree(2, [l0, l1, l2]);
    const expected = h(l0, l1, l2, 0n);
    assert.equal(t.root, expected);
    assert.deepEqual(t.path(0), { leaf: l0, siblings: [l1, l2, 0n], pathIndices: [0], root: expected });
    assert.deepEqual(t.path(1), { leaf: l1, siblings: [l0, l2, 0n], pathIndices: [1], root: expected });
    assert.deepEqual(t.path(2), { leaf: l2, siblings: [l0, l1, 0n], pathIndices: [2], root: expected });
    assert.deepEqual(t.path(3), { leaf: 0n, siblings: [l0, l1, l2], pathIndices: [3], root: expected });
  });

  it("hand-computed depth-4 tree (two levels): slot 6 is digit 2 then digit 1", () => {
    const t = new StateTree(4);
    t.set(6, 9n);
    t.set(1, 8n);
    const z1 = h(0n, 0n, 0n, 0n);
    const n0 = h(0n, 8n, 0n, 0n);
    const n1 = h(0n, 0n, 9n, 0n);
    assert.equal(t.root, h(n0, n1, z1, z1));
    assert.deepEqual(t.path(6), { leaf: 9n, siblings: [0n, 0n, 0n, n0, z1, z1], pathIndices: [2, 1], root: t.root });
  });

  it("slot 0 and the last slot rebuild the root (depth 16)", () => {
    const t = new StateTree(16, [leaf(0), leaf(1), leaf(2)]);
    const last = 2 ** 16 - 1;
    t.set(last, leaf(9));
    for (const slot of [0, 1, 2, 3, 1000, last - 1, last]) {
      const p = t.path(slot);
      assert.equal(rootFromPath(p.leaf, p.siblings, BigInt(slot)), t.root, `slot ${slot}`);
      assert.deepEqual(
        p.pathIndices,
        Array.from({ length: 8 }, (_, j) => (slot >> (2 * j)) & 3),
      );
    }
  });

  it("the unwritten last slot of a depth-16 tree has zero siblings except the first quarter's root", () => {
    const t = new StateTree(16, [leaf(0), leaf(1)]);
    const zeros = zeroHashes(16);
    const quarter = new StateTree(14, [leaf(0), leaf(1)]).root;
    const p = t.path(2 ** 16 - 1);
    assert.equal(p.leaf, 0n);
    const expected = zeros.slice(0, 7).flatMap((z) => [z, z, z]);
    expected.push(quarter, zeros[7]!, zeros[7]!);
    assert.deepEqual(p.siblings, expected);
    assert.deepEqual(p.pathIndices, Array(8).fill(3));
    assert.equal(h(quarter, zeros[7]!, zeros[7]!, zeros[7]!), t.root);
  });

  it("unwritten slots have leaf 0, a valid path and leave size and root alone", () => {
    const t = new StateTree(8, [leaf(0), leaf(1)]);
    const root = t.root;
    for (const slot of [2, 3, 200, 255]) {
      const p = t.path(slot);
      assert.equal(p.leaf, 0n);
      assert.equal(rootFromPath(0n, p.siblings, BigInt(slot)), root);
      assert.equal(t.leaf(slot), 0n);
    }
    assert.equal(t.size, 2);
    assert.equal(t.root, root);
  });

  it("a write into a far slot keeps the gap as zero leaves", () => {
    const t = new StateTree(8, [leaf(0)]);
    t.set(5, leaf(5));
    assert.equal(t.size, 6);
    assert.deepEqual(t.leaves(), [leaf(0), 0n, 0n, 0n, 0n, leaf(5)]);
    assert.equal(t.root, zkKitTree(8, [leaf(0), 0n, 0n, 0n, 0n, leaf(5)]).root);
  });

  it("the last slot of a depth-32 tree works (indices above 2^31)", () => {
    const t = new StateTree(32);
    const last = 2 ** 32 - 1;
    t.set(last, 42n);
    t.set(2 ** 31, 43n);
    assert.equal(t.leaf(last), 42n);
    for (const slot of [0, 2 ** 31, last]) {
      const p = t.path(slot);
      assert.equal(rootFromPath(p.leaf, p.siblings, BigInt(slot)), t.root, `slot ${slot}`);
    }
    assert.equal(
      t.path(last).pathIndices.every((d) => d === 3),
      true,
    );
  });

  it("update of an existing slot: new root, old path no longer valid, size unchanged", () => {
    const t = new StateTree(4, [leaf(0), leaf(1), leaf(2)]);
    const before = t.path(1);
    t.set(1, leaf(7));
    assert.notEqual(t.root, before.root);
    assert.equal(t.size, 3);
    assert.equal(t.leaf(1), leaf(7));
    // Same siblings (nothing else moved), new leaf: the new root.
    assert.deepEqual(t.path(1).siblings, before.siblings);
    assert.equal(rootFromPath(leaf(7), before.siblings, 1n), t.root);
    assert.notEqual(rootFromPath(leaf(1), before.siblings, 1n), t.root);
    // Writing the old leaf back restores the old root.
    t.set(1, leaf(1));
    assert.equal(t.root, before.root);
  });
});

describe("rootFromPath checks", () => {
  const t = new StateTree(4, [leaf(0), leaf(1), leaf(2)]);
  const p = t.path(2);

  it("a wrong slot (any other digit), sibling or leaf gives another root", () => {
    for (const slot of [0n, 1n, 3n, 6n, 10n, 14n]) assert.notEqual(rootFromPath(p.leaf, p.siblings, slot), t.root);
    assert.notEqual(rootFromPath(p.leaf + 1n, p.siblings, 2n), t.root);
    const siblings = [...p.siblings];
    siblings[3] = siblings[3]! + 1n;
    assert.notEqual(rootFromPath(p.leaf, siblings, 2n), t.root);
  });

  it("rejects slots outside the tree and values >= r", () => {
    assert.throws(() => rootFromPath(p.leaf, p.siblings, 16n), /slot 16 is outside a tree of depth 4/);
    assert.throws(() => rootFromPath(p.leaf, p.siblings, -1n), /slot -1 is outside/);
    assert.throws(() => rootFromPath(p.leaf, [r, ...p.siblings.slice(1)], 2n), /sibling 0 = .* out of range/);
    assert.throws(() => rootFromPath(r, p.siblings, 2n), /leaf = .* out of range/);
    assert.throws(() => rootFromPath(p.leaf, [...p.siblings.slice(0, 5), r], 2n), /sibling 5 = .* out of range/);
  });

  it("rejects a path whose length is not 3 per level", () => {
    for (const n of [1, 2, 4, 5, 7]) {
      assert.throws(() => rootFromPath(p.leaf, p.siblings.concat(p.siblings).slice(0, n), 2n), /3 siblings per level/);
    }
  });
});

describe("StateTree checks and clone", () => {
  it("rejects depths outside 2..32, odd depths and too many leaves", () => {
    for (const depth of [0, 1, 3, 15, 33, 34, 1.5, -2]) {
      assert.throws(() => new StateTree(depth), /tree depth .* must be an even number in 2..32/);
    }
    assert.throws(() => new StateTree(2, [1n, 2n, 3n, 4n, 5n]), /5 leaves do not fit a tree of depth 2/);
  });

  it("rejects slots outside the tree and leaves outside the field", () => {
    const t = new StateTree(4);
    for (const slot of [-1, 16, 1.5, Number.NaN]) {
      assert.throws(() => t.set(slot, 1n), /outside a tree of depth 4/);
      assert.throws(() => t.path(slot), /outside a tree of depth 4/);
      assert.throws(() => t.leaf(slot), /outside a tree of depth 4/);
    }
    assert.throws(() => t.set(0, r), /leaf = .* out of range/);
    assert.throws(() => t.set(0, -1n), /leaf = -1 is out of range/);
    assert.throws(() => new StateTree(4, [0n, r]), /leaf of slot 1 = .* out of range/);
    assert.equal(t.root, emptyRoot(4));
  });

  it("a clone is independent of the original, both ways", () => {
    const t = new StateTree(8, [leaf(0), leaf(1)]);
    const rootBefore = t.root;
    const c = t.clone();
    assert.equal(c.root, rootBefore);
    c.set(1, leaf(5));
    c.set(7, leaf(7));
    assert.equal(t.root, rootBefore);
    assert.equal(t.size, 2);
    assert.equal(t.leaf(1), leaf(1));
    t.set(0, leaf(9));
    assert.equal(c.leaf(0), leaf(0));
    assert.equal(c.root, new StateTree(8, [leaf(0), leaf(5), 0n, 0n, 0n, 0n, 0n, leaf(7)]).root);
    assert.equal(t.root, new StateTree(8, [leaf(9), leaf(1)]).root);
  });
});
