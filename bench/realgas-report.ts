/**
 * Derived figures and REPORT.md text of the `realgas` section (bench/realgas.ts): gas per op from real
 * proofs, the zero-input saving, the per-input figures, the labelled batch-64 estimate computed from them,
 * and issue 19's goals as target / measured / pass-miss rows. Pure functions (test/bench/report.test.ts).
 */
import type { ConstraintsSection } from "./others.js";
import type { RealGasRow, RealGasSection, RealGasSetResult } from "./realgas.js";

/** Issue 19's goals and the figures they are measured against (bench/REPORT.md before the issue). */
export const GOALS = {
  submitBatchN4DepositTx: 300_000,
  perOpN16Transfers: 18_000,
  zkSyncLiteDepositCommitPerOp: 7_700,
  constraintsPerOpDepth16: 14_200,
  baselineConstraintsPerOpDepth16: 17_813,
  /** 20.4 CPU s for one batch of 4 (bench/REPORT.md before issue 19). */
  baselineProofCpuSecondsPerOp: 20.4 / 4,
} as const;

export interface RealGasDerivedRow {
  set: string;
  depth: number;
  batch: number;
  publicSlots: number;
  composition: RealGasRow["composition"];
  tx: number;
  perOp: number;
  /** Our verifier inside submitBatch: real minus accepting verifier, same state. */
  verifierInSubmit: number;
  zeroInputs: number;
  /** snarkjs's oracle minus ours on the same proof and inputs (the oracle prices every input). */
  zeroSaving: number;
}

export interface RealGasEstimate {
  batch: number;
  publicSlots: number;
  inputs: number;
  accepting: number;
  verifier: number;
  tx: number;
  perOp: number;
  formula: string;
}

export interface RealGasDerived {
  rows: RealGasDerivedRow[];
  /** Oracle verifyProof gas per public input (least squares over the measured input counts). */
  perInput: number | null;
  /** Our verifyProof gas per zero input, after pricing non-zero inputs at perInput. */
  perZeroInput: number | null;
  estimate: RealGasEstimate | null;
}

export interface GoalRow {
  goal: string;
  target: string;
  measured: string;
  status: "pass" | "miss" | "not measured";
}

/** Least-squares slope of y over x (null with fewer than two distinct x). */
function fitSlope(points: [number, number][]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / sxx;
}

const rowsOf = (sets: RealGasSetResult[]) => sets.flatMap((s) => s.rows.map((r) => ({ s, r })));

/**
 * The batch-64 row: AssetStorage's measured work at that shape (accepting verifier) plus our verifier priced
 * from the largest measured transfers batch, with the extra zero inputs at perZeroInput (same L1-visible ops,
 * so the same non-zero inputs).
 */
export function realGasEstimate(x: RealGasSection, perZeroInput: number | null): RealGasEstimate | null {
  const base = x.estimateBase;
  const ref = rowsOf(x.sets)
    .filter(({ r }) => r.composition === "transfers")
    .reduce<{ s: RealGasSetResult; r: RealGasRow } | null>(
      (a, b) => (a === null || b.s.batch > a.s.batch ? b : a),
      null,
    );
  if (!base || !ref || perZeroInput === null) return null;
  const inputs = 4 + 2 * base.publicSlots;
  const refZero = ref.r.inputs - ref.r.nonzeroInputs;
  const zero = inputs - ref.r.nonzeroInputs;
  const refVerifier = ref.r.real.exec - ref.r.accepting.exec;
  const verifier = Math.round(refVerifier + perZeroInput * (zero - refZero));
  const tx = base.accepting.tx + verifier;
  return {
    batch: base.batch,
    publicSlots: base.publicSlots,
    inputs,
    accepting: base.accepting.tx,
    verifier,
    tx,
    perOp: Math.round(tx / base.batch),
    formula:
      `submitBatch tx with the accepting verifier at N = ${base.batch}, K = ${base.publicSlots} (measured) + our verifier in ` +
      `submitBatch at ${ref.s.label} transfers (${refVerifier.toLocaleString("en-US")}, measured) + ` +
      `${zero - refZero} more zero inputs x ${Math.round(perZeroInput).toLocaleString("en-US")} gas`,
  };
}

