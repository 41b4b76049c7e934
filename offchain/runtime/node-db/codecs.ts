/**
 * Codecs between the node database's column types and the TypeScript values: amounts, roots and
 * op chains are bigints stored as decimal TEXT (SQLite integers are 64-bit); ids and counts are
 * INTEGER columns read as safe JS numbers; addresses are lower- or checksummed-case TEXT read as
 * viem `Address`.
 */
import type { Address, Hex } from "viem";

/** A bigint as its decimal TEXT column. */
export const bigintToText = (value: bigint): string => value.toString();

/** A decimal (or 0x) TEXT column back to a bigint. */
export const bigintFromText = (text: string): bigint => BigInt(text);

/** A bigint id or count as an INTEGER column; throws above Number.MAX_SAFE_INTEGER. */
export function idToInteger(value: bigint | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${value} does not fit an INTEGER id column`);
  return n;
}

/** An address TEXT column. */
export const addressFromText = (text: string): Address => text as Address;

/** A hex TEXT column (hashes, heads). */
export const hexFromText = (text: string): Hex => text as Hex;
