/**
 * Proving one batch with snarkjs Groth16: witness + proof (fullProve), then a local check that
 * the proof verifies against the verification key and carries exactly the public signals the
 * extractor expects. A proof that fails either check is an error and is never stored.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Curve } from "ffjavascript";
import type { Groth16Proof, SignalValue, VerificationKey } from "snarkjs";
import * as snarkjs from "snarkjs";
import { BridgeError } from "../lib/errors.js";
import { firstDifference } from "../runtime/node-db/proof-jobs.js";

export type { VerificationKey };

export interface ProveParams {
  /** The circuit input (canonical JSON from the queue, or bigints). */
  input: Record<string, unknown>;
  wasmPath: string;
  zkeyPath: string;
  vkey: VerificationKey;
  /** The public signals the extractor computed for this batch (decimal strings). */
  expectedPublicSignals: readonly string[];
}

export interface ProvedBatch {
  /** pA0, pA1, pB00, pB01, pB10, pB11, pC0, pC1 as decimal strings (exportSolidityCallData order). */
  proof: string[];
  publicSignals: string[];
  /** Witness + proof + checks, in ms. */
  ms: number;
}

export type ProveErrorKind = "prove" | "public-signals" | "invalid-proof";

/** Why a batch could not be proved; `kind` says which step failed. */
export class ProveError extends BridgeError {
  constructor(
    readonly kind: ProveErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ProveError";
  }
}

/** Proves `input`, checks the proof and its public signals, and returns it in Solidity calldata order. */
export async function proveBatch(params: ProveParams): Promise<ProvedBatch> {
  const started = performance.now();
  let proof: Groth16Proof;
  let publicSignals: string[];
  try {
    ({ proof, publicSignals } = await snarkjs.groth16.fullProve(
      params.input as Record<string, SignalValue>,
      params.wasmPath,
      params.zkeyPath,
    ));
  } catch (error) {
    throw new ProveError(
      "prove",
      `snarkjs fullProve failed (an input the circuit rejects, or wrong circuit files): ${errorText(error)}`,
      { cause: error },
    );
  }
  publicSignals = publicSignals.map((s) => String(s));

  const expected = params.expectedPublicSignals;
  const at = firstDifference(publicSignals, expected);
  if (at >= 0) {
    throw new ProveError(
      "public-signals",
      `public signal ${at} of the proof is ${publicSignals[at] ?? "missing"}, the extractor expects ${expected[at] ?? "none"} ` +
        `(${publicSignals.length} signals, ${expected.length} expected): the witness builder and the circuit disagree`,
    );
  }

  let valid: boolean;
  try {
    valid = await snarkjs.groth16.verify(params.vkey, publicSignals, proof);
  } catch (error) {
    throw new ProveError("invalid-proof", `the verification key cannot be used: ${errorText(error)}`, { cause: error });
  }
  if (!valid) {
    throw new ProveError(
      "invalid-proof",
      "the proof does not verify against the verification key: the zkey and verification_key.json come from " +
        "different setups (rerun `make circuit-setup`)",
    );
  }

  const calldata = parseSolidityCallData(await snarkjs.groth16.exportSolidityCallData(proof, publicSignals));
  if (firstDifference(calldata.inputs, publicSignals) >= 0) {
    throw new ProveError("public-signals", "the calldata inputs differ from the public signals (snarkjs bug?)");
  }
  return { proof: calldata.proof, publicSignals, ms: Math.round(performance.now() - started) };
}

/**
 * Parses snarkjs's `exportSolidityCallData` text `[a0, a1],[[b00, b01],[b10, b11]],[c0, c1],[inputs...]`
 * (hex) into the 8 proof words and the inputs, as decimal strings, in the same order.
 */
export function parseSolidityCallData(text: string): { proof: string[]; inputs: string[] } {
  let parts: unknown;
  try {
    parts = JSON.parse(`[${text}]`);
  } catch (error) {
    throw new Error(`unexpected exportSolidityCallData output: ${text.slice(0, 80)}`, { cause: error });
  }
  const [a, b, c, inputs] = parts as [string[], string[][], string[], string[]];
  const words = [a?.[0], a?.[1], b?.[0]?.[0], b?.[0]?.[1], b?.[1]?.[0], b?.[1]?.[1], c?.[0], c?.[1]];
  if (!Array.isArray(inputs) || words.some((w) => typeof w !== "string")) {
    throw new Error(`unexpected exportSolidityCallData output: ${text.slice(0, 80)}`);
  }
  const dec = (h: string) => BigInt(h).toString();
  return { proof: (words as string[]).map(dec), inputs: inputs.map(dec) };
}

/** The snarkjs proof object of 8 calldata words (the inverse of the order above: pi_b's pairs swapped back). */
export function proofFromCalldata(words: readonly string[]): Groth16Proof {
  if (words.length !== 8) throw new Error(`a proof is 8 words, got ${words.length}`);
  const [a0, a1, b00, b01, b10, b11, c0, c1] = words as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    pi_a: [a0, a1, "1"],
    pi_b: [
      [b01, b00],
      [b11, b10],
      ["1", "0"],
    ],
    pi_c: [c0, c1, "1"],
    protocol: "groth16",
    curve: "bn128",
  };
}

/** Paths of one compiled circuit: `<dir>/<name>_js/<name>.wasm`, `<dir>/<name>.zkey`, `<dir>/verification_key.json`. */
export interface CircuitArtifacts {
  wasmPath: string;
  zkeyPath: string;
  vkeyPath: string;
}

/** The artifact paths of circuit `name` in `dir`; throws naming the missing files and `make circuit-setup`. */
export function circuitArtifacts(dir: string, name = "batch"): CircuitArtifacts {
  const artifacts = {
    wasmPath: join(dir, `${name}_js`, `${name}.wasm`),
    zkeyPath: join(dir, `${name}.zkey`),
    vkeyPath: join(dir, "verification_key.json"),
  };
  const missing = Object.values(artifacts).filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(
      `circuit artifacts missing: ${missing.join(", ")}; build them with \`make circuit-setup\` ` +
        "(or point CIRCUIT_DIR at a folder that has them)",
    );
  }
  return artifacts;
}

/** Reads a verification key JSON, checking that it is a Groth16 key. */
export function loadVerificationKey(path: string): VerificationKey {
  let vkey: VerificationKey;
  try {
    vkey = JSON.parse(readFileSync(path, "utf8")) as VerificationKey;
  } catch (error) {
    throw new Error(`cannot read the verification key ${path}: ${errorText(error)}`, { cause: error });
  }
  if (vkey?.protocol !== "groth16" || typeof vkey.nPublic !== "number") {
    throw new Error(`${path} is not a Groth16 verification key (protocol ${String(vkey?.protocol)})`);
  }
  return vkey;
}

/**
 * Stops the worker threads snarkjs's curve keeps (they hold the process alive). Proving again
 * afterwards is fine: snarkjs builds a new curve.
 */
export async function releaseProverThreads(): Promise<void> {
  const g = globalThis as { curve_bn128?: Curve | null };
  const curve = g.curve_bn128;
  if (curve) await curve.terminate();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
