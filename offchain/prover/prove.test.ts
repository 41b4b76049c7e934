import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as snarkjs from "snarkjs";
import {
  circuitArtifacts,
  ProveError,
  parseSolidityCallData,
  proofFromCalldata,
  proveBatch,
  releaseProverThreads,
  type VerificationKey,
} from "./prove.js";
import { ensureTinyCircuit, type TinyCircuit, tinyJob } from "./testkit.js";

const isProveError = (kind: string, pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof ProveError, `expected a ProveError, got ${String(e)}`);
  assert.equal(e.kind, kind);
  assert.match(e.message, pattern);
  return true;
};

describe("proveBatch (tiny circuit)", () => {
  let circuit: TinyCircuit;
  before(async () => {
    circuit = await ensureTinyCircuit();
  });
  after(releaseProverThreads);

  const params = (job: ReturnType<typeof tinyJob>, vkey?: VerificationKey) => ({
    input: job.input,
    wasmPath: circuit.wasmPath,
    zkeyPath: circuit.zkeyPath,
    vkey: vkey ?? circuit.vkey,
    expectedPublicSignals: job.publicSignals,
  });

  it("proves a valid input; the 8 words are a proof that verifies in calldata order", async () => {
    const job = tinyJob(3n, 5n);
    const out = await proveBatch(params(job));
    assert.deepEqual(out.publicSignals, job.publicSignals);
    assert.equal(out.proof.length, 8);
    for (const w of out.proof) assert.match(w, /^\d+$/);
    assert.ok(out.ms >= 0);
    assert.equal(await snarkjs.groth16.verify(circuit.vkey, out.publicSignals, proofFromCalldata(out.proof)), true);
    // The same words in another order must not verify (the check above can fail).
    const swapped = [...out.proof];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    assert.equal(await snarkjs.groth16.verify(circuit.vkey, out.publicSignals, proofFromCalldata(swapped)), false);
  });

  it("orders the words exactly as exportSolidityCallData prints them", async () => {
    const job = tinyJob(11n, 2n);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(job.input, circuit.wasmPath, circuit.zkeyPath);
    const text = await snarkjs.groth16.exportSolidityCallData(proof, publicSignals);
    const printed = [...text.matchAll(/"(0x[0-9a-f]{64})"/g)].map((m) => BigInt(m[1]!).toString());
    const parsed = parseSolidityCallData(text);
    assert.deepEqual(parsed.proof, printed.slice(0, 8));
    assert.deepEqual(parsed.inputs, job.publicSignals);
    const dec = (x: string | undefined) => BigInt(x!).toString();
    assert.deepEqual(parsed.proof, [
      dec(proof.pi_a[0]),
      dec(proof.pi_a[1]),
      dec(proof.pi_b[0]![1]),
      dec(proof.pi_b[0]![0]),
      dec(proof.pi_b[1]![1]),
      dec(proof.pi_b[1]![0]),
      dec(proof.pi_c[0]),
      dec(proof.pi_c[1]),
    ]);
  });

  it("rejects a proof that does not verify against the verification key", async () => {
    // A key with a valid but wrong point: gamma used as delta.
    const tampered = { ...circuit.vkey, vk_delta_2: circuit.vkey.vk_gamma_2 };
    await assert.rejects(
      proveBatch(params(tinyJob(3n, 5n), tampered)),
      isProveError("invalid-proof", /does not verify/),
    );
    const broken = { ...circuit.vkey, IC: [] };
    await assert.rejects(proveBatch(params(tinyJob(3n, 5n), broken)), isProveError("invalid-proof", /cannot be used/));
  });

  it("rejects public signals that differ from the extractor's, naming the first differing index", async () => {
    const job = tinyJob(3n, 5n);
    const c = BigInt(job.publicSignals[0]!);
    const wrong0 = { ...job, publicSignals: [String(c + 1n), "3"] };
    await assert.rejects(
      proveBatch(params(wrong0)),
      isProveError("public-signals", /^public signal 0 of the proof is \d+, the extractor expects \d+/),
    );
    const wrong1 = { ...job, publicSignals: [String(c), "4"] };
    await assert.rejects(
      proveBatch(params(wrong1)),
      isProveError("public-signals", /public signal 1 of the proof is 3, the extractor expects 4/),
    );
    const longer = { ...job, publicSignals: [...job.publicSignals, "0"] };
    await assert.rejects(
      proveBatch(params(longer)),
      isProveError("public-signals", /public signal 2 of the proof is missing.*\(2 signals, 3 expected\)/),
    );
  });

  it("reports an input the circuit cannot take", async () => {
    const job = tinyJob(3n, 5n);
    await assert.rejects(
      proveBatch({ ...params(job), input: { a: "3" } }),
      isProveError("prove", /snarkjs fullProve failed/),
    );
  });
});

describe("parseSolidityCallData / circuitArtifacts", () => {
  it("rejects text that is not snarkjs calldata", () => {
    assert.throws(() => parseSolidityCallData("nonsense"), /unexpected exportSolidityCallData output/);
    assert.throws(() => parseSolidityCallData('["0x1","0x2"],[["0x3"]],["0x4","0x5"],[]'), /unexpected/);
  });

  it("names the missing artifacts and make circuit-setup", () => {
    const dir = mkdtempSync(join(tmpdir(), "prover-artifacts-"));
    assert.throws(
      () => circuitArtifacts(dir),
      (e: unknown) => {
        const m = (e as Error).message;
        assert.match(m, /batch_js\/batch\.wasm, .*batch\.zkey, .*verification_key\.json/);
        assert.match(m, /make circuit-setup/);
        return true;
      },
    );
  });
});
