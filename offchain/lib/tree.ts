/**
 * The state tree (docs/protocol.md section 4) over @zk-kit/incremental-merkle-tree with Poseidon.
 */
import { IncrementalMerkleTree } from "@zk-kit/incremental-merkle-tree";
import { poseidon2 } from "poseidon-lite";

/** Hash used by the tree: Poseidon with two inputs. */
const hash2 = (values: unknown[]): bigint => poseidon2(values as [bigint, bigint]);

/** Roots of all-zero subtrees: zeros[0] = 0, zeros[i + 1] = Poseidon(zeros[i], zeros[i]). */
export function zeroHashes(depth: number): bigint[] {
  const zeros = [0n];
  for (let i = 0; i < depth; i++) zeros.push(poseidon2([zeros[i] as bigint, zeros[i] as bigint]));
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

/** Root reached from a leaf and its path (section 4's convention). */
export function rootFromPath(leaf: bigint, siblings: readonly bigint[], slot: bigint): bigint {
  let node = leaf;
  siblings.forEach((s, level) => {
    node = (slot >> BigInt(level)) & 1n ? poseidon2([s, node]) : poseidon2([node, s]);
  });
  return node;
}

/**
 * The state tree, filled slot by slot from 0. Slots never move; `set` grows the tree as needed.
 */
export class StateTree {
  readonly depth: number;
  private readonly tree: IncrementalMerkleTree;

  constructor(depth: number, leaves: readonly bigint[] = []) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 32) throw new Error(`tree depth ${depth} must be 1..32`);
    this.depth = depth;
    this.tree = new IncrementalMerkleTree(hash2, depth, 0n, 2);
    for (const leaf of leaves) this.tree.insert(leaf);
  }

  get root(): bigint {
    return this.tree.root as bigint;
  }

  /** Number of slots written so far (the next fresh slot). */
  get size(): number {
    return this.tree.leaves.length;
  }

  leaf(slot: number): bigint {
    return slot < this.size ? (this.tree.leaves[slot] as bigint) : 0n;
  }

  /** Writes `leaf` into `slot`, appending zero leaves for any gap. */
  set(slot: number, leaf: bigint): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= 2 ** this.depth) {
      throw new Error(`slot ${slot} is outside a tree of depth ${this.depth}`);
    }
    while (this.size < slot) this.tree.insert(0n);
    if (slot === this.size) this.tree.insert(leaf);
    else this.tree.update(slot, leaf);
  }

  /** Merkle path of `slot` (also for a slot not yet written: its leaf is 0). */
  path(slot: number): MerklePath {
    if (slot >= this.size) {
      const copy = new StateTree(this.depth, this.tree.leaves as bigint[]);
      copy.set(slot, 0n);
      return copy.path(slot);
    }
    const p = this.tree.createProof(slot);
    return {
      leaf: p.leaf as bigint,
      siblings: p.siblings.map((s) => (Array.isArray(s) ? s[0] : s) as bigint),
      pathIndices: p.pathIndices,
      root: p.root as bigint,
    };
  }

  /** A copy of the tree (for building a batch without touching the committed state). */
  clone(): StateTree {
    return new StateTree(this.depth, this.tree.leaves as bigint[]);
  }

  /** All leaves, slot order. */
  leaves(): bigint[] {
    return [...(this.tree.leaves as bigint[])];
  }
}
