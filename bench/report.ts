/**
 * Turns the measured sections of `make bench` into report.json's derived figures and REPORT.md.
 * Pure functions (tested by test/bench/report.test.ts). Every number in the report is either a
 * measurement from the sections or is labelled as an estimate/extrapolation with its formula.
 */
import type { GasFigure, GasSection } from "./gas.js";
import type { Machine } from "./lib.js";
import type { ConstraintRow, ConstraintsSection, E2ESection, SetupSection, StepTiming } from "./others.js";
import type { PoolResult, ProvingRow } from "./proving.js";
import type { RealGasSection } from "./realgas.js";
import { deriveRealGas, goalRows, type RealGasDerived, realGasMarkdown } from "./realgas-report.js";
import type { RebuildSection } from "./rebuild.js";

/** Public inputs of the committed fixture (test/fixtures/batch-d16-n4-k2.json): 4 + 2K with K = 2. */
const FIXTURE_INPUTS = 8;

/** Reference figures quoted next to ours (public numbers, not measured here). */
export const REFERENCES = {
  pairingFloorGas: 181_000, // EIP-1108: 45,000 + 34,000 * 4 pairings
  snarkjsVerifier3InputsGas: 202_000,
  ecMulPlusEcAddGas: 6_150, // EIP-1108: ecMul 6,000 + ecAdd 150, per public input
  perInputReferenceGas: 6_500,
  hermezConstraintsPerTxDepth32: 47_600,
  zkSyncLiteCommitGasPerOp: { deposit: 7_700, transfer: 300, withdraw: 3_900 },
  sha256ConstraintsPerBlock: 29_000, // circomlib Sha256, one 64-byte block
} as const;

export interface BenchConfig {
  depth: number;
  batches: number[];
  runs: number;
  poolJobs: number;
  poolBatch: number;
  powers: string;
  snarkjsPowers: number[];
  sections: string[];
  reduced: string[];
}

export interface Sections {
  constraints?: ConstraintsSection;
  proving?: ProvingRow[];
  pool?: PoolResult;
  gas?: GasSection;
  realgas?: RealGasSection;
  setup?: SetupSection;
  rebuild?: RebuildSection;
  e2e?: E2ESection;
}

export interface Report {
  generatedBy: string;
  generatedAt: string;
  command: string;
  machine: Machine;
  config: BenchConfig;
  sections: Sections;
  derived: Derived;
}

export interface BatchGasRow {
  batch: number;
  /** submitBatch with the accepting verifier: transaction gas (21,000 + calldata + exec) per composition. */
  acceptingTx: { transfers: number; deposits: number; withdrawals: number; mixed: number | null };
  /** Estimated gas of the real Groth16 verifier for 4 + 2N inputs (measured at N = 4, slope per input). */
  verifierGas: number;
  verifierMeasured: boolean;
  /** acceptingTx + verifierGas, per L2 op (N ops a batch). */
  perOp: { transfers: number; deposits: number; withdrawals: number };
  /** Share of the transaction spent on the public inputs (ecMul + ecAdd per input) for an all-transfer batch. */
  publicInputShare: number;
}

export interface ShaRow {
  batch: number;
  gasSaved: number;
  constraintsAdded: number;
  constraintsAddedPerOp: number;
  extraProvingSeconds: number | null;
  breakEvenGwei: number | null;
}

export interface Derived {
  constraintsPerLevelPerOp: number | null;
  verifier: {
    direct12: number | null;
    inSubmitBatch12: number | null;
    overFloor: number | null;
    perInputUpperBound: number | null;
  };
  exitPerLevel: number | null;
  batchGas: BatchGasRow[];
  marginalPerOp: { deposit: number; withdrawal: number; transfer: number; publicInputs: number } | null;
  constraintsPerSecond: number | null;
  sha256: { assumptions: string; rows: ShaRow[] } | null;
  setupSpeedup: SetupSpeedup | null;
  /** Real-proof gas (bench/realgas-report.ts); absent in reports from before the section existed. */
  realgas?: RealGasDerived | null;
}

/** Dev ptau against snarkjs's own new + contribute + prepare phase2, per dev-ptau power. */
export interface SetupSpeedup {
  /** Fitted growth of snarkjs's CPU seconds: x(2^exponent) per power (from two or more measured powers). */
  growthPerPower: number | null;
  rows: {
    power: number;
    dev: { wallSeconds: number; cpuSeconds: number };
    /** measured in the same run, or estimated from the fitted growth (null when neither is possible). */
    snarkjs: { wallSeconds: number | null; cpuSeconds: number; measured: boolean } | null;
    speedupCpu: number | null;
    speedupWall: number | null;
  }[];
}

const fmt = (x: number | null | undefined, digits = 0): string =>
  x === null || x === undefined || Number.isNaN(x)
    ? "n/a"
    : x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const secs = (ms: number | null | undefined, digits = 1) =>
  ms === null || ms === undefined ? "n/a" : `${fmt(ms / 1000, digits)} s`;

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / sxx;
}

/** Number of SHA-256 blocks of a message of `bytes` bytes (padding: 1 byte + 8 length bytes). */
export function sha256Blocks(bytes: number): number {
  return Math.ceil((bytes + 9) / 64);
}

/** Assumptions of the SHA-256 break-even estimate (illustrative, stated in the report). */
export const SHA_ASSUMPTIONS = { ethUsd: 3000, machineUsdPerHour: 0.1 };

/**
 * Speed-up of the dev ptau over snarkjs's route at each dev power. Measured where snarkjs ran at
 * that power; above the largest measured power, snarkjs's CPU seconds are extrapolated with the
 * growth per power fitted (least squares, log scale) over the measured powers.
 */
