/**
 * snarkjs's powers-of-tau binary format (file type "ptau", version 1), as read by
 * snarkjs 0.7.6 (powersoftau_utils.js, powersoftau_verify.js, zkey_new.js).
 *
 *   "ptau" | u32 version = 1 | u32 nSections
 *   then per section: u32 id | u64 byte size | data        (all integers little-endian)
 *
 * Points are affine x, y in Montgomery form, little-endian ("LEM"), 64 bytes in G1 and
 * 128 bytes in G2. The transcript hashes (BLAKE2b-512) use other encodings: compressed
 * big-endian for the response hash and uncompressed big-endian for the next challenge.
 */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { blake2b } from "@noble/hashes/blake2b";

export const G1_BYTES = 64;
export const G2_BYTES = 128;
/** BN254 base-field modulus q. */
export const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

export const SECTION = {
  header: 1,
  tauG1: 2,
  tauG2: 3,
  alphaTauG1: 4,
  betaTauG1: 5,
  betaG2: 6,
  contributions: 7,
  lagrangeTauG1: 12,
  lagrangeTauG2: 13,
  lagrangeAlphaTauG1: 14,
  lagrangeBetaTauG1: 15,
} as const;

/** Point counts of every section of a prepared file of power P. */
export function sectionCounts(power: number): Record<number, number> {
  const n = 2 ** power;
  const lagrange = 2 * n - 1; // sum of 2^p for p = 0..P
  return {
    [SECTION.tauG1]: 2 * n - 1,
    [SECTION.tauG2]: n,
    [SECTION.alphaTauG1]: n,
    [SECTION.betaTauG1]: n,
    [SECTION.betaG2]: 1,
    [SECTION.lagrangeTauG1]: lagrange + 2 * n, // p = 0..P+1
    [SECTION.lagrangeTauG2]: lagrange,
    [SECTION.lagrangeAlphaTauG1]: lagrange,
    [SECTION.lagrangeBetaTauG1]: lagrange,
  };
}

export function fileHeader(nSections: number): Uint8Array {
  const b = Buffer.alloc(12);
  b.write("ptau", 0, "ascii");
  b.writeUInt32LE(1, 4);
  b.writeUInt32LE(nSections, 8);
  return b;
}

export function sectionHeader(id: number, size: number): Uint8Array {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(id, 0);
  b.writeBigUInt64LE(BigInt(size), 4);
  return b;
}

/** Section 1 body: n8q, q, power, ceremonyPower. */
export function headerBody(power: number): Uint8Array {
  const b = Buffer.alloc(4 + 32 + 4 + 4);
  b.writeUInt32LE(32, 0);
  let q = Q;
  for (let i = 0; i < 32; i++) {
    b[4 + i] = Number(q & 0xffn);
    q >>= 8n;
  }
  b.writeUInt32LE(power, 36);
  b.writeUInt32LE(power, 40);
  return b;
}

/**
 * The challenge a fresh ceremony of power P starts from: BLAKE2b-512 over the hash of the
 * empty string followed by the uncompressed generators in the layout of sections 2..6.
 */
export function firstChallengeHash(power: number, g1Uncompressed: Uint8Array, g2Uncompressed: Uint8Array): Uint8Array {
  const h = createHash("blake2b512");
  h.update(createHash("blake2b512").digest());
  const repeat = (point: Uint8Array, count: number) => {
    const perBlock = Math.min(count, 16384);
    const block = Buffer.alloc(perBlock * point.length);
    for (let i = 0; i < perBlock; i++) block.set(point, i * point.length);
    let left = count;
    while (left > 0) {
      const k = Math.min(left, perBlock);
      h.update(k === perBlock ? block : block.subarray(0, k * point.length));
      left -= k;
    }
  };
  const n = 2 ** power;
  repeat(g1Uncompressed, 2 * n - 1);
  repeat(g2Uncompressed, n);
  repeat(g1Uncompressed, n);
  repeat(g1Uncompressed, n);
  h.update(g2Uncompressed);
  return new Uint8Array(h.digest());
}

/** The BLAKE2b instance type whose state snarkjs serialises into a contribution record. */
export type Blake2bHasher = ReturnType<typeof blake2b.create>;

export const newBlake2b = (): Blake2bHasher => blake2b.create({ dkLen: 64 });

/** @noble/hashes' BLAKE2b state, the fields snarkjs's toPartialHash reads. */
interface Blake2bState {
  buffer: Uint8Array;
  pos: number;
  length: number;
  v0l: number;
  v0h: number;
  v1l: number;
  v1h: number;
  v2l: number;
  v2h: number;
  v3l: number;
  v3h: number;
  v4l: number;
  v4h: number;
  v5l: number;
  v5h: number;
  v6l: number;
  v6h: number;
  v7l: number;
  v7h: number;
}

/**
 * The 216-byte "partial hash" of a contribution record: the unfinished response hasher
 * (128-byte block buffer, the eight 64-bit state words as u32 pairs, the byte counts) in the
 * layout snarkjs's misc.fromPartialHash restores. The verifier resumes it, hashes the public
 * key and gets the response hash.
 */
