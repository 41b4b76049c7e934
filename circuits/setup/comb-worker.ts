/**
 * Worker thread: fixed-base scalar multiplication of the BN254 generators (G1 and G2) for
 * many scalars, on ffjavascript's own curve wasm (the code snarkjs runs).
 *
 * Method: a signed-digit fixed-base window table. With window W and h = 2^(W-1), the table
 * holds m * 2^(kW) * G for m = 1..h and every window k. A scalar s < 2^254 is recoded into
 * digits d_k in [-(h-1), h] (s = sum d_k 2^(kW)), so s*G is at most ceil(255/W) additions
 * of table points and no doubling. A job keeps its accumulators in affine coordinates and
 * runs window by window: all the additions of one window share a single field inversion
 * (batch inversion), about 6 field multiplications an addition. The rare additions with equal
 * x coordinates (doubling or infinity) go through jacobian coordinates. Results are returned in
 * snarkjs's file representation: affine x, y in Montgomery form, little-endian ("LEM"); for
 * the tau sections the worker also returns the compressed and uncompressed encodings the
 * ceremony transcript hashes.
 *
 * The results are canonical affine points, so they do not depend on W or on the thread count.
 */
import { parentPort } from "node:worker_threads";

export type Group = 1 | 2;

export interface InitMessage {
  type: "init";
  code: Uint8Array;
  pG1gen: number;
  pG2gen: number;
  /** Window bits per group. */
  window: Record<Group, number>;
}

export interface JobMessage {
  type: "job";
  id: number;
  group: Group;
  /** n scalars, 32 bytes little-endian each, canonical (< r). */
  scalars: Uint8Array;
  /** Also return compressed (C) and uncompressed (U) encodings. */
  encodings: boolean;
}

export interface JobResult {
  type: "done";
  id: number;
  lem: Uint8Array;
  compressed?: Uint8Array;
  uncompressed?: Uint8Array;
  /** Additions that hit the doubling / infinity case and went through jacobian coordinates. */
  fallbacks: number;
}

export type WorkerReply = JobResult | { type: "ready" } | { type: "error"; id: number; message: string };

type Exports = Record<string, (...args: number[]) => number>;

interface GroupTable {
  prefix: "g1m" | "g2m";
  n8: number;
  window: number;
  half: number;
  nWindows: number;
  pTable: number;
}

const PAGE = 65536;
/** Headroom kept free above the allocation pointer for the aux buffers wasm batch functions take. */
const HEADROOM = 16 << 20;

class CombEngine {
  private readonly ex: Exports;
  private readonly memory: WebAssembly.Memory;
  private readonly tables = new Map<Group, GroupTable>();
  private scratchBase: number;

  private constructor(
    instance: WebAssembly.Instance,
    memory: WebAssembly.Memory,
    private readonly init: InitMessage,
  ) {
    this.ex = instance.exports as unknown as Exports;
    this.memory = memory;
    this.scratchBase = this.top();
  }

  static async create(init: InitMessage): Promise<CombEngine> {
    const memory = new WebAssembly.Memory({ initial: 512, maximum: 32767 });
    const module = await WebAssembly.compile(new Uint8Array(init.code));
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    return new CombEngine(instance, memory, init);
  }

  /** The wasm module's free-memory pointer (u32 at address 0). */
  private top(): number {
    return new Uint32Array(this.memory.buffer, 0, 1)[0]!;
  }

  private setTop(p: number): void {
    new Uint32Array(this.memory.buffer, 0, 1)[0] = p;
    const need = p + HEADROOM;
    const have = this.memory.buffer.byteLength;
    if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
  }

  private alloc(bytes: number): number {
    const p = (this.top() + 7) & ~7;
    this.setTop(p + bytes);
    return p;
  }

