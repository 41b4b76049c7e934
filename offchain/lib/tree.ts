/**
 * The state tree (docs/protocol.md section 4): a sparse 4-ary Merkle tree with Poseidon(4) nodes and
 * zero leaves over 2^depth slots (depth even, depth / 2 levels). Its roots and paths are those of
 * @zk-kit/incremental-merkle-tree with arity 4 and poseidon-lite (tree.test.ts checks it), but it
 * only stores written nodes, so writing or proving any slot costs `depth / 2` hashes whatever the
 * slot, and a clone hashes nothing.
 */
import { poseidon4 } from "poseidon-lite";
import { assertField } from "./field.js";

/** Children per node. */
export const ARITY = 4;
/** Siblings per level of a path (the other children of the parent, in ascending position order). */
export const SIBLINGS_PER_LEVEL = ARITY - 1;

const hash4 = (children: readonly bigint[]): bigint => poseidon4(children as bigint[]);

/** Throws unless `depth` is an even integer in 2..32 (the tree has depth / 2 levels of arity 4). */
export function checkDepth(depth: number): number {
  if (!Number.isInteger(depth) || depth < 2 || depth > 32 || depth % 2 !== 0) {
    throw new Error(`tree depth ${depth} must be an even number in 2..32`);
  }
  return depth;
}

/** Number of 4-ary levels of a tree of `depth` slot bits. */
export function levelsOf(depth: number): number {
  return checkDepth(depth) / 2;
}

/** Length of a Merkle path of a tree of `depth` slot bits: 3 siblings per level. */
export function pathLength(depth: number): number {
  return SIBLINGS_PER_LEVEL * levelsOf(depth);
}

/** Roots of all-zero subtrees per level: zeros[0] = 0, zeros[i + 1] = Poseidon(z, z, z, z), z = zeros[i]. */
export function zeroHashes(depth: number): bigint[] {
  const zeros = [0n];
  for (let i = 0; i < levelsOf(depth); i++) {
    const z = zeros[i] as bigint;
    zeros.push(hash4([z, z, z, z]));
  }
  return zeros;
}

/** The genesis root: the root of the all-zero tree of the given depth. */
export function emptyRoot(depth: number): bigint {
  return zeroHashes(depth)[levelsOf(depth)] as bigint;
}

/**
 * A Merkle path: `siblings` level-major from the leaf level up (3 per level, ascending position),
 * and the slot's digits (`pathIndices[j]` = (slot >> 2j) & 3, the node's position at level j).
 */
export interface MerklePath {
  leaf: bigint;
  siblings: bigint[];
  pathIndices: number[];
  root: bigint;
}

/** The 4 children of a parent: the node at position `digit`, the 3 siblings around it in order. */
function children(node: bigint, siblings: readonly bigint[], digit: number): bigint[] {
  const c = [...siblings];
  c.splice(digit, 0, node);
  return c;
}

/**
 * Root reached from a leaf and its path (section 4's convention: digit j of `slot` is the node's
 * position at level j). Like `exit` on L1, it rejects a path whose length is not a multiple of 3,
 * a slot outside the tree and values >= r.
 */
export function rootFromPath(leaf: bigint, siblings: readonly bigint[], slot: bigint): bigint {
  if (siblings.length % SIBLINGS_PER_LEVEL !== 0) {
    throw new Error(`a path has 3 siblings per level, not ${siblings.length} siblings`);
  }
  const levels = siblings.length / SIBLINGS_PER_LEVEL;
  if (slot < 0n || slot >= 1n << BigInt(2 * levels)) {
    throw new Error(`slot ${slot} is outside a tree of depth ${2 * levels}`);
  }
  let node = assertField("leaf", leaf);
  siblings.forEach((s, i) => {
    assertField(`sibling ${i}`, s);
  });
  for (let level = 0; level < levels; level++) {
    const digit = Number((slot >> BigInt(2 * level)) & 3n);
    const s = siblings.slice(SIBLINGS_PER_LEVEL * level, SIBLINGS_PER_LEVEL * (level + 1));
    node = hash4(children(node, s, digit));
  }
  return node;
}

/**
 * The state tree. Slots never move; `set` writes any slot, and `size` is one past the highest
 * slot written (the next fresh slot when slots are filled from 0).
 */
export class StateTree {
  readonly depth: number;
  /** Number of 4-ary levels (depth / 2). */
  readonly levels: number;
  private readonly zeros: bigint[];
  /** nodes[level] maps a node index at that level (0 = leaves) to its hash; absent = zeros[level]. */
  private nodes: Map<number, bigint>[];
  private count: number;

  constructor(depth: number, leaves: readonly bigint[] = []) {
    this.levels = levelsOf(depth);
    if (leaves.length > 2 ** depth) throw new Error(`${leaves.length} leaves do not fit a tree of depth ${depth}`);
    this.depth = depth;
    this.zeros = zeroHashes(depth);
    this.nodes = Array.from({ length: this.levels + 1 }, () => new Map<number, bigint>());
    this.count = leaves.length;
    // Bulk build, level by level: one hash per written node.
    leaves.forEach((leaf, slot) => {
      this.level(0).set(slot, assertField(`leaf of slot ${slot}`, leaf));
    });
    for (let level = 0; level < this.levels; level++) {
      const parents = new Set<number>();
      for (const index of this.level(level).keys()) parents.add(Math.floor(index / ARITY));
      for (const parent of parents) this.level(level + 1).set(parent, hash4(this.childrenOf(level, parent)));
    }
  }

  get root(): bigint {
    return this.node(this.levels, 0);
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
    for (let level = 0; level < this.levels; level++) {
      this.level(level).set(index, node);
      index = Math.floor(index / ARITY);
      node = hash4(this.childrenOf(level, index));
    }
    this.level(this.levels).set(0, node);
    if (slot >= this.count) this.count = slot + 1;
  }

  /** Merkle path of `slot` (also for a slot not yet written: its leaf is 0). */
  path(slot: number): MerklePath {
    this.checkSlot(slot);
    const siblings: bigint[] = [];
    const pathIndices: number[] = [];
    let index = slot;
    for (let level = 0; level < this.levels; level++) {
      const digit = index % ARITY;
      pathIndices.push(digit);
      const c = this.childrenOf(level, Math.floor(index / ARITY));
      siblings.push(...c.filter((_, position) => position !== digit));
      index = Math.floor(index / ARITY);
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

  /** The 4 children (at `level`) of the node `parent` one level up. */
  private childrenOf(level: number, parent: number): bigint[] {
    return Array.from({ length: ARITY }, (_, position) => this.node(level, ARITY * parent + position));
  }

  private checkSlot(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= 2 ** this.depth) {
      throw new Error(`slot ${slot} is outside a tree of depth ${this.depth}`);
    }
  }
}
