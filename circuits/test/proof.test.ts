/**
 * Real Groth16 proofs at the dev parameters (DEPTH 16, BATCH 4, PUBLIC 2) with the keys of
 * `make circuit-setup`, the committed fixture re-verified against them, and the committed
 * Solidity verifier and its snarkjs oracle compared with a fresh generation.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { curves, type Groth16Proof, groth16, type VerificationKey } from "snarkjs";
import { addressToBigInt } from "../../offchain/lib/field.js";
import { batchPublicInputs, type Op, packHead, ZERO_ADDRESS } from "../../offchain/lib/protocol.js";
import { BridgeState } from "../../offchain/lib/state.js";
import { buildBatch } from "../../offchain/lib/witness.js";
import { BUILD_DIR, batchName, ROOT } from "../scripts/build.js";
import { type BatchFixture, fixtureBatch, fixturePath, l1Slots, parseCallData } from "../scripts/fixture.js";
import { sha256File } from "../scripts/setup.js";
import { oracleSource, verifierSource } from "../scripts/verifier.js";

const DEPTH = 16;
const BATCH = 4;
const PUBLIC = 2;
const dir = join(BUILD_DIR, batchName(DEPTH, BATCH, PUBLIC));
const wasm = join(dir, "batch_js", "batch.wasm");
const zkey = join(dir, "batch.zkey");
const vkeyPath = join(dir, "verification_key.json");
let vkey: VerificationKey;

before(() => {
  if (!existsSync(zkey) || !existsSync(vkeyPath)) {
    throw new Error(`${zkey} is missing: run \`make circuit-setup\` (make test-circuits does it first)`);
  }
  vkey = JSON.parse(readFileSync(vkeyPath, "utf8")) as VerificationKey;
});

after(async () => {
  // snarkjs keeps the curve's worker threads alive; end them so the test process can exit.
  const curve = (await curves.getCurveFromName("bn128")) as { terminate(): Promise<void> };
  await curve.terminate();
});

const addr = (x: bigint): `0x${string}` => `0x${x.toString(16).padStart(40, "0")}`;

describe("Groth16 at the dev parameters", () => {
  test("a proof of transfers, a withdrawal and a forced withdrawal (K = 2 pairs) verifies; any changed public signal or proof element does not", async () => {
    const s = new BridgeState(DEPTH);
    s.applyAll([{ kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: addr(0xaaan), amount: 50n }]);
    const ops: Op[] = [
      { kind: 2, tokenId: 0, from: addr(0xaaan), to: addr(0xbbbn), amount: 20n },
      { kind: 3, tokenId: 0, from: addr(0xbbbn), to: addr(0xcccn), amount: 15n },
      { kind: 2, tokenId: 0, from: addr(0xbbbn), to: addr(0xdddn), amount: 5n },
      { kind: 4, tokenId: 0, from: addr(0xaaan), to: addr(0xaaan), amount: 30n },
    ];
    const w = buildBatch(s, ops, BATCH, PUBLIC);
    assert.equal(s.balanceOf(0xaaan, 0), 0n, "the forced withdrawal drained the owner's leaf");
    const { proof, publicSignals } = await groth16.fullProve(w.input as Record<string, string>, wasm, zkey);
    assert.deepEqual(publicSignals, w.publicSignals.map(String));
    assert.equal(publicSignals.length, 4 + 2 * PUBLIC);
    assert.equal(publicSignals[5], "15", "pair 0: the withdrawal (op slot 1)");
    assert.equal(publicSignals[7], "30", "pair 1: the forced withdrawal (op slot 3)");
    assert.equal(await groth16.verify(vkey, publicSignals, proof), true);

    for (let i = 0; i < publicSignals.length; i++) {
      const changed = [...publicSignals];
      changed[i] = (BigInt(changed[i] as string) + 1n).toString();
      assert.equal(await groth16.verify(vkey, changed, proof), false, `public signal ${i} + 1 accepted`);
    }
    const other: Groth16Proof = { ...proof, pi_a: [proof.pi_c[0], proof.pi_c[1], "1"] as string[] };
    assert.equal(await groth16.verify(vkey, publicSignals, other), false, "a proof with pi_a = pi_c accepted");
  });
});

describe("committed artifacts", () => {
  const fixture = JSON.parse(readFileSync(fixturePath(DEPTH, BATCH, PUBLIC), "utf8")) as BatchFixture;

  test("test/fixtures/batch-d16-n4-k2.json verifies against the current verification key", async () => {
    assert.equal(fixture.verificationKeySha256, await sha256File(vkeyPath), "fixture made with other keys");
    assert.equal(await groth16.verify(vkey, fixture.publicSignals, fixture.snarkjsProof), true);
    const call = parseCallData(await groth16.exportSolidityCallData(fixture.snarkjsProof, fixture.publicSignals));
    assert.deepEqual(call.proof, fixture.proof, "Solidity proof words = exportSolidityCallData");
    assert.deepEqual(call.pub, fixture.publicSignals);
  });

  test("the fixture is the witness builder's batch, and L1 builds the same public inputs from its slots", () => {
    const { deposits, ops } = fixtureBatch();
    const s = new BridgeState(DEPTH);
    assert.equal(fixture.genesisRoot, s.root.toString());
    const w = buildBatch(s, ops, BATCH, PUBLIC);
    assert.deepEqual(fixture.publicSignals, w.publicSignals.map(String));
    assert.deepEqual(fixture.slots, l1Slots(ops, deposits, PUBLIC));
    assert.deepEqual(fixture.deposits, deposits);
    // What submitBatch computes: stored root and chain, the sender's newRoot/newOpChain, slot pairs.
    const l1 = [BigInt(fixture.genesisRoot), BigInt(fixture.newRoot), 0n, BigInt(fixture.newOpChain)];
    for (const slot of fixture.slots) {
      const pub = slot.kind === 1 || slot.kind === 3 || slot.kind === 4;
      l1.push(pub ? packHead(slot.kind, BigInt(slot.tokenId), addressToBigInt(slot.account)) : 0n);
      l1.push(pub ? BigInt(slot.amount) : 0n);
    }
    assert.deepEqual(l1.map(String), fixture.publicSignals);
    assert.deepEqual(batchPublicInputs(w, ops, BATCH, PUBLIC).map(String), fixture.publicSignals);
  });

  test("src/verifier/BatchVerifier.sol is the export of the current keys", async () => {
    const committed = readFileSync(join(ROOT, "src", "verifier", "BatchVerifier.sol"), "utf8");
    assert.equal(committed, await verifierSource(DEPTH, BATCH, PUBLIC), "stale verifier: run make verifier");
  });

  test("test/verifier/SnarkjsBatchVerifier.sol is snarkjs's export of the current keys (the oracle)", async () => {
    const committed = readFileSync(join(ROOT, "test", "verifier", "SnarkjsBatchVerifier.sol"), "utf8");
    assert.equal(committed, await oracleSource(DEPTH, BATCH, PUBLIC), "stale oracle: run make verifier");
  });
});