  private table(group: Group): GroupTable {
    const existing = this.tables.get(group);
    if (existing) return existing;
    // Tables live below the scratch area: build at the scratch base, then move it up.
    this.setTop(this.scratchBase);
    const prefix = group === 1 ? "g1m" : "g2m";
    const n8 = group === 1 ? 32 : 64;
    const sA = 2 * n8;
    const sJ = 3 * n8;
    const window = this.init.window[group];
    const half = 2 ** (window - 1);
    const nWindows = Math.ceil(255 / window);
    const ex = this.ex;
    const pTable = this.alloc(nWindows * half * sA);
    this.scratchBase = this.top();
    const pRow = this.alloc(half * sJ);
    const pBase = this.alloc(sJ);
    const pBaseAffine = this.alloc(sA);
    ex[`${prefix}_copy`]!(group === 1 ? this.init.pG1gen : this.init.pG2gen, pBase);
    const addMixed = ex[`${prefix}_addMixed`]!;
    const double = ex[`${prefix}_double`]!;
    for (let k = 0; k < nWindows; k++) {
      ex[`${prefix}_toAffine`]!(pBase, pBaseAffine);
      ex[`${prefix}_copy`]!(pBase, pRow);
      for (let m = 1; m < half; m++) addMixed(pRow + (m - 1) * sJ, pBaseAffine, pRow + m * sJ);
      ex[`${prefix}_batchToAffine`]!(pRow, half, pTable + k * half * sA);
      for (let i = 0; i < window; i++) double(pBase, pBase);
    }
    this.setTop(this.scratchBase);
    const t: GroupTable = { prefix, n8, window, half, nWindows, pTable };
    this.tables.set(group, t);
    return t;
  }

  run(job: JobMessage): JobResult {
    const t = this.table(job.group);
    const { prefix, n8, window, half, nWindows, pTable } = t;
    const f = prefix === "g1m" ? "f1m" : "f2m";
    const sA = 2 * n8;
    const sJ = 3 * n8;
    const sc = job.scalars;
    if (sc.byteLength % 32 !== 0) throw new Error("scalars must be 32 bytes each");
    const n = sc.byteLength / 32;
    const digits = recode(sc, window, nWindows);

    this.setTop(this.scratchBase);
    const pAcc = this.alloc(n * sA); // affine accumulators
    const pDen = this.alloc(n * n8);
    const pInv = this.alloc(n * n8);
    const pLambda = this.alloc(n8);
    const pT = this.alloc(n8);
    const pX3 = this.alloc(n8);
    const pJac = this.alloc(sJ);
    const pC = job.encodings ? this.alloc(n * n8) : 0;
    const pU = job.encodings ? this.alloc(n * sA) : 0;

    const ex = this.ex;
    const fAdd = ex[`${f}_add`]!;
    const fSub = ex[`${f}_sub`]!;
    const fMul = ex[`${f}_mul`]!;
    const fSquare = ex[`${f}_square`]!;
    const fNeg = ex[`${f}_neg`]!;
    const fCopy = ex[`${f}_copy`]!;
    const fIsZero = ex[`${f}_isZero`]!;
    const batchInverse = ex[`${f}_batchInverse`]!;

    const isZero = new Uint8Array(n).fill(1); // accumulator is the point at infinity
    const active = new Int32Array(n); // points that add a nonzero digit to a nonzero accumulator
    let fallbacks = 0;

    // Window by window, every accumulator adds its table point; the slopes of all additions
    // share one field inversion (Montgomery's trick), so an addition costs about 6 field
    // multiplications instead of the 11 of a mixed jacobian addition.
    for (let k = 0; k < nWindows; k++) {
      const row = pTable + k * half * sA;
      let m = 0;
      for (let i = 0; i < n; i++) {
        const d = digits[i * nWindows + k]!;
        if (d === 0) continue;
        const q = row + (Math.abs(d) - 1) * sA;
        const acc = pAcc + i * sA;
        if (isZero[i]) {
          fCopy(q, acc);
          if (d > 0) fCopy(q + n8, acc + n8);
          else fNeg(q + n8, acc + n8);
          isZero[i] = 0;
          continue;
        }
        fSub(q, acc, pDen + m * n8); // x2 - x1
        active[m++] = i;
      }
      if (m === 0) continue;
      batchInverse(pDen, n8, m, pInv, n8);
      for (let j = 0; j < m; j++) {
        const i = active[j]!;
        const d = digits[i * nWindows + k]!;
        const q = row + (Math.abs(d) - 1) * sA;
        const acc = pAcc + i * sA;
        if (fIsZero(pDen + j * n8)) {
          // Same x: the sum is a doubling or the point at infinity (only for special scalars).
          fallbacks++;
          if (this.addJacobianFallback(t, acc, q, d < 0, pJac)) isZero[i] = 1;
          continue;
        }
        // lambda = (y2 - y1) / (x2 - x1), with y2 negated for a negative digit
        if (d > 0) fSub(q + n8, acc + n8, pT);
        else {
          fAdd(q + n8, acc + n8, pT);
          fNeg(pT, pT);
        }
        fMul(pT, pInv + j * n8, pLambda);
        // x3 = lambda^2 - x1 - x2; y3 = lambda (x1 - x3) - y1
        fSquare(pLambda, pX3);
        fSub(pX3, acc, pX3);
        fSub(pX3, q, pX3);
        fSub(acc, pX3, pT);
        fMul(pLambda, pT, pT);
        fSub(pT, acc + n8, acc + n8);
        fCopy(pX3, acc);
      }
    }
    // snarkjs writes the point at infinity as all-zero affine coordinates.
    for (let i = 0; i < n; i++) if (isZero[i]) ex[`${prefix}_zeroAffine`]!(pAcc + i * sA);

    const result: JobResult = { type: "done", id: job.id, lem: this.copyOut(pAcc, n * sA), fallbacks };
    if (job.encodings) {
      const toC = ex[`${prefix}_LEMtoC`]!;
      const toU = ex[`${prefix}_LEMtoU`]!;
      for (let i = 0; i < n; i++) {
        toC(pAcc + i * sA, pC + i * n8);
        toU(pAcc + i * sA, pU + i * sA);
      }
      result.compressed = this.copyOut(pC, n * n8);
      result.uncompressed = this.copyOut(pU, n * sA);
    }
    this.setTop(this.scratchBase);
    return result;
  }

