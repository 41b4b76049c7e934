/**
 * BN254 scalar field and range checks (docs/protocol.md section 2).
 */
import { BridgeError } from "./errors.js";

/** BN254 scalar field order r. */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export const MAX_UINT32 = (1n << 32n) - 1n;
export const MAX_UINT64 = (1n << 64n) - 1n;
export const MAX_UINT128 = (1n << 128n) - 1n;
export const MAX_UINT160 = (1n << 160n) - 1n;

/** Error thrown when a value is outside the range the protocol allows. */
export class RangeCheckError extends BridgeError {
  constructor(
    readonly what: string,
    readonly value: bigint,
    readonly limit: string,
  ) {
    super(`${what} = ${value} is out of range: it must be ${limit}`);
    this.name = "RangeCheckError";
  }
}

/** True when `x` is a canonical field element (0 <= x < r). */
export function isFieldElement(x: bigint): boolean {
  return x >= 0n && x < FIELD_MODULUS;
}

/** Throws unless `x` is a canonical field element. */
export function assertField(what: string, x: bigint): bigint {
  if (!isFieldElement(x)) throw new RangeCheckError(what, x, "0 <= x < r (BN254 scalar field)");
  return x;
}

/** Throws unless 0 <= x <= 2^bits - 1. */
export function assertBits(what: string, x: bigint, bits: number): bigint {
  if (x < 0n || x >= 1n << BigInt(bits)) throw new RangeCheckError(what, x, `0 <= x < 2^${bits}`);
  return x;
}

export const assertUint32 = (what: string, x: bigint): bigint => assertBits(what, x, 32);
export const assertUint64 = (what: string, x: bigint): bigint => assertBits(what, x, 64);
export const assertUint128 = (what: string, x: bigint): bigint => assertBits(what, x, 128);

/** An EVM address (0x-prefixed hex, any case) as a 160-bit number. */
export function addressToBigInt(address: string): bigint {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new Error(`"${address}" is not an address: expected 0x followed by 40 hex digits`);
  }
  return BigInt(address);
}

/** A 160-bit number as a lower-case 0x address. */
export function bigIntToAddress(x: bigint): `0x${string}` {
  assertBits("address", x, 160);
  return `0x${x.toString(16).padStart(40, "0")}`;
}