export function setupSpeedup(setup: SetupSection | undefined): SetupSpeedup | null {
  const runs = setup?.ceremony.snarkjs ?? [];
  if (!setup || runs.length === 0) return null;
  const k = slope(runs.map((r) => [r.power, Math.log2(r.total.cpuSeconds)]));
  const growthPerPower = k === null ? null : 2 ** k;
  const largest = runs.reduce((a, b) => (b.power > a.power ? b : a));
  const rows = setup.ceremony.devPtau.map((d) => {
    const same = runs.find((r) => r.power === d.power);
    let snarkjs: SetupSpeedup["rows"][number]["snarkjs"] = null;
    if (same) snarkjs = { wallSeconds: same.total.wallSeconds, cpuSeconds: same.total.cpuSeconds, measured: true };
    else if (growthPerPower !== null && d.power > largest.power)
      snarkjs = {
        wallSeconds: null,
        cpuSeconds: largest.total.cpuSeconds * growthPerPower ** (d.power - largest.power),
        measured: false,
      };
    return {
      power: d.power,
      dev: { wallSeconds: d.wallSeconds, cpuSeconds: d.cpuSeconds },
      snarkjs,
      speedupCpu: snarkjs ? snarkjs.cpuSeconds / d.cpuSeconds : null,
      speedupWall: snarkjs?.wallSeconds ? snarkjs.wallSeconds / d.wallSeconds : null,
    };
  });
  return { growthPerPower, rows };
}

