/**
 * The op-log verifier (pure): rebuilds the L2 op log from `OpLogged` events and checks it against
 * docs/protocol.md section 6. Indices must continue the cursor without a gap, each event's head must
 * equal the head recomputed with `nextOpLogHead`, and the contract's stored `opCount()`/`opHead()`
 * must equal the rebuilt log. Any mismatch throws an ExtractorHaltError.
 */
import type { Hex } from "viem";
import { nextOpLogHead, type Op, ZERO_HEAD } from "../lib/protocol.js";
import { MalformedOpError, OpHeadMismatchError, OpIndexGapError, StoredHeadMismatchError } from "./errors.js";

/** Where the rebuilt op log stands: the next op index and the head after the last op. */
export interface OpLogCursor {
  /** Index the next op must carry (= number of ops seen so far). */
  nextIndex: number;
  /** Head after the last op (h_0 = 0). */
  head: Hex;
}

export const GENESIS_CURSOR: OpLogCursor = { nextIndex: 0, head: ZERO_HEAD };

/** One decoded `OpLogged` event, with where it came from. */
export interface OpLogEvent {
  opIndex: number;
  op: Op;
  /** The head the contract emitted. */
  head: Hex;
  blockNumber: bigint;
  transactionHash: Hex;
  logIndex: number;
}

/** An op accepted into the log. */
export interface VerifiedOp extends OpLogEvent {}

const sameHex = (a: Hex, b: Hex) => a.toLowerCase() === b.toLowerCase();

/**
 * Verifies `events` (in log order) against `cursor`. Returns the verified ops and the new cursor;
 * throws OpIndexGapError or OpHeadMismatchError on the first bad event.
 */
export function verifyOpLog(
  cursor: OpLogCursor,
  events: readonly OpLogEvent[],
): { cursor: OpLogCursor; ops: VerifiedOp[] } {
  let { nextIndex, head } = cursor;
  const ops: VerifiedOp[] = [];
  for (const event of events) {
    if (event.opIndex !== nextIndex) throw new OpIndexGapError(nextIndex, event.opIndex, event.blockNumber);
    let expected: Hex;
    try {
      expected = nextOpLogHead(head, event.op);
    } catch (error) {
      throw new MalformedOpError(event.opIndex, event.blockNumber, error);
    }
    if (!sameHex(expected, event.head))
      throw new OpHeadMismatchError(event.opIndex, expected, event.head, event.blockNumber);
    ops.push(event);
    head = expected;
    nextIndex += 1;
  }
  return { cursor: { nextIndex, head }, ops };
}

/** The contract's stored op-log state at one block. */
export interface StoredOpLog {
  blockNumber: bigint;
  opCount: number;
  opHead: Hex;
}

/** Throws StoredHeadMismatchError unless the rebuilt log equals what the contract stores. */
export function checkStoredHead(cursor: OpLogCursor, stored: StoredOpLog): void {
  if (cursor.nextIndex !== stored.opCount || !sameHex(cursor.head, stored.opHead)) {
    throw new StoredHeadMismatchError(stored.blockNumber, cursor.nextIndex, stored.opCount, cursor.head, stored.opHead);
  }
}