export function deriveRealGas(x: RealGasSection | undefined): RealGasDerived | null {
  if (!x) return null;
  const rows = rowsOf(x.sets).map(
    ({ s, r }): RealGasDerivedRow => ({
      set: s.label,
      depth: s.depth,
      batch: s.batch,
      publicSlots: s.publicSlots,
      composition: r.composition,
      tx: r.real.tx,
      perOp: Math.round(r.real.tx / s.batch),
      verifierInSubmit: r.real.exec - r.accepting.exec,
      zeroInputs: r.inputs - r.nonzeroInputs,
      zeroSaving: r.oracleVerify.exec - r.oursVerify.exec,
    }),
  );
  const all = rowsOf(x.sets).map(({ r }) => r);
  const perInput = fitSlope(all.map((r) => [r.inputs, r.oracleVerify.exec]));
  const perZeroInput =
    perInput === null
      ? null
      : fitSlope(all.map((r) => [r.inputs - r.nonzeroInputs, r.oursVerify.exec - perInput * r.nonzeroInputs]));
  return { rows, perInput, perZeroInput, estimate: realGasEstimate(x, perZeroInput) };
}

const n0 = (x: number) => Math.round(x).toLocaleString("en-US");
const verdict = (ok: boolean): GoalRow["status"] => (ok ? "pass" : "miss");

/** Constraints per op at `depth`: the realgas set of the largest batch, else the constraint report's. */
export function constraintsPerOp(
  x: RealGasSection | undefined,
  c: ConstraintsSection | undefined,
  depth: number,
): { perOp: number; where: string } | null {
  const set = (x?.sets ?? [])
    .filter((s) => s.depth === depth && s.constraints !== null)
    .reduce<RealGasSetResult | null>((a, b) => (a === null || b.batch > a.batch ? b : a), null);
  if (set?.constraints) return { perOp: Math.round(set.constraints / set.batch), where: set.label };
  const row = (c?.compiled ?? [])
    .filter((r) => r.depth === depth)
    .reduce<ConstraintsSection["compiled"][number] | null>((a, b) => (a === null || b.batch > a.batch ? b : a), null);
  return row ? { perOp: row.perOp, where: `d${row.depth}-n${row.batch}` } : null;
}

/** Issue 19's goals, each with its target, the measured value and pass / miss. */
export function goalRows(
  x: RealGasSection | undefined,
  d: RealGasDerived | null,
  c: ConstraintsSection | undefined,
): GoalRow[] {
  const find = (batch: number, comp: string) =>
    d?.rows.find((r) => r.depth === 16 && r.batch === batch && r.composition === comp);
  const out: GoalRow[] = [];
  const add = (goal: string, target: string, value: number | undefined | null, ok: (v: number) => boolean, show = n0) =>
    out.push(
      value === undefined || value === null
        ? { goal, target, measured: "n/a", status: "not measured" }
        : { goal, target, measured: show(value), status: verdict(ok(value)) },
    );
  add(
    "submitBatch tx, real proof, N = 4: 1 deposit + 3 no-ops",
    `<= ${n0(GOALS.submitBatchN4DepositTx)}`,
    find(4, "deposit")?.tx,
    (v) => v <= GOALS.submitBatchN4DepositTx,
  );
  add(
    "L1 gas per op, real proof, N = 16: 15 transfers + 1 withdrawal",
    `<= ${n0(GOALS.perOpN16Transfers)}`,
    find(16, "transfers")?.perOp,
    (v) => v <= GOALS.perOpN16Transfers,
  );
  const e = d?.estimate;
  add(
    `L1 gas per op, N = ${e?.batch ?? 64} (**estimate**, from measured per-op and per-input figures)`,
    `< ${n0(GOALS.zkSyncLiteDepositCommitPerOp)} (zkSync Lite, deposit commit)`,
    e?.perOp,
    (v) => v < GOALS.zkSyncLiteDepositCommitPerOp,
  );
  const d16 = constraintsPerOp(x, c, 16);
  add(
    `constraints per op, depth 16${d16 ? ` (${d16.where})` : ""}`,
    `<= ${n0(GOALS.constraintsPerOpDepth16)}`,
    d16?.perOp,
    (v) => v <= GOALS.constraintsPerOpDepth16,
  );
  const ratio = GOALS.constraintsPerOpDepth16 / GOALS.baselineConstraintsPerOpDepth16;
  const cpuTarget = GOALS.baselineProofCpuSecondsPerOp * ratio;
  const big = (x?.sets ?? [])
    .filter((s) => s.depth === 16)
    .reduce<RealGasSetResult | null>((a, b) => (a === null || b.batch > a.batch ? b : a), null);
  const cpu = big?.rows.find((r) => r.composition === "transfers")?.proof.cpuSeconds;
  add(
    `proof CPU s per op${big ? ` (${big.label})` : ""}`,
    `<= ${cpuTarget.toFixed(2)} (${GOALS.baselineProofCpuSecondsPerOp.toFixed(2)} x ${ratio.toFixed(3)})`,
    cpu === null || cpu === undefined || !big ? null : cpu / big.batch,
    (v) => v <= cpuTarget,
    (v) => v.toFixed(2),
  );
  return out;
}

