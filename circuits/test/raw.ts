/**
 * An unchecked witness builder for negative tests: it computes a batch input the way a cheating
 * prover would (same arithmetic as the circuit, mod r, siblings taken from the real tree as it
 * evolves), with no validity checks at all. A test describes each slot directly and deviates from
 * the honest slot in exactly one respect, so every other constraint is satisfied and the circuit
 * must reject the input for that one reason.
 */
import { poseidon3, poseidon4 } from "poseidon-lite";
import { FIELD_MODULUS as R } from "../../offchain/lib/field.js";
import { pathLength, type StateTree } from "../../offchain/lib/tree.js";

const mod = (x: bigint): bigint => ((x % R) + R) % R;

export interface RawSlot {
  kind: bigint;
  tokenId?: bigint;
  from?: bigint;
  to?: bigint;
  amount?: bigint;
  srcSlot?: bigint;
  srcBalance?: bigint;
  dstSlot?: bigint;
  dstBalance?: bigint;
  dstEmpty?: bigint;
  /** Apply the source / destination update even if the kind says the side is unused. */
  forceSource?: boolean;
  forceDest?: boolean;
}

export interface RawBatch {
  input: Record<string, unknown>;
  newRoot: bigint;
  newOpChain: bigint;
}

/** Section 4's 4-ary fold: at level j the node goes to position (slot >> 2j) & 3 among 3 siblings. */
function rootFrom(leaf: bigint, siblings: readonly bigint[], slot: bigint): bigint {
  let node = leaf;
  for (let j = 0; 3 * j < siblings.length; j++) {
    const children = siblings.slice(3 * j, 3 * j + 3);
    children.splice(Number((slot >> BigInt(2 * j)) & 3n), 0, node);
    node = poseidon4(children);
  }
  return node;
}

/**
 * Builds the input of a batch over `tree` (mutated: it ends as the claimed new tree). Slots past
 * `slots.length` are honest no-ops. The public pairs are the L1-visible slots' pairs in order
 * (the first `publicSlots` of them), then (0, 0).
 */
export function rawBatchInput(
  tree: StateTree,
  oldOpChain: bigint,
  slots: readonly RawSlot[],
  batchSize: number,
  publicSlots: number,
): RawBatch {
  const depth = tree.depth;
  const oldRoot = tree.root;
  let root = oldRoot;
  let chain = oldOpChain;
  const cols: Record<string, unknown[]> = {};
  for (const f of ["kind", "tokenId", "from", "to", "amount", "srcSlot", "srcBalance", "srcSiblings"]) cols[f] = [];
  for (const f of ["dstSlot", "dstBalance", "dstEmpty", "dstSiblings"]) cols[f] = [];
  const pubs: bigint[][] = [];
  const push = (f: string, v: unknown): void => {
    (cols[f] as unknown[]).push(v);
  };
  const dec = (x: bigint): string => mod(x).toString();
  for (let i = 0; i < batchSize; i++) {
    const s: RawSlot = slots[i] ?? { kind: 0n };
    const kind = s.kind;
    const tokenId = s.tokenId ?? 0n;
    const from = s.from ?? 0n;
    const to = s.to ?? 0n;
    const amount = s.amount ?? 0n;
    const srcSlot = s.srcSlot ?? 0n;
    const srcBalance = s.srcBalance ?? 0n;
    const dstSlot = s.dstSlot ?? 0n;
    const dstBalance = s.dstBalance ?? 0n;
    const dstEmpty = s.dstEmpty ?? 0n;
    // The circuit's decoding of kinds 0..4 (kinds above 4 get kind 4's sides; the circuit refuses them).
    const forced = kind >= 4n;
    const hasSource = kind === 2n || kind === 3n || (forced && amount !== 0n);
    const hasDest = kind === 1n || kind === 2n;
    const isPublic = kind === 1n || kind === 3n || forced;
    const isReal = kind !== 0n;

    let srcSiblings = Array.from({ length: pathLength(depth) }, () => 0n);
    const srcLeaf = poseidon3([mod(from), mod(tokenId), mod(srcBalance - amount)]);
    if (hasSource) {
      srcSiblings = tree.path(Number(srcSlot)).siblings;
      tree.set(Number(srcSlot), srcLeaf);
      root = rootFrom(srcLeaf, srcSiblings, srcSlot);
    }
    let dstSiblings = Array.from({ length: pathLength(depth) }, () => 0n);
    const dstLeaf = poseidon3([mod(to), mod(tokenId), mod(dstBalance + amount)]);
    if (hasDest) {
      dstSiblings = tree.path(Number(dstSlot)).siblings;
      tree.set(Number(dstSlot), dstLeaf);
      root = rootFrom(dstLeaf, dstSiblings, dstSlot);
    }
    // A cheater's extra write on a side the kind does not use: the circuit passes that side through,
    // so its paths are those of the honest sides; the write only lands in the tree the cheater claims.
    if (s.forceSource && !hasSource) {
      srcSiblings = tree.path(Number(srcSlot)).siblings;
      tree.set(Number(srcSlot), srcLeaf);
    }
    if (s.forceDest && !hasDest) {
      dstSiblings = tree.path(Number(dstSlot)).siblings;
      tree.set(Number(dstSlot), dstLeaf);
    }
    if (isReal) chain = poseidon4([chain, mod(kind + tokenId * 8n + from * 2n ** 35n), mod(to), mod(amount)]);
    if (isPublic) pubs.push([mod(kind + tokenId * 8n + to * 2n ** 35n), mod(amount)]);

    push("kind", dec(kind));
    push("tokenId", dec(tokenId));
    push("from", dec(from));
    push("to", dec(to));
    push("amount", dec(amount));
    push("srcSlot", dec(srcSlot));
    push("srcBalance", dec(srcBalance));
    push("srcSiblings", srcSiblings.map(dec));
    push("dstSlot", dec(dstSlot));
    push("dstBalance", dec(dstBalance));
    push("dstEmpty", dec(dstEmpty));
    push("dstSiblings", dstSiblings.map(dec));
  }
  cols.pubPair = Array.from({ length: publicSlots }, (_, k) => (pubs[k] ?? [0n, 0n]).map(dec));
  const input: Record<string, unknown> = {
    oldRoot: dec(oldRoot),
    newRoot: dec(root),
    oldOpChain: dec(oldOpChain),
    newOpChain: dec(chain),
    ...cols,
  };
  // Key order of the honest builder (not needed by the circuit, convenient for deepEqual).
  const ordered: Record<string, unknown> = {};
  for (const k of ["oldRoot", "newRoot", "oldOpChain", "newOpChain", "pubPair", "kind", "tokenId", "from", "to"]) {
    ordered[k] = input[k];
  }
  for (const k of [
    "amount",
    "srcSlot",
    "srcBalance",
    "srcSiblings",
    "dstSlot",
    "dstBalance",
    "dstEmpty",
    "dstSiblings",
  ]) {
    ordered[k] = input[k];
  }
  return { input: ordered, newRoot: root, newOpChain: chain };
}