export function derive(s: Sections): Derived {
  const l1 = s.gas?.l1 ?? {};
  const g = (k: string) => l1[k];
  const direct12 = g("verifyProof/inputs=8")?.exec ?? null;
  const real = g("submitBatchFixture/verifier=real/n=4")?.exec;
  const acc = g("submitBatchFixture/verifier=accepting/n=4")?.exec;
  const inSubmit = real !== undefined && acc !== undefined ? real - acc : null;
  const perInput = REFERENCES.ecMulPlusEcAddGas;

  const exits = Object.entries(l1)
    .map(([k, v]) => [/^exit\/depth=(\d+)$/.exec(k), v] as const)
    .filter(([m]) => m !== null)
    .map(([m, v]) => [Number((m as RegExpExecArray)[1]), v.exec] as [number, number]);

  const batches = [
    ...new Set(
      Object.keys(l1)
        .map((k) => /^submitBatch\/n=(\d+)\//.exec(k)?.[1])
        .filter((x): x is string => x !== undefined)
        .map(Number),
    ),
  ].sort((a, b) => a - b);
  const batchGas: BatchGasRow[] = [];
  for (const n of batches) {
    const at = (d: number, w: number) => g(`submitBatch/n=${n}/d=${d}/w=${w}`)?.tx;
    const transfers = at(0, 0);
    const deposits = at(n, 0);
    const withdrawals = at(0, n);
    if (transfers === undefined || deposits === undefined || withdrawals === undefined) continue;
    const half = Math.floor(n / 2);
    const mixed = n >= 2 ? (at(half, n - half) ?? null) : null;
    const verifierMeasured = 4 + 2 * n === FIXTURE_INPUTS && inSubmit !== null;
    const base = inSubmit ?? direct12 ?? REFERENCES.pairingFloorGas + FIXTURE_INPUTS * perInput;
    const verifierGas = base + (4 + 2 * n - FIXTURE_INPUTS) * perInput;
    batchGas.push({
      batch: n,
      acceptingTx: { transfers, deposits, withdrawals, mixed },
      verifierGas,
      verifierMeasured,
      perOp: {
        transfers: Math.round((transfers + verifierGas) / n),
        deposits: Math.round((deposits + verifierGas) / n),
        withdrawals: Math.round((withdrawals + verifierGas) / n),
      },
      publicInputShare: ((4 + 2 * n) * perInput) / (transfers + verifierGas),
    });
  }

  let marginalPerOp: Derived["marginalPerOp"] = null;
  const big = batchGas[batchGas.length - 1];
  const prev = batchGas[batchGas.length - 2];
  if (big && prev && big.batch > prev.batch) {
    const n = big.batch;
    marginalPerOp = {
      deposit: Math.round((big.acceptingTx.deposits - big.acceptingTx.transfers) / n),
      withdrawal: Math.round((big.acceptingTx.withdrawals - big.acceptingTx.transfers) / n),
      transfer: Math.round((big.acceptingTx.transfers - prev.acceptingTx.transfers) / (n - prev.batch)),
      publicInputs: 2 * perInput,
    };
  }

  // Proving throughput (constraints per second) of the largest batch proven.
  const provingRows = (s.proving ?? []).filter((r) => r.constraints !== null);
  const top = provingRows.sort((a, b) => (b.constraints ?? 0) - (a.constraints ?? 0))[0];
  const constraintsPerSecond = top ? (top.constraints as number) / (top.totalMsMedian / 1000) : null;

  let sha256: Derived["sha256"] = null;
  if (batchGas.length > 0) {
    const rows: ShaRow[] = [4, 16, 64].map((n) => {
      const words = 4 + 2 * n;
      const blocks = sha256Blocks(32 * words);
      const constraintsAdded = blocks * REFERENCES.sha256ConstraintsPerBlock;
      // L1 hashes the inputs with the SHA-256 precompile (60 + 12 per word) instead of passing 4 + 2N inputs.
      const gasSaved = (words - 1) * perInput - (60 + 12 * words);
      const extra = constraintsPerSecond ? constraintsAdded / constraintsPerSecond : null;
      const usdProving = extra === null ? null : (extra / 3600) * SHA_ASSUMPTIONS.machineUsdPerHour;
      const breakEvenGwei = usdProving === null ? null : (usdProving / SHA_ASSUMPTIONS.ethUsd / gasSaved) * 1e9;
      return {
        batch: n,
        gasSaved,
        constraintsAdded,
        constraintsAddedPerOp: Math.round(constraintsAdded / n),
        extraProvingSeconds: extra,
        breakEvenGwei,
      };
    });
    sha256 = {
      assumptions:
        `ETH at $${SHA_ASSUMPTIONS.ethUsd}, this machine at $${SHA_ASSUMPTIONS.machineUsdPerHour}/hour, ` +
        "proving speed of snarkjs here (constraints per second of the largest measured proof)",
      rows,
    };
  }

  return {
    constraintsPerLevelPerOp: s.constraints?.model?.perOpPerLevel ?? null,
    verifier: {
      direct12,
      inSubmitBatch12: inSubmit,
      overFloor: direct12 === null ? null : direct12 - REFERENCES.pairingFloorGas,
      perInputUpperBound:
        direct12 === null ? null : Math.round((direct12 - REFERENCES.pairingFloorGas) / FIXTURE_INPUTS),
    },
    exitPerLevel: (() => {
      const k = slope(exits);
      return k === null ? null : Math.round(k);
    })(),
    batchGas,
    marginalPerOp,
    constraintsPerSecond,
    sha256,
    setupSpeedup: setupSpeedup(s.setup),
    realgas: deriveRealGas(s.realgas),
  };
}

/** The short table printed at the end of the run and quoted in the README. */
export function headline(r: Report): { figure: string; value: string; reference: string }[] {
  const s = r.sections;
  const d = r.derived;
  const rows: { figure: string; value: string; reference: string }[] = [];
  const dev = s.constraints?.compiled.find((x) => x.depth === 16 && x.batch === 4);
  if (dev) rows.push({ figure: "constraints per op, depth 16", value: fmt(dev.perOp), reference: "" });
  const d32 =
    s.constraints?.compiled.find((x) => x.depth === 32) ?? s.constraints?.extrapolated.find((x) => x.depth === 32);
  if (d32) {
    rows.push({
      figure: `constraints per op, depth 32${d32.compiled ? "" : " (extrapolated)"}`,
      value: fmt(d32.perOp),
      reference: `Hermez 1.0: ~${fmt(REFERENCES.hermezConstraintsPerTxDepth32)} per tx`,
    });
  }
  for (const p of s.proving ?? []) {
    rows.push({
      figure: `proof, depth ${p.depth} batch ${p.batch} (witness + prove, median)`,
      value:
        `${secs(p.totalMsMedian)} wall` +
        `${p.cpuSeconds === null ? "" : `, ${fmt(p.cpuSeconds / p.runs.length, 1)} CPU s`}` +
        ` (${fmt(p.opsPerSecond, 2)} ops/s, ${fmt(p.maxRssMiB)} MiB peak)`,
      reference: `load ${fmt(p.loadAvg1m, 1)} on ${r.machine.cores} cores`,
    });
  }
  if (s.pool)
    rows.push({
      figure: `prover pool speed-up 1 -> 2 workers (${s.pool.label})`,
      value: `x${fmt(s.pool.speedup, 2)}`,
      reference: "",
    });
  if (d.verifier.direct12 !== null) {
    rows.push({
      figure: `Groth16 verifyProof, ${FIXTURE_INPUTS} public inputs (gas)`,
      value: fmt(d.verifier.direct12),
      reference: `pairing floor ${fmt(REFERENCES.pairingFloorGas)}; snarkjs ~${fmt(REFERENCES.snarkjsVerifier3InputsGas)} with 3 inputs`,
    });
  }
  // The largest dev-ptau power measured (17 by default): its time, and snarkjs's estimate there.
  const devTop = s.setup?.ceremony.devPtau.reduce<(typeof s.setup.ceremony.devPtau)[number] | null>(
    (a, b) => (a === null || b.power > a.power ? b : a),
    null,
  );
  if (devTop)
    rows.push({
      figure: `dev trusted setup, prepared ptau at power ${devTop.power}`,
      value: `${fmt(devTop.wallSeconds, 1)} s wall, ${fmt(devTop.cpuSeconds, 1)} CPU s`,
      reference: `load ${fmt(devTop.loadAvg1m, 1)}${devTop.power === 17 ? "; target: under 2 min" : ""}`,
    });
  for (const x of d.setupSpeedup?.rows ?? []) {
    if (!x.snarkjs || x.speedupCpu === null) continue;
    if (!x.snarkjs.measured && x.power !== devTop?.power) continue;
    rows.push({
      figure: `dev ptau vs snarkjs's ceremony, power ${x.power}${x.snarkjs.measured ? "" : " (snarkjs extrapolated)"}`,
      value: `x${fmt(x.speedupCpu, 0)} CPU${x.speedupWall === null ? "" : `, x${fmt(x.speedupWall, 0)} wall`}`,
      reference: `snarkjs ${fmt(x.snarkjs.cpuSeconds, 0)} CPU s${x.snarkjs.measured ? ", same run" : ""}; target x30`,
    });
  }
  const fix = s.gas?.l1["submitBatchFixture/verifier=real/n=4"];
  if (fix) rows.push({ figure: "submitBatch, real proof, batch 4 (tx gas)", value: fmt(fix.tx), reference: "" });
  for (const b of d.batchGas.filter((x) => x.batch === 4 || x.batch === 64)) {
    rows.push({
      figure: `L1 gas per L2 transfer, batch ${b.batch}${b.verifierMeasured ? "" : " (verifier estimated)"}`,
      value: fmt(b.perOp.transfers),
      reference: `zkSync Lite commit: ${fmt(REFERENCES.zkSyncLiteCommitGasPerOp.transfer)} (verify not included)`,
    });
  }
  const dep = s.gas?.l1.depositETH;
  if (dep) rows.push({ figure: "depositETH (tx gas)", value: fmt(dep.tx), reference: "" });
  const exit16 = s.gas?.l1["exit/depth=16"];
  if (exit16)
    rows.push({
      figure: "exodus exit, depth 16 (tx gas)",
      value: fmt(exit16.tx),
      reference: `${fmt(d.exitPerLevel)} gas per level`,
    });
  if (s.realgas) {
    for (const g of goalRows(s.realgas, d.realgas ?? null, s.constraints)) {
      rows.push({ figure: g.goal, value: g.measured, reference: `goal ${g.target}: ${g.status}` });
    }
  }
  if (s.rebuild) rows.push(rebuildHeadline(s.rebuild));
  if (s.e2e) {
    rows.push({ figure: "e2e: L1 deposit -> L2 credit", value: secs(s.e2e.depositToCreditMs), reference: "" });
    rows.push({
      figure: "e2e: L2 withdrawals -> proven on L1",
      value: secs(s.e2e.withdrawToClaimableMs),
      reference: "",
    });
  }
  return rows;
}

export function headlineText(r: Report): string {
  const rows = headline(r);
  const w0 = Math.max(6, ...rows.map((x) => x.figure.length));
  const w1 = Math.max(5, ...rows.map((x) => x.value.length));
  return [
    `${"figure".padEnd(w0)}  ${"value".padEnd(w1)}  reference`,
    `${"-".repeat(w0)}  ${"-".repeat(w1)}  ---------`,
    ...rows.map((x) => `${x.figure.padEnd(w0)}  ${x.value.padEnd(w1)}  ${x.reference}`.trimEnd()),
  ].join("\n");
}

/** The per-signature cost of attestations (BenchAttestationGasTest), or nothing when not measured. */
function attestationGas(l1: Record<string, GasFigure>): string[] {
  const rows: string[][] = [];
  for (const call of ["submitBatch", "creditDeposit"]) {
    const at = (k: number) => l1[`attest/${call}/sigs=${k}`];
    const one = at(1);
    const three = at(3);
    if (!one || !three) continue;
    rows.push([
      call,
      ...[1, 2, 3].map((k) => fmt(at(k)?.tx)),
      fmt((three.tx - one.tx) / 2),
      fmt((three.exec - one.exec) / 2),
    ]);
  }
  if (rows.length === 0) return [];
  return [
    "",
    "### Attestation gas per signature",
    "",
    "Transaction gas with 1, 2 and 3 attester signatures (a set of 3, threshold 1, so only the count changes; " +
      "test/bench/BenchGas.t.sol `BenchAttestationGasTest`). The dev deployment signs with M = 2 of N = 3. " +
      "Anchor: Hyperlane's multisig ISM pays 6.5k-7.4k gas per extra signature.",
    "",
    table(
      ["call", "1 sig (tx)", "2 sigs (tx)", "3 sigs (tx)", "per extra signature (tx)", "of which exec"],
      rows,
      ":--|--:|--:|--:|--:|--:",
    ),
  ];
}

/** Gas of the op data a batch posts (section 8, "Op data on L1"): 1, 4, 16, 64 ops, and the slope per op. */
function opDataGas(l1: Record<string, GasFigure>): string[] {
  const counts = [1, 4, 16, 64].filter((k) => l1[`opData/ops=${k}`]);
  const first = l1[`opData/ops=${counts[0]}`];
  const last = l1[`opData/ops=${counts[counts.length - 1]}`];
  if (counts.length < 2 || !first || !last) return [];
  const span = (counts[counts.length - 1] as number) - (counts[0] as number);
  const rows = counts.map((k) => {
    const g = l1[`opData/ops=${k}`] as GasFigure;
    return [fmt(k), fmt(g.tx), fmt(g.exec), fmt(g.tx - g.exec)];
  });
  rows.push([
    "per op",
    fmt((last.tx - first.tx) / span),
    fmt((last.exec - first.exec) / span),
    fmt((last.tx - last.exec - (first.tx - first.exec)) / span),
  ]);
  const request = l1.requestWithdrawal;
  return [
    "",
    "### Op data on L1",
    "",
    "submitBatch (accepting verifier, batch 4) posting the 61-byte records of 1, 4, 16 and 64 ops " +
      "(test/bench/BenchGas.t.sol `test_bench_submitBatch_opData`): L1 folds them into the keccak head and emits " +
      "them in `BatchOps`, an event so a submission through a contract stays readable with eth_getLogs " +
      "(8 gas per byte on top of the calldata). Anchors: zkSync Lite posts 20 bytes per transfer, Loopring 22." +
      (request ? ` requestWithdrawal: ${fmt(request.tx)} tx gas.` : ""),
    "",
    table(["ops", "tx gas", "exec", "calldata + intrinsic"], rows, "--:|--:|--:|--:"),
  ];
}

function rebuildHeadline(x: RebuildSection): { figure: string; value: string; reference: string } {
  return {
    figure: `exit from L1 data alone: rebuild of ${fmt(x.ops)} ops, depth ${x.depth}`,
    value: `${secs(x.wallMs)} wall, ${fmt(x.cpuSeconds, 1)} CPU s, ${fmt(x.maxRssMiB)} MiB peak`,
    reference: "zkSync Lite exit tool: hours to days, 20 GB disk",
  };
}

/** The L1-only exit rebuild table (bench/rebuild.ts), or nothing when not measured. */
export function rebuildSection(x: RebuildSection | undefined): string[] {
  if (!x) return [];
  return [
    "",
    "### Exit from L1 data alone: state rebuild",
    "",
    `Reproduce: \`${x.command}\` (after its \`generate\` step; bench/rebuild.ts). lib/rebuild.ts replays the op ` +
      "data of every batch, as L1 posts it in BatchOps, into the extractor's BridgeState (slots and balances), checks " +
      "each batch's Poseidon op chain, then builds the tree once and checks the final root; " +
      "no RPC is involved (the log scan of a real exit adds one eth_getLogs call per --block-range blocks).",
    "",
    table(
      ["ops", "batches (N)", "slots", "depth", "wall", "CPU s", "per op", "peak RSS", "load (1 min)"],
      [
        [
          fmt(x.ops),
          `${fmt(x.batches)} (${x.batchSize})`,
          fmt(x.slots),
          x.depth,
          secs(x.wallMs),
          fmt(x.cpuSeconds, 1),
          `${fmt(x.wallMs / x.ops, 2)} ms`,
          `${fmt(x.maxRssMiB)} MiB`,
          fmt(x.loadAvg1m, 1),
        ],
      ],
    ),
  ];
}

function table(head: string[], rows: (string | number)[][], align?: string): string {
  const a = align ?? head.map((_, i) => (i === 0 ? ":--" : "--:")).join("|");
  return [`| ${head.join(" | ")} |`, `|${a}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function constraintRow(r: ConstraintRow, model: ConstraintsSection["model"]): (string | number)[] {
  const how = r.compiled ? `compiled (${r.compileSeconds ?? "?"} s)` : model ? "**extrapolated**" : "estimate";
  return [r.depth, r.batch, fmt(r.constraints), fmt(r.perOp), `2^${r.ptauPower}`, how];
}

function shaVerdict(rows: ShaRow[]): string {
  const known = rows.filter((x) => x.breakEvenGwei !== null);
  if (known.length === 0) return "No proving speed was measured, so no break-even price is given.";
  const lo = Math.min(...known.map((x) => x.breakEvenGwei as number));
  const hi = Math.max(...known.map((x) => x.breakEvenGwei as number));
  return (
    `In money, with snarkjs on this machine, it pays when L1 gas costs more than ${fmt(lo, 4)} to ${fmt(hi, 4)} gwei ` +
    "(the range over N above), i.e. at any realistic L1 gas price; a native prover (rapidsnark) lowers that price further. " +
    "The real cost is throughput and latency: every proof gets the extra proving time above (the circuit grows x2.6 at " +
    "depth 16), so with a fixed prover fleet the switch pays once batches are large enough that L1 gas, not proving " +
    "capacity, is the constraint (the larger N, the larger the share of the inputs in the verifier's gas: see the table " +
    "of batch sizes). It does not pay where L1 gas is nearly free (an L2 or a sidechain as the settlement chain)."
  );
}

/** The whole REPORT.md. */
/** The constraints part of REPORT.md (nothing when the section was not measured). */
function constraintsMarkdown(r: Report): string[] {
  const s = r.sections;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  if (s.constraints) {
    const c = s.constraints;
    p(
      "",
      "## 1. Circuit size",
      "",
      `Reproduce: \`${c.command}\` (${c.compiler}; compiles are cached in build/circuits/).`,
      "",
      table(
        ["depth", "batch", "constraints", "per op", "ptau", "source"],
        [...c.compiled, ...c.extrapolated]
          .sort((a, b) => a.depth - b.depth || a.batch - b.batch)
          .map((x) => constraintRow(x, c.model)),
      ),
    );
    if (c.model) {
      p(
        "",
        `Growth (least squares over the compiled sets): **constraints = ${fmt(c.model.fixed)} + BATCH x (${fmt(c.model.perOpBase)} + ${fmt(c.model.perOpPerLevel, 1)} x DEPTH)**. ` +
          `The circuit is exactly linear in the batch size (no per-batch overhead) and each bit of DEPTH adds ${fmt(c.model.perOpPerLevel)} constraints per op ` +
          "(4-ary tree: two bits are one level of four Merkle paths of one Poseidon(4) each). Extrapolated rows use this formula; the wasm circom cannot compile them here " +
          "in reasonable time (they need the native circom).",
        "",
        `Reference: Hermez 1.0 spends about ${fmt(REFERENCES.hermezConstraintsPerTxDepth32)} constraints per transaction at depth 32 ` +
          `(it also checks signatures and fees); this circuit needs ${fmt(c.model.perOpBase + c.model.perOpPerLevel * 32)} per op at depth 32.`,
      );
    }
  }
  return out;
}

