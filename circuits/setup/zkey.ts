/**
 * Deterministic Groth16 phase 2 for development: circuit-specific setup from a prepared ptau,
 * finished with a fixed public beacon, so the proving key, verification key and Solidity
 * verifier are reproducible from (r1cs, ptau).
 *
 *   node --import tsx circuits/setup/zkey.ts --r1cs C.r1cs --ptau P.ptau --zkey OUT.zkey
 *        [--vkey OUT.json] [--sol OUT.sol] [--beacon HEX] [--iter-exp N] [--verify]
 *
 * A fixed public beacon adds no secrecy: with the development ptau (public tau) the keys are
 * forgeable anyway. With a real ceremony ptau, anyone can recompute delta from the public
 * beacon, so a production phase 2 needs real contributions (docs/trusted-setup.md).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type VerificationKey, zKey } from "snarkjs";
import { inspectPtau } from "./ptau-format.js";

/** Public beacon value of the development phase 2: SHA-256 of a fixed label. */
export const DEV_BEACON_HASH = createHash("sha256").update("zk-asset-bridge dev phase-2 beacon v1").digest("hex");
/** snarkjs hashes the beacon 2^exp times; 10 is the smallest it accepts. */
export const DEV_BEACON_ITERATIONS_EXP = 10;
export const DEV_BEACON_NAME = "zk-asset-bridge dev phase-2 beacon (public, not for production)";

export interface Phase2Options {
  r1cs: string;
  ptau: string;
  /** Output proving key. */
  zkey: string;
  /** Optional verification key JSON output. */
  vkey?: string;
  /** Optional Solidity verifier output (snarkjs's Groth16 template). */
  solidity?: string;
  beaconHash?: string;
  iterationsExp?: number;
  /** Also run snarkjs's `zkey verify` against the r1cs and ptau (slow: about as long as the setup). */
  verify?: boolean;
}

export interface Phase2Result {
  zkey: string;
  vkey: VerificationKey;
  seconds: number;
}

function requireFile(path: string, what: string): void {
  if (!existsSync(path)) throw new Error(`${what} not found: ${path}`);
}

export interface R1csSize {
  constraints: number;
  publicInputs: number;
  outputs: number;
  /** The smallest ptau power snarkjs accepts for this circuit. */
  requiredPower: number;
}

/** Reads the header of a circom r1cs file (format "r1cs" v1, section 1). */
export async function r1csSize(path: string): Promise<R1csSize> {
  const fh = await open(path, "r");
  try {
    const read = async (pos: number, len: number) => {
      const b = Buffer.alloc(len);
      const { bytesRead } = await fh.read(b, 0, len, pos);
      if (bytesRead !== len) throw new Error(`${path}: truncated r1cs file`);
      return b;
    };
    const head = await read(0, 12);
    if (head.toString("ascii", 0, 4) !== "r1cs") throw new Error(`${path} is not an r1cs file`);
    let pos = 12;
    for (let i = 0; i < head.readUInt32LE(8); i++) {
      const sh = await read(pos, 12);
      const size = Number(sh.readBigUInt64LE(4));
      if (sh.readUInt32LE(0) === 1) {
        const h = await read(pos + 12, size);
        const n8 = h.readUInt32LE(0);
        const outputs = h.readUInt32LE(4 + n8 + 4);
        const publicInputs = h.readUInt32LE(4 + n8 + 8);
        const constraints = h.readUInt32LE(4 + n8 + 24);
        // snarkjs: floor(log2(constraints + public inputs + outputs)) + 1
        const requiredPower = Math.floor(Math.log2(constraints + publicInputs + outputs)) + 1;
        return { constraints, publicInputs, outputs, requiredPower };
      }
      pos += 12 + size;
    }
    throw new Error(`${path}: r1cs file has no header section`);
  } finally {
    await fh.close();
  }
}

/** snarkjs's Groth16 Solidity template (shipped in the package, outside its exports map). */
export async function groth16SolidityTemplate(): Promise<string> {
  const main = fileURLToPath(import.meta.resolve("snarkjs"));
  return readFile(resolve(dirname(main), "templates", "verifier_groth16.sol.ejs"), "utf8");
}

