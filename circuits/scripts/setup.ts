/**
 * Groth16 keys of one compiled batch circuit, cached:
 *
 *   node --import tsx circuits/scripts/setup.ts --depth 16 --batch 4 --public 2 --ptau build/setup/dev-17.ptau
 *
 * Writes build/circuits/batch-d<D>-n<N>-k<K>/{batch.zkey, verification_key.json} with the trusted-setup
 * helper's deterministic phase 2 (circuits/setup/zkey.ts: snarkjs groth16 setup + a fixed public
 * beacon), so the same r1cs and ptau always give the same keys and the same Solidity verifier.
 * `--print-power` prints the ptau power the circuit needs and exits (the Makefile uses it).
 */
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEV_BEACON_HASH, DEV_BEACON_ITERATIONS_EXP, setupGroth16 } from "../setup/zkey.js";
import { type CircuitArtifacts, ensureCircuit, ROOT, r1csInfo } from "./build.js";

/** Smallest ptau power snarkjs accepts for this r1cs (zkey_new: 2^power > constraints + public). */
export function requiredPower(r1csPath: string): number {
  const info = r1csInfo(r1csPath);
  return Math.floor(Math.log2(info.constraints + info.publicInputs + info.outputs)) + 1;
}

export function keyPaths(art: CircuitArtifacts): { zkey: string; vkey: string; stamp: string; info: string } {
  return {
    zkey: join(art.dir, "batch.zkey"),
    vkey: join(art.dir, "verification_key.json"),
    stamp: join(art.dir, ".setup-stamp"),
    info: join(art.dir, "setup.json"),
  };
}

/** The phase 2 is a function of (r1cs, ptau, beacon, snarkjs version): the cache stamp hashes exactly those. */
export function setupStamp(r1csSha256: string, ptauSha256: string): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, "node_modules", "snarkjs", "package.json"), "utf8")) as {
    version: string;
  };
  return createHash("sha256")
    .update(`r1cs ${r1csSha256}\nptau ${ptauSha256}\n`)
    .update(`beacon ${DEV_BEACON_HASH} 2^${DEV_BEACON_ITERATIONS_EXP}\nsnarkjs ${pkg.version}\n`)
    .digest("hex");
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

export interface SetupInfo {
  circuit: string;
  depth: number;
  batch: number;
  publicSlots: number;
  constraints: number;
  ptau: string;
  ptauPower: number;
  ptauSha256: string;
  r1csSha256: string;
  phase2: string;
  setupSeconds: number;
}

/** Runs (or reuses) the phase 2 of Batch(depth, batch, publicSlots) on `ptau`. */
export async function ensureKeys(
  depth: number,
  batch: number,
  publicSlots: number,
  ptau: string,
  log = false,
): Promise<SetupInfo> {
  const art = ensureCircuit(depth, batch, publicSlots, log);
  const paths = keyPaths(art);
  if (!existsSync(ptau))
    throw new Error(`ptau not found: ${ptau} (run \`make ptau PTAU_POWER=${requiredPower(art.r1cs)}\`)`);
  const r1csSha256 = await sha256File(art.r1cs);
  const ptauSha256 = await sha256File(ptau);
  const want = setupStamp(r1csSha256, ptauSha256);
  if (
    existsSync(paths.stamp) &&
    readFileSync(paths.stamp, "utf8") === want &&
    existsSync(paths.zkey) &&
    existsSync(paths.vkey)
  ) {
    if (log) console.error(`setup: ${relative(ROOT, paths.zkey)} is up to date`);
    return JSON.parse(readFileSync(paths.info, "utf8")) as SetupInfo;
  }
  if (log) console.error(`setup: groth16 setup of ${art.name} on ${relative(ROOT, ptau)} ...`);
  const res = await setupGroth16({ r1cs: art.r1cs, ptau, zkey: paths.zkey, vkey: paths.vkey });
  const info: SetupInfo = {
    circuit: art.name,
    depth,
    batch,
    publicSlots,
    constraints: r1csInfo(art.r1cs).constraints,
    ptau: relative(ROOT, resolve(ptau)),
    ptauPower: requiredPower(art.r1cs),
    ptauSha256,
    r1csSha256,
    phase2: "circuits/setup/zkey.ts (snarkjs groth16 setup + fixed public beacon)",
    setupSeconds: Math.round(res.seconds * 10) / 10,
  };
  writeFileSync(paths.info, `${JSON.stringify(info, null, 2)}\n`);
  writeFileSync(paths.stamp, want);
  if (log) console.error(`setup: wrote ${relative(ROOT, paths.zkey)} in ${res.seconds.toFixed(1)} s`);
  return info;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      depth: { type: "string", default: "16" },
      batch: { type: "string", default: "4" },
      public: { type: "string", default: "2" },
      ptau: { type: "string" },
      "print-power": { type: "boolean", default: false },
    },
  });
  const depth = Number(values.depth);
  const batch = Number(values.batch);
  const publicSlots = Number(values.public);
  if (values["print-power"]) {
    console.log(requiredPower(ensureCircuit(depth, batch, publicSlots, true).r1cs));
    return;
  }
  if (!values.ptau) throw new Error("--ptau is required");
  await ensureKeys(depth, batch, publicSlots, resolve(values.ptau), true);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`setup: ${e.message}`);
      process.exit(1);
    },
  );
}