/** The proving part of REPORT.md (nothing when the section was not measured). */
function provingMarkdown(r: Report): string[] {
  const s = r.sections;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  if (s.proving && s.proving.length > 0) {
    p(
      "",
      "## 2. Proving (snarkjs, wasm witness, Groth16)",
      "",
      "Each batch size is proven in its own process (bench/prove-child.ts under GNU time: peak RSS is the prover's); " +
        "the first proof of each is checked against the verification key and the expected public signals. " +
        "Batches are full (credit, transfer, withdrawal, transfer repeated).",
      "",
      table(
        [
          "circuit",
          "constraints",
          "witness (median)",
          "proof (median)",
          "total",
          "ops/s",
          "constraints/s",
          "peak RSS",
          "CPU s per run",
          "load 1m",
        ],
        s.proving.map((x) => [
          x.label,
          fmt(x.constraints),
          `${fmt(x.witnessMsMedian)} ms`,
          `${fmt(x.proveMsMedian)} ms`,
          `${fmt(x.totalMsMedian)} ms`,
          fmt(x.opsPerSecond, 2),
          x.constraints ? fmt(x.constraints / (x.totalMsMedian / 1000)) : "n/a",
          `${fmt(x.maxRssMiB)} MiB`,
          x.cpuSeconds === null ? "n/a" : fmt(x.cpuSeconds / x.runs.length, 1),
          fmt(x.loadAvg1m, 1),
        ]),
      ),
      "",
      "CPU s per run = CPU seconds of the whole process (GNU time: start-up, key loading, the one verification and " +
        "all proving threads) / runs: on a loaded machine it tracks the circuit size far better than wall time, which " +
        "includes waiting for a core.",
      "",
      "Runs (witness / proof ms): " +
        s.proving.map((x) => `${x.label}: ${x.runs.map((y) => `${y.witnessMs}/${y.proveMs}`).join(", ")}`).join("; ") +
        ".",
      "",
      `Reproduce one row: \`${s.proving[0]?.command}\` (the bench writes the job file; the keys come from \`make circuit-setup DEPTH=.. BATCH=..\`).`,
    );
  }
  return out;
}

