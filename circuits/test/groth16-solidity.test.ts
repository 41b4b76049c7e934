/**
 * The verifier generator (circuits/scripts/groth16-solidity.ts) on the dev verification key: the key's
 * points land in the precompile word order snarkjs's export uses, and malformed keys are refused.
 * Its behaviour on chain is tested against snarkjs's verifier in test/verifier/BatchVerifier.t.sol.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { BUILD_DIR, batchName, ROOT } from "../scripts/build.js";
import { BN254_Q, renderGroth16Verifier, type VerificationKey } from "../scripts/groth16-solidity.js";

const vkPath = join(BUILD_DIR, batchName(16, 4, 2), "verification_key.json");
let vk: VerificationKey;

before(() => {
  if (!existsSync(vkPath)) throw new Error(`${vkPath} is missing: run \`make circuit-setup\``);
  vk = JSON.parse(readFileSync(vkPath, "utf8")) as VerificationKey;
});

const render = (key: VerificationKey) => renderGroth16Verifier(key, { provenance: ["test"] });
const constantOf = (sol: string, name: string) => sol.match(new RegExp(`\\b${name}\\s*=\\s*(\\d+);`))?.[1];

describe("renderGroth16Verifier", () => {
  test("puts every key constant where snarkjs's export (the oracle) has it", () => {
    const ours = render(vk);
    const oracle = readFileSync(join(ROOT, "test", "verifier", "SnarkjsBatchVerifier.sol"), "utf8");
    const pairs: [string, string][] = [
      ["ALPHA_X", "alphax"],
      ["ALPHA_Y", "alphay"],
    ];
    for (const [g, s] of [
      ["BETA", "beta"],
      ["GAMMA", "gamma"],
      ["DELTA", "delta"],
    ]) {
      pairs.push([`${g}_X_IM`, `${s}x1`], [`${g}_X_RE`, `${s}x2`], [`${g}_Y_IM`, `${s}y1`], [`${g}_Y_RE`, `${s}y2`]);
    }
    for (let i = 0; i < vk.IC.length; i++) pairs.push([`IC${i}_X`, `IC${i}x`], [`IC${i}_Y`, `IC${i}y`]);
    for (const [o, s] of pairs) {
      assert.ok(constantOf(ours, o), `${o} is rendered`);
      assert.equal(constantOf(ours, o), constantOf(oracle, s), `${o} = snarkjs's ${s}`);
    }
    assert.match(ours, new RegExp(`uint256\\[${vk.nPublic}\\] calldata _pubSignals`));
    assert.equal(render(vk), ours, "deterministic");
  });

  test("refuses keys it cannot render faithfully", () => {
    const bad = (patch: (k: VerificationKey) => void, msg: RegExp) => {
      const k = structuredClone(vk);
      patch(k);
      assert.throws(() => render(k), msg);
    };
    bad((k) => (k.curve = "bls12381"), /groth16 over bn128/);
    bad((k) => (k.nPublic += 1), /need nPublic \+ 1/);
    bad((k) => (k.IC[3]![0] = String(BN254_Q)), /IC\[3\]\.x is not < q/);
    bad((k) => (k.vk_delta_2[1]![0] = "0x12"), /not a decimal/);
    bad((k) => (k.vk_alpha_1[2] = "0"), /not an affine G1 point/);
  });
});
