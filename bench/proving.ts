/**
 * Proving benchmarks: witness and proof time per batch size (each in its own process, under GNU
 * time for the peak memory), and the prover pool's speed-up from 1 to 2 workers on the same jobs.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ProverPool } from "../offchain/prover/pool.js";
import { type CircuitArtifacts, circuitArtifacts } from "../offchain/prover/prove.js";
import { silentLogger } from "../offchain/runtime/log.js";
import { openDatabase } from "../offchain/runtime/node-db/open.js";
import { SqliteProofQueue } from "../offchain/runtime/node-db/proof-jobs.js";
import { type BenchJob, benchJob } from "./jobs.js";
import { checkOk, load1, median, ROOT, round, runCommand, TSX } from "./lib.js";

/** A circuit to prove with: its artifacts and one job for it. */
export interface ProvingTarget {
  label: string;
  depth: number;
  batch: number;
  constraints: number | null;
  circuit: CircuitArtifacts;
  job: BenchJob;
}

export interface ProvingRow {
  label: string;
  depth: number;
  batch: number;
  constraints: number | null;
  runs: { witnessMs: number; proveMs: number }[];
  witnessMsMedian: number;
  proveMsMedian: number;
  totalMsMedian: number;
  opsPerSecond: number;
  maxRssMiB: number | null;
  cpuSeconds: number | null;
  wallSeconds: number;
  loadAvg1m: number;
  command: string;
}

/** The proving runs' circuit: every slot may be L1-visible (K = N), as their full batches need. */
export function circuitDir(depth: number, batch: number): string {
  return join(ROOT, "build", "circuits", `batch-d${depth}-n${batch}-k${batch}`);
}

/** The constraint count recorded by the circuit setup (setup.json), if any. */
export function recordedConstraints(dir: string): number | null {
  const f = join(dir, "setup.json");
  if (!existsSync(f)) return null;
  return (JSON.parse(readFileSync(f, "utf8")) as { constraints?: number }).constraints ?? null;
}

/** The batch circuit's artifacts at (depth, batch), building them with `make circuit-setup` when allowed. */
export async function batchTarget(depth: number, batch: number, build: boolean): Promise<ProvingTarget> {
  const dir = circuitDir(depth, batch);
  if (!existsSync(join(dir, "batch.zkey")) || !existsSync(join(dir, "verification_key.json"))) {
    if (!build)
      throw new Error(`${dir} has no keys: run make circuit-setup DEPTH=${depth} BATCH=${batch} PUBLIC=${batch}`);
    process.stderr.write(
      `bench: make circuit-setup DEPTH=${depth} BATCH=${batch} PUBLIC=${batch} (slow: compile + setup)\n`,
    );
    checkOk(
      await runCommand(
        ["make", "--no-print-directory", "circuit-setup", `DEPTH=${depth}`, `BATCH=${batch}`, `PUBLIC=${batch}`],
        {
          echo: `setup d${depth} n${batch}`,
        },
      ),
      `circuit setup d${depth} n${batch}`,
    );
  }
  return {
    label: `d${depth}-n${batch}`,
    depth,
    batch,
    constraints: recordedConstraints(dir),
    circuit: circuitArtifacts(dir),
    job: benchJob(depth, batch),
  };
}