/** The pool part of REPORT.md (nothing when the section was not measured). */
function poolMarkdown(r: Report): string[] {
  const s = r.sections;
  const m = r.machine;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  if (s.pool) {
    p(
      "",
      `### Prover pool: 1 vs 2 workers (${s.pool.label})`,
      "",
      "offchain/prover/pool.ts ProverPool over a SqliteProofQueue holding the same jobs; wall time from pool.start() " +
        "(worker start-up included) to the last proof stored.",
      "",
      table(
        ["workers", "jobs", "wall", "first start -> last proof", "jobs/min", "load 1m"],
        s.pool.runs.map((x) => [
          x.workers,
          x.jobs,
          secs(x.wallMs),
          secs(x.provingWallMs),
          fmt(x.jobsPerMinute, 2),
          fmt(x.loadAvg1m, 1),
        ]),
      ),
      "",
      `Speed-up: **x${fmt(s.pool.speedup, 2)}**. snarkjs already spreads one proof over all cores with its own threads, ` +
        `so on ${m.cores} shared cores a second worker mostly overlaps the single-threaded parts (witness, file reads).`,
    );
  }
  return out;
}

/** The gas part of REPORT.md (nothing when the section was not measured). */
/** Part of the L1 gas section of REPORT.md (d.marginalPerOp). */
function marginalGasMarkdown(r: Report): string[] {
  const d = r.derived;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  if (d.marginalPerOp) {
    const z = REFERENCES.zkSyncLiteCommitGasPerOp;
    p(
      "",
      `Marginal L1 gas of one more op in a large batch (from the largest batch measured; tx gas, accepting verifier), ` +
        `plus the 2 public inputs every slot adds to the real verifier (${fmt(d.marginalPerOp.publicInputs)}):`,
      "",
      table(
        ["op", "AssetStorage work", "+ 2 public inputs", "zkSync Lite commit gas per op (reference)"],
        [
          [
            "transfer (L2 only)",
            fmt(d.marginalPerOp.transfer),
            fmt(d.marginalPerOp.transfer + d.marginalPerOp.publicInputs),
            fmt(z.transfer),
          ],
          [
            "deposit (credit)",
            fmt(d.marginalPerOp.transfer + d.marginalPerOp.deposit),
            fmt(d.marginalPerOp.transfer + d.marginalPerOp.deposit + d.marginalPerOp.publicInputs),
            fmt(z.deposit),
          ],
          [
            "withdrawal",
            fmt(d.marginalPerOp.transfer + d.marginalPerOp.withdrawal),
            fmt(d.marginalPerOp.transfer + d.marginalPerOp.withdrawal + d.marginalPerOp.publicInputs),
            fmt(z.withdraw),
          ],
        ],
        ":--|--:|--:|--:",
      ),
      "",
      "A withdrawal here goes to a fresh L1 recipient: ~22k of it is the zero-to-non-zero pendingWithdrawals write " +
        "(the claim refunds part of it later); a recipient with a pending balance costs ~17k less. " +
        "The public inputs dominate: two per slot at ~6.15k each cost more than AssetStorage's own work for a transfer, " +
        "which is why zkSync commits one hash of the public data instead (next section).",
    );
  }
  return out;
}

