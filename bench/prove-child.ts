/**
 * One proving process of `make bench` (bench/proving.ts runs it under GNU time, so its peak memory
 * is the prover's alone):
 *
 *   node --import tsx bench/prove-child.ts --wasm W --zkey Z --vkey V --job job.json --runs 3
 *
 * job.json is `{ input, publicSignals }`. Each run times the witness (snarkjs wtns.calculate into
 * memory) and the Groth16 proof (groth16.prove) separately; the first proof is checked against the
 * verification key and the expected public signals, so a benchmark never times a wrong proof.
 * Prints one JSON document on stdout.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as snarkjs from "snarkjs";
import { loadVerificationKey, releaseProverThreads } from "../offchain/prover/prove.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      wasm: { type: "string" },
      zkey: { type: "string" },
      vkey: { type: "string" },
      job: { type: "string" },
      runs: { type: "string", default: "3" },
    },
  });
  for (const k of ["wasm", "zkey", "vkey", "job"] as const) {
    if (!values[k]) throw new Error(`--${k} is required`);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`);
  const job = JSON.parse(readFileSync(values.job as string, "utf8")) as {
    input: Record<string, snarkjs.SignalValue>;
    publicSignals: string[];
  };
  const vkey = loadVerificationKey(values.vkey as string);
  await snarkjs.curves.getCurveFromName("bn128"); // thread start-up is not part of a proof

  const results: { witnessMs: number; proveMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const wtns: { type: "mem"; data?: Uint8Array } = { type: "mem" };
    const t0 = performance.now();
    await snarkjs.wtns.calculate(job.input, values.wasm as string, wtns);
    const t1 = performance.now();
    const { proof, publicSignals } = await snarkjs.groth16.prove(values.zkey as string, wtns);
    const t2 = performance.now();
    if (i === 0) {
      const got = publicSignals.map(String);
      if (got.length !== job.publicSignals.length || got.some((s, k) => s !== job.publicSignals[k])) {
        throw new Error("the proof's public signals differ from the job's: witness builder and circuit disagree");
      }
      if (!(await snarkjs.groth16.verify(vkey, got, proof))) {
        throw new Error("the proof does not verify against the verification key (zkey and vkey mismatch?)");
      }
    }
    results.push({ witnessMs: Math.round(t1 - t0), proveMs: Math.round(t2 - t1) });
    process.stderr.write(
      `run ${i + 1}/${runs}: witness ${results[i]?.witnessMs} ms, proof ${results[i]?.proveMs} ms\n`,
    );
  }
  await releaseProverThreads();
  const usage = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ runs: results, verified: true, maxRssMiB: Math.round((usage.maxRSS / 1024) * 10) / 10 })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`prove-child: ${e.message}\n`);
    process.exit(1);
  },
);