export async function benchProving(target: ProvingTarget, runs: number, workDir: string): Promise<ProvingRow> {
  mkdirSync(workDir, { recursive: true });
  const jobFile = join(workDir, `job-${target.label}.json`);
  writeFileSync(jobFile, JSON.stringify({ input: target.job.input, publicSignals: target.job.publicSignals }));
  const argv = [
    ...TSX,
    "bench/prove-child.ts",
    "--wasm",
    target.circuit.wasmPath,
    "--zkey",
    target.circuit.zkeyPath,
    "--vkey",
    target.circuit.vkeyPath,
    "--job",
    jobFile,
    "--runs",
    String(runs),
  ];
  const r = checkOk(await runCommand(argv, { echo: `prove ${target.label}` }), `proving ${target.label}`);
  const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as {
    runs: { witnessMs: number; proveMs: number }[];
    maxRssMiB: number;
  };
  const witness = median(out.runs.map((x) => x.witnessMs));
  const prove = median(out.runs.map((x) => x.proveMs));
  const total = median(out.runs.map((x) => x.witnessMs + x.proveMs));
  return {
    label: target.label,
    depth: target.depth,
    batch: target.batch,
    constraints: target.constraints,
    runs: out.runs,
    witnessMsMedian: witness,
    proveMsMedian: prove,
    totalMsMedian: total,
    opsPerSecond: round((target.batch * 1000) / total, 3),
    maxRssMiB: r.maxRssMiB ?? out.maxRssMiB,
    cpuSeconds: r.cpuSeconds,
    wallSeconds: r.wallSeconds,
    loadAvg1m: r.loadAvg1m,
    command: `node --import tsx bench/prove-child.ts --wasm ${rel(target.circuit.wasmPath)} --zkey ${rel(target.circuit.zkeyPath)} --vkey ${rel(target.circuit.vkeyPath)} --job ${rel(jobFile)} --runs ${runs}`,
  };
}

export interface PoolRun {
  workers: number;
  jobs: number;
  /** From pool.start() to the last proof stored (worker start-up included). */
  wallMs: number;
  /** From the first job started to the last proof stored. */
  provingWallMs: number;
  jobsPerMinute: number;
  loadAvg1m: number;
}

export interface PoolResult {
  label: string;
  runs: PoolRun[];
  speedup: number;
}

/** The same `jobs` copies of one job proven by a ProverPool of 1 worker, then of 2 workers. */
export async function benchPool(
  target: ProvingTarget,
  jobs: number,
  workDir: string,
  workerCounts = [1, 2],
): Promise<PoolResult> {
  const runs: PoolRun[] = [];
  for (const workers of workerCounts) {
    const dir = join(workDir, `pool-${target.label}-w${workers}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const db = openDatabase(join(dir, "queue.sqlite"));
    const queue = new SqliteProofQueue(db);
    for (let b = 1; b <= jobs; b++) {
      await queue.enqueue({ batchNumber: b, input: target.job.input, publicSignals: target.job.publicSignals });
    }
    const loadStart = load1();
    const pool = new ProverPool({
      queue,
      circuit: target.circuit,
      workers,
      leaseMs: 600_000,
      log: silentLogger,
      pollMs: 100,
      idPrefix: `bench-w${workers}`,
    });
    let done = 0;
    let failed = "";
    let firstStart = 0;
    const t0 = performance.now();
    const finished = new Promise<void>((resolve) => {
      pool.on("started", () => {
        if (firstStart === 0) firstStart = performance.now();
      });
      pool.on("proven", () => {
        done += 1;
        if (done === jobs) resolve();
      });
      pool.on("failed", (_b: number, _w: string, error: string) => {
        failed = error;
        resolve();
      });
    });
    pool.start();
    await finished;
    const t1 = performance.now();
    await pool.stop();
    db.close();
    if (failed) throw new Error(`pool bench (${workers} workers): a job failed: ${failed}`);
    const stats = await new SqliteProofQueue(openDatabase(join(dir, "queue.sqlite"))).stats();
    if (stats.proven !== jobs) throw new Error(`pool bench: ${stats.proven} of ${jobs} jobs proven`);
    runs.push({
      workers,
      jobs,
      wallMs: Math.round(t1 - t0),
      provingWallMs: Math.round(t1 - firstStart),
      jobsPerMinute: round((jobs * 60_000) / (t1 - t0), 2),
      loadAvg1m: round((loadStart + load1()) / 2),
    });
    process.stderr.write(
      `bench: pool ${target.label} ${workers} worker(s): ${jobs} jobs in ${Math.round(t1 - t0)} ms\n`,
    );
  }
  const one = runs.find((r) => r.workers === 1);
  const two = runs.find((r) => r.workers === 2);
  return { label: target.label, runs, speedup: one && two ? round(one.wallMs / two.wallMs, 2) : 0 };
}

function rel(p: string): string {
  return p.startsWith(ROOT) ? p.slice(ROOT.length) : p;
}
