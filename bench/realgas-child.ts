/**
 * One real proof of the `realgas` bench section, in its own process (bench/realgas.ts runs it under GNU
 * time, so wall time, CPU seconds and peak memory are this proof's alone):
 *
 *   node --import tsx bench/realgas-child.ts --circuit build/circuits/batch-d16-n16 --job job.json --out proof.json
 *
 * job.json is `{ input, publicSignals }`; the proof comes from the node's prover (offchain/prover/prove.ts:
 * fullProve, then checked against the verification key and the expected public signals).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { circuitArtifacts, loadVerificationKey, proveBatch, releaseProverThreads } from "../offchain/prover/prove.js";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { circuit: { type: "string" }, job: { type: "string" }, out: { type: "string" } },
  });
  if (!values.circuit || !values.job || !values.out) throw new Error("--circuit, --job and --out are required");
  const c = circuitArtifacts(values.circuit);
  const job = JSON.parse(readFileSync(values.job, "utf8")) as {
    input: Record<string, unknown>;
    publicSignals: string[];
  };
  const proved = await proveBatch({
    input: job.input,
    wasmPath: c.wasmPath,
    zkeyPath: c.zkeyPath,
    vkey: loadVerificationKey(c.vkeyPath),
    expectedPublicSignals: job.publicSignals,
  });
  await releaseProverThreads();
  writeFileSync(values.out, `${JSON.stringify({ proof: proved.proof, ms: proved.ms })}\n`);
  process.stderr.write(`proved in ${proved.ms} ms\n`);
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    process.stderr.write(`realgas-child: ${e.message}\n`);
    process.exit(1);
  },
);
