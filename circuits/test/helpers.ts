/**
 * Shared helpers of the circuit tests: compile (cached), compute witnesses with the compiled wasm,
 * and check a witness against the r1cs independently of the witness calculator's own asserts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { type WitnessCalculator, WitnessCalculatorBuilder } from "circom_runtime";
import { FIELD_MODULUS } from "../../offchain/lib/field.js";
import { type CircuitArtifacts, ensureCircuit, ensureCompiled, r1csInfo } from "../scripts/build.js";

export const R = FIELD_MODULUS;

/** A linear combination: wire -> coefficient. */
type LC = [number, bigint][];

export interface LoadedCircuit {
  art: CircuitArtifacts;
  wc: WitnessCalculator;
  nPublic: number;
  constraints: number;
  /** Wire index of each signal named in the .sym file ("main.x[0]" -> wire), -1 if eliminated. */
  wireOf(name: string): number;
  /** Computes the witness (throws if an assert of the circuit fails) and checks it against the r1cs. */
  witness(input: Record<string, unknown>): Promise<bigint[]>;
  /** Index of the first r1cs constraint `w` violates, or -1 if it satisfies all of them. */
  firstViolation(w: readonly bigint[]): number;
}

function readLC(buf: Buffer, off: number, n8: number): [LC, number] {
  const n = buf.readUInt32LE(off);
  let p = off + 4;
  const lc: LC = [];
  for (let i = 0; i < n; i++) {
    const wire = buf.readUInt32LE(p);
    let v = 0n;
    for (let b = n8 - 1; b >= 0; b--) v = (v << 8n) | BigInt(buf[p + 4 + b] as number);
    lc.push([wire, v]);
    p += 4 + n8;
  }
  return [lc, p];
}

/** Parses the constraints section of an r1cs file (coefficients are stored little-endian, plain form). */
export function readConstraints(path: string): [LC, LC, LC][] {
  const buf = readFileSync(path);
  const nSections = buf.readUInt32LE(8);
  let off = 12;
  let n8 = 32;
  let nConstraints = 0;
  const sections = new Map<number, number>();
  for (let s = 0; s < nSections; s++) {
    const type = buf.readUInt32LE(off);
    const size = Number(buf.readBigUInt64LE(off + 4));
    sections.set(type, off + 12);
    if (type === 1) {
      n8 = buf.readUInt32LE(off + 12);
      nConstraints = buf.readUInt32LE(off + 12 + 4 + n8 + 16 + 8);
    }
    off += 12 + size;
  }
  let p = sections.get(2);
  if (p === undefined) throw new Error(`${path}: no constraints section`);
  const out: [LC, LC, LC][] = [];
  for (let i = 0; i < nConstraints; i++) {
    const [a, p1] = readLC(buf, p, n8);
    const [b, p2] = readLC(buf, p1, n8);
    const [c, p3] = readLC(buf, p2, n8);
    out.push([a, b, c]);
    p = p3;
  }
  return out;
}

const evalLC = (lc: LC, w: readonly bigint[]): bigint => {
  let s = 0n;
  for (const [wire, coef] of lc) s += coef * (w[wire] as bigint);
  return s % R;
};

function readSym(path: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line) continue;
    const [, wire, , name] = line.split(",");
    if (name !== undefined) map.set(name, Number(wire));
  }
  return map;
}

const loaded = new Map<string, Promise<LoadedCircuit>>();

async function load(art: CircuitArtifacts): Promise<LoadedCircuit> {
  const wc = await WitnessCalculatorBuilder(readFileSync(art.wasm));
  const info = r1csInfo(art.r1cs);
  let constraintsCache: [LC, LC, LC][] | undefined;
  let sym: Map<string, number> | undefined;
  const firstViolation = (w: readonly bigint[]): number => {
    constraintsCache ??= readConstraints(art.r1cs);
    for (let i = 0; i < constraintsCache.length; i++) {
      const [a, b, c] = constraintsCache[i] as [LC, LC, LC];
      if ((evalLC(a, w) * evalLC(b, w) - evalLC(c, w)) % R !== 0n) return i;
    }
    return -1;
  };
  return {
    art,
    wc,
    nPublic: info.publicInputs + info.outputs,
    constraints: info.constraints,
    wireOf(name: string): number {
      sym ??= readSym(art.sym);
      const wire = sym.get(name);
      if (wire === undefined) throw new Error(`no signal ${name} in ${art.sym}`);
      return wire;
    },
    async witness(input) {
      const w = await wc.calculateWitness(input, true);
      assert.equal(w[0], 1n, "wire 0 must be 1");
      const bad = firstViolation(w);
      assert.equal(bad, -1, `the calculated witness violates r1cs constraint ${bad}`);
      return w;
    },
    firstViolation,
  };
}