/** Part of the L1 gas section of REPORT.md (d.sha256). */
function sha256Markdown(r: Report): string[] {
  const d = r.derived;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  if (d.sha256) {
    p(
      "",
      "### Estimate: one public input (SHA-256 of the public data)",
      "",
      "Instead of 4 + 2N public inputs, L1 would pass one: SHA-256 of the same 4 + 2N words (mod r), and the circuit " +
        `would recompute it. **Estimate** (formulas, not measured): gas saved = (4 + 2N - 1) x ${fmt(REFERENCES.ecMulPlusEcAddGas)} - ` +
        `(60 + 12 x (4 + 2N)) (SHA-256 precompile); constraints added = ceil((32 x (4 + 2N) + 9) / 64) blocks x ` +
        `~${fmt(REFERENCES.sha256ConstraintsPerBlock)} (circomlib Sha256, one 64-byte block). ` +
        `Break-even gas price = extra proving cost / gas saved, with ${d.sha256.assumptions}` +
        (d.constraintsPerSecond ? ` (${fmt(d.constraintsPerSecond)} constraints/s).` : "."),
      "",
      table(
        [
          "N",
          "gas saved per batch",
          "gas saved per op",
          "constraints added",
          "added per op",
          "extra proving here",
          "break-even gas price",
        ],
        d.sha256.rows.map((x) => [
          x.batch,
          fmt(x.gasSaved),
          fmt(x.gasSaved / x.batch),
          fmt(x.constraintsAdded),
          fmt(x.constraintsAddedPerOp),
          x.extraProvingSeconds === null ? "n/a" : `${fmt(x.extraProvingSeconds, 1)} s`,
          x.breakEvenGwei === null ? "n/a" : `${fmt(x.breakEvenGwei, 3)} gwei`,
        ]),
      ),
      "",
      "Both sides grow linearly with N: about 12.3k gas saved and ~29k constraints added per op, so a slot's circuit " +
        "grows from ~17.8k to ~47k constraints at depth 16 (x2.6) and from ~33k to ~62k at depth 32 (x1.9). " +
        "Whether it pays therefore depends on prices more than on N (the fixed part, 4 header words, makes small batches " +
        `slightly worse). In gas alone it pays from the first op, and from N = ${Math.ceil((REFERENCES.pairingFloorGas / REFERENCES.ecMulPlusEcAddGas - 4) / 2)} on ` +
        "the public inputs cost more than the whole pairing check. " +
        shaVerdict(d.sha256.rows),
    );
  }
  return out;
}