export function toPartialHash(hasher: Blake2bHasher): Uint8Array {
  const s = hasher as unknown as Blake2bState;
  if (!(s.buffer instanceof Uint8Array) || s.buffer.length !== 128 || typeof s.v7h !== "number") {
    throw new Error("unexpected @noble/hashes BLAKE2b internals: the partial-hash layout needs updating");
  }
  const out = new Uint8Array(216);
  out.set(s.buffer, 0);
  const w = new Uint32Array(22);
  const words = [s.v0l, s.v0h, s.v1l, s.v1h, s.v2l, s.v2h, s.v3l, s.v3h];
  words.push(s.v4l, s.v4h, s.v5l, s.v5h, s.v6l, s.v6h, s.v7l, s.v7h);
  words.forEach((v, i) => {
    w[i] = v >>> 0;
  });
  w[16] = s.length - s.pos;
  w[18] = s.pos;
  const view = new DataView(out.buffer);
  for (let i = 0; i < 22; i++) view.setUint32(128 + 4 * i, w[i]!, true);
  return out;
}

export interface PubKeyPart {
  g1_s: Uint8Array;
  g1_sx: Uint8Array;
  g2_spx: Uint8Array;
}

/** One contribution record (section 7), already encoded point by point. */
export interface ContributionRecord {
  /** LEM encodings. */
  tauG1: Uint8Array;
  tauG2: Uint8Array;
  alphaG1: Uint8Array;
  betaG1: Uint8Array;
  betaG2: Uint8Array;
  /** LEM encodings of the proof-of-knowledge key. */
  key: { tau: PubKeyPart; alpha: PubKeyPart; beta: PubKeyPart };
  partialHash: Uint8Array;
  nextChallenge: Uint8Array;
  name: string;
}

/** Public key in the order snarkjs stores and hashes it: six G1 then three G2 points. */
export function pubKeyBytes(key: ContributionRecord["key"]): Uint8Array {
  return Buffer.concat([
    key.tau.g1_s,
    key.tau.g1_sx,
    key.alpha.g1_s,
    key.alpha.g1_sx,
    key.beta.g1_s,
    key.beta.g1_sx,
    key.tau.g2_spx,
    key.alpha.g2_spx,
    key.beta.g2_spx,
  ]);
}

/** Section 7 body with a single contribution of type 0 (a regular contribution, not a beacon). */
export function contributionsBody(c: ContributionRecord): Uint8Array {
  const name = Buffer.from(c.name, "utf8");
  if (name.length > 64) throw new Error("contribution name must be at most 64 bytes");
  const params = Buffer.concat([Buffer.from([1, name.length]), name]);
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  if (c.partialHash.length !== 216 || c.nextChallenge.length !== 64) throw new Error("bad contribution hashes");
  return Buffer.concat([
    u32(1),
    c.tauG1,
    c.tauG2,
    c.alphaG1,
    c.betaG1,
    c.betaG2,
    pubKeyBytes(c.key),
    c.partialHash,
    c.nextChallenge,
    u32(0),
    u32(params.length),
    params,
  ]);
}

export interface SectionEntry {
  id: number;
  /** Byte offset of the section body. */
  offset: number;
  size: number;
}

/** The section table of a ptau file held in memory (tests and tools). */
export function readSectionTable(file: Uint8Array): SectionEntry[] {
  const b = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (b.toString("ascii", 0, 4) !== "ptau") throw new Error("not a ptau file (bad magic)");
  const n = b.readUInt32LE(8);
  const out: SectionEntry[] = [];
  let pos = 12;
  for (let i = 0; i < n; i++) {
    const id = b.readUInt32LE(pos);
    const size = Number(b.readBigUInt64LE(pos + 4));
    out.push({ id, offset: pos + 12, size });
    pos += 12 + size;
  }
  if (pos !== b.length) throw new Error(`ptau file has ${b.length - pos} trailing bytes`);
  return out;
}

export interface PtauInfo {
  power: number;
  ceremonyPower: number;
  sections: number[];
  /** Has the phase-2 (Lagrange) sections 12..15 that snarkjs groth16 setup needs. */
  prepared: boolean;
  contributions: number;
}

/** Reads only the section table, header and contribution count of a ptau file on disk. */
export async function inspectPtau(path: string): Promise<PtauInfo> {
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    const read = async (pos: number, len: number) => {
      const b = Buffer.alloc(len);
      const { bytesRead } = await fh.read(b, 0, len, pos);
      if (bytesRead !== len) throw new Error(`${path}: truncated ptau file`);
      return b;
    };
    const head = await read(0, 12);
    if (head.toString("ascii", 0, 4) !== "ptau") throw new Error(`${path} is not a snarkjs ptau file`);
    const n = head.readUInt32LE(8);
    const sections = new Map<number, { offset: number; size: number }>();
    let pos = 12;
    for (let i = 0; i < n; i++) {
      const h = await read(pos, 12);
      const entry = { offset: pos + 12, size: Number(h.readBigUInt64LE(4)) };
      sections.set(h.readUInt32LE(0), entry);
      pos = entry.offset + entry.size;
    }
    if (pos !== size) throw new Error(`${path}: section table does not match the file size`);
    const header = sections.get(SECTION.header);
    const contrib = sections.get(SECTION.contributions);
    if (!header || !contrib) throw new Error(`${path}: missing header or contributions section`);
    const h = await read(header.offset, header.size);
    const n8 = h.readUInt32LE(0);
    const power = h.readUInt32LE(4 + n8);
    const ceremonyPower = h.readUInt32LE(8 + n8);
    const contributions = (await read(contrib.offset, 4)).readUInt32LE(0);
    const ids = [...sections.keys()].sort((a, b) => a - b);
    const prepared = [12, 13, 14, 15].every((id) => sections.has(id));
    return { power, ceremonyPower, sections: ids, prepared, contributions };
  } finally {
    await fh.close();
  }
}
