import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IncrementalMerkleTree } from "@zk-kit/incremental-merkle-tree";
import { poseidon2 } from "poseidon-lite";
import { FIELD_MODULUS } from "./field.js";
import { leafHash } from "./protocol.js";
import { emptyRoot, rootFromPath, StateTree, zeroHashes } from "./tree.js";

const r = FIELD_MODULUS;
const h = (a: bigint, b: bigint): bigint => poseidon2([a, b]);
const leaf = (i: number): bigint => leafHash(BigInt(0x1000 + i), BigInt(i % 3), BigInt(i * 1000 + 1));

/** The reference tree the design names: @zk-kit/incremental-merkle-tree with poseidon-lite. */
function zkKitTree(depth: number, leaves: readonly bigint[]): IncrementalMerkleTree {
  const t = new IncrementalMerkleTree((v) => poseidon2(v as bigint[]), depth, 0n, 2);
  for (const l of leaves) t.insert(l);
  return t;
}

describe("zero hashes and empty roots", () => {
  it("follow zeros[i + 1] = Poseidon(zeros[i], zeros[i]) from zeros[0] = 0", () => {
    const zeros = zeroHashes(32);
    assert.equal(zeros.length, 33);
    let z = 0n;
    for (let i = 0; i <= 32; i++) {
      assert.equal(zeros[i], z, `zeros[${i}]`);
      z = h(z, z);
    }
  });

  it("match roots computed with poseidon-solidity PoseidonT3 (one-off forge script)", () => {
    assert.equal(emptyRoot(1), 14744269619966411208579211824598458697587494354926760081771325075741142829156n);
    assert.equal(emptyRoot(4), 3607627140608796879659380071776844901612302623152076817094415224584923813162n);
    assert.equal(emptyRoot(16), 19217088683336594659449020493828377907203207941212636669271704950158751593251n);
    assert.equal(emptyRoot(20), 15019797232609675441998260052101280400536945603062888308240081994073687793470n);
    assert.equal(emptyRoot(32), 21443572485391568159800782191812935835534334817699172242223315142338162256601n);
  });

  it("are the roots of new, empty state trees", () => {
    for (const depth of [1, 4, 16, 32]) assert.equal(new StateTree(depth).root, emptyRoot(depth));
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
    const ref = zkKitTree(5, leaves);
    const t = new StateTree(5);
    leaves.forEach((l, i) => {
      t.set(i, l);
    });
    assert.equal(t.root, ref.root);
    for (const slot of [0, 1, 6, 12]) {
      const p = t.path(slot);
      const q = ref.createProof(slot);
      assert.equal(p.leaf, q.leaf);
      assert.deepEqual(p.pathIndices, q.pathIndices);
      assert.deepEqual(
        p.siblings,
        q.siblings.map((s) => (Array.isArray(s) ? s[0] : s)),
      );
      assert.equal(p.root, ref.root);
    }
  });

  it("gives the same root after an update of an existing slot", () => {
    const ref = zkKitTree(5, leaves);
    const t = new StateTree(5, leaves);
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
  it("hand-computed depth-2 tree: root and both neighbours", () => {
    const [l0, l1, l2] = [5n, 6n, 7n];
    const t = new StateTree(2, [l0, l1, l2]);
    const expected = h(h(l0, l1), h(l2, 0n));
    assert.equal(t.root, expected);
    assert.deepEqual(t.path(0), { leaf: l0, siblings: [l1, h(l2, 0n)], pathIndices: [0, 0], root: expected });
    assert.deepEqual(t.path(2), { leaf: l2, siblings: [0n, h(l0, l1)], pathIndices: [0, 1], root: expected });
    assert.deepEqual(t.path(3), { leaf: 0n, siblings: [l2, h(l0, l1)], pathIndices: [1, 1], root: expected });
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
        Array.from({ length: 16 }, (_, j) => (slot >> j) & 1),
      );
    }
  });

  it("the unwritten last slot of a depth-16 tree has zero siblings except the left half's root", () => {
    const t = new StateTree(16, [leaf(0), leaf(1)]);
    const zeros = zeroHashes(16);
    const leftHalf = new StateTree(15, [leaf(0), leaf(1)]).root;
    const p = t.path(2 ** 16 - 1);
    assert.equal(p.leaf, 0n);
    assert.deepEqual(p.siblings, [...zeros.slice(0, 15), leftHalf]);
    assert.deepEqual(p.pathIndices, Array(16).fill(1));
    assert.equal(h(leftHalf, zeros[15]!), t.root);
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
      t.path(last).pathIndices.every((b) => b === 1),
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

  it("a wrong slot, sibling or leaf gives another root", () => {
    assert.notEqual(rootFromPath(p.leaf, p.siblings, 3n), t.root);
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
  });
});

describe("StateTree checks and clone", () => {
  it("rejects depths outside 1..32 and too many leaves", () => {
    for (const depth of [0, 33, 1.5, -1]) assert.throws(() => new StateTree(depth), /tree depth .* must be 1..32/);
    assert.throws(() => new StateTree(1, [1n, 2n, 3n]), /3 leaves do not fit a tree of depth 1/);
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
