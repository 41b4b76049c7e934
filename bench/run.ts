/**
 * `make bench`: measures the bridge and writes REPORT.md + report.json.
 *
 *   node --import tsx bench/run.ts            # configured by the environment below
 *
 * Environment (parsed once, validated):
 *   BENCH_OUT        where REPORT.md and report.json go (default bench)
 *   BENCH_WORK       scratch and per-section checkpoints (default build/bench/work)
 *   BENCH_SECTIONS   comma list of constraints,gas,realgas,setup,proving,pool,rebuild,e2e (default all)
 *   BENCH_REUSE      1: reuse a section's checkpoint from BENCH_WORK instead of measuring again (default 0)
 *   BENCH_DEPTH      tree depth of the proving runs (default 16)
 *   BENCH_BATCHES    proving batch sizes (default 1,2,4); each needs make circuit-setup DEPTH BATCH
 *   BENCH_BUILD      1: build missing circuits/keys with make circuit-setup (default 1)
 *   BENCH_RUNS       proofs per batch size, median reported (default 3)
 *   BENCH_POOL_BATCH batch size of the pool speed-up jobs (default 4); BENCH_POOL_JOBS jobs (default 4)
 *   BENCH_POWERS     dev-ptau powers to time (default 12,14,16,17)
 *   BENCH_SNARKJS_POWERS powers of snarkjs's own ceremony (new + contribute + prepare phase2), timed in the
 *                    same run as the dev ptau for comparison (default 12,14; 0 = skip; power 14 takes ~8 min)
 *   BENCH_CONSTRAINT_SETS  DEPTHxBATCH list for the constraint report (default: make constraints' own list)
 *   BENCH_CIRCUIT    batch (default) or tiny: the prover tests' tiny circuit instead of the batch circuit (smoke runs)
 *   BENCH_REALGAS_SETS  DEPTHxBATCH[xPUBLIC] sets proven for real-proof gas (default 16x4x2,16x16x4; PUBLIC defaults
 *                    to BATCH); each is built with make circuit-setup (dev ptau at the power it needs, cached)
 *   BENCH_REALGAS_ESTIMATE DEPTHxBATCH[xPUBLIC] of the labelled estimate row (default 16x64x16; "none" = skip): its
 *                    AssetStorage work is measured with the accepting verifier, its verifier priced from the sets'
 *                    measured per-input figures
 *   BENCH_REBUILD_OPS ops of the L1-only exit rebuild measurement (default 10000)
 *   BENCH_NOTE       free text recorded as a reduced-run note in the report
 *
 * The headline table is printed at the end. No figure is checked against a threshold: a slow machine
 * gives a slow report, not a failure. A section that fails stops the run with its error.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { ensureTinyCircuit, tinyJob } from "../offchain/prover/testkit.js";
import { parseConfig, zInt } from "../offchain/runtime/config.js";
import { benchGas } from "./gas.js";
import { machine, ROOT } from "./lib.js";
import { benchConstraints, benchE2E, benchSetup } from "./others.js";
import { batchTarget, benchPool, benchProving, type ProvingTarget } from "./proving.js";
import { benchRealGas, parseRealGasSets } from "./realgas.js";
import { benchRebuild } from "./rebuild.js";
import { type BenchConfig, derive, headlineText, type Report, renderMarkdown, type Sections } from "./report.js";

const ALL = ["constraints", "gas", "realgas", "setup", "proving", "pool", "rebuild", "e2e"] as const;
type Section = (typeof ALL)[number];

const intList = (name: string) =>
  z
    .string()
    .regex(/^\d+(,\d+)*$/, `${name} must be a comma list of positive integers, e.g. 1,2,4`)
    .transform((s) => s.split(",").map(Number));

const Env = z.object({
  BENCH_OUT: z.string().default("bench"),
  BENCH_WORK: z.string().default("build/bench/work"),
  BENCH_SECTIONS: z
    .string()
    .default(ALL.join(","))
    .transform((s) => s.split(",").map((x) => x.trim()))
    .refine((xs) => xs.every((x) => (ALL as readonly string[]).includes(x)), {
      message: `BENCH_SECTIONS: each entry must be one of ${ALL.join(", ")}`,
    }),
  BENCH_REUSE: z.enum(["0", "1"]).default("0"),
  BENCH_DEPTH: zInt(1).default(16),
  BENCH_BATCHES: intList("BENCH_BATCHES").default([1, 2, 4]),
  BENCH_BUILD: z.enum(["0", "1"]).default("1"),
  BENCH_RUNS: zInt(1).default(3),
  BENCH_POOL_BATCH: zInt(1).default(4),
  BENCH_POOL_JOBS: zInt(1).default(4),
  BENCH_POWERS: z
    .string()
    .regex(/^\d+(,\d+)*$/, "BENCH_POWERS must be a comma list such as 12,14")
    .default("12,14,16,17"),
  BENCH_SNARKJS_POWERS: intList("BENCH_SNARKJS_POWERS")
    .default([12, 14])
    .transform((ps) => ps.filter((p) => p > 0)),
  BENCH_CONSTRAINT_SETS: z.string().optional(),
  BENCH_CIRCUIT: z.enum(["batch", "tiny"]).default("batch"),
  BENCH_REALGAS_SETS: z.string().default("16x4x2,16x16x4"),
  BENCH_REALGAS_ESTIMATE: z.string().default("16x64x16"),
  BENCH_REBUILD_OPS: zInt(1).default(10_000),
  BENCH_NOTE: z.string().optional(),
});

/** How to repeat this run: the BENCH_* variables that were set, then the make target or script. */
function commandLine(out: string): string {
  const vars = Object.entries(process.env)
    .filter(
      ([k, v]) =>
        k.startsWith("BENCH_") &&
        !["BENCH_OUT", "BENCH_NOTE", "BENCH_REUSE", "BENCH_WORK"].includes(k) &&
        v !== undefined &&
        v !== "",
    )
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${/^[\w.,/-]+$/.test(v as string) ? v : JSON.stringify(v)}`);
  const tail = out === "bench" ? "make bench" : `BENCH_OUT=${out} node --import tsx bench/run.ts`;
  return [...vars, tail].join(" ");
}

async function tinyTarget(): Promise<ProvingTarget> {
  const c = await ensureTinyCircuit();
  const j = tinyJob(3n, 5n);
  return {
    label: "tiny",
    depth: 0,
    batch: 1,
    constraints: null,
    circuit: { wasmPath: c.wasmPath, zkeyPath: c.zkeyPath, vkeyPath: c.vkeyPath },
    job: { input: j.input, publicSignals: j.publicSignals, kinds: [] },
  };
}

async function main(): Promise<void> {
  const env = parseConfig(Env, process.env);
  const work = resolve(ROOT, env.BENCH_WORK);
  const outDir = resolve(ROOT, env.BENCH_OUT);
  mkdirSync(work, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const wanted = new Set(env.BENCH_SECTIONS as Section[]);
  const config: BenchConfig = {
    depth: env.BENCH_DEPTH,
    batches: env.BENCH_BATCHES,
    runs: env.BENCH_RUNS,
    poolJobs: env.BENCH_POOL_JOBS,
    poolBatch: env.BENCH_POOL_BATCH,
    powers: env.BENCH_POWERS,
    snarkjsPowers: env.BENCH_SNARKJS_POWERS,
    sections: [...wanted],
    reduced: env.BENCH_NOTE ? [env.BENCH_NOTE] : [],
  };
  const mach = machine();
  process.stderr.write(
    `bench: ${mach.cores} cores, ${mach.cpuModel}, node ${mach.node}, load ${mach.loadAvgAtStart.join(" ")}\n`,
  );

  const sections: Sections = {};
  /** Runs one section, or reuses its checkpoint; stores the result as a checkpoint. */
  const section = async <K extends keyof Sections>(name: K, fn: () => Promise<NonNullable<Sections[K]>>) => {
    if (!wanted.has(name as Section)) return;
    const file = join(work, `${name}.json`);
    if (env.BENCH_REUSE === "1" && existsSync(file)) {
      sections[name] = JSON.parse(readFileSync(file, "utf8")) as Sections[K];
      process.stderr.write(`bench: ${name}: reusing ${file}\n`);
      return;
    }
    const t0 = performance.now();
    process.stderr.write(`bench: ${name} ...\n`);
    const value = await fn();
    sections[name] = value;
    writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
    process.stderr.write(`bench: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  };

  const target = async (batch: number) =>
    env.BENCH_CIRCUIT === "tiny" ? tinyTarget() : batchTarget(env.BENCH_DEPTH, batch, env.BENCH_BUILD === "1");

  await section("constraints", () => benchConstraints(env.BENCH_CONSTRAINT_SETS, work));
  await section("gas", () => benchGas());
  await section("realgas", () => {
    const estimate = env.BENCH_REALGAS_ESTIMATE === "none" ? null : parseRealGasSets(env.BENCH_REALGAS_ESTIMATE)[0];
    return benchRealGas(parseRealGasSets(env.BENCH_REALGAS_SETS), estimate ?? null, work);
  });
  await section("proving", async () => {
    const rows = [];
    const batches = env.BENCH_CIRCUIT === "tiny" ? [1] : env.BENCH_BATCHES;
    for (const n of batches) rows.push(await benchProving(await target(n), env.BENCH_RUNS, work));
    return rows;
  });
  await section("pool", async () => benchPool(await target(env.BENCH_POOL_BATCH), env.BENCH_POOL_JOBS, work));
  await section("setup", () => benchSetup(env.BENCH_POWERS, config.snarkjsPowers));
  await section("rebuild", () => benchRebuild(env.BENCH_REBUILD_OPS, env.BENCH_DEPTH, work));
  await section("e2e", () => benchE2E());

  const report: Report = {
    generatedBy: "bench/run.ts (make bench)",
    generatedAt: new Date().toISOString(),
    command: commandLine(env.BENCH_OUT),
    machine: mach,
    config,
    sections,
    derived: derive(sections),
  };
  writeFileSync(join(outDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, "REPORT.md"), renderMarkdown(report));
  process.stdout.write(`\n${headlineText(report)}\n\nwrote ${join(outDir, "REPORT.md")} and report.json\n`);
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`bench: ${e.message}\n`);
    process.exit(1);
  },
);
