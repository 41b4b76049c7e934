/**
 * Exports the Solidity verifier of one set-up batch circuit (never edit the output by hand):
 *
 *   node --import tsx circuits/scripts/verifier.ts --depth 16 --batch 4 --out src/verifier/BatchVerifier.sol
 *
 * snarkjs's Groth16 template, with a generated-file header and the repository's pinned pragma.
 * The output depends only on the verification key (deterministic setup), so `make verifier-check`
 * can regenerate it and compare.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { zKey } from "snarkjs";
import { groth16SolidityTemplate } from "../setup/zkey.js";
import { BUILD_DIR, batchName } from "./build.js";
import type { SetupInfo } from "./setup.js";

const TEMPLATE_PRAGMA = "pragma solidity >=0.7.0 <0.9.0;";
export const PRAGMA = "pragma solidity 0.8.28;";

export async function verifierSource(depth: number, batch: number): Promise<string> {
  const dir = resolve(BUILD_DIR, batchName(depth, batch));
  const zkey = resolve(dir, "batch.zkey");
  const infoPath = resolve(dir, "setup.json");
  if (!existsSync(zkey) || !existsSync(infoPath)) {
    throw new Error(`${zkey} not found: run \`make circuit-setup DEPTH=${depth} BATCH=${batch}\` first`);
  }
  const info = JSON.parse(readFileSync(infoPath, "utf8")) as SetupInfo;
  const sol = await zKey.exportSolidityVerifier(zkey, { groth16: await groth16SolidityTemplate() });
  const pragmas = sol.split(TEMPLATE_PRAGMA).length - 1;
  if (pragmas !== 1) throw new Error(`expected one "${TEMPLATE_PRAGMA}" in snarkjs's template, found ${pragmas}`);
  const nPublic = 4 + 2 * batch;
  if (!sol.includes(`uint[${nPublic}] calldata _pubSignals`)) {
    throw new Error(`the exported verifier does not take ${nPublic} public inputs`);
  }
  const header = [
    "// SPDX-License-Identifier: GPL-3.0",
    "// ------------------------------------------------------------------------------------------------",
    "// GENERATED FILE: do not edit. Regenerate with `make verifier`; `make verifier-check` fails on drift.",
    "// Generator: circuits/scripts/verifier.ts (snarkjs 0.7.6 Groth16 template; pragma pinned to 0.8.28).",
    `// Circuit: circuits/batch.circom, Batch(DEPTH = ${depth}, BATCH = ${batch}), ${info.constraints} constraints,`,
    `//          ${nPublic} public inputs: oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_${batch - 1}, b_${batch - 1}.`,
    `// r1cs sha256: ${info.r1csSha256}`,
    `// Setup: ${info.ptau} (power ${info.ptauPower}, sha256 ${info.ptauSha256.slice(0, 16)}...),`,
    `//        phase 2 by ${info.phase2}.`,
    "// The development setup's toxic waste is public (docs/circuit.md): never deploy this key on a real network.",
    "// ------------------------------------------------------------------------------------------------",
  ].join("\n");
  const body = sol.replace(TEMPLATE_PRAGMA, PRAGMA).replace(/^\/\/ SPDX-License-Identifier: GPL-3.0\n/, "");
  return `${header}\n${body.endsWith("\n") ? body : `${body}\n`}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      depth: { type: "string", default: "16" },
      batch: { type: "string", default: "4" },
      out: { type: "string", default: "src/verifier/BatchVerifier.sol" },
    },
  });
  const src = await verifierSource(Number(values.depth), Number(values.batch));
  const out = resolve(values.out as string);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, src);
  console.log(`verifier: wrote ${values.out}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`verifier: ${e.message}`);
      process.exit(1);
    },
  );
}