/** Batch(depth, batch, publicSlots), compiled once per process (and cached on disk across runs). */
export function batchCircuit(depth: number, batch: number, publicSlots: number): Promise<LoadedCircuit> {
  const key = `batch-${depth}-${batch}-${publicSlots}`;
  let p = loaded.get(key);
  if (!p) {
    p = load(ensureCircuit(depth, batch, publicSlots, true));
    loaded.set(key, p);
  }
  return p;
}

/** A small test harness circuit (main source given), compiled once. */
export function harnessCircuit(name: string, main: string): Promise<LoadedCircuit> {
  let p = loaded.get(name);
  if (!p) {
    p = load(ensureCompiled(`test-${name}`, main, "main", true));
    loaded.set(name, p);
  }
  return p;
}

/**
 * Why the circuit rejects `input`: the innermost failing template ("Num2Bits", "OpSlot",
 * "LeafUpdate", "Batch", ...), or null if the witness calculator accepts it. A fresh calculator is
 * used each time (the runtime keeps earlier messages) and its console output is silenced.
 */
export async function rejection(c: LoadedCircuit, input: Record<string, unknown>): Promise<string | null> {
  const wc = await WitnessCalculatorBuilder(readFileSync(c.art.wasm));
  const saved = [console.error, console.log];
  console.error = () => {};
  console.log = () => {};
  try {
    await wc.calculateWitness(input, true);
    return null;
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Assert Failed\. Error in template (\w+?)_\d+ line/.exec(msg);
    if (!m) throw new Error(`unexpected witness error (not a failed constraint): ${msg}`);
    return m[1] as string;
  } finally {
    [console.error, console.log] = saved as [typeof console.error, typeof console.log];
  }
}

/** Asserts that the circuit rejects `input`, in template `where` (innermost failing assert). */
export async function assertRejects(
  c: LoadedCircuit,
  input: Record<string, unknown>,
  where: string,
  what: string,
): Promise<void> {
  const got = await rejection(c, input);
  assert.notEqual(got, null, `${what}: the circuit accepted it`);
  assert.equal(got, where, `${what}: rejected in ${got}, expected ${where}`);
}

/** The public signals of a witness: wires 1..nPublic. */
export function publicOf(c: LoadedCircuit, w: readonly bigint[]): bigint[] {
  return w.slice(1, 1 + c.nPublic);
}

/** Deep copy of a circuit input (so a test can tamper with one field). */
export function copyInput(input: Record<string, unknown>): Record<string, unknown> {
  return structuredClone(input);
}

export interface BatchVectors {
  sequences: {
    depth: number;
    batchSize: number;
    publicSlots: number;
    genesisRoot: string;
    batches: {
      note: string;
      oldRoot: string;
      newRoot: string;
      oldOpChain: string;
      newOpChain: string;
      ops: {
        kind: 1 | 2 | 3 | 4;
        tokenId: string;
        from: `0x${string}`;
        to: `0x${string}`;
        amount: string;
        srcSlot: number | null;
        dstSlot: number | null;
      }[];
      publicInputs: string[];
      stateAfter: { slot: number; owner: string; tokenId: string; balance: string }[];
    }[];
  }[];
  refused: {
    note: string;
    depth: number;
    batchSize: number;
    publicSlots: number;
    rule: "kind" | "toZero" | "forcedTo" | "balance" | "zeroAmount";
    setup: { kind: 1 | 2 | 3 | 4; tokenId: string; from: `0x${string}`; to: `0x${string}`; amount: string }[];
    op: { kind: number; tokenId: string; from: `0x${string}`; to: `0x${string}`; amount: string };
  }[];
}

/** test/vectors/batch.json (written by offchain/lib/vectors/generate.ts from the protocol core). */
export function readBatchVectors(): BatchVectors {
  return JSON.parse(readFileSync(new URL("../../test/vectors/batch.json", import.meta.url), "utf8")) as BatchVectors;
}
