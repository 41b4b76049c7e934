/**
 * The `realgas` section of `make bench`: submitBatch and verifyProof gas with REAL proofs, per circuit set
 * (depth, batch, public slots). For each set it builds the circuit and its keys with `make circuit-setup`
 * (dev ceremony at the power the circuit needs, cached in build/), renders our verifier and snarkjs's
 * oracle for those keys with circuits/scripts/verifier.ts into a scratch dir, compiles both with the
 * pinned solc, builds two batches with the witness builder (a funding batch, then the measured one in
 * each composition) and proves them with the project's prover (bench/realgas-child.ts, under GNU time).
 * test/bench/BenchRealGas.t.sol then replays them on an AssetStorage over that verifier and prints
 * `BENCH realgas/...` lines, parsed like the gas section's.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { encodeFunctionData, type Hex, parseAbiItem } from "viem";
import { type FixtureDeposit, l1Slots } from "../circuits/scripts/fixture.js";
import { bigIntToAddress } from "../offchain/lib/field.js";
import { encodeOps, type Op, ZERO_ADDRESS } from "../offchain/lib/protocol.js";
import { BridgeState } from "../offchain/lib/state.js";
import { buildBatch } from "../offchain/lib/witness.js";
import { type GasFigure, parseBenchLines } from "./gas.js";
import { checkOk, ROOT, runCommand, TSX } from "./lib.js";
import { recordedConstraints } from "./proving.js";

/** One circuit set of the section: tree depth, op slots per batch, L1-visible (public) slots. */
export interface RealGasSet {
  depth: number;
  batch: number;
  publicSlots: number;
}

/** The measured batch's shape: 1 deposit and no-ops, or N-1 transfers and 1 withdrawal. */
export const COMPOSITIONS = ["deposit", "transfers"] as const;
export type Composition = (typeof COMPOSITIONS)[number];

/** One proof: its process's wall time, CPU seconds and peak RSS (GNU time), and the prover's own ms. */
export interface ProofTiming {
  wallSeconds: number;
  cpuSeconds: number | null;
  maxRssMiB: number | null;
  proverMs: number;
  loadAvg1m: number;
}

export interface RealGasRow {
  composition: Composition;
  /** Public inputs of the measured batch, and how many of them are non-zero. */
  inputs: number;
  nonzeroInputs: number;
  /** submitBatch with the real verifier and proof, and with the accepting verifier on the same state. */
  real: GasFigure;
  accepting: GasFigure;
  /** verifyProof alone on the batch's proof and inputs: ours (zero inputs skipped) and snarkjs's oracle. */
  oursVerify: GasFigure;
  oracleVerify: GasFigure;
  proof: ProofTiming;
}

export interface RealGasSetResult extends RealGasSet {
  label: string;
  constraints: number | null;
  rows: RealGasRow[];
}

export interface RealGasSection {
  command: string;
  sets: RealGasSetResult[];
  /** submitBatch of the estimate's shape (N-1 transfers + 1 withdrawal) with the accepting verifier. */
  estimateBase: { depth: number; batch: number; publicSlots: number; accepting: GasFigure } | null;
}

/** Parses `DxN` or `DxNxK` entries (K defaults to N: today's layout, one public slot per op slot). */
export function parseRealGasSets(text: string): RealGasSet[] {
  return text.split(",").map((entry) => {
    const m = /^(\d+)x(\d+)(?:x(\d+))?$/.exec(entry.trim());
    if (!m) throw new Error(`realgas set "${entry}" must be DEPTHxBATCH or DEPTHxBATCHxPUBLIC, e.g. 16x16x4`);
    const [depth, batch] = [Number(m[1]), Number(m[2])];
    const publicSlots = m[3] === undefined ? batch : Number(m[3]);
    if (depth < 1 || batch < 1 || publicSlots < 1 || publicSlots > batch)
      throw new Error(`realgas set "${entry}": need depth >= 1 and 1 <= public slots <= batch`);
    return { depth, batch, publicSlots };
  });
}

/** The circuit's build dir name (circuits/scripts/build.ts): batch-dD-nN-kK. */
export function setName(s: RealGasSet): string {
  return `batch-d${s.depth}-n${s.batch}-k${s.publicSlots}`;
}

