/**
 * The attack of issue 16, end to end on anvil with the real circuit, keys and Groth16 verifier
 * (docs/protocol.md sections 13 and 14). A malicious operator proves a batch with a transfer that
 * never happened on L2 (Alice -> Mallory) and a withdrawal of it: the circuit accepts it (the proof
 * verifies, on L1 too). Three honest attesters, each its own process following both chains, refuse to
 * sign it and name the differing field; L1 rejects it with no signature, with M - 1 colluding attester
 * signatures, and with those plus the operator's own; the control shows the same proof passing with
 * M signatures, so the attestation is exactly the barrier. A deposit that never happened cannot be
 * credited on L2 with fewer than M signatures either.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { curves, groth16 } from "snarkjs";
import { type Address, type Hex, parseEther, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type AttesterProcess, startAttesters, untilFollowed } from "../../offchain/e2e/attesters.js";
import { ProcessGroup } from "../../offchain/e2e/processes.js";
import { assetReceivingAbi, assetStorageAbi } from "../../offchain/lib/abi.js";
import { attestationDigest, type BridgeContracts, batchAttestation } from "../../offchain/lib/attestation.js";
import { encodeOps, nextOpLogHead, type Op, ZERO_ADDRESS, ZERO_HEAD } from "../../offchain/lib/protocol.js";
import { BridgeState } from "../../offchain/lib/state.js";
import { buildBatch } from "../../offchain/lib/witness.js";
import { AttestationQuorumError, collectAttestations } from "../../offchain/runtime/attestations.js";
import { packedSignaturesOf, sortedAttesters, TEST_ATTESTER_KEYS } from "../../offchain/testing/attesters.js";
import { ROLES, startTestBridge, type TestBridge } from "../../offchain/testing/bridge.js";
import { BUILD_DIR, batchName } from "../scripts/build.js";
import { parseCallData } from "../scripts/fixture.js";

const DEPTH = 16;
const BATCH = 4;
const PUBLIC = 2;
const dir = join(BUILD_DIR, batchName(DEPTH, BATCH, PUBLIC));
const MALLORY_KEY: Hex = "0x000000000000000000000000000000000000000000000000000000000000bad1";
const mallory = privateKeyToAccount(MALLORY_KEY).address;
const ATTESTERS = sortedAttesters(TEST_ATTESTER_KEYS);

let bridge: TestBridge;
let procs: ProcessGroup;
let root: string;
let urls: string[];
let attesters: AttesterProcess[];
let contracts: BridgeContracts;
let alice: Address;

before(async () => {
  bridge = await startTestBridge({ verifier: "real", treeDepth: DEPTH, batchSize: BATCH, publicSlots: PUBLIC });
  alice = privateKeyToAccount(ROLES.user).address;
  contracts = {
    l1ChainId: 31337,
    assetStorage: bridge.assetStorage,
    l2ChainId: 31338,
    assetReceiving: bridge.assetReceiving,
  };
  root = mkdtempSync(join(tmpdir(), "attack-"));
  procs = new ProcessGroup(join(root, "logs"));
  attesters = await startAttesters(procs, {
    root,
    env: bridge.attesterEnv,
  });
  urls = attesters.map((a) => a.url);
});

after(async () => {
  await procs?.stopAll();
  await bridge?.stop();
  rmSync(root, { recursive: true, force: true });
  const curve = (await curves.getCurveFromName("bn128")) as { terminate(): Promise<void> };
  await curve.terminate();
});

async function l1Write(functionName: "depositETH", args: readonly [Address], value: bigint) {
  const hash = await bridge.l1.wallet(ROLES.user).writeContract({
    address: bridge.assetStorage,
    abi: assetStorageAbi,
    functionName,
    args,
    value,
  });
  return bridge.l1.client.waitForTransactionReceipt({ hash });
}

async function l2Transfer(to: Address, amount: bigint): Promise<void> {
  const hash = await bridge.l2.wallet(ROLES.user).writeContract({
    address: bridge.assetReceiving,
    abi: assetReceivingAbi,
    functionName: "transfer",
    args: [to, 0n, amount],
  });
  assert.equal((await bridge.l2.client.waitForTransactionReceipt({ hash })).status, "success");
}

/** The signatures of `keys` over `digest`, signers ascending (the packing the contracts take). */
const signedBy = async (keys: readonly Hex[], digest: Hex): Promise<Hex> =>
  (await packedSignaturesOf(keys, digest)).signatures;

