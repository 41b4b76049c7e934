/**
 * Codecs between the node database's column types and the TypeScript values: amounts, roots and
 * op chains are bigints stored as decimal TEXT (SQLite integers are 64-bit); ids and counts are
 * INTEGER columns read as safe JS numbers; addresses are lower- or checksummed-case TEXT read as
 * viem `Address`.
 */
import type { Address, Hex } from "viem";
import type { Op } from "../../lib/protocol.js";

/** A bigint as its decimal TEXT column. */
export const bigintToText = (value: bigint): string => value.toString();

/** A decimal (or 0x) TEXT column back to a bigint. */
export const bigintFromText = (text: string): bigint => BigInt(text);

/** A nullable decimal TEXT column back to a bigint or null. */
export const bigintOrNullFromText = (text: string | null): bigint | null => (text === null ? null : BigInt(text));

/** An INTEGER column (block numbers, ids, timestamps) as a bigint. */
export const bigintFromInteger = (value: number): bigint => BigInt(value);

/** A bigint id or count as an INTEGER column; throws above Number.MAX_SAFE_INTEGER. */
export function idToInteger(value: bigint | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${value} does not fit an INTEGER id column`);
  return n;
}

/**
 * An address TEXT column, in the case it was written: the services write viem's checksummed form (what
 * viem decodes from logs and calls), so reads give it back unchanged and no read re-checksums. Compare
 * addresses with `lower()` in SQL or `toLowerCase()` in TypeScript, never by case.
 */
export const addressFromText = (text: string): Address => text as Address;

/** A hex TEXT column (hashes, heads). */
export const hexFromText = (text: string): Hex => text as Hex;

/** A nullable hex TEXT column. */
export const hexOrNullFromText = (text: string | null): Hex | null => text as Hex | null;

/** The op columns of an `extractor_ops` row. */
export interface OpColumns {
  kind: number;
  token_id: number;
  from_address: string;
  to_address: string;
  amount: string;
}

/** The op of an `extractor_ops` row: the one decoder of op rows (the extractor's resume and the divergence watch). */
export function opFromRow(row: OpColumns): Op {
  return {
    kind: row.kind as Op["kind"],
    tokenId: row.token_id,
    from: addressFromText(row.from_address),
    to: addressFromText(row.to_address),
    amount: bigintFromText(row.amount),
  };
}
