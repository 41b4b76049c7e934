/**
 * Writes the real-proof fixture that the Forge suite submits through AssetStorage.submitBatch:
 *
 *   node --import tsx circuits/scripts/fixture.ts [--depth 16 --batch 4 --public 2] [--out test/fixtures/batch-d16-n4-k2.json]
 *
 * One full batch from the genesis state (a deposit, two transfers, a withdrawal), proven with the
 * keys in build/circuits/batch-d<D>-n<N>-k<K>/. Everything is deterministic except the proof's own
 * randomness: the fixture is committed once and re-verified by circuits/test/proof.test.ts (against
 * the current verification key) and by test/L1/AssetStorage.proof.t.sol (against the generated
 * verifier), so a circuit or setup change that breaks it is caught.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { groth16, type VerificationKey } from "snarkjs";
import { bigIntToAddress } from "../../offchain/lib/field.js";
import { encodeOps, nextOpLogHead, type Op, ZERO_ADDRESS, ZERO_HEAD } from "../../offchain/lib/protocol.js";
import { BridgeState } from "../../offchain/lib/state.js";
import { buildBatch } from "../../offchain/lib/witness.js";
import { BUILD_DIR, batchName, ROOT } from "./build.js";
import { sha256File } from "./setup.js";

/** Fixed actors of the fixture. */
export const FIXTURE_ACTORS = {
  alice: bigIntToAddress(0xa11ce00000000000000000000000000000000001n),
  bob: bigIntToAddress(0xb0b0000000000000000000000000000000000002n),
  carol: bigIntToAddress(0xca10100000000000000000000000000000000003n),
  dave: bigIntToAddress(0xda7e000000000000000000000000000000000004n),
  erin: bigIntToAddress(0xe111000000000000000000000000000000000005n),
};

/** L1 start time of the Forge base (AssetStorageBase.START_TIME). */
const START_TIME = 1_700_000_000n;

export interface FixtureDeposit {
  id: number;
  recipient: `0x${string}`;
  tokenId: number;
  amount: string;
  depositor: `0x${string}`;
  timestamp: string;
}

export interface FixtureSlot {
  kind: number;
  tokenId: number;
  account: `0x${string}`;
  amount: string;
  depositor: `0x${string}`;
  timestamp: string;
}

export interface BatchFixture {
  description: string;
  generatedBy: string;
  depth: number;
  batchSize: number;
  /** K: the number of public pairs and of `slots` records. */
  publicSlots: number;
  r1csSha256: string;
  verificationKeySha256: string;
  genesisRoot: string;
  oldRoot: string;
  newRoot: string;
  oldOpChain: string;
  newOpChain: string;
  /** ERC-20 docked first on L1 gets token id 1. */
  tokenId: number;
  deposits: FixtureDeposit[];
  ops: { kind: number; tokenId: number; from: string; to: string; amount: string }[];
  /** `bytes ops` of submitBatch: encodeOps(ops) (docs/protocol.md section 8, "Op data on L1"). */
  opData: `0x${string}`;
  /** The attested L2 op count and keccak op head after the batch (section 6), from the genesis head 0. */
  l2OpCount: number;
  l2OpHead: `0x${string}`;
  slots: FixtureSlot[];
  publicSignals: string[];
  /** pA0, pA1, pB00, pB01, pB10, pB11, pC0, pC1 as printed by snarkjs exportSolidityCallData. */
  proof: string[];
  /** The proof as snarkjs returns it (for groth16.verify). */
  snarkjsProof: { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: string; curve: string };
}

/** The fixture batch: ops and the deposits they consume. */
export function fixtureBatch(): { deposits: FixtureDeposit[]; ops: Op[] } {
  const { alice, bob, carol, dave, erin } = FIXTURE_ACTORS;
  const deposits: FixtureDeposit[] = [
    {
      id: 0,
      recipient: alice,
      tokenId: 0,
      amount: "5000000000000000000",
      depositor: dave,
      timestamp: String(START_TIME + 10n),
    },
  ];
  const ops: Op[] = [
    ...deposits.map(
      (d): Op => ({ kind: 1, tokenId: d.tokenId, from: ZERO_ADDRESS, to: d.recipient, amount: BigInt(d.amount) }),
    ),
    { kind: 2, tokenId: 0, from: alice, to: bob, amount: 2_000_000_000_000_000_000n },
    { kind: 2, tokenId: 0, from: bob, to: erin, amount: 250_000_000_000_000_000n },
    { kind: 3, tokenId: 0, from: bob, to: carol, amount: 1_500_000_000_000_000_000n },
  ];
  return { deposits, ops };
}

/**
 * What submitBatch receives: one record per L1-visible op in log order, then zero records up to
 * `publicSlots` (docs/protocol.md section 8).
 */
