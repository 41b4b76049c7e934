import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildBn128, type Curve, type WasmGroup } from "ffjavascript";
import { CombPool, chooseWindow, type Group, MAX_WINDOW, windowsFor } from "./comb-pool.js";
import { recode } from "./comb-worker.js";
import * as fr from "./fr.js";
import { hashToField } from "./secrets.js";

let curve: Curve;
before(async () => {
  curve = await buildBn128(true);
});
after(async () => {
  await curve.terminate();
});

/** Scalars that exercise the signed-digit recoding: edges of the field and of every window. */
function testScalars(w: number): bigint[] {
  const xs = [0n, 1n, 2n, fr.R - 1n, fr.R - 2n, (1n << 253n) + 1n];
  for (let k = 1; k * w < 254; k++) {
    const b = 1n << BigInt(k * w);
    xs.push(b, b - 1n, b + 1n, (b >> 1n) * 3n, (1n << BigInt((k + 1) * w - 1)) % fr.R);
  }
  for (let i = 0; i < 20; i++) xs.push(hashToField("comb test", `${w}/${i}`));
  return xs.map((x) => x % fr.R);
}

/**
 * A scalar whose last addition adds a point to itself: s = 2Q - r with Q = d 2^(jW) for the top
 * window j, so the partial sum before the top window is Q - r = Q (mod r). Undefined when the
 * recoding of s does not end with digit d.
 */
function doublingScalar(w: number): bigint | undefined {
  const nWin = windowsFor(w);
  const shift = BigInt((nWin - 1) * w);
  const d = fr.R >> shift;
  const s = 2n * (d << shift) - fr.R;
  if (s <= 0n || s >= fr.R) return undefined;
  const digits = recode(encode([s]), w, nWin);
  return BigInt(digits[nWin - 1]!) === d ? s : undefined;
}

function encode(xs: bigint[]): Uint8Array {
  const b = new Uint8Array(xs.length * 32);
  const v = new DataView(b.buffer);
  xs.forEach((x, i) => {
    fr.writeLE32(v, i * 32, x);
  });
  return b;
}

function reference(G: WasmGroup, x: bigint, size: number) {
  const p = G.toAffine(G.timesScalar(G.g, x));
  const lem = new Uint8Array(size);
  const c = new Uint8Array(size / 2);
  const u = new Uint8Array(size);
  G.toRprLEM(lem, 0, p);
  G.toRprCompressed(c, 0, p);
  G.toRprUncompressed(u, 0, p);
  return { lem, c, u };
}

describe("window choice", () => {
  it("covers 255 bits with signed digits and grows with the batch", () => {
    for (let w = 2; w <= MAX_WINDOW; w++) assert.ok(windowsFor(w) * w >= 255 && (windowsFor(w) - 1) * w < 255);
    assert.ok(chooseWindow(100) < chooseWindow(1e6));
    assert.equal(chooseWindow(1e9), MAX_WINDOW);
  });
});

describe("comb pool", () => {
  it("recodes into signed digits that sum back to the scalar", () => {
    for (const w of [2, 5, 8, 11, 16]) {
      const xs = testScalars(w);
      const nWin = windowsFor(w);
      const digits = recode(encode(xs), w, nWin);
      xs.forEach((x, i) => {
        let sum = 0n;
        for (let k = nWin - 1; k >= 0; k--) {
          const d = digits[i * nWin + k]!;
          assert.ok(d > -(2 ** (w - 1)) && d <= 2 ** (w - 1), `digit ${d} out of range`);
          sum = (sum << BigInt(w)) + BigInt(d);
        }
        assert.equal(sum, x);
      });
    }
  });

  for (const window of [2, 7, 12]) {
    it(`matches ffjavascript timesScalar in G1 and G2 (window ${window})`, async () => {
      const pool = await CombPool.create({
        code: curve.tm.code!,
        pG1gen: curve.tm.pG1gen,
        pG2gen: curve.tm.pG2gen,
        threads: 2,
        expectedPoints: { 1: 0, 2: 0 },
        window: { 1: window, 2: window },
      });
      try {
        for (const group of [1, 2] as Group[]) {
          const G = group === 1 ? curve.G1 : curve.G2;
          const size = group === 1 ? 64 : 128;
          const xs = testScalars(window);
          const doubling = doublingScalar(window);
          if (doubling !== undefined) xs.push(doubling);
          const res = await pool.multiply(group, encode(xs), true);
          // The doubling scalar must take the jacobian path (and still give the right point).
          assert.equal(res.fallbacks > 0, doubling !== undefined, `fallbacks: ${res.fallbacks}`);
          xs.forEach((x, i) => {
            const ref = reference(G, x, size);
            const at = (b: Uint8Array | undefined, s: number) => b!.subarray(i * s, (i + 1) * s);
            if (x === 0n) {
              assert.deepEqual(at(res.lem, size), new Uint8Array(size), "zero is the all-zero affine point");
              return;
            }
            assert.deepEqual(at(res.lem, size), ref.lem, `G${group} LEM of scalar #${i} (${x})`);
            assert.deepEqual(at(res.compressed, size / 2), ref.c, `G${group} compressed #${i}`);
            assert.deepEqual(at(res.uncompressed, size), ref.u, `G${group} uncompressed #${i}`);
          });
        }
      } finally {
        await pool.close();
      }
    });
  }

  it("rejects unreduced scalars with a clear error", async () => {
    const pool = await CombPool.create({
      code: curve.tm.code!,
      pG1gen: curve.tm.pG1gen,
      pG2gen: curve.tm.pG2gen,
      threads: 1,
      expectedPoints: { 1: 1, 2: 1 },
    });
    try {
      const bad = new Uint8Array(32).fill(0xff);
      await assert.rejects(pool.multiply(1, bad, false), /not reduced mod r/);
    } finally {
      await pool.close();
    }
  });
});
