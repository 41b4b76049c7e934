// Minimal declarations for the part of ffjavascript 0.3.1 (the curve code snarkjs uses) that this repo calls.
// Extend additively when you need more; the package ships no types.
declare module "ffjavascript" {
  /** A curve point or field element in ffjavascript's internal (Montgomery, little-endian) representation. */
  export type WasmElement = Uint8Array;

  export class ChaCha {
    constructor(seed?: number[]);
    nextU32(): number;
  }

  export interface WasmField {
    readonly n8: number;
    /** 2-adicity of the multiplicative group. */
    readonly s: number;
    /** w[k] is the 2^k-th root of unity the FFTs use. */
    readonly w: WasmElement[];
    e(a: bigint | number | string): WasmElement;
    toObject(a: WasmElement): bigint;
  }

  export interface WasmGroup {
    readonly F: { readonly n8: number };
    /** Generator (jacobian). */
    readonly g: WasmElement;
    readonly zero: WasmElement;
    timesScalar(a: WasmElement, s: bigint | number | Uint8Array): WasmElement;
    toAffine(a: WasmElement): WasmElement;
    eq(a: WasmElement, b: WasmElement): boolean;
    fromRng(rng: ChaCha): WasmElement;
    toUncompressed(a: WasmElement): Uint8Array;
    toRprUncompressed(buff: Uint8Array, offset: number, a: WasmElement): void;
    toRprCompressed(buff: Uint8Array, offset: number, a: WasmElement): void;
    toRprLEM(buff: Uint8Array, offset: number, a: WasmElement): void;
    fromRprLEM(buff: Uint8Array, offset?: number): WasmElement;
  }

  export interface ThreadManager {
    /** The compiled curve wasm module; set only on single-thread curves. */
    readonly code?: Uint8Array;
    readonly pG1gen: number;
    readonly pG2gen: number;
  }

  export interface Curve {
    readonly name: string;
    readonly q: bigint;
    readonly r: bigint;
    readonly F1: { readonly n8: number };
    readonly Fr: WasmField;
    readonly G1: WasmGroup;
    readonly G2: WasmGroup;
    readonly tm: ThreadManager;
    terminate(): Promise<void>;
  }

  export function buildBn128(singleThread?: boolean): Promise<Curve>;
}
