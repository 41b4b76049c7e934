/**
 * Writes the Solidity verifier of one set-up batch circuit (never edit the output by hand):
 *
 *   node --import tsx circuits/scripts/verifier.ts --depth 16 --batch 4 --public 2 --out src/verifier/BatchVerifier.sol
 *   node --import tsx circuits/scripts/verifier.ts --oracle --out test/verifier/SnarkjsBatchVerifier.sol
 *
 * The default output is the project's own verifier (circuits/scripts/groth16-solidity.ts) rendered from
 * verification_key.json; `--oracle` writes snarkjs's exported verifier instead, renamed
 * `SnarkjsGroth16Verifier`, which the differential tests in test/verifier/ compare ours against.
 * Both depend only on the keys (deterministic setup), so `make verifier-check` regenerates and compares.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { zKey } from "snarkjs";
import { groth16SolidityTemplate } from "../setup/zkey.js";
import { BUILD_DIR, batchName } from "./build.js";
import { renderGroth16Verifier, type VerificationKey } from "./groth16-solidity.js";
import type { SetupInfo } from "./setup.js";

const TEMPLATE_PRAGMA = "pragma solidity >=0.7.0 <0.9.0;";
export const PRAGMA = "pragma solidity 0.8.28;";
/** Contract name of snarkjs's export in the oracle file (ours keeps `Groth16Verifier`). */
export const ORACLE_CONTRACT = "SnarkjsGroth16Verifier";

interface Keys {
  dir: string;
  info: SetupInfo;
}

function keys(depth: number, batch: number, publicSlots: number): Keys {
  const dir = resolve(BUILD_DIR, batchName(depth, batch, publicSlots));
  for (const f of ["batch.zkey", "setup.json", "verification_key.json"]) {
    if (!existsSync(resolve(dir, f))) {
      throw new Error(`${resolve(dir, f)} not found: run \`make circuit-setup DEPTH=${depth} BATCH=${batch}\` first`);
    }
  }
  return { dir, info: JSON.parse(readFileSync(resolve(dir, "setup.json"), "utf8")) as SetupInfo };
}

function provenance(depth: number, batch: number, publicSlots: number, info: SetupInfo, generator: string): string[] {
  const nPublic = 4 + 2 * publicSlots;
  return [
    "------------------------------------------------------------------------------------------------",
    "GENERATED FILE: do not edit. Regenerate with `make verifier`; `make verifier-check` fails on drift.",
    `Generator: ${generator}.`,
    `Circuit: circuits/batch.circom, Batch(DEPTH = ${depth}, BATCH = ${batch}, PUBLIC = ${publicSlots}), ${info.constraints} constraints,`,
    `         ${nPublic} public inputs: oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_${publicSlots - 1}, b_${publicSlots - 1}.`,
    `r1cs sha256: ${info.r1csSha256}`,
    `Setup: ${info.ptau} (power ${info.ptauPower}, sha256 ${info.ptauSha256.slice(0, 16)}...),`,
    `       phase 2 by ${info.phase2}.`,
    "The development setup's toxic waste is public (docs/circuit.md): never deploy this key on a real network.",
    "------------------------------------------------------------------------------------------------",
  ];
}

/** The project's verifier (src/verifier/BatchVerifier.sol) for the keys of Batch(depth, batch, publicSlots). */
export async function verifierSource(depth: number, batch: number, publicSlots: number): Promise<string> {
  const { dir, info } = keys(depth, batch, publicSlots);
  const vk = JSON.parse(readFileSync(resolve(dir, "verification_key.json"), "utf8")) as VerificationKey;
  const nPublic = 4 + 2 * publicSlots;
  if (vk.nPublic !== nPublic) throw new Error(`the verification key has ${vk.nPublic} public inputs, not ${nPublic}`);
  const gen = "circuits/scripts/verifier.ts (groth16-solidity.ts, from verification_key.json)";
  return renderGroth16Verifier(vk, { provenance: provenance(depth, batch, publicSlots, info, gen) });
}

/** snarkjs's exported verifier for the same keys, renamed: the test oracle (test/verifier/). */
export async function oracleSource(depth: number, batch: number, publicSlots: number): Promise<string> {
  const { dir, info } = keys(depth, batch, publicSlots);
  const sol = await zKey.exportSolidityVerifier(resolve(dir, "batch.zkey"), {
    groth16: await groth16SolidityTemplate(),
  });
  const pragmas = sol.split(TEMPLATE_PRAGMA).length - 1;
  if (pragmas !== 1) throw new Error(`expected one "${TEMPLATE_PRAGMA}" in snarkjs's template, found ${pragmas}`);
  const nPublic = 4 + 2 * publicSlots;
  if (!sol.includes(`uint[${nPublic}] calldata _pubSignals`)) {
    throw new Error(`the exported verifier does not take ${nPublic} public inputs`);
  }
  if (!sol.includes("contract Groth16Verifier {")) throw new Error("snarkjs's export no longer names Groth16Verifier");
  const gen = "circuits/scripts/verifier.ts --oracle (snarkjs 0.7.6 Groth16 template, renamed, pragma 0.8.28)";
  const header = [
    "// SPDX-License-Identifier: GPL-3.0",
    ...provenance(depth, batch, publicSlots, info, gen).map((l) => `// ${l}`),
    "// TEST ORACLE ONLY: snarkjs's own verifier, which test/verifier/ compares src/verifier/BatchVerifier.sol to.",
  ].join("\n");
  const body = sol
    .replace(TEMPLATE_PRAGMA, PRAGMA)
    .replace("contract Groth16Verifier {", `contract ${ORACLE_CONTRACT} {`)
    .replace(/^\/\/ SPDX-License-Identifier: GPL-3.0\n/, "");
  return `${header}\n${body.endsWith("\n") ? body : `${body}\n`}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      depth: { type: "string", default: "16" },
      batch: { type: "string", default: "4" },
      public: { type: "string", default: "2" },
      out: { type: "string", default: "src/verifier/BatchVerifier.sol" },
      oracle: { type: "boolean", default: false },
    },
  });
  const render = values.oracle ? oracleSource : verifierSource;
  const src = await render(Number(values.depth), Number(values.batch), Number(values.public));
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
