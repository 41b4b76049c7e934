/**
 * Test support: a tiny circuit (testdata/tiny.circom, a few constraints) compiled with circom2
 * and set up with snarkjs's own commands (powers of tau at power 8, Groth16 setup, a beacon,
 * the verification key), cached under build/test-prover/ keyed by the circuit source, so only
 * the first run pays the ~10 s. Several test files may build it at once: each builds in its own
 * temporary folder and renames it into place; the first rename wins.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type CircuitArtifacts, circuitArtifacts, loadVerificationKey, type VerificationKey } from "./prove.js";

const run = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const SOURCE = fileURLToPath(new URL("./testdata/tiny.circom", import.meta.url));
/** Bump when the recipe below changes, so stale caches are not used. */
const RECIPE = "v1 power 8, groth16 setup, beacon";

export interface TinyCircuit extends CircuitArtifacts {
  vkey: VerificationKey;
}

/** A valid input of the tiny circuit and its public signals [c, a]. */
export function tinyJob(a: bigint, b: bigint): { input: { a: string; b: string }; publicSignals: string[] } {
  const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
  let x = (a * b) % r;
  for (let i = 1; i < 8; i++) x = (x * b + a) % r;
  return { input: { a: a.toString(), b: b.toString() }, publicSignals: [x.toString(), a.toString()] };
}

/** Compiles and sets up the tiny circuit once (cached); returns its artifacts and verification key. */
export async function ensureTinyCircuit(): Promise<TinyCircuit> {
  const source = readFileSync(SOURCE, "utf8");
  const key = createHash("sha256").update(RECIPE).update(source).digest("hex").slice(0, 12);
  const root = join(REPO_ROOT, "build", "test-prover");
  const dir = join(root, `tiny-${key}`);
  if (!existsSync(join(dir, "verification_key.json"))) {
    const tmp = join(root, `tmp-${process.pid}-${Date.now()}`);
    mkdirSync(tmp, { recursive: true });
    try {
      await buildTiny(tmp);
      try {
        renameSync(tmp, dir);
      } catch (error) {
        if (!existsSync(join(dir, "verification_key.json"))) throw error; // not "another run was first"
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  const artifacts = circuitArtifacts(dir, "tiny");
  return { ...artifacts, vkey: loadVerificationKey(artifacts.vkeyPath) };
}

async function buildTiny(dir: string): Promise<void> {
  const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);
  const snarkjs = (...args: string[]) => run(bin("snarkjs"), args, { cwd: dir });
  await run(bin("circom2"), ["--r1cs", "--wasm", "--O2", "-l", join(REPO_ROOT, "node_modules"), "-o", dir, SOURCE], {
    cwd: dir,
  });
  await snarkjs("powersoftau", "new", "bn128", "8", "pot0.ptau");
  await snarkjs("powersoftau", "contribute", "pot0.ptau", "pot1.ptau", "--name=test", "-e=prover tests, not secret");
  await snarkjs("powersoftau", "prepare", "phase2", "pot1.ptau", "pot.ptau");
  await snarkjs("groth16", "setup", "tiny.r1cs", "pot.ptau", "tiny0.zkey");
  await snarkjs(
    "zkey",
    "beacon",
    "tiny0.zkey",
    "tiny.zkey",
    "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    "10",
    "-n=test beacon",
  );
  await snarkjs("zkey", "export", "verificationkey", "tiny.zkey", "verification_key.json");
  for (const f of ["pot0.ptau", "pot1.ptau", "tiny0.zkey"]) rmSync(join(dir, f));
}