/** snarkjs groth16 setup (zKey.newZKey), then a deterministic beacon contribution, then exports. */
export async function setupGroth16(opts: Phase2Options): Promise<Phase2Result> {
  const t0 = performance.now();
  requireFile(opts.r1cs, "r1cs file");
  requireFile(opts.ptau, "ptau file (run `make ptau` or pass PTAU=path)");
  const beaconHash = opts.beaconHash ?? DEV_BEACON_HASH;
  if (!/^([0-9a-fA-F]{2}){1,255}$/.test(beaconHash)) throw new Error("beacon hash must be 1..255 bytes of hex");
  const iterationsExp = opts.iterationsExp ?? DEV_BEACON_ITERATIONS_EXP;
  if (!Number.isInteger(iterationsExp) || iterationsExp < 10 || iterationsExp > 63) {
    throw new Error("beacon iterations exponent must be an integer in 10..63 (snarkjs's range)");
  }

  const [circuit, ptauInfo] = await Promise.all([r1csSize(opts.r1cs), inspectPtau(opts.ptau)]);
  if (!ptauInfo.prepared) {
    throw new Error(`${opts.ptau} is not prepared for phase 2 (no sections 12..15): see docs/trusted-setup.md`);
  }
  if (ptauInfo.power < circuit.requiredPower) {
    throw new Error(
      `${opts.r1cs} (${circuit.constraints} constraints, ${circuit.publicInputs + circuit.outputs} public signals) ` +
        `needs a ptau of power ${circuit.requiredPower}; ${opts.ptau} has power ${ptauInfo.power}: ` +
        `run make ptau PTAU_POWER=${circuit.requiredPower} (or pass a larger PTAU=path)`,
    );
  }

  const out = resolve(opts.zkey);
  await mkdir(dirname(out), { recursive: true });
  const initial = `${out}.init-${process.pid}`;
  const finished = `${out}.tmp-${process.pid}`;
  try {
    // newZKey returns the circuit hash, or -1 after logging (to a logger we do not pass).
    const created = await zKey.newZKey(opts.r1cs, opts.ptau, initial);
    if (!(created instanceof Uint8Array)) {
      throw new Error(`snarkjs groth16 setup failed for ${opts.r1cs} with ${opts.ptau} (curve mismatch?)`);
    }
    const res = await zKey.beacon(initial, finished, DEV_BEACON_NAME, beaconHash, iterationsExp);
    if (res === false) throw new Error("snarkjs zkey beacon rejected its parameters");
    if (opts.verify && !(await zKey.verifyFromR1cs(opts.r1cs, opts.ptau, finished))) {
      throw new Error(`snarkjs zkey verify rejected the key built from ${opts.r1cs} and ${opts.ptau}`);
    }
    await rename(finished, out);
  } finally {
    await rm(initial, { force: true });
    await rm(finished, { force: true });
  }

  const vkey = await zKey.exportVerificationKey(out);
  if (opts.vkey) {
    await mkdir(dirname(resolve(opts.vkey)), { recursive: true });
    await writeFile(opts.vkey, `${JSON.stringify(vkey, null, 2)}\n`);
  }
  if (opts.solidity) {
    const sol = await zKey.exportSolidityVerifier(out, { groth16: await groth16SolidityTemplate() });
    await mkdir(dirname(resolve(opts.solidity)), { recursive: true });
    await writeFile(opts.solidity, sol);
  }
  return { zkey: out, vkey, seconds: (performance.now() - t0) / 1000 };
}

const USAGE =
  "usage: node --import tsx circuits/setup/zkey.ts --r1cs C.r1cs --ptau P.ptau --zkey OUT.zkey " +
  "[--vkey OUT.json] [--sol OUT.sol] [--beacon HEX] [--iter-exp N] [--verify]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      r1cs: { type: "string" },
      ptau: { type: "string" },
      zkey: { type: "string" },
      vkey: { type: "string" },
      sol: { type: "string" },
      beacon: { type: "string" },
      "iter-exp": { type: "string" },
      verify: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.r1cs || !values.ptau || !values.zkey) throw new Error(`--r1cs, --ptau and --zkey are required\n${USAGE}`);
  const res = await setupGroth16({
    r1cs: values.r1cs,
    ptau: values.ptau,
    zkey: values.zkey,
    vkey: values.vkey,
    solidity: values.sol,
    beaconHash: values.beacon,
    iterationsExp: values["iter-exp"] === undefined ? undefined : Number(values["iter-exp"]),
    verify: values.verify,
  });
  console.log(`zkey: wrote ${res.zkey} from ${values.ptau} in ${res.seconds.toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`zkey: ${e.message}`);
      process.exit(1);
    },
  );
}