function gasMarkdown(r: Report): string[] {
  const s = r.sections;
  const d = r.derived;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  if (s.gas) {
    const l1 = s.gas.l1;
    const snap = s.gas.snapshots;
    const row = (key: string, label: string, snapKey?: string) => {
      const v = l1[key];
      return v
        ? [
            label,
            fmt(v.exec),
            fmt(v.calldata),
            fmt(v.tx),
            snapKey && snap.l1[snapKey] !== undefined ? fmt(snap.l1[snapKey]) : "",
          ]
        : [label, "n/a", "", "", ""];
    };
    p(
      "",
      "## 3. L1 gas",
      "",
      `Reproduce: \`${s.gas.command}\` (test/bench/BenchGas.t.sol; also an ordinary forge test). ` +
        "exec = gas of the call (vm.lastCallGas, as in forge gas snapshots); calldata = EIP-2028 cost; " +
        "tx = 21,000 + calldata + exec. Storage and accounts are cold before each call (vm.cool). " +
        "The snapshot column is snapshots/AssetStorage.json (make test-forge) for comparison; it differs where the " +
        "state before the call differs (e.g. a warm token account).",
      "",
      "### User calls",
      "",
      table(
        ["call", "exec", "calldata", "tx", "gas snapshot (exec)"],
        [
          row("depositETH", "depositETH", "depositETH"),
          row("depositERC20", "depositERC20", "depositERC20"),
          row("claim/ETH", "claim (ETH)", "claim_ETH"),
          row("claim/ERC20", "claim (ERC-20)", "claim_ERC20"),
          row("cancelDeposit", "cancelDeposit (exodus)", "cancelDeposit"),
          ...[8, 16, 24, 32].map((dd) =>
            row(`exit/depth=${dd}`, `exit (exodus), depth ${dd}`, dd === 16 ? "exit_depth16" : undefined),
          ),
        ],
      ),
      "",
      `exit grows by **${fmt(d.exitPerLevel)} gas per bit of DEPTH** (least squares over the depths above, per bit of DEPTH: half a PoseidonT5 level in Solidity plus 1.5 siblings' calldata).`,
      "",
      "### The Groth16 verifier (real proof, test/fixtures/batch-d16-n4-k2.json)",
      "",
      table(
        ["figure", "gas", "reference"],
        [
          [
            `verifyProof alone, ${FIXTURE_INPUTS} public inputs (exec)`,
            fmt(d.verifier.direct12),
            `pairing floor ${fmt(REFERENCES.pairingFloorGas)} (EIP-1108, 4 pairings)`,
          ],
          [
            "  of which above the pairing floor",
            fmt(d.verifier.overFloor),
            `${FIXTURE_INPUTS} inputs x ~${fmt(REFERENCES.perInputReferenceGas)} (ecMul + ecAdd ${fmt(REFERENCES.ecMulPlusEcAddGas)} + handling)`,
          ],
          [
            `  per input, upper bound ((total - floor) / ${FIXTURE_INPUTS})`,
            fmt(d.verifier.perInputUpperBound),
            "includes the verifier's fixed overhead",
          ],
          ["submitBatch real verifier - same with accepting verifier", fmt(d.verifier.inSubmitBatch12), ""],
          [
            "submitBatch with the real proof (exec / tx)",
            `${fmt(l1["submitBatchFixture/verifier=real/n=4"]?.exec)} / ${fmt(l1["submitBatchFixture/verifier=real/n=4"]?.tx)}`,
            "first batch from genesis: counters written from zero",
          ],
          [
            "snarkjs verifier with 3 inputs (reference)",
            `~${fmt(REFERENCES.snarkjsVerifier3InputsGas)}`,
            "public figure",
          ],
        ],
        ":--|--:|:--",
      ),
      "",
      "### submitBatch by batch size and composition",
      "",
      "AssetStorage's own work is measured with a verifier that accepts at once, in steady state (one batch already proven), " +
        "for each batch size: all slots transfers (L1 sees them as empty slots), all deposits, all withdrawals (each to a fresh " +
        "L1 recipient: a zero-to-non-zero pendingWithdrawals write), and half deposits + half withdrawals. " +
        `The verifier column is **measured** with the fixture's ${FIXTURE_INPUTS} inputs (real verifier inside submitBatch; N = 2 in this model) and **estimated** for other sizes as ` +
        `measured + (4 + 2N - ${FIXTURE_INPUTS}) x ${fmt(REFERENCES.ecMulPlusEcAddGas)} (EIP-1108 ecMul + ecAdd per public input): ` +
        "this table models every slot public (K = N); the shipped layout (K public slots) is measured with real proofs in the real-proof section. " +
        "Per-op figures divide (tx + verifier) by N.",
      "",
      table(
        [
          "N",
          "tx: transfers",
          "tx: deposits",
          "tx: withdrawals",
          "tx: half/half",
          "verifier",
          "per op: transfer",
          "per op: deposit",
          "per op: withdrawal",
          "inputs' share (transfers)",
        ],
        d.batchGas.map((b) => [
          b.batch,
          fmt(b.acceptingTx.transfers),
          fmt(b.acceptingTx.deposits),
          fmt(b.acceptingTx.withdrawals),
          fmt(b.acceptingTx.mixed),
          `${fmt(b.verifierGas)}${b.verifierMeasured ? "" : " (est.)"}`,
          fmt(b.perOp.transfers),
          fmt(b.perOp.deposits),
          fmt(b.perOp.withdrawals),
          `${fmt(b.publicInputShare * 100)} %`,
        ]),
      ),
    );
    const n4 = Object.entries(l1).filter(([k]) => k.startsWith("submitBatch/n=4/"));
    if (n4.length > 0) {
      p(
        "",
        "Batch 4, every composition (deposits d, withdrawals w, the rest transfers; accepting verifier, tx gas):",
        "",
        table(
          ["d \\ w", "0", "1", "2", "3", "4"],
          [0, 1, 2, 3, 4].map((dd) => [
            dd,
            ...[0, 1, 2, 3, 4].map((w) => (dd + w <= 4 ? fmt(l1[`submitBatch/n=4/d=${dd}/w=${w}`]?.tx) : "")),
          ]),
        ),
      );
    }
    p(...marginalGasMarkdown(r));
    p(...sha256Markdown(r));
    p(...attestationGas(l1));
    p(...opDataGas(l1));
    const l2 = snap.l2;
    p(
      "",
      "### L2 gas (AssetReceiving)",
      "",
      "From snapshots/AssetReceiving.json (forge gas snapshots, checked by `make test-forge`; exec gas of the call, cold storage):",
      "",
      table(
        ["call", "exec gas"],
        Object.entries(l2).map(([k, v]) => [k, fmt(v)]),
        ":--|--:",
      ),
    );
  }
  return out;
}

