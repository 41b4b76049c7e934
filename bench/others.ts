/**
 * The remaining sections of `make bench`: constraint counts (make constraints), the trusted-setup
 * timings (circuits/setup/bench.ts plus the phase-2 times the circuit setups recorded), and the
 * latencies of the e2e flow (offchain/e2e with E2E_JSON).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { checkOk, ROOT, runCommand, TSX } from "./lib.js";

export interface ConstraintRow {
  depth: number;
  batch: number;
  constraints: number;
  perOp: number;
  ptauPower: number;
  compileSeconds: number | null;
  compiled: boolean;
}

export interface ConstraintsSection {
  command: string;
  compiler: string;
  compiled: ConstraintRow[];
  /** constraints ~= fixed + BATCH * (perOpBase + perOpPerLevel * DEPTH), least squares over compiled sets. */
  model: { perOpBase: number; perOpPerLevel: number; fixed: number } | null;
  /** Rows computed from the model (not compiled here). */
  extrapolated: ConstraintRow[];
}

/** Sizes the report extrapolates when they were not compiled (production depths and batch sizes). */
export const EXTRAPOLATE: [number, number][] = [
  [16, 8],
  [16, 16],
  [16, 64],
  [24, 8],
  [24, 16],
  [24, 64],
  [32, 1],
  [32, 4],
  [32, 16],
  [32, 64],
];

export function extrapolate(
  model: NonNullable<ConstraintsSection["model"]>,
  depth: number,
  batch: number,
): ConstraintRow {
  const c = Math.round(model.fixed + batch * (model.perOpBase + model.perOpPerLevel * depth));
  return {
    depth,
    batch,
    constraints: c,
    perOp: Math.round(c / batch),
    ptauPower: Math.floor(Math.log2(c + 4 + 2 * batch)) + 1,
    compileSeconds: null,
    compiled: false,
  };
}

/**
 * Runs `make constraints` (cached compiles; writes build/reports/constraints.json), or with `sets`
 * only those sets into `workDir` (so a partial run never overwrites the shared report); reads its JSON.
 */
export async function benchConstraints(sets: string | undefined, workDir: string): Promise<ConstraintsSection> {
  const outDir = sets ? join(workDir, "constraints") : join(ROOT, "build", "reports");
  const argv = sets
    ? [...TSX, "circuits/scripts/constraints.ts", "--sets", sets, "--out", relative(ROOT, outDir)]
    : ["make", "--no-print-directory", "constraints"];
  checkOk(await runCommand(argv, { echo: "constraints" }), "constraint report");
  const report = JSON.parse(readFileSync(join(outDir, "constraints.json"), "utf8")) as {
    compiler: string;
    compiled: ConstraintRow[];
    model: ConstraintsSection["model"];
  };
  const compiled = report.compiled;
  const extrapolated = report.model
    ? EXTRAPOLATE.filter(([d, n]) => !compiled.some((r) => r.depth === d && r.batch === n)).map(([d, n]) =>
        extrapolate(report.model as NonNullable<ConstraintsSection["model"]>, d, n),
      )
    : [];
  return { command: argv.join(" "), compiler: report.compiler, compiled, model: report.model, extrapolated };
}

export interface StepTiming {
  wallSeconds: number;
  cpuSeconds: number;
  loadAvg1m: number;
}

export interface SnarkjsCeremony {
  power: number;
  new: StepTiming;
  contribute: StepTiming;
  preparePhase2: StepTiming;
  total: { wallSeconds: number; cpuSeconds: number };
}

export interface SetupSection {
  command: string;
  /** circuits/setup/bench.ts output: dev ptau per power and snarkjs's new + contribute + prepare. */
  ceremony: {
    devPtau: { power: number; wallSeconds: number; cpuSeconds: number; loadAvg1m: number; bytes: number }[];
    /** One run of snarkjs's own route per power (BENCH_SNARKJS_POWERS), in the same process as devPtau. */
    snarkjs?: SnarkjsCeremony[];
  };
  /** Groth16 phase 2 (setup + beacon) per compiled circuit, as `make circuit-setup` recorded it (setup.json). */
  phase2: { circuit: string; constraints: number; ptauPower: number; setupSeconds: number }[];
}

export async function benchSetup(powers: string, snarkjsPowers: number[]): Promise<SetupSection> {
  const argv = [
    ...TSX,
    "circuits/setup/bench.ts",
    "--powers",
    powers,
    ...(snarkjsPowers.length > 0 ? ["--snarkjs-powers", snarkjsPowers.join(",")] : ["--no-snarkjs"]),
    "--dir",
    "build/bench/setup",
  ];
  const r = checkOk(await runCommand(argv, { echo: "setup" }), "setup bench");
  rmSync(join(ROOT, "build", "bench", "setup"), { recursive: true, force: true });
  const ceremony = JSON.parse(r.stdout) as SetupSection["ceremony"];
  const phase2: SetupSection["phase2"] = [];
  const dir = join(ROOT, "build", "circuits");
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const f = join(dir, name, "setup.json");
    if (!existsSync(f)) continue;
    const s = JSON.parse(readFileSync(f, "utf8")) as {
      circuit: string;
      constraints: number;
      ptauPower: number;
      setupSeconds?: number;
    };
    if (typeof s.setupSeconds === "number") {
      phase2.push({
        circuit: s.circuit,
        constraints: s.constraints,
        ptauPower: s.ptauPower,
        setupSeconds: s.setupSeconds,
      });
    }
  }
  return { command: argv.join(" "), ceremony, phase2 };
}

export interface E2EStep {
  name: string;
  txs: number;
  gas: string;
  ms: number;
  note: string;
}

export interface E2ESection {
  command: string;
  ok: boolean;
  totalMs: number;
  wallSeconds: number;
  loadAvg1m: number;
  steps: E2EStep[];
  /** L1 deposit mined -> L2 credit visible (the monitor's step). */
  depositToCreditMs: number | null;
  /** L2 withdrawals -> proven on L1 and claimable (the e2e's prove step: it also redoes the proofs the node kill interrupted). */
  withdrawToClaimableMs: number | null;
}

/** Picks the latency steps out of the e2e journal by their names (offchain/e2e/scenario.ts). */
export function e2eLatencies(steps: E2EStep[]): Pick<E2ESection, "depositToCreditMs" | "withdrawToClaimableMs"> {
  const find = (re: RegExp) => steps.find((s) => re.test(s.name))?.ms ?? null;
  return {
    depositToCreditMs: find(/credits .*deposits on L2/),
    withdrawToClaimableMs: find(/prove every op on L1/),
  };
}

export async function benchE2E(): Promise<E2ESection> {
  const json = join(ROOT, "build", "bench", "e2e.json");
  rmSync(json, { force: true });
  const env = { ...process.env, E2E_DIR: "build/bench/e2e", E2E_JSON: json };
  const argv = ["make", "--no-print-directory", "e2e"];
  const r = await runCommand(argv, { env, echo: "e2e" });
  if (!existsSync(json)) checkOk(r, "make e2e");
  const data = JSON.parse(readFileSync(json, "utf8")) as { ok: boolean; totalMs: number; steps: E2EStep[] };
  return {
    command: "E2E_DIR=build/bench/e2e E2E_JSON=build/bench/e2e.json make e2e",
    ok: data.ok && r.code === 0,
    totalMs: data.totalMs,
    wallSeconds: r.wallSeconds,
    loadAvg1m: r.loadAvg1m,
    steps: data.steps,
    ...e2eLatencies(data.steps),
  };
}