describe("attack: a proven batch with a transfer that never happened on L2", () => {
  test("the circuit proves it, honest attesters refuse it, L1 rejects it below M signatures", async () => {
    // Honest history: Alice deposits 10 ETH, it is credited, and she sends Bob 1 ETH twice on L2.
    const amount = parseEther("10");
    const receipt = await l1Write("depositETH", [alice], amount);
    const block = await bridge.l1.client.getBlock({ blockNumber: receipt.blockNumber });
    const record = { recipient: alice, tokenId: 0, amount, depositor: alice, timestamp: block.timestamp };
    const credit = await bridge.attestations.deposit(0n, record);
    const hash = await bridge.l2.wallet(ROLES.relayer).writeContract({
      address: bridge.assetReceiving,
      abi: assetReceivingAbi,
      functionName: "creditDeposit",
      args: [0n, record, credit.signatures],
    });
    await bridge.l2.client.waitForTransactionReceipt({ hash });
    const bob: Address = "0x0000000000000000000000000000000000000b0b";
    await l2Transfer(bob, parseEther("1"));
    await l2Transfer(bob, parseEther("1"));
    await untilFollowed(attesters, { l2Ops: 3 });

    // The operator's fabricated batch: the real credit, then Alice -> Mallory 10 ETH and Mallory's withdrawal.
    const fake: Op[] = [
      { kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: alice, amount },
      { kind: 2, tokenId: 0, from: alice, to: mallory, amount },
      { kind: 3, tokenId: 0, from: mallory, to: mallory, amount },
    ];
    const w = buildBatch(new BridgeState(DEPTH), fake, BATCH, PUBLIC);
    const { proof, publicSignals } = await groth16.fullProve(
      w.input as Record<string, string>,
      join(dir, "batch_js", "batch.wasm"),
      join(dir, "batch.zkey"),
    );
    const words = parseCallData(await groth16.exportSolidityCallData(proof, publicSignals)).proof.map(BigInt);
    const fakeHead = fake.reduce((h, op) => nextOpLogHead(h, op), ZERO_HEAD);
    const claim = { batchNumber: 0n, newOpChain: w.newOpChain, l2OpCount: 3n, l2OpHead: fakeHead };
    // The K = 2 public slot records: the two L1-visible ops in log order (the transfer has none).
    const slots = [
      { kind: 1, tokenId: 0, account: alice, amount, depositor: alice, timestamp: block.timestamp },
      { kind: 3, tokenId: 0, account: mallory, amount, depositor: zeroAddress, timestamp: 0n },
    ];
    const submit = (signatures: Hex) =>
      bridge.l1.client.simulateContract({
        account: mallory,
        address: bridge.assetStorage,
        abi: assetStorageAbi,
        functionName: "submitBatch",
        args: [w.newRoot, w.newOpChain, 3n, fakeHead, slots, encodeOps(fake), words as never, signatures],
      });

    // 1. The honest attesters follow L2 themselves and refuse, naming what differs.
    const set = { attesters: bridge.attesters, threshold: bridge.threshold };
    const asked = collectAttestations({ urls, attestation: batchAttestation(contracts, claim), set });
    const refusal = await asked.then(
      () => assert.fail("an honest attester signed a fabricated op chain"),
      (e: unknown) => e,
    );
    assert.ok(refusal instanceof AttestationQuorumError, String(refusal));
    assert.equal(refusal.valid, 0);
    for (const o of refusal.outcomes) {
      assert.equal(o.ok, false);
      if (!o.ok) {
        assert.equal(o.status, 409, `${o.url}: ${o.reason}`);
        assert.match(o.reason, /newOpChain|l2OpHead/);
      }
    }

    // 2. L1 rejects it without signatures, with M - 1 colluding attesters, and with those plus Mallory's key.
    const digest = attestationDigest(batchAttestation(contracts, claim));
    const colluder = ATTESTERS[0]!.key;
    await assert.rejects(submit("0x"), /TooFewSignatures/);
    await assert.rejects(submit(await signedBy([colluder], digest)), /TooFewSignatures/);
    await assert.rejects(submit(await signedBy([colluder, MALLORY_KEY], digest)), /SignerNotAttester/);
    assert.equal(
      await bridge.l1.client.readContract({
        address: bridge.assetStorage,
        abi: assetStorageAbi,
        functionName: "batchCount",
      }),
      0n,
    );

    // Control: the proof itself is valid; only M signatures (the trust assumption) would let it through.
    const m = await signedBy(
      ATTESTERS.slice(0, bridge.threshold).map((a) => a.key),
      digest,
    );
    const { request } = await submit(m);
    assert.equal(request.functionName, "submitBatch", "with M colluding attesters the fabricated batch would land");
  });

  test("a deposit that never happened cannot be credited on L2 below M signatures, and honest attesters refuse it", async () => {
    const record = { recipient: mallory, tokenId: 0, amount: parseEther("1000"), depositor: mallory, timestamp: 1n };
    const next = await bridge.l2.client.readContract({
      address: bridge.assetReceiving,
      abi: assetReceivingAbi,
      functionName: "nextDepositId",
    });
    const digest = await bridge.l2.client.readContract({
      address: bridge.assetReceiving,
      abi: assetReceivingAbi,
      functionName: "depositDigest",
      args: [next, record],
    });
    const credit = (signatures: Hex) =>
      bridge.l2.client.simulateContract({
        account: mallory,
        address: bridge.assetReceiving,
        abi: assetReceivingAbi,
        functionName: "creditDeposit",
        args: [next, record, signatures],
      });
    await assert.rejects(credit(await signedBy([MALLORY_KEY], digest)), /TooFewSignatures/);
    await assert.rejects(credit(await signedBy([ATTESTERS[0]!.key, MALLORY_KEY], digest)), /SignerNotAttester/);
    for (const url of urls) {
      const res = await fetch(`${url}/v1/deposit/${next}`);
      assert.notEqual(res.status, 200, `${url} signed deposit ${next}, which L1 never queued`);
    }
  });
});
