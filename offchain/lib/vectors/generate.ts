/**
 * Writes test/vectors/*.json (docs/protocol.md): `node --import tsx offchain/lib/vectors/generate.ts <outdir>`.
 * Run by `make vectors`; `make vectors-check` regenerates into a temporary directory and diffs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildVectorFiles } from "./build.js";

async function main(argv: readonly string[]): Promise<void> {
  const outDir = argv[0];
  if (outDir === undefined || argv.length !== 1) {
    console.error("usage: node --import tsx offchain/lib/vectors/generate.ts <outdir>");
    process.exit(2);
  }
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of await buildVectorFiles()) {
    writeFileSync(join(outDir, name), text);
    console.log(`wrote ${join(outDir, name)}`);
  }
}

await main(process.argv.slice(2));