function mdTable(head: string[], rows: (string | number)[][]): string[] {
  return [
    `| ${head.join(" | ")} |`,
    `|${head.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

/** The REPORT.md subsection of the realgas section (nothing when it did not run). */
export function realGasMarkdown(
  x: RealGasSection | undefined,
  d: RealGasDerived | null,
  c: ConstraintsSection | undefined,
): string[] {
  if (!x || !d) return [];
  const out = [
    "",
    "### submitBatch with real proofs (realgas)",
    "",
    `Each set's circuit and keys come from \`make circuit-setup\` (dev ceremony at the power it needs); our verifier and ` +
      `snarkjs's oracle are generated for those keys; every proof is real (witness builder + prover) and replayed by ` +
      `\`${x.command}\` in steady state (one batch proven before). Saving = oracle verifyProof minus ours on the same proof ` +
      "and inputs (the oracle prices every input; ours skips the zero ones and range-checks every word).",
    "",
    ...mdTable(
      [
        "set",
        "composition",
        "tx gas",
        "per op",
        "verifier in submitBatch",
        "zero inputs",
        "zero-input saving",
        "proof wall / CPU s",
        "peak RSS MiB",
      ],
      d.rows.map((r) => {
        const p = x.sets.find((s) => s.label === r.set)?.rows.find((y) => y.composition === r.composition)?.proof;
        return [
          r.set,
          r.composition,
          n0(r.tx),
          n0(r.perOp),
          n0(r.verifierInSubmit),
          r.zeroInputs,
          n0(r.zeroSaving),
          p
            ? `${p.wallSeconds.toFixed(1)} / ${p.cpuSeconds?.toFixed(1) ?? "n/a"} (load ${p.loadAvg1m.toFixed(1)})`
            : "n/a",
          p?.maxRssMiB === null || p === undefined ? "n/a" : n0(p.maxRssMiB),
        ];
      }),
    ),
    "",
    `Per public input (oracle, fitted): ${d.perInput === null ? "n/a" : n0(d.perInput)} gas; per zero input (ours): ` +
      `${d.perZeroInput === null ? "n/a" : n0(d.perZeroInput)} gas.`,
  ];
  const d24 = constraintsPerOp(x, c, 24);
  if (d24) out.push(`Constraints per op at depth 24: ${n0(d24.perOp)} (${d24.where}).`);
  const e = d.estimate;
  out.push(
    "",
    e
      ? `**Estimate (not a proof), N = ${e.batch}, K = ${e.publicSlots}:** ${n0(e.tx)} gas, ${n0(e.perOp)} per op = ${e.formula}.`
      : "**Estimate, batch 64:** n/a (needs the estimate's accepting run and two sets with different input counts).",
    "",
    "#### Issue 19 goals (this run)",
    "",
    ...mdTable(
      ["goal", "target", "measured", ""],
      goalRows(x, d, c).map((g) => [g.goal, g.target, g.measured, g.status]),
    ),
  );
  return out;
}
