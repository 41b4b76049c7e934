/**
 * Prints what a ptau file is and fails unless snarkjs can run a Groth16 setup from it.
 *
 *   node --import tsx circuits/setup/ptau-info.ts FILE [--min-power P]
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { inspectPtau } from "./ptau-format.js";

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { "min-power": { type: "string" } },
  });
  const file = positionals[0];
  if (!file || positionals.length !== 1) {
    throw new Error("usage: node --import tsx circuits/setup/ptau-info.ts FILE [--min-power P]");
  }
  if (!existsSync(file)) throw new Error(`${file} not found (PTAU must name a prepared powers-of-tau file)`);
  const info = await inspectPtau(file);
  console.log(
    `ptau: ${file}: power ${info.power} (ceremony power ${info.ceremonyPower}), ${info.contributions} contribution(s), ` +
      `${info.prepared ? "prepared for phase 2" : "NOT prepared for phase 2"}`,
  );
  if (!info.prepared) {
    throw new Error(
      `${file} lacks the phase-2 sections 12..15: run \`snarkjs powersoftau prepare phase2 ${file} <out>\` ` +
        "(or download the prepared file of the ceremony) and pass that instead",
    );
  }
  const min = values["min-power"] === undefined ? undefined : Number(values["min-power"]);
  if (min !== undefined && info.power < min) {
    throw new Error(`${file} has power ${info.power}; this circuit needs at least ${min}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`ptau: ${e.message}`);
      process.exit(1);
    },
  );
}