/** The make variable or script option that selects K. */
function publicArgs(s: RealGasSet, make: boolean): string[] {
  return make ? [`PUBLIC=${s.publicSlots}`] : ["--public", String(s.publicSlots)];
}

const ETHER = 10n ** 18n;
const START_TIME = 1_700_000_000n;
const actor = (n: bigint) => bigIntToAddress(n);
export const REALGAS_ACTORS = {
  alice: actor(0xa11ce00000000000000000000000000000000001n),
  bob: actor(0xb0b0000000000000000000000000000000000002n),
  carol: actor(0xca10100000000000000000000000000000000003n),
  dave: actor(0xda7e000000000000000000000000000000000004n),
};

/** Deposit 0 funds alice (consumed by the first batch); deposit 1 is credited by the "deposit" batch. */
export function realGasDeposits(): FixtureDeposit[] {
  const { alice, carol, dave } = REALGAS_ACTORS;
  const dep = (id: number, recipient: `0x${string}`, amount: bigint): FixtureDeposit => ({
    id,
    recipient,
    tokenId: 0,
    amount: amount.toString(),
    depositor: dave,
    timestamp: String(START_TIME + 10n * BigInt(id + 1)),
  });
  return [dep(0, alice, 1000n * ETHER), dep(1, carol, ETHER)];
}

/** The ops of the measured batch of `batch` slots in `composition`. */
export function compositionOps(composition: Composition, batch: number): Op[] {
  const { alice, bob, carol } = REALGAS_ACTORS;
  if (composition === "deposit") return [{ kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: carol, amount: ETHER }];
  const transfers = Array.from(
    { length: batch - 1 },
    (): Op => ({ kind: 2, tokenId: 0, from: alice, to: bob, amount: ETHER }),
  );
  return [...transfers, { kind: 3, tokenId: 0, from: alice, to: alice, amount: ETHER }];
}

const creditOf = (d: FixtureDeposit): Op => ({
  kind: 1,
  tokenId: d.tokenId,
  from: ZERO_ADDRESS,
  to: d.recipient,
  amount: BigInt(d.amount),
});

/** A job for the prover and what submitBatch receives for it. */
interface PlannedBatch {
  input: Record<string, unknown>;
  publicSignals: string[];
  newRoot: string;
  newOpChain: string;
  opData: Hex;
  slots: ReturnType<typeof l1Slots>;
}

/** What submitBatch receives: the L1-visible ops (not transfers) in the K public slots, in order, then empty ones. */
export function slotsFor(s: RealGasSet, ops: Op[], queue: FixtureDeposit[]): ReturnType<typeof l1Slots> {
  return l1Slots(ops, queue, s.publicSlots);
}

/** The funding batch, then each composition from the state after it (rebuilt per composition). */
export function planBatches(s: RealGasSet): { first: PlannedBatch; measured: Record<Composition, PlannedBatch> } {
  const deposits = realGasDeposits();
  const plan = (state: BridgeState, ops: Op[], queue: FixtureDeposit[]): PlannedBatch => {
    const w = buildBatch(state, ops, s.batch, s.publicSlots);
    return {
      input: w.input,
      publicSignals: w.publicSignals.map(String),
      newRoot: w.newRoot.toString(),
      newOpChain: w.newOpChain.toString(),
      opData: encodeOps(ops),
      slots: slotsFor(s, ops, queue),
    };
  };
  const afterFirst = () => {
    const state = new BridgeState(s.depth);
    return { state, first: plan(state, [creditOf(deposits[0] as FixtureDeposit)], deposits.slice(0, 1)) };
  };
  const { first } = afterFirst();
  const measured = Object.fromEntries(
    COMPOSITIONS.map((c) => [c, plan(afterFirst().state, compositionOps(c, s.batch), deposits.slice(1))]),
  ) as Record<Composition, PlannedBatch>;
  return { first, measured };
}

const requireCjs = createRequire(import.meta.url);

