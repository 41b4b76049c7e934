/**
 * The op-log verifier (pure): rebuilds the L2 op log from `OpLogged` events and checks it against
 * docs/protocol.md section 6. Indices must continue the cursor without a gap, each event's head must
 * equal the head recomputed with `nextOpLogHead`, and the contract's stored `opCount()`/`opHead()`
 * must equal the rebuilt log. Any mismatch throws an OpLogError. Used by the extractor and the attester.
 */

import type { Hex } from "viem";
import { BridgeError } from "./errors.js";
import { nextOpLogHead, type Op, ZERO_HEAD } from "./protocol.js";

/** Base class of the op-log mismatches: the log rebuilt from events cannot be trusted (never retried). */
export class OpLogError extends BridgeError {
  override name = "OpLogError";
}

/** An `OpLogged` event carries a head that differs from the one recomputed with `nextOpLogHead`. */
export class OpHeadMismatchError extends OpLogError {
  override name = "OpHeadMismatchError";
  constructor(
    readonly opIndex: number,
    readonly expected: Hex,
    readonly actual: Hex,
    readonly blockNumber: bigint,
  ) {
    super(
      `op-log head mismatch at op ${opIndex} (block ${blockNumber}): recomputed head ${expected}, ` +
        `OpLogged event says ${actual}. The events do not form the chain of docs/protocol.md section 6; ` +
        "check the L2 RPC and the AssetReceiving address in the deployment file",
    );
  }
}

/** The op indices of `OpLogged` events are not contiguous from the checkpoint. */
export class OpIndexGapError extends OpLogError {
  override name = "OpIndexGapError";
  constructor(
    readonly expectedIndex: number,
    readonly actualIndex: number,
    readonly blockNumber: bigint,
  ) {
    super(
      `op-log index gap: expected op ${expectedIndex}, got op ${actualIndex} (block ${blockNumber}). ` +
        "Events are missing or duplicated; check the L2 RPC (getLogs) and the deployment's deployBlock",
    );
  }
}

/** An `OpLogged` event holds an op the protocol does not allow (kind, range or zero amount). */
export class MalformedOpError extends OpLogError {
  override name = "MalformedOpError";
  constructor(
    readonly opIndex: number,
    readonly blockNumber: bigint,
    cause: unknown,
  ) {
    super(
      `op ${opIndex} (block ${blockNumber}) is not a valid op: ${cause instanceof Error ? cause.message : String(cause)}. ` +
        "AssetReceiving must never log it; check the contract address in the deployment file",
      { cause },
    );
  }
}

/** The contract's stored `opCount()` / `opHead()` differ from the op log rebuilt from events. */
export class StoredHeadMismatchError extends OpLogError {
  override name = "StoredHeadMismatchError";
  constructor(
    readonly blockNumber: bigint,
    readonly expectedCount: number,
    readonly actualCount: number,
    readonly expectedHead: Hex,
    readonly actualHead: Hex,
  ) {
    super(
      `stored op-log head mismatch at block ${blockNumber}: the events give ${expectedCount} ops with head ` +
        `${expectedHead} (op ${expectedCount - 1}), AssetReceiving stores opCount ${actualCount} and opHead ` +
        `${actualHead}. Events are missing or the contract address is wrong; check the L2 RPC and deployment`,
    );
  }
}

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
