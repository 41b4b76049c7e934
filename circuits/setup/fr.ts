/**
 * BN254 scalar-field arithmetic on bigint for the development ceremony.
 *
 * Everything here is plain modular arithmetic mod r; the curve work happens in wasm
 * (see comb-worker.ts). Values are canonical: 0 <= x < r.
 */
import { FIELD_MODULUS } from "../../offchain/lib/field.js";

export const R = FIELD_MODULUS;

export const add = (a: bigint, b: bigint): bigint => {
  const s = a + b;
  return s >= R ? s - R : s;
};

export const sub = (a: bigint, b: bigint): bigint => {
  const s = a - b;
  return s < 0n ? s + R : s;
};

export const mul = (a: bigint, b: bigint): bigint => (a * b) % R;

/** a^e mod r for e >= 0. */
export function pow(a: bigint, e: bigint): bigint {
  let result = 1n;
  let base = a % R;
  let k = e;
  while (k > 0n) {
    if (k & 1n) result = (result * base) % R;
    base = (base * base) % R;
    k >>= 1n;
  }
  return result;
}

/** Multiplicative inverse; throws on zero. */
export function inv(a: bigint): bigint {
  if (a % R === 0n) throw new Error("fr.inv: zero has no inverse");
  return pow(a, R - 2n);
}

/** Inverts every element of `xs` with one field inversion (Montgomery's trick). Throws on a zero element. */
export function batchInverse(xs: readonly bigint[]): bigint[] {
  const n = xs.length;
  const prefix: bigint[] = new Array(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (x === 0n) throw new Error(`fr.batchInverse: element ${i} is zero`);
    prefix[i] = acc;
    acc = (acc * x) % R;
  }
  let accInv = inv(acc);
  const out: bigint[] = new Array(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (accInv * prefix[i]!) % R;
    accInv = (accInv * xs[i]!) % R;
  }
  return out;
}

/** A big-endian byte string as an integer reduced mod r. */
export function fromBytesBE(bytes: Uint8Array): bigint {
  let x = 0n;
  for (const b of bytes) x = (x << 8n) | BigInt(b);
  return x % R;
}

const MASK64 = (1n << 64n) - 1n;

/** Writes x (< 2^256) as 32 little-endian bytes at `offset` of `view`. */
export function writeLE32(view: DataView, offset: number, x: bigint): void {
  view.setBigUint64(offset, x & MASK64, true);
  view.setBigUint64(offset + 8, (x >> 64n) & MASK64, true);
  view.setBigUint64(offset + 16, (x >> 128n) & MASK64, true);
  view.setBigUint64(offset + 24, x >> 192n, true);
}

/** Reads 32 little-endian bytes at `offset` as an integer. */
export function readLE32(bytes: Uint8Array, offset: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 32);
  return (
    view.getBigUint64(0, true) |
    (view.getBigUint64(8, true) << 64n) |
    (view.getBigUint64(16, true) << 128n) |
    (view.getBigUint64(24, true) << 192n)
  );
}
