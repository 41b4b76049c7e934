/**
 * The scalars behind every point of a prepared powers-of-tau file.
 *
 * A prepared ptau for power P holds, for the generator G of each group:
 *   section 2:  tau^i G1,        i < 2^(P+1) - 1
 *   section 3:  tau^i G2,        i < 2^P
 *   section 4:  alpha tau^i G1,  i < 2^P
 *   section 5:  beta tau^i G1,   i < 2^P
 *   section 6:  beta G2
 *   sections 12..15: for each domain size n = 2^p, p = 0..P, the inverse FFT of the matching
 *     powers, i.e. the Lagrange basis L_j evaluated at tau (times alpha / beta for 14 / 15).
 *     Section 12 also holds p = P + 1, built from the 2^(P+1) - 1 powers of section 2 padded
 *     with a zero point, so its scalars are L_j(tau) - tau^(N-1) w^j / N.
 *
 * For the domain {w^j} of size n (w = the 2^p-th root of unity of the FFTs):
 *   L_j(x) = (1/n) sum_i (x w^-j)^i = (x^n - 1) w^j / (n (x - w^j)).
 */
import { batchInverse, inv, mul, pow, R, sub } from "./fr.js";

/** 2-adicity of r - 1. */
export const TWO_ADICITY = 28;

let rootsCache: bigint[] | undefined;

/**
 * roots()[k] is a primitive 2^k-th root of unity: g^t for the smallest quadratic non-residue g
 * and r - 1 = 2^28 t, then repeated squaring. This is the convention of the FFTs in
 * ffjavascript (checked by scalars.test.ts).
 */
export function roots(): bigint[] {
  if (rootsCache) return rootsCache;
  let t = R - 1n;
  let s = 0;
  while ((t & 1n) === 0n) {
    t >>= 1n;
    s++;
  }
  if (s !== TWO_ADICITY) throw new Error(`unexpected 2-adicity ${s}`);
  let g = 2n;
  while (pow(g, (R - 1n) / 2n) !== R - 1n) g++;
  const w: bigint[] = new Array(s + 1);
  w[s] = pow(g, t);
  for (let k = s - 1; k >= 0; k--) w[k] = mul(w[k + 1]!, w[k + 1]!);
  if (w[0] !== 1n) throw new Error("roots of unity: w[0] != 1");
  rootsCache = w;
  return w;
}

/** x^0, x^1, ..., x^(count-1), each times `factor`. */
export function powers(x: bigint, count: number, factor = 1n, start = 0): bigint[] {
  const out: bigint[] = new Array(count);
  let acc = mul(factor, pow(x, BigInt(start)));
  for (let i = 0; i < count; i++) {
    out[i] = acc;
    acc = mul(acc, x);
  }
  return out;
}

/**
 * L_j(tau) for j < 2^p over the domain of size 2^p.
 * Throws if tau lies on the domain (then the ceremony's tau is unusable: change the seed).
 */
export function lagrangeAtTau(tau: bigint, p: number): bigint[] {
  if (p < 0 || p > TWO_ADICITY) throw new Error(`lagrangeAtTau: domain 2^${p} is not supported`);
  const n = 2 ** p;
  const w = roots()[p]!;
  const wj: bigint[] = powers(w, n);
  const denominators = wj.map((x, j) => {
    const d = sub(tau, x);
    if (d === 0n) throw new Error(`tau equals the root of unity w^${j} of domain 2^${p}: use another seed`);
    return d;
  });
  const invDen = batchInverse(denominators);
  const c = mul(sub(pow(tau, BigInt(n)), 1n), inv(BigInt(n)));
  return wj.map((x, j) => mul(mul(c, x), invDen[j]!));
}

/**
 * The scalars of section 12 for p = P + 1: the inverse FFT of (tau^0, ..., tau^(N-2), 0), N = 2^(P+1).
 */
export function lagrangeTruncated(tau: bigint, p: number): bigint[] {
  const n = 2 ** p;
  const w = roots()[p]!;
  const l = lagrangeAtTau(tau, p);
  const corr = mul(pow(tau, BigInt(n - 1)), inv(BigInt(n)));
  let wj = 1n;
  for (let j = 0; j < n; j++) {
    l[j] = sub(l[j]!, mul(corr, wj));
    wj = mul(wj, w);
  }
  return l;
}
