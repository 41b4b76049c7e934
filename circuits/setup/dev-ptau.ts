/**
 * Development powers of tau: a prepared (phase-2 ready) snarkjs ptau file written directly
 * from secrets derived from a PUBLIC seed. Its toxic waste is public: never use it on a real
 * network (docs/trusted-setup.md).
 *
 *   node --import tsx circuits/setup/dev-ptau.ts --power P --out FILE [--seed S] [--threads N] [--cache] [--quiet]
 *
 * Because the generator knows tau, every point is a known scalar times a generator, so the
 * Lagrange sections that `snarkjs powersoftau prepare phase2` computes by FFTs over curve
 * points are computed here as field elements (scalars.ts) and multiplied in a worker pool
 * (comb-pool.ts). The file carries one contribution record with a valid proof of knowledge,
 * so `snarkjs powersoftau verify` accepts it. Same seed and power => byte-identical file.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { link, mkdir, open, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildBn128, ChaCha, type Curve, type WasmElement } from "ffjavascript";
import { CombPool, type Group, type JobResult } from "./comb-pool.js";
import * as fr from "./fr.js";
import { writeLE32 } from "./fr.js";
import {
  type ContributionRecord,
  contributionsBody,
  fileHeader,
  firstChallengeHash,
  G1_BYTES,
  G2_BYTES,
  headerBody,
  newBlake2b,
  type PubKeyPart,
  pubKeyBytes,
  SECTION,
  sectionCounts,
  sectionHeader,
  toPartialHash,
} from "./ptau-format.js";
import { lagrangeAtTau, lagrangeTruncated } from "./scalars.js";
import { type CeremonySecrets, DEFAULT_SEED, deriveSecrets } from "./secrets.js";

export { DEFAULT_SEED } from "./secrets.js";

export const MIN_POWER = 1;
/** Above this the in-memory transcript buffers and run time grow past what a dev setup needs. */
export const MAX_POWER = 20;

/** The name stored in the contribution record (snarkjs prints it when verifying). */
export const CONTRIBUTION_NAME = "zk-asset-bridge DEV ceremony: PUBLIC toxic waste, never deploy";

/** Points per worker job. */
const CHUNK = 4096;

export interface DevPtauOptions {
  power: number;
  out: string;
  seed?: string;
  /** Worker threads (default: available parallelism). The output does not depend on it. */
  threads?: number;
  /** Comb window per group (tests); the output does not depend on it. */
  window?: Partial<Record<Group, number>>;
  log?: (msg: string) => void;
}

export interface DevPtauResult {
  out: string;
  power: number;
  seed: string;
  bytes: number;
  wallSeconds: number;
  /** CPU time of the whole process (main thread and workers). */
  cpuSeconds: number;
  threads: number;
  window: Record<Group, number>;
}

type SectionId = (typeof SECTION)[keyof typeof SECTION];

interface SectionPlan {
  id: SectionId;
  group: Group;
  /** Scalar batches of at most CHUNK elements, in file order. */
  chunks: () => Iterable<bigint[]>;
}

function* chunked(xs: readonly bigint[]): Iterable<bigint[]> {
  for (let i = 0; i < xs.length; i += CHUNK) yield xs.slice(i, i + CHUNK);
}

/** factor * x^i for i < count, in batches. */
function* powerChunks(x: bigint, count: number, factor: bigint): Iterable<bigint[]> {
  let acc = factor;
  for (let i = 0; i < count; i += CHUNK) {
    const n = Math.min(CHUNK, count - i);
    const out: bigint[] = new Array(n);
    for (let j = 0; j < n; j++) {
      out[j] = acc;
      acc = fr.mul(acc, x);
    }
    yield out;
  }
}