/** The setup part of REPORT.md (nothing when the section was not measured). */
function setupMarkdown(r: Report): string[] {
  const s = r.sections;
  const d = r.derived;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  if (s.setup) {
    const c = s.setup.ceremony;
    p(
      "",
      "## 4. Trusted setup",
      "",
      `Reproduce: \`${s.setup.command}\`. CPU seconds include worker threads.`,
      "",
      table(
        ["dev ptau power", "file", "wall", "CPU", "load 1m"],
        c.devPtau.map((x) => [
          x.power,
          `${fmt(x.bytes / 2 ** 20, 1)} MiB`,
          `${fmt(x.wallSeconds, 1)} s`,
          `${fmt(x.cpuSeconds, 1)} s`,
          fmt(x.loadAvg1m, 1),
        ]),
      ),
    );
    const step = (name: string, t: StepTiming) => [
      name,
      `${fmt(t.wallSeconds, 1)} s`,
      `${fmt(t.cpuSeconds, 1)} s`,
      fmt(t.loadAvg1m, 1),
    ];
    for (const sj of c.snarkjs ?? []) {
      p(
        "",
        `snarkjs's own route at power ${sj.power} (same run):`,
        "",
        table(
          ["step", "wall", "CPU", "load 1m"],
          [
            step("powersoftau new", sj.new),
            step("powersoftau contribute", sj.contribute),
            step("powersoftau prepare phase2", sj.preparePhase2),
            ["total", `${fmt(sj.total.wallSeconds, 1)} s`, `${fmt(sj.total.cpuSeconds, 1)} s`, ""],
          ],
        ),
      );
    }
    const sp = d.setupSpeedup;
    if (sp) {
      p(
        "",
        "Speed-up of the dev ptau over snarkjs's route (CPU seconds are the steadier figure on a shared machine). " +
          (sp.growthPerPower === null
            ? "snarkjs ran at one power only, so larger powers are not extrapolated."
            : `snarkjs's CPU time grew x${fmt(sp.growthPerPower, 2)} per power over the measured powers; ` +
              "rows marked estimated extrapolate that growth and were not measured."),
        "",
        table(
          ["power", "dev ptau CPU", "snarkjs CPU", "speed-up CPU", "speed-up wall", "snarkjs figure"],
          sp.rows.map((x) => [
            x.power,
            `${fmt(x.dev.cpuSeconds, 1)} s`,
            x.snarkjs ? `${fmt(x.snarkjs.cpuSeconds, 1)} s` : "n/a",
            x.speedupCpu === null ? "n/a" : `x${fmt(x.speedupCpu, 0)}`,
            x.speedupWall === null ? "n/a" : `x${fmt(x.speedupWall, 0)}`,
            x.snarkjs ? (x.snarkjs.measured ? "measured, same run" : "estimated") : "not measured",
          ]),
        ),
      );
    }
    if (s.setup.phase2.length > 0) {
      p(
        "",
        "Groth16 phase 2 (snarkjs groth16 setup + beacon, circuits/setup/zkey.ts) as `make circuit-setup` recorded it in each " +
          "build/circuits/*/setup.json (wall seconds; setup.json does not record the load):",
        "",
        table(
          ["circuit", "constraints", "ptau power", "setup wall"],
          s.setup.phase2.map((x) => [x.circuit, fmt(x.constraints), `2^${x.ptauPower}`, `${fmt(x.setupSeconds, 1)} s`]),
        ),
      );
    }
  }
  return out;
}

/** The e2e part of REPORT.md (nothing when the section was not measured). */
function e2eMarkdown(r: Report): string[] {
  const s = r.sections;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  if (s.e2e) {
    const e = s.e2e;
    p(
      "",
      "## 5. Latency in the e2e flow",
      "",
      `Reproduce: \`${e.command}\` (two anvil chains, the whole node; PROVER_WORKERS 2, POLL_INTERVAL_MS 300, BATCH_TIMEOUT_MS 5000). ` +
        `Run ${e.ok ? "succeeded" : "**failed**"} in ${secs(e.wallSeconds * 1000)} (load ${fmt(e.loadAvg1m, 1)}).`,
      "",
      `- **L1 deposit -> L2 credit:** ${secs(e.depositToCreditMs)} (step "the monitor credits both deposits on L2": from the L1 deposits mined to both credits visible on L2; bounded below by CONFIRMATIONS and the poll interval).`,
      `- **L2 withdrawal -> claimable on L1:** ${secs(e.withdrawToClaimableMs)} (step "the extractor, provers and sender prove every op on L1": batches cut, proven and submitted until every op is proven on L1. It follows the step that kills the node mid-proof, so it includes re-proving the interrupted batches; dominated by proving, and the last, partial batch waits for BATCH_TIMEOUT_MS).`,
      "",
      table(
        ["step", "txs", "gas", "time", "notes"],
        e.steps.map((x) => [x.name, x.txs, fmt(Number(x.gas)), secs(x.ms), x.note.replaceAll("|", "/")]),
        ":--|--:|--:|--:|:--",
      ),
    );
  }
  return out;
}

export function renderMarkdown(r: Report): string {
  const s = r.sections;
  const m = r.machine;
  const out: string[] = [];
  const p = (...lines: string[]) => out.push(...lines);
  p(
    "# Benchmark report",
    "",
    `Generated by \`${r.command}\` (bench/run.ts) on ${r.generatedAt}. Raw data: [report.json](report.json).`,
    "",
    `**Machine:** ${m.cores} cores, ${m.cpuModel} (/proc/cpuinfo), ${fmt(m.memoryGiB, 1)} GiB, Node ${m.node}, ${m.platform}. ` +
      `Load average at start: ${m.loadAvgAtStart.join(", ")} (1, 5, 15 min).`,
    "",
    "The machine was shared with other jobs while this ran: every timing carries the 1-minute load average " +
      "measured around it. With a load above the core count, wall times are inflated (roughly by load / cores); " +
      "CPU seconds are the steadier figure. Gas and constraint counts do not depend on load.",
    "",
    `**Parameters:** depth ${r.config.depth}, proving batch sizes ${r.config.batches.join(", ")}, ${r.config.runs} runs each ` +
      `(median), pool: ${r.config.poolJobs} jobs of batch ${r.config.poolBatch}; dev-ptau powers ${r.config.powers}` +
      `${r.config.snarkjsPowers.length > 0 ? `, snarkjs ceremony at powers ${r.config.snarkjsPowers.join(", ")}` : ""}; sections: ${r.config.sections.join(", ")}.`,
  );
  if (r.config.reduced.length > 0) p("", `**Reduced run:** ${r.config.reduced.join("; ")}.`);
  p(
    "",
    "## Headline",
    "",
    table(
      ["figure", "value", "reference"],
      headline(r).map((x) => [x.figure, x.value, x.reference]),
      ":--|--:|:--",
    ),
  );

  p(...constraintsMarkdown(r));

  p(...provingMarkdown(r));
  p(...poolMarkdown(r));

  p(...gasMarkdown(r));
  p(...realGasMarkdown(s.realgas, r.derived.realgas ?? null, s.constraints));

  p(...setupMarkdown(r));

  p(...rebuildSection(s.rebuild));

  p(...e2eMarkdown(r));
  p("");
  return out.join("\n");
}
