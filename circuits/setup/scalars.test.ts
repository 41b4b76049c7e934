import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildBn128, type Curve } from "ffjavascript";
import * as fr from "./fr.js";
import { lagrangeAtTau, lagrangeTruncated, powers, roots, TWO_ADICITY } from "./scalars.js";
import { DEFAULT_SEED, deriveSecrets, hashToField } from "./secrets.js";

let curve: Curve;
before(async () => {
  curve = await buildBn128(true);
});
after(async () => {
  await curve.terminate();
});

/** Naive inverse DFT over the 2^p domain: X_j = (1/n) sum_i x_i w^(-ij). */
function naiveInverseDft(xs: bigint[], p: number): bigint[] {
  const n = xs.length;
  const wInv = fr.inv(roots()[p]!);
  const nInv = fr.inv(BigInt(n));
  return xs.map((_, j) => {
    let acc = 0n;
    for (let i = 0; i < n; i++) acc = fr.add(acc, fr.mul(xs[i]!, fr.pow(wInv, BigInt(i * j))));
    return fr.mul(acc, nInv);
  });
}

describe("fr", () => {
  it("inverts and batch-inverts", () => {
    const xs = [1n, 2n, fr.R - 1n, 123456789n ** 5n % fr.R];
    const invs = fr.batchInverse(xs);
    xs.forEach((x, i) => {
      assert.equal(fr.mul(x, invs[i]!), 1n);
      assert.equal(fr.inv(x), invs[i]);
    });
    assert.throws(() => fr.batchInverse([1n, 0n]), /element 1 is zero/);
    assert.throws(() => fr.inv(0n), /zero/);
  });

  it("round-trips 32-byte little-endian encodings", () => {
    const b = new Uint8Array(64);
    const v = new DataView(b.buffer);
    fr.writeLE32(v, 32, fr.R - 1n);
    assert.equal(fr.readLE32(b, 32), fr.R - 1n);
    assert.equal(b[32], Number((fr.R - 1n) & 0xffn));
  });
});

describe("roots of unity", () => {
  it("match the roots ffjavascript's FFTs use", () => {
    assert.equal(curve.Fr.s, TWO_ADICITY);
    for (let k = 0; k <= TWO_ADICITY; k++) {
      assert.equal(roots()[k], curve.Fr.toObject(curve.Fr.w[k]!), `w[${k}]`);
    }
  });

  it("have exact order 2^k", () => {
    for (const k of [1, 5, 17, 28]) {
      const w = roots()[k]!;
      assert.equal(fr.pow(w, 2n ** BigInt(k)), 1n);
      assert.notEqual(fr.pow(w, 2n ** BigInt(k - 1)), 1n);
    }
  });
});

describe("Lagrange scalars", () => {
  const tau = hashToField("test", "tau");

  it("equal the inverse DFT of the powers of tau", () => {
    for (const p of [0, 1, 3, 5]) {
      assert.deepEqual(lagrangeAtTau(tau, p), naiveInverseDft(powers(tau, 2 ** p), p), `p = ${p}`);
    }
  });

  it("interpolate: sum_j f(w^j) L_j(tau) = f(tau) for deg f < n", () => {
    const p = 4;
    const coeffs = [3n, 1n, 4n, 1n, 5n, 9n, 2n, 6n, 5n, 3n, 5n, 8n, 9n, 7n, 9n, 3n];
    const f = (x: bigint) => coeffs.reduceRight((acc, c) => fr.add(fr.mul(acc, x), c), 0n);
    const l = lagrangeAtTau(tau, p);
    const w = roots()[p]!;
    let acc = 0n;
    for (let j = 0; j < 16; j++) acc = fr.add(acc, fr.mul(f(fr.pow(w, BigInt(j))), l[j]!));
    assert.equal(acc, f(tau));
    assert.equal(
      l.reduce((a, b) => fr.add(a, b), 0n),
      1n,
    );
  });

  it("truncated domain: inverse DFT of (tau^0 .. tau^(N-2), 0)", () => {
    for (const p of [1, 2, 4]) {
      const xs = powers(tau, 2 ** p);
      xs[xs.length - 1] = 0n;
      assert.deepEqual(lagrangeTruncated(tau, p), naiveInverseDft(xs, p), `p = ${p}`);
    }
  });

  it("refuses a tau on the domain", () => {
    assert.throws(() => lagrangeAtTau(roots()[3]!, 3), /root of unity w\^1 of domain 2\^3/);
  });
});

describe("secrets", () => {
  it("are deterministic, domain-separated and seed-dependent", () => {
    const a = deriveSecrets(DEFAULT_SEED);
    assert.deepEqual(deriveSecrets(DEFAULT_SEED), a);
    const b = deriveSecrets(`${DEFAULT_SEED}.`);
    assert.notEqual(a.tau, b.tau);
    const all = [a.tau, a.alpha, a.beta, a.pokBase.tau, a.pokBase.alpha, a.pokBase.beta];
    assert.equal(new Set(all).size, all.length);
    for (const x of all) assert.ok(x > 0n && x < fr.R);
    assert.throws(() => deriveSecrets(""), /seed must not be empty/);
  });
});
