/**
 * Constraint report of the batch circuit (used by the benchmark report):
 *
 *   node --import tsx circuits/scripts/constraints.ts [--sets 16x4,20x2,...] [--out build/reports]
 *
 * Compiles each (DEPTH x BATCH) set (cached in build/circuits/), reads the r1cs header and writes
 * constraints.json and constraints.md: constraints per batch and per op, the ptau power each needs,
 * compile time, and a per-depth fit `constraints = fixed + BATCH * perOp` used to estimate
 * production sizes that the wasm compiler cannot build here (those need a native circom).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ensureCircuit, ROOT, r1csInfo } from "./build.js";
import { requiredPower } from "./setup.js";

export const DEFAULT_SETS = ["16x4", "16x1", "16x2", "20x1", "20x2", "20x4", "24x1", "24x2", "24x4"];
const ESTIMATES: [number, number][] = [
  [24, 8],
  [24, 16],
  [32, 4],
  [32, 16],
  [32, 64],
];

export interface Row {
  depth: number;
  batch: number;
  constraints: number;
  perOp: number;
  publicInputs: number;
  wires: number;
  ptauPower: number;
  compileSeconds: number | null;
  compiled: boolean;
}

/** `DxN` (K = N) or `DxNxK`. */
function parseSet(s: string): [number, number, number] {
  const m = /^(\d+)x(\d+)(?:x(\d+))?$/.exec(s.trim());
  if (!m) throw new Error(`bad set "${s}": expected DEPTHxBATCH[xPUBLIC], e.g. 16x4 or 16x16x4`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? m[2])];
}

/** Compiles (cached) Batch(depth, batch, publicSlots) and reads its size; K defaults to N. */
export function measure(depth: number, batch: number, publicSlots = batch): Row {
  const art = ensureCircuit(depth, batch, publicSlots, true);
  const info = r1csInfo(art.r1cs);
  const secondsFile = join(art.dir, "compile-seconds.txt");
  return {
    depth,
    batch,
    constraints: info.constraints,
    perOp: Math.round(info.constraints / batch),
    publicInputs: info.publicInputs + info.outputs,
    wires: info.wires,
    ptauPower: requiredPower(art.r1cs),
    compileSeconds: existsSync(secondsFile) ? Number(readFileSync(secondsFile, "utf8")) : null,
    compiled: true,
  };
}

/** Least-squares fit of constraints = fixed + batch * perOp over the rows of one depth. */
function fit(rows: Row[]): { fixed: number; perOp: number } | null {
  if (rows.length < 2) return null;
  const n = rows.length;
  const mx = rows.reduce((s, r) => s + r.batch, 0) / n;
  const my = rows.reduce((s, r) => s + r.constraints, 0) / n;
  const sxx = rows.reduce((s, r) => s + (r.batch - mx) ** 2, 0);
  if (sxx === 0) return null;
  const perOp = rows.reduce((s, r) => s + (r.batch - mx) * (r.constraints - my), 0) / sxx;
  return { fixed: my - perOp * mx, perOp };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { sets: { type: "string" }, out: { type: "string", default: "build/reports" } },
  });
  const sets = (values.sets ? values.sets.split(",") : DEFAULT_SETS).map(parseSet);
  const rows = sets.map(([d, n, k]) => measure(d, n, k));

  // Per-op cost as a function of depth: perOp(depth) = a + b * depth, from the per-depth fits.
  const depths = [...new Set(rows.map((r) => r.depth))].sort((a, b) => a - b);
  const fits = depths
    .map((d) => ({ depth: d, f: fit(rows.filter((r) => r.depth === d)) }))
    .filter((x): x is { depth: number; f: { fixed: number; perOp: number } } => x.f !== null);
  let model: { perOpBase: number; perOpPerLevel: number; fixed: number } | null = null;
  if (fits.length >= 2) {
    const first = fits[0] as (typeof fits)[number];
    const last = fits[fits.length - 1] as (typeof fits)[number];
    const perLevel = (last.f.perOp - first.f.perOp) / (last.depth - first.depth);
    model = {
      perOpBase: first.f.perOp - perLevel * first.depth,
      perOpPerLevel: perLevel,
      fixed: fits.reduce((s, x) => s + x.f.fixed, 0) / fits.length,
    };
  }
  const estimates: Row[] = [];
  if (model) {
    for (const [d, n] of ESTIMATES) {
      if (rows.some((r) => r.depth === d && r.batch === n)) continue;
      const c = Math.round(model.fixed + n * (model.perOpBase + model.perOpPerLevel * d));
      estimates.push({
        depth: d,
        batch: n,
        constraints: c,
        perOp: Math.round(c / n),
        publicInputs: 4 + 2 * n,
        wires: 0,
        ptauPower: Math.floor(Math.log2(c + 4 + 2 * n)) + 1,
        compileSeconds: null,
        compiled: false,
      });
    }
  }

  const out = resolve(ROOT, values.out as string);
  mkdirSync(out, { recursive: true });
  const report = {
    generatedBy: "circuits/scripts/constraints.ts (make constraints)",
    compiler: "circom 2.2.3 (npm circom2 0.2.23, wasm) --O2; circomlib 2.0.5",
    dev: rows.find((r) => r.depth === 16 && r.batch === 4) ?? null,
    compiled: rows,
    model,
    estimated: estimates,
  };
  writeFileSync(join(out, "constraints.json"), `${JSON.stringify(report, null, 2)}\n`);

  const line = (r: Row) =>
    `| ${r.depth} | ${r.batch} | ${r.constraints.toLocaleString("en-US")} | ${r.perOp.toLocaleString("en-US")} | ` +
    `${r.publicInputs} | 2^${r.ptauPower} | ${r.compiled ? `${r.compileSeconds ?? "?"} s` : "estimate"} |`;
  const md = [
    "# Batch circuit constraints",
    "",
    `Generated by \`make constraints\` (${report.compiler}).`,
    "",
    "| DEPTH | BATCH | constraints | per op | public inputs | ptau | compile |",
    "|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(line),
    ...estimates.map(line),
    "",
    model
      ? `Model (least squares over the compiled sets): constraints ~= ${model.fixed.toFixed(0)} + BATCH * ` +
        `(${model.perOpBase.toFixed(0)} + ${model.perOpPerLevel.toFixed(1)} * DEPTH). Estimated rows need a native circom.`
      : "",
    "",
  ].join("\n");
  writeFileSync(join(out, "constraints.md"), md);
  console.log(md);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`constraints: ${e.message}`);
      process.exit(1);
    },
  );
}
