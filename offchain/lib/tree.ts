/**
 * The state tree (docs/protocol.md section 4): a sparse binary Merkle tree with Poseidon(2) nodes
 * and zero leaves. Its roots and paths are those of @zk-kit/incremental-merkle-tree with
 * poseidon-lite (tree.test.ts checks it), but it only stores written nodes, so writing or proving
 * any slot costs `depth` hashes whatever the slot, and a clone hashes nothing.
 */
import { poseidon2 } from "poseidon-lite";
import { assertField } from "./field.js";

const hash2 = (left: bigint, right: bigint): bigint => poseidon2([left, right]);

/** Roots of all-zero subtrees: zeros[0] = 0, zeros[i + 1] = Poseidon(zeros[i], zeros[i]). */
export function zeroHashes(depth: number): bigint[] {
  const zeros = [0n];
  for (let i = 0; i < depth; i++) zeros.push(hash2(zeros[i] as bigint, zeros[i] as bigint));
  return zeros;
}

/** The genesis root: the root of the all-zero tree of the given depth. */
export function emptyRoot(depth: number): bigint {
  return zeroHashes(depth)[depth] as bigint;
}

/** A Merkle path: siblings from the leaf level up, and the slot's bits (0 = current node on the left). */
export interface MerklePath {
  leaf: bigint;
  siblings: bigint[];
  pathIndices: number[];
  root: bigint;
}

/**
 * Root reached from a leaf and its path (section 4's convention: bit j of `slot` = 0 means the node
 * is on the left at level j). Like `exit` on L1, it rejects a slot outside the tree and values >= r.
 */
export function rootFromPath(leaf: bigint, siblings: readonly bigint[], slot: bigint): bigint {
  if (slot < 0n || slot >= 1n << BigInt(siblings.length)) {
    throw new Error(`slot ${slot} is outside a tree of depth ${siblings.length}`);
  }
  let node = assertField("leaf", leaf);
  siblings.forEach((s, level) => {
    assertField(`sibling ${level}`, s);
    node = (slot >> BigInt(level)) & 1n ? hash2(s, node) : hash2(node, s);
  });
  return node;
}

/**
 * The state tree. Slots never move; `set` writes any slot, and `size` is one past the highest
 * slot written (the next fresh slot when slots are filled from 0).
 */
export class StateTree {
  readonly depth: number;
  private readonly zeros: bigint[];
  /** nodes[level] maps a node index at that level (0 = leaves) to its hash; absent = zeros[level]. */
  private nodes: Map<number, bigint>[];
  private count: number;

  constructor(depth: number, leaves: readonly bigint[] = []) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 32) throw new Error(`tree depth ${depth} must be 1..32`);
    if (leaves.length > 2 ** depth) throw new Error(`${leaves.length} leaves do not fit a tree of depth ${depth}`);
    this.depth = depth;
    this.zeros = zeroHashes(depth);
    this.nodes = Array.from({ length: depth + 1 }, () => new Map<number, bigint>());
    this.count = leaves.length;
    // Bulk build, level by level: one hash per written node.
    leaves.forEach((leaf, slot) => {
      this.level(0).set(slot, assertField(`leaf of slot ${slot}`, leaf));
    });
    for (let level = 0; level < depth; level++) {
      const parents = new Set<number>();
      for (const index of this.level(level).keys()) parents.add(Math.floor(index / 2));
      for (const parent of parents) {
        this.level(level + 1).set(parent, hash2(this.node(level, 2 * parent), this.node(level, 2 * parent + 1)));
      }
    }
  }

  get root(): bigint {
    return this.node(this.depth, 0);
  }

  /** One past the highest slot written so far (the next fresh slot). */
  get size(): number {
    return this.count;
  }

  /** The leaf in `slot` (0 for a slot never written). */
  leaf(slot: number): bigint {
    this.checkSlot(slot);
    return this.node(0, slot);
  }

  /** Writes `leaf` into `slot`. */
  set(slot: number, leaf: bigint): void {
    this.checkSlot(slot);
    let node = assertField("leaf", leaf);
    let index = slot;
    for (let level = 0; level < this.depth; level++) {
      this.level(level).set(index, node);
      const isRight = index % 2 === 1;
      const sibling = this.node(level, isRight ? index - 1 : index + 1);
      node = isRight ? hash2(sibling, node) : hash2(node, sibling);
      index = Math.floor(index / 2);
    }
    this.level(this.depth).set(0, node);
    if (slot >= this.count) this.count = slot + 1;
  }

  /** Merkle path of `slot` (also for a slot not yet written: its leaf is 0). */
  path(slot: number): MerklePath {
    this.checkSlot(slot);
    const siblings: bigint[] = [];
    const pathIndices: number[] = [];
    let index = slot;
    for (let level = 0; level < this.depth; level++) {
      const isRight = index % 2 === 1;
      pathIndices.push(isRight ? 1 : 0);
      siblings.push(this.node(level, isRight ? index - 1 : index + 1));
      index = Math.floor(index / 2);
    }
    return { leaf: this.node(0, slot), siblings, pathIndices, root: this.root };
  }

  /** An independent copy (for building a batch without touching the committed state). */
  clone(): StateTree {
    const copy = new StateTree(this.depth);
    copy.nodes = this.nodes.map((m) => new Map(m));
    copy.count = this.count;
    return copy;
  }

  /** All leaves from slot 0 to `size - 1` (0 for slots never written). */
  leaves(): bigint[] {
    return Array.from({ length: this.count }, (_, slot) => this.node(0, slot));
  }

  private level(level: number): Map<number, bigint> {
    return this.nodes[level] as Map<number, bigint>;
  }

  private node(level: number, index: number): bigint {
    return this.level(level).get(index) ?? (this.zeros[level] as bigint);
  }

  private checkSlot(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= 2 ** this.depth) {
      throw new Error(`slot ${slot} is outside a tree of depth ${this.depth}`);
    }
  }
}
