/**
 * Op builders for tests: L2 ops (docs/protocol.md section 6) from numeric addresses.
 */
import { bigIntToAddress } from "../lib/field.js";
import { type Op, ZERO_ADDRESS } from "../lib/protocol.js";

/** A relayed deposit credit to `to`. */
export const credit = (to: bigint, tokenId: number, amount: bigint): Op => ({
  kind: 1,
  tokenId,
  from: ZERO_ADDRESS,
  to: bigIntToAddress(to),
  amount,
});

/** An L2 transfer from `from` to `to`. */
export const transfer = (from: bigint, to: bigint, tokenId: number, amount: bigint): Op => ({
  kind: 2,
  tokenId,
  from: bigIntToAddress(from),
  to: bigIntToAddress(to),
  amount,
});

/** A withdrawal of `from`'s L2 balance to the L1 address `to`. */
export const withdraw = (from: bigint, to: bigint, tokenId: number, amount: bigint): Op => ({
  kind: 3,
  tokenId,
  from: bigIntToAddress(from),
  to: bigIntToAddress(to),
  amount,
});

/** A relayed forced withdrawal of `owner`'s balance of `tokenId` (from = to = owner; amount may be 0). */
export const forcedWithdraw = (owner: bigint, tokenId: number, amount: bigint): Op => ({
  kind: 4,
  tokenId,
  from: bigIntToAddress(owner),
  to: bigIntToAddress(owner),
  amount,
});