  /** acc += (or -=) q through jacobian coordinates, which handle every case; true if the result is infinity. */
  private addJacobianFallback(t: GroupTable, acc: number, q: number, negate: boolean, pJac: number): boolean {
    const ex = this.ex;
    ex[`${t.prefix}_toJacobian`]!(acc, pJac);
    ex[`${t.prefix}_${negate ? "subMixed" : "addMixed"}`]!(pJac, q, pJac);
    const infinity = ex[`${t.prefix}_isZero`]!(pJac) !== 0;
    if (!infinity) ex[`${t.prefix}_toAffine`]!(pJac, acc);
    return infinity;
  }

  private copyOut(p: number, len: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, p, len).slice();
  }
}

/**
 * Signed-digit recoding: digits d_k in [-(h-1), h] (h = 2^(W-1)) with s = sum d_k 2^(kW),
 * for each 32-byte little-endian scalar (which must be below 2^254). Row-major: n x nWindows.
 */
export function recode(scalars: Uint8Array, window: number, nWindows: number): Int32Array {
  const n = scalars.byteLength / 32;
  const half = 2 ** (window - 1);
  const full = 2 * half;
  const mask = full - 1;
  if ((nWindows - 1) * window + (window - 1) < 254) throw new Error("recode: windows do not cover 254 bits");
  const out = new Int32Array(n * nWindows);
  const buf = new Uint8Array(36); // one scalar plus zero padding for the window reads
  for (let i = 0; i < n; i++) {
    buf.set(scalars.subarray(i * 32, i * 32 + 32));
    if (buf[31]! >= 0x40) throw new Error(`scalar ${i} has bit 254 or 255 set: it is not reduced mod r`);
    let carry = 0;
    for (let k = 0; k < nWindows; k++) {
      const bit = k * window;
      const byte = bit >> 3;
      const v = (buf[byte]! | (buf[byte + 1]! << 8) | (buf[byte + 2]! << 16)) >>> (bit & 7);
      let d = (v & mask) + carry;
      // Digits above h borrow from the next window; the top window (at most W-1 bits) never does.
      if (d > half && k < nWindows - 1) {
        d -= full;
        carry = 1;
      } else {
        carry = 0;
      }
      out[i * nWindows + k] = d;
    }
  }
  return out;
}

if (parentPort) {
  const port = parentPort;
  let engine: CombEngine | undefined;
  port.on("message", async (msg: InitMessage | JobMessage) => {
    if (msg.type === "init") {
      engine = await CombEngine.create(msg);
      port.postMessage({ type: "ready" } satisfies WorkerReply);
      return;
    }
    try {
      if (!engine) throw new Error("comb worker: job before init");
      const res = engine.run(msg);
      const transfer = [res.lem.buffer, res.compressed?.buffer, res.uncompressed?.buffer].filter(
        (b): b is ArrayBuffer => b instanceof ArrayBuffer,
      );
      port.postMessage(res, transfer);
    } catch (e) {
      port.postMessage({ type: "error", id: msg.id, message: (e as Error).message } satisfies WorkerReply);
    }
  });
}