function sectionPlans(power: number, s: CeremonySecrets): SectionPlan[] {
  const n = 2 ** power;
  const lagrangeCache = new Map<number, bigint[]>();
  const lagrange = (p: number): bigint[] => {
    let l = lagrangeCache.get(p);
    if (!l) {
      l = lagrangeAtTau(s.tau, p);
      lagrangeCache.set(p, l);
    }
    return l;
  };
  function* lagrangeChunks(factor: bigint, withTruncated: boolean): Iterable<bigint[]> {
    for (let p = 0; p <= power; p++) {
      const l = lagrange(p);
      yield* chunked(factor === 1n ? l : l.map((v) => fr.mul(v, factor)));
    }
    if (withTruncated) yield* chunked(lagrangeTruncated(s.tau, power + 1));
  }
  return [
    { id: SECTION.tauG1, group: 1, chunks: () => powerChunks(s.tau, 2 * n - 1, 1n) },
    { id: SECTION.tauG2, group: 2, chunks: () => powerChunks(s.tau, n, 1n) },
    { id: SECTION.alphaTauG1, group: 1, chunks: () => powerChunks(s.tau, n, s.alpha) },
    { id: SECTION.betaTauG1, group: 1, chunks: () => powerChunks(s.tau, n, s.beta) },
    { id: SECTION.betaG2, group: 2, chunks: () => [[s.beta]] },
    { id: SECTION.lagrangeTauG1, group: 1, chunks: () => lagrangeChunks(1n, true) },
    { id: SECTION.lagrangeTauG2, group: 2, chunks: () => lagrangeChunks(1n, false) },
    { id: SECTION.lagrangeAlphaTauG1, group: 1, chunks: () => lagrangeChunks(s.alpha, false) },
    { id: SECTION.lagrangeBetaTauG1, group: 1, chunks: () => lagrangeChunks(s.beta, false) },
  ];
}

function encodeScalars(xs: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(xs.length * 32);
  const view = new DataView(out.buffer);
  xs.forEach((x, i) => {
    writeLE32(view, i * 32, x);
  });
  return out;
}

/** snarkjs's hash-to-G2 of the proof of knowledge: ChaCha seeded with BLAKE2b(personalization, challenge, g1_s, g1_sx). */
function hashToG2(curve: Curve, personalization: number, challenge: Uint8Array, g1s: WasmElement, g1sx: WasmElement) {
  const h = createHash("blake2b512")
    .update(Uint8Array.of(personalization))
    .update(challenge)
    .update(curve.G1.toUncompressed(g1s))
    .update(curve.G1.toUncompressed(g1sx))
    .digest();
  const seed: number[] = [];
  for (let i = 0; i < 8; i++) seed.push(h.readUInt32BE(i * 4));
  return curve.G2.toAffine(curve.G2.fromRng(new ChaCha(seed)));
}

interface KeyPoints {
  lem: PubKeyPart;
  uncompressed: PubKeyPart;
}

/** The contribution's proof of knowledge of tau, alpha, beta against the first challenge. */
function proofOfKnowledge(curve: Curve, s: CeremonySecrets, challenge: Uint8Array) {
  const { G1, G2 } = curve;
  const part = (personalization: number, secret: bigint, base: bigint): KeyPoints => {
    const g1s = G1.toAffine(G1.timesScalar(G1.g, base));
    const g1sx = G1.toAffine(G1.timesScalar(g1s, secret));
    const g2sp = hashToG2(curve, personalization, challenge, g1s, g1sx);
    const g2spx = G2.toAffine(G2.timesScalar(g2sp, secret));
    const enc = (G: typeof G1, p: WasmElement, size: number, lem: boolean) => {
      const b = new Uint8Array(size);
      if (lem) G.toRprLEM(b, 0, p);
      else G.toRprUncompressed(b, 0, p);
      return b;
    };
    const both = (lem: boolean): PubKeyPart => ({
      g1_s: enc(G1, g1s, G1_BYTES, lem),
      g1_sx: enc(G1, g1sx, G1_BYTES, lem),
      g2_spx: enc(G2, g2spx, G2_BYTES, lem),
    });
    return { lem: both(true), uncompressed: both(false) };
  };
  const tau = part(0, s.tau, s.pokBase.tau);
  const alpha = part(1, s.alpha, s.pokBase.alpha);
  const beta = part(2, s.beta, s.pokBase.beta);
  return {
    lem: { tau: tau.lem, alpha: alpha.lem, beta: beta.lem },
    uncompressed: { tau: tau.uncompressed, alpha: alpha.uncompressed, beta: beta.uncompressed },
  };
}

function validatePower(power: number): void {
  if (!Number.isInteger(power) || power < MIN_POWER || power > MAX_POWER) {
    throw new Error(
      `dev-ptau: --power must be an integer in ${MIN_POWER}..${MAX_POWER} (got ${power}). ` +
        "A circuit with up to 2^P constraints (plus public inputs) needs power P.",
    );
  }
}