export function l1Slots(ops: readonly Op[], deposits: readonly FixtureDeposit[], publicSlots: number): FixtureSlot[] {
  const zero: FixtureSlot = {
    kind: 0,
    tokenId: 0,
    account: ZERO_ADDRESS,
    amount: "0",
    depositor: ZERO_ADDRESS,
    timestamp: "0",
  };
  let d = 0;
  const visible = ops.filter((o) => o.kind !== 2);
  if (visible.length > publicSlots) throw new Error(`${visible.length} L1-visible ops, ${publicSlots} public slots`);
  return Array.from({ length: publicSlots }, (_, i): FixtureSlot => {
    const op = visible[i];
    if (op === undefined) return zero;
    if (op.kind === 3) return { ...zero, kind: 3, tokenId: op.tokenId, account: op.to, amount: op.amount.toString() };
    if (op.kind === 4)
      throw new Error(`op ${i}: the fixture's queue holds deposits only, not forced withdrawal requests`);
    const dep = deposits[d++];
    if (!dep || dep.recipient !== op.to || dep.tokenId !== op.tokenId || BigInt(dep.amount) !== op.amount) {
      throw new Error(`credit ${i} does not match deposit ${d - 1}`);
    }
    return {
      kind: 1,
      tokenId: op.tokenId,
      account: op.to,
      amount: op.amount.toString(),
      depositor: dep.depositor,
      timestamp: dep.timestamp,
    };
  });
}

/** Parses exportSolidityCallData's `[pA],[[pB]],[pC],[pub]` into decimal proof words and public signals. */
export function parseCallData(calldata: string): { proof: string[]; pub: string[] } {
  const [pA, pB, pC, pub] = JSON.parse(`[${calldata}]`) as [string[], string[][], string[], string[]];
  const dec = (h: string) => BigInt(h).toString();
  return { proof: [...pA, ...pB.flat(), ...pC].map(dec), pub: pub.map(dec) };
}

export function fixturePath(depth: number, batch: number, publicSlots: number): string {
  return join(ROOT, "test", "fixtures", `${batchName(depth, batch, publicSlots)}.json`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      depth: { type: "string", default: "16" },
      batch: { type: "string", default: "4" },
      public: { type: "string", default: "2" },
      out: { type: "string" },
    },
  });
  const depth = Number(values.depth);
  const batch = Number(values.batch);
  const publicSlots = Number(values.public);
  const dir = join(BUILD_DIR, batchName(depth, batch, publicSlots));
  const zkey = join(dir, "batch.zkey");
  const vkeyPath = join(dir, "verification_key.json");
  if (!existsSync(zkey)) throw new Error(`${zkey} not found: run \`make circuit-setup DEPTH=${depth} BATCH=${batch}\``);

  const { deposits, ops } = fixtureBatch();
  const state = new BridgeState(depth);
  const genesisRoot = state.root;
  const w = buildBatch(state, ops, batch, publicSlots);
  const slots = l1Slots(ops, deposits, publicSlots);

  const t0 = performance.now();
  const { proof, publicSignals } = await groth16.fullProve(
    w.input as Record<string, string>,
    join(dir, "batch_js", "batch.wasm"),
    zkey,
  );
  const seconds = (performance.now() - t0) / 1000;
  const vkey = JSON.parse(readFileSync(vkeyPath, "utf8")) as VerificationKey;
  if (!(await groth16.verify(vkey, publicSignals, proof))) throw new Error("the fresh proof does not verify");
  if (publicSignals.join() !== w.publicSignals.map(String).join())
    throw new Error("public signals differ from the witness builder's");
  const call = parseCallData(await groth16.exportSolidityCallData(proof, publicSignals));
  if (call.pub.join() !== publicSignals.join()) throw new Error("calldata public signals differ");

  const fixture: BatchFixture = {
    description:
      "A real Groth16 proof of one full batch from the genesis state (deposit 0, two transfers, a withdrawal), " +
      "for AssetStorage.submitBatch. Numbers are decimal strings. Re-verified by circuits/test/proof.test.ts and " +
      "test/L1/AssetStorage.proof.t.sol; regenerate with `make circuit-fixture` after a circuit or setup change.",
    generatedBy: "circuits/scripts/fixture.ts",
    depth,
    batchSize: batch,
    publicSlots,
    r1csSha256: await sha256File(join(dir, "batch.r1cs")),
    verificationKeySha256: await sha256File(vkeyPath),
    genesisRoot: genesisRoot.toString(),
    oldRoot: w.oldRoot.toString(),
    newRoot: w.newRoot.toString(),
    oldOpChain: w.oldOpChain.toString(),
    newOpChain: w.newOpChain.toString(),
    tokenId: 1,
    deposits,
    ops: ops.map((o) => ({ kind: o.kind, tokenId: o.tokenId, from: o.from, to: o.to, amount: o.amount.toString() })),
    opData: encodeOps(ops),
    l2OpCount: ops.length,
    l2OpHead: ops.reduce(nextOpLogHead, ZERO_HEAD),
    slots,
    publicSignals,
    proof: call.proof,
    snarkjsProof: proof,
  };
  const out = resolve(values.out ?? fixturePath(depth, batch, publicSlots));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`fixture: wrote ${relative(ROOT, out)} (proof in ${seconds.toFixed(1)} s)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`fixture: ${e.message}`);
      process.exit(1);
    },
  );
}