/** Creation bytecode of `contract` in `file`, compiled with the pinned solc and foundry.toml's settings. */
export function compileContract(file: string, contract: string): Hex {
  const solc = requireCjs("solc") as { compile(input: string): string };
  const input = {
    language: "Solidity",
    sources: { [file]: { content: readFileSync(file, "utf8") } },
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "prague",
      metadata: { bytecodeHash: "none" },
      outputSelection: { "*": { [contract]: ["evm.bytecode.object"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e) => e.formattedMessage).join("\n")}`);
  const code = out.contracts?.[file]?.[contract]?.evm.bytecode.object;
  if (!code) throw new Error(`solc produced no bytecode for ${contract} in ${file}`);
  return `0x${code}`;
}

/** verifyProof calldata for the proof words and public inputs (the signature both verifiers share). */
export function verifyCalldata(proof: readonly string[], inputs: readonly string[]): Hex {
  const item = parseAbiItem(
    `function verifyProof(uint256[2] pA, uint256[2][2] pB, uint256[2] pC, uint256[${inputs.length}] pub) view returns (bool)`,
  );
  const w = proof.map(BigInt);
  return encodeFunctionData({
    abi: [item],
    args: [
      [w[0], w[1]],
      [
        [w[2], w[3]],
        [w[4], w[5]],
      ],
      [w[6], w[7]],
      inputs.map(BigInt),
    ] as never,
  });
}

/** Keys and the two verifiers of one set, built with the repo's own targets and scripts. */
async function prepareSet(s: RealGasSet, dir: string): Promise<{ verifier: Hex; oracle: Hex; circuitDir: string }> {
  const make = ["make", "--no-print-directory", "circuit-setup", `DEPTH=${s.depth}`, `BATCH=${s.batch}`];
  checkOk(await runCommand([...make, ...publicArgs(s, true)], { echo: `setup ${setName(s)}` }), "circuit setup");
  const gen = async (oracle: boolean, out: string) => {
    const argv = [...TSX, "circuits/scripts/verifier.ts", "--depth", String(s.depth), "--batch", String(s.batch)];
    const extra = [...publicArgs(s, false), ...(oracle ? ["--oracle"] : []), "--out", out];
    checkOk(await runCommand([...argv, ...extra]), `verifier for ${setName(s)}`);
    return compileContract(out, oracle ? "SnarkjsGroth16Verifier" : "Groth16Verifier");
  };
  return {
    verifier: await gen(false, join(dir, "BatchVerifier.sol")),
    oracle: await gen(true, join(dir, "SnarkjsBatchVerifier.sol")),
    circuitDir: join(ROOT, "build", "circuits", setName(s)),
  };
}

/** Proves one planned batch in its own process (GNU time: wall, CPU, peak RSS); returns proof and timing. */
async function proveInChild(
  circuitDir: string,
  b: PlannedBatch,
  file: string,
): Promise<{ proof: string[]; timing: ProofTiming }> {
  writeFileSync(file, JSON.stringify({ input: b.input, publicSignals: b.publicSignals }));
  const out = `${file}.proof.json`;
  const argv = [...TSX, "bench/realgas-child.ts", "--circuit", circuitDir, "--job", file, "--out", out];
  const r = checkOk(await runCommand(argv), `proving ${relative(ROOT, file)}`);
  process.stderr.write(`bench: realgas: ${relative(ROOT, file)} proven in ${r.wallSeconds} s\n`);
  const p = JSON.parse(readFileSync(out, "utf8")) as { proof: string[]; ms: number };
  return {
    proof: p.proof,
    timing: {
      wallSeconds: r.wallSeconds,
      cpuSeconds: r.cpuSeconds,
      maxRssMiB: r.maxRssMiB,
      proverMs: p.ms,
      loadAvg1m: r.loadAvg1m,
    },
  };
}

/** Everything the Forge replay of one set needs, written to `dir/replay.json`; returns proof timings. */
async function writeReplay(
  s: RealGasSet,
  dir: string,
): Promise<{ file: string; timings: Record<Composition, ProofTiming> }> {
  mkdirSync(dir, { recursive: true });
  const { verifier, oracle, circuitDir } = await prepareSet(s, dir);
  const { first, measured } = planBatches(s);
  const replayBatch = async (name: string, b: PlannedBatch) => {
    const { proof, timing } = await proveInChild(circuitDir, b, join(dir, `job-${name}.json`));
    const { input: _input, ...rest } = b;
    return { timing, json: { ...rest, proof, verifyCalldata: verifyCalldata(proof, b.publicSignals) } };
  };
  const firstOut = await replayBatch("first", first);
  const timings = {} as Record<Composition, ProofTiming>;
  const measuredJson: Record<string, unknown> = {};
  for (const c of COMPOSITIONS) {
    const r = await replayBatch(c, measured[c]);
    timings[c] = r.timing;
    measuredJson[c] = r.json;
  }
  const genesisRoot = new BridgeState(s.depth).root.toString();
  const replay = {
    label: setName(s),
    ...s,
    genesisRoot,
    verifier,
    oracle,
    depositCount: realGasDeposits().length,
    deposits: realGasDeposits(),
    first: firstOut.json,
    measured: measuredJson,
  };
  const file = join(dir, "replay.json");
  writeFileSync(file, `${JSON.stringify(replay, null, 2)}\n`);
  return { file, timings };
}

export const REALGAS_FORGE = ["tools/forge", "test", "--match-path", "test/bench/BenchRealGas.t.sol", "-vv"];

/** The section: every set built, proven and replayed; `estimate` is the batch-64 shape measured with the accepting verifier. */
export async function benchRealGas(
  sets: RealGasSet[],
  estimate: RealGasSet | null,
  work: string,
): Promise<RealGasSection> {
  const files: string[] = [];
  const timings: Record<string, Record<Composition, ProofTiming>> = {};
  for (const s of sets) {
    const r = await writeReplay(s, join(work, "realgas", setName(s)));
    files.push(relative(ROOT, r.file));
    timings[setName(s)] = r.timings;
  }
  const env = {
    ...process.env,
    BENCH_REALGAS_FILES: files.join(","),
    BENCH_REALGAS_ESTIMATE: estimate ? `${estimate.depth}x${estimate.batch}x${estimate.publicSlots}` : "",
  };
  const r = checkOk(await runCommand(REALGAS_FORGE, { env }), "forge real-proof gas test");
  const l1 = parseBenchLines(r.stdout);
  const command = `BENCH_REALGAS_FILES=${env.BENCH_REALGAS_FILES} BENCH_REALGAS_ESTIMATE=${env.BENCH_REALGAS_ESTIMATE} ${REALGAS_FORGE.join(" ")}`;
  return realGasFromLines(sets, estimate, l1, timings, work, command);
}

/** Assembles the section from forge's BENCH lines; throws when a figure is missing. */
export function realGasFromLines(
  sets: RealGasSet[],
  estimate: RealGasSet | null,
  l1: Record<string, GasFigure>,
  timings: Record<string, Record<Composition, ProofTiming>>,
  work: string,
  command: string,
): RealGasSection {
  const need = (k: string): GasFigure => {
    const g = l1[k];
    if (!g) throw new Error(`forge printed no BENCH ${k}`);
    return g;
  };
  const results = sets.map((s): RealGasSetResult => {
    const label = setName(s);
    const rows = COMPOSITIONS.map((c): RealGasRow => {
      const k = `realgas/${label}/${c}`;
      const pub = planned(work, label, c);
      return {
        composition: c,
        inputs: pub.length,
        nonzeroInputs: pub.filter((x) => x !== "0").length,
        real: need(`${k}/submitBatch/verifier=real`),
        accepting: need(`${k}/submitBatch/verifier=accepting`),
        oursVerify: need(`${k}/verifyProof/ours`),
        oracleVerify: need(`${k}/verifyProof/oracle`),
        proof: timings[label]?.[c] as ProofTiming,
      };
    });
    return { ...s, label, constraints: recordedConstraints(join(ROOT, "build", "circuits", label)), rows };
  });
  const estimateBase = estimate
    ? { ...estimate, accepting: need(`realgas/estimate/${setName(estimate)}/submitBatch/verifier=accepting`) }
    : null;
  return { command, sets: results, estimateBase };
}

/** The public signals of a measured batch, read back from its replay file. */
function planned(work: string, label: string, c: Composition): string[] {
  const replay = JSON.parse(readFileSync(join(work, "realgas", label, "replay.json"), "utf8")) as {
    measured: Record<Composition, { publicSignals: string[] }>;
  };
  return replay.measured[c].publicSignals;
}
