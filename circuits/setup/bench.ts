/**
 * Times the development ptau generator, and snarkjs's own new + contribute + prepare phase2
 * for comparison. Prints one JSON document (for `make bench`).
 *
 *   node --import tsx circuits/setup/bench.ts [--powers 12,14,16,17] [--snarkjs-powers 12,14 | --no-snarkjs]
 *        [--dir build/setup/bench] [--keep]
 *
 * CPU seconds cover the whole process (main thread and workers); the machine is often shared,
 * so wall time alone says little: the JSON also records the load average around each run.
 */

import { mkdir, rm, stat } from "node:fs/promises";
import { availableParallelism, cpus, loadavg } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { curves, powersOfTau } from "snarkjs";
import { generateDevPtau } from "./dev-ptau.js";

interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
  loadAvg1m: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; timing: Timing }> {
  const load = loadavg()[0]!;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const cpu = process.cpuUsage(cpu0);
  return {
    value,
    timing: {
      wallSeconds: round((performance.now() - t0) / 1000),
      cpuSeconds: round((cpu.user + cpu.system) / 1e6),
      loadAvg1m: round((load + loadavg()[0]!) / 2),
    },
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

async function benchDevPtau(power: number, dir: string, keep: boolean) {
  const out = resolve(dir, `dev-${power}.ptau`);
  const { value, timing } = await timed(() => generateDevPtau({ power, out }));
  const bytes = (await stat(out)).size;
  if (!keep) await rm(out, { force: true });
  return { power, ...timing, bytes, threads: value.threads, window: value.window };
}

async function benchSnarkjs(power: number, dir: string, keep: boolean) {
  const curve = await curves.getCurveFromName("bn128");
  const f0 = resolve(dir, `snarkjs-${power}-0.ptau`);
  const f1 = resolve(dir, `snarkjs-${power}-1.ptau`);
  const f2 = resolve(dir, `snarkjs-${power}-prepared.ptau`);
  const fresh = await timed(() => powersOfTau.newAccumulator(curve, power, f0));
  const contribute = await timed(() => powersOfTau.contribute(f0, f1, "bench", "bench entropy"));
  const prepare = await timed(() => powersOfTau.preparePhase2(f1, f2));
  if (!keep) for (const f of [f0, f1, f2]) await rm(f, { force: true });
  const total = [fresh, contribute, prepare].map((s) => s.timing);
  return {
    power,
    new: fresh.timing,
    contribute: contribute.timing,
    preparePhase2: prepare.timing,
    total: {
      wallSeconds: round(total.reduce((a, t) => a + t.wallSeconds, 0)),
      cpuSeconds: round(total.reduce((a, t) => a + t.cpuSeconds, 0)),
    },
  };
}

/** "12,14" -> [12, 14]; each power must be an integer from 1 to 28 (bn128's two-adicity). */
function powerList(flag: string, text: string): number[] {
  const powers = text.split(",").map((p) => Number(p.trim()));
  const bad = powers.find((p) => !Number.isInteger(p) || p < 1 || p > 28);
  if (bad !== undefined) throw new Error(`${flag} ${text}: each power must be an integer from 1 to 28`);
  return powers;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      powers: { type: "string", default: "12,14,16,17" },
      "snarkjs-powers": { type: "string", default: "12,14" },
      "no-snarkjs": { type: "boolean", default: false },
      dir: { type: "string", default: "build/setup/bench" },
      keep: { type: "boolean", default: false },
    },
  });
  const powers = powerList("--powers", values.powers);
  const snarkjsPowers = values["no-snarkjs"] ? [] : powerList("--snarkjs-powers", values["snarkjs-powers"]);
  const dir = resolve(values.dir);
  await mkdir(dir, { recursive: true });
  const report: Record<string, unknown> = {
    machine: { cpus: cpus().length, availableParallelism: availableParallelism(), model: cpus()[0]?.model },
    devPtau: [] as unknown[],
  };
  for (const p of powers) {
    (report.devPtau as unknown[]).push(await benchDevPtau(p, dir, values.keep));
    console.error(`bench: dev-ptau power ${p} done`);
  }
  const snarkjs: unknown[] = [];
  for (const p of snarkjsPowers) {
    snarkjs.push(await benchSnarkjs(p, dir, values.keep));
    console.error(`bench: snarkjs power ${p} done`);
  }
  if (snarkjs.length > 0) report.snarkjs = snarkjs;
  console.log(JSON.stringify(report, null, 2));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`bench: ${e.message}`);
      process.exit(1);
    },
  );
}