export async function generateDevPtau(opts: DevPtauOptions): Promise<DevPtauResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const power = opts.power;
  validatePower(power);
  const seed = opts.seed ?? DEFAULT_SEED;
  const log = opts.log ?? (() => {});
  const secrets = deriveSecrets(seed);
  const plans = sectionPlans(power, secrets);
  const counts = sectionCounts(power);

  const curve = await buildBn128(true);
  const code = curve.tm.code;
  if (!code) throw new Error("ffjavascript did not expose the curve wasm (expected a single-thread curve)");
  const g1U = curve.G1.toUncompressed(curve.G1.g);
  const g2U = curve.G2.toUncompressed(curve.G2.g);
  const challenge = firstChallengeHash(power, g1U, g2U);
  const key = proofOfKnowledge(curve, secrets, challenge);

  const expected: Record<Group, number> = { 1: 0, 2: 0 };
  for (const p of plans) expected[p.group] += counts[p.id]!;
  const pool = await CombPool.create({
    code,
    pG1gen: curve.tm.pG1gen,
    pG2gen: curve.tm.pG2gen,
    threads: opts.threads,
    expectedPoints: expected,
    window: opts.window,
  });
  log(
    `dev-ptau: power ${power}, ${expected[1]} G1 + ${expected[2]} G2 points, ${pool.threads} threads, ` +
      `windows G1 ${pool.window[1]} / G2 ${pool.window[2]}`,
  );

  const out = resolve(opts.out);
  await mkdir(dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  const fh = await open(tmp, "w");
  let bytes = 0;
  const write = async (b: Uint8Array) => {
    await fh.write(b);
    bytes += b.length;
  };

  // Transcript state filled while sections 2..6 stream out.
  const responseHasher = newBlake2b();
  responseHasher.update(challenge);
  const uncompressed: Uint8Array[] = [];
  // The first two points of each section (the contribution record repeats some of them).
  const head: Partial<Record<SectionId, Uint8Array>> = {};
  const point = (id: SectionId, index: number, size: number) => {
    const h = head[id];
    if (!h || h.length < (index + 1) * size) throw new Error(`internal: section ${id} has no point ${index}`);
    return h.slice(index * size, (index + 1) * size);
  };

  const streamSection = async (plan: SectionPlan, transcript: boolean) => {
    const size = plan.group === 1 ? G1_BYTES : G2_BYTES;
    const count = counts[plan.id]!;
    await write(sectionHeader(plan.id, count * size));
    const maxInFlight = pool.threads * 3;
    const inFlight: Promise<JobResult>[] = [];
    let written = 0;
    const consume = async (r: JobResult) => {
      if (written === 0) head[plan.id] = r.lem.slice(0, Math.min(r.lem.length, 2 * size));
      await write(r.lem);
      written += r.lem.length / size;
      if (transcript) {
        responseHasher.update(r.compressed!);
        uncompressed.push(r.uncompressed!);
      }
    };
    for (const scalars of plan.chunks()) {
      const job = pool.multiply(plan.group, encodeScalars(scalars), transcript);
      job.catch(() => {}); // awaited below; this only keeps a failure behind another from going unhandled
      inFlight.push(job);
      if (inFlight.length >= maxInFlight) await consume(await inFlight.shift()!);
    }
    while (inFlight.length > 0) await consume(await inFlight.shift()!);
    if (written !== count) throw new Error(`internal: section ${plan.id} has ${written} points, expected ${count}`);
    log(`dev-ptau: section ${plan.id} done (${count} points, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  };

  try {
    await write(fileHeader(11));
    const header = headerBody(power);
    await write(sectionHeader(SECTION.header, header.length));
    await write(header);

    const [tauG1, tauG2, alphaTauG1, betaTauG1, betaG2, ...lagrangePlans] = plans;
    for (const plan of [tauG1!, tauG2!, alphaTauG1!, betaTauG1!, betaG2!]) await streamSection(plan, true);

    const partialHash = toPartialHash(responseHasher);
    responseHasher.update(pubKeyBytes(key.uncompressed));
    const responseHash = responseHasher.digest();
    const next = createHash("blake2b512").update(responseHash);
    for (const u of uncompressed) next.update(u);
    uncompressed.length = 0;
    const record: ContributionRecord = {
      tauG1: point(SECTION.tauG1, 1, G1_BYTES),
      tauG2: point(SECTION.tauG2, 1, G2_BYTES),
      alphaG1: point(SECTION.alphaTauG1, 0, G1_BYTES),
      betaG1: point(SECTION.betaTauG1, 0, G1_BYTES),
      betaG2: point(SECTION.betaG2, 0, G2_BYTES),
      key: key.lem,
      partialHash,
      nextChallenge: new Uint8Array(next.digest()),
      name: CONTRIBUTION_NAME,
    };
    const contributions = contributionsBody(record);
    await write(sectionHeader(SECTION.contributions, contributions.length));
    await write(contributions);

    for (const plan of lagrangePlans) await streamSection(plan, false);
    await fh.close();
    await rename(tmp, out);
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    throw e;
  } finally {
    await pool.close();
  }

  const cpu = process.cpuUsage(cpu0);
  return {
    out,
    power,
    seed,
    bytes,
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    threads: pool.threads,
    window: pool.window,
  };
}

// --- cache key -----------------------------------------------------------------------------

const HERE = dirname(fileURLToPath(import.meta.url));
/** The modules whose code determines the file's bytes. */
const GENERATOR_SOURCES = [
  "dev-ptau.ts",
  "comb-pool.ts",
  "comb-worker.ts",
  "fr.ts",
  "ptau-format.ts",
  "scalars.ts",
  "secrets.ts",
];

/**
 * Identifies the file a run would produce: power, seed, generator sources and the versions
 * of the curve/snarkjs packages. Stored next to the output as FILE.key.
 */
export function cacheKey(power: number, seed: string): string {
  const h = createHash("sha256");
  h.update(`dev-ptau cache v1\npower=${power}\nseed=${seed}\n`);
  for (const f of GENERATOR_SOURCES) h.update(`${f}\n`).update(readFileSync(resolve(HERE, f)));
  for (const pkg of ["ffjavascript", "snarkjs", "@noble/hashes"]) {
    const pj = resolve(HERE, "../../node_modules", pkg, "package.json");
    const version = existsSync(pj) ? (JSON.parse(readFileSync(pj, "utf8")) as { version: string }).version : "?";
    h.update(`${pkg}@${version}\n`);
  }
  return h.digest("hex");
}

async function isCached(out: string, key: string): Promise<boolean> {
  if (!existsSync(out)) return false;
  try {
    return (await readFile(`${out}.key`, "utf8")).trim() === key;
  } catch {
    return false;
  }
}

// --- CLI -----------------------------------------------------------------------------------

const USAGE =
  "usage: node --import tsx circuits/setup/dev-ptau.ts --power P --out FILE [--seed S] [--threads N] [--cache] [--quiet]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      power: { type: "string" },
      out: { type: "string" },
      seed: { type: "string" },
      threads: { type: "string" },
      cache: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (values.power === undefined || values.out === undefined)
    throw new Error(`--power and --out are required\n${USAGE}`);
  const power = Number(values.power);
  validatePower(power);
  const seed = values.seed ?? DEFAULT_SEED;
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new Error("--threads must be >= 1");
  const out = resolve(values.out);
  const key = cacheKey(power, seed);
  await mkdir(dirname(out), { recursive: true });
  // Several make targets may ask for the same file at once: one generates, the others wait.
  await withLock(out, async () => {
    if (values.cache && (await isCached(out, key))) {
      console.log(`dev-ptau: ${out} is up to date (power ${power}, cache key ${key.slice(0, 12)})`);
      return;
    }
    await rm(`${out}.key`, { force: true });
    const res = await generateDevPtau({
      power,
      out,
      seed,
      threads,
      log: values.quiet ? undefined : (m) => console.log(m),
    });
    await writeFile(`${out}.key`, `${key}\n`);
    console.log(
      `dev-ptau: wrote ${res.out} (power ${power}, ${(res.bytes / 2 ** 20).toFixed(1)} MiB) in ` +
        `${res.wallSeconds.toFixed(1)} s wall, ${res.cpuSeconds.toFixed(1)} s CPU, ${res.threads} threads`,
    );
    console.log("dev-ptau: DEVELOPMENT ONLY - its toxic waste derives from a public seed (docs/trusted-setup.md)");
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: existence check only, nothing is sent
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs `fn` holding FILE.lock, which names our pid (hard-linked into place, so it never exists
 * empty); waits while a live process holds it and clears it when its holder is gone. The lock
 * only saves duplicate work: outputs are renamed into place whole, and equal runs write equal bytes.
 */
async function withLock(out: string, fn: () => Promise<void>): Promise<void> {
  const lock = `${out}.lock`;
  const mine = `${lock}.${process.pid}`;
  await writeFile(mine, String(process.pid));
  let announced = false;
  try {
    for (;;) {
      try {
        await link(mine, lock);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
        if (!Number.isInteger(holder) || holder <= 0 || !isAlive(holder)) {
          await rm(lock, { force: true }); // left by a process that is gone
          continue;
        }
        if (!announced) {
          console.log(`dev-ptau: process ${holder} is writing ${out}; waiting for it`);
          announced = true;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  } finally {
    await rm(mine, { force: true });
  }
  try {
    await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`dev-ptau: ${e.message}`);
      process.exit(1);
    },
  );
}
