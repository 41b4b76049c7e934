import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { poseidon2 } from "poseidon-lite";
import { groth16, type VerificationKey } from "snarkjs";
import { generateDevPtau } from "./dev-ptau.js";
import { DEV_BEACON_HASH, r1csSize, setupGroth16 } from "./zkey.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const DIR = resolve(ROOT, "build/setup/test-zkey");
const CIRCUIT = `pragma circom 2.1.0;
include "circomlib/circuits/poseidon.circom";

// c = a * b and h = Poseidon(a, b); a is public.
template MulHash() {
    signal input a;
    signal input b;
    signal output c;
    signal output h;
    c <== a * b;
    component p = Poseidon(2);
    p.inputs[0] <== a;
    p.inputs[1] <== b;
    h <== p.out;
}

component main {public [a]} = MulHash();
`;
const r1cs = resolve(DIR, "mulhash.r1cs");
const wasm = resolve(DIR, "mulhash_js/mulhash.wasm");
// Power 8 is exactly what the circuit needs (241 constraints + 3 public signals < 2^8).
const ptau = resolve(DIR, "dev-8.ptau");

before(async () => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(resolve(DIR, "mulhash.circom"), CIRCUIT);
  await run(
    resolve(ROOT, "node_modules/.bin/circom2"),
    ["--r1cs", "--wasm", "--O2", "-l", resolve(ROOT, "node_modules"), "-o", DIR, resolve(DIR, "mulhash.circom")],
    { cwd: ROOT },
  );
  await generateDevPtau({ power: 8, out: ptau });
});

after(async () => {
  const cached = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
  if (cached) await cached.terminate();
});

describe("deterministic phase 2 from the dev ptau", () => {
  let vkey: VerificationKey;
  const zkeyA = resolve(DIR, "a.zkey");

  it("gives byte-identical zkey, verification key and Solidity verifier on two runs", async () => {
    const a = await setupGroth16({
      r1cs,
      ptau,
      zkey: zkeyA,
      vkey: resolve(DIR, "a.json"),
      solidity: resolve(DIR, "a.sol"),
    });
    const zkeyB = resolve(DIR, "b.zkey");
    await setupGroth16({ r1cs, ptau, zkey: zkeyB, vkey: resolve(DIR, "b.json"), solidity: resolve(DIR, "b.sol") });
    assert.ok(readFileSync(zkeyA).equals(readFileSync(zkeyB)), "zkey files differ");
    assert.equal(readFileSync(resolve(DIR, "a.json"), "utf8"), readFileSync(resolve(DIR, "b.json"), "utf8"));
    assert.equal(readFileSync(resolve(DIR, "a.sol"), "utf8"), readFileSync(resolve(DIR, "b.sol"), "utf8"));
    assert.match(readFileSync(resolve(DIR, "a.sol"), "utf8"), /contract Groth16Verifier/);
    vkey = a.vkey;
    assert.equal(vkey.protocol, "groth16");
    assert.equal(vkey.nPublic, 3);
  });

  it("proves and verifies the circuit; a changed public signal fails", async () => {
    const { proof, publicSignals } = await groth16.fullProve({ a: 3, b: 11 }, wasm, zkeyA);
    // Outputs first (c, h), then the public input a.
    assert.deepEqual(publicSignals, ["33", poseidon2([3n, 11n]).toString(), "3"]);
    assert.equal(await groth16.verify(vkey, publicSignals, proof), true);
    assert.equal(await groth16.verify(vkey, ["34", publicSignals[1]!, "3"], proof), false);
  });

  it("another beacon gives another key", async () => {
    const other = await setupGroth16({
      r1cs,
      ptau,
      zkey: resolve(DIR, "other.zkey"),
      beaconHash: DEV_BEACON_HASH.replace(/^./, (c) => (c === "0" ? "1" : "0")),
    });
    assert.notDeepEqual(other.vkey.vk_delta_2, vkey.vk_delta_2);
    assert.deepEqual(other.vkey.vk_alpha_1, vkey.vk_alpha_1, "alpha comes from the ptau");
  });

  it("explains a ptau too small for the circuit", async () => {
    const size = await r1csSize(r1cs);
    assert.equal(size.publicInputs, 1);
    assert.equal(size.outputs, 2);
    assert.ok(size.constraints > 128 && size.constraints < 253, `constraints: ${size.constraints}`);
    assert.equal(size.requiredPower, 8);
    const small = resolve(DIR, "dev-7.ptau");
    await generateDevPtau({ power: 7, out: small });
    await assert.rejects(
      setupGroth16({ r1cs, ptau: small, zkey: resolve(DIR, "x.zkey") }),
      /needs a ptau of power 8; .* has power 7: run make ptau PTAU_POWER=8/,
    );
  });

  it("explains a missing ptau", async () => {
    await assert.rejects(
      setupGroth16({ r1cs, ptau: resolve(DIR, "missing.ptau"), zkey: resolve(DIR, "x.zkey") }),
      /ptau file \(run `make ptau` or pass PTAU=path\) not found/,
    );
  });
});
