/**
 * Batch witness builder: real ops -> the batch circuit's input JSON (circuits/batch.circom) and its
 * public signals (docs/protocol.md section 8).
 */
import { type BatchBoundary, batchPublicInputs, checkBatchShape, countPublicOps, type Op } from "./protocol.js";
import {
  type AppliedOp,
  type BridgeState,
  creditsDestination,
  debitsSource,
  type LeafChange,
  StateError,
} from "./state.js";
import { pathLength } from "./tree.js";

/** Everything a prover job needs for one batch. */
export interface BatchWitness {
  /** Circuit input JSON (signal name -> decimal string or nested arrays of them). */
  input: Record<string, unknown>;
  /** The 4 + 2K public signals; equal to batchPublicInputs(...) and to the circuit's public inputs. */
  publicSignals: bigint[];
  oldRoot: bigint;
  newRoot: bigint;
  oldOpChain: bigint;
  newOpChain: bigint;
  /** The batch's real ops (the circuit pads the tail with no-ops). */
  ops: Op[];
  /** Circuit parameters the input is built for. */
  depth: number;
  batchSize: number;
  /** K: public pairs, the most L1-visible ops a batch may hold. */
  publicSlots: number;
  /** Per real op: its two leaf updates, as applied. */
  applied: AppliedOp[];
}

/** The private and public inputs of one slot, as numbers. */
interface SlotInput {
  kind: bigint;
  tokenId: bigint;
  from: bigint;
  to: bigint;
  amount: bigint;
  srcSlot: bigint;
  srcBalance: bigint;
  srcSiblings: bigint[];
  dstSlot: bigint;
  dstBalance: bigint;
  dstEmpty: bigint;
  dstSiblings: bigint[];
}

const SLOT_FIELDS = [
  "kind",
  "tokenId",
  "from",
  "to",
  "amount",
  "srcSlot",
  "srcBalance",
  "srcSiblings",
  "dstSlot",
  "dstBalance",
  "dstEmpty",
  "dstSiblings",
] as const;

function noOpSlot(depth: number): SlotInput {
  // A path is 3 siblings per 4-ary level (docs/protocol.md section 4).
  const zeros = (): bigint[] => Array.from({ length: pathLength(depth) }, () => 0n);
  return {
    kind: 0n,
    tokenId: 0n,
    from: 0n,
    to: 0n,
    amount: 0n,
    srcSlot: 0n,
    srcBalance: 0n,
    srcSiblings: zeros(),
    dstSlot: 0n,
    dstBalance: 0n,
    dstEmpty: 0n,
    dstSiblings: zeros(),
  };
}

function slotInput(a: AppliedOp, depth: number): SlotInput {
  const s = noOpSlot(depth);
  s.kind = BigInt(a.op.kind);
  s.tokenId = BigInt(a.op.tokenId);
  s.from = BigInt(a.op.from);
  s.to = BigInt(a.op.to);
  s.amount = a.op.amount;
  const src: LeafChange | undefined = a.source;
  if (src) {
    s.srcSlot = BigInt(src.slot);
    s.srcBalance = src.oldBalance;
    s.srcSiblings = [...src.siblings];
  }
  const dst: LeafChange | undefined = a.destination;
  if (dst) {
    s.dstSlot = BigInt(dst.slot);
    s.dstBalance = dst.oldBalance;
    s.dstEmpty = dst.wasEmpty ? 1n : 0n;
    s.dstSiblings = [...dst.siblings];
  }
  const wantSource = debitsSource(a.op);
  const wantDest = creditsDestination(a.op);
  if (wantSource !== (src !== undefined) || wantDest !== (dst !== undefined)) {
    throw new Error(`internal: op of kind ${a.op.kind} has the wrong leaf updates`);
  }
  for (const c of [src, dst])
    if (c && c.siblings.length !== pathLength(depth)) throw new Error("internal: path length");
  return s;
}

const dec = (x: bigint): string => x.toString(10);

/**
 * Circuit input JSON for a batch whose real ops were applied as `applied` (in order) between the
 * given boundary values. Exported for tests that tamper with a valid input.
 */
export function circuitInput(
  boundary: BatchBoundary,
  ops: readonly Op[],
  applied: readonly AppliedOp[],
  depth: number,
  batchSize: number,
  publicSlots: number,
): Record<string, unknown> {
  const slots = Array.from({ length: batchSize }, (_, i) => {
    const a = applied[i];
    return a === undefined ? noOpSlot(depth) : slotInput(a, depth);
  });
  const pub = batchPublicInputs(boundary, ops, batchSize, publicSlots);
  const input: Record<string, unknown> = {
    oldRoot: dec(boundary.oldRoot),
    newRoot: dec(boundary.newRoot),
    oldOpChain: dec(boundary.oldOpChain),
    newOpChain: dec(boundary.newOpChain),
    pubPair: Array.from({ length: publicSlots }, (_, k) => [
      dec(pub[4 + 2 * k] as bigint),
      dec(pub[5 + 2 * k] as bigint),
    ]),
  };
  for (const f of SLOT_FIELDS) {
    input[f] = slots.map((s) => {
      const v = s[f];
      return Array.isArray(v) ? v.map(dec) : dec(v);
    });
  }
  return input;
}

/**
 * Builds the witness of one batch and advances `state` over `ops` (all or nothing: if any op is
 * invalid, a StateError is thrown and `state` is unchanged).
 */
export function buildBatch(state: BridgeState, ops: Op[], batchSize: number, publicSlots: number): BatchWitness {
  checkBatchShape(batchSize, publicSlots);
  if (ops.length > batchSize) {
    throw new StateError(`batch has ${ops.length} ops but the circuit takes ${batchSize}`);
  }
  const visible = countPublicOps(ops);
  if (visible > publicSlots) {
    throw new StateError(`batch has ${visible} L1-visible ops but the circuit takes ${publicSlots}`);
  }
  state.validate(ops);
  const oldRoot = state.root;
  const oldOpChain = state.opChain;
  const applied = ops.map((op) => state.apply(op));
  let root = oldRoot;
  let chain = oldOpChain;
  for (const a of applied) {
    if (a.oldRoot !== root || a.oldOpChain !== chain) throw new Error("internal: applied ops do not chain");
    root = a.newRoot;
    chain = a.newOpChain;
  }
  const boundary: BatchBoundary = { oldRoot, newRoot: state.root, oldOpChain, newOpChain: state.opChain };
  if (boundary.newRoot !== root || boundary.newOpChain !== chain) throw new Error("internal: state and ops disagree");
  return {
    input: circuitInput(boundary, ops, applied, state.depth, batchSize, publicSlots),
    publicSignals: batchPublicInputs(boundary, ops, batchSize, publicSlots),
    ...boundary,
    ops: [...ops],
    depth: state.depth,
    batchSize,
    publicSlots,
    applied,
  };
}
