/**
 * Errors that stop the extractor. Every one of them means the op log it rebuilt cannot be trusted,
 * so the extractor must not skip anything: it throws, `runExtractor` rejects, the process exits
 * non-zero and an operator has to look.
 */
import type { Hex } from "viem";

/** Base class of the errors that halt the extractor (never retried, never skipped). */
export class ExtractorHaltError extends Error {
  override name = "ExtractorHaltError";
}

/** An `OpLogged` event carries a head that differs from the one recomputed with `nextOpLogHead`. */
export class OpHeadMismatchError extends ExtractorHaltError {
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
export class OpIndexGapError extends ExtractorHaltError {
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
export class MalformedOpError extends ExtractorHaltError {
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
export class StoredHeadMismatchError extends ExtractorHaltError {
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

/** A block the extractor already processed is no longer canonical (a reorg deeper than CONFIRMATIONS). */
export class ReorgError extends ExtractorHaltError {
  override name = "ReorgError";
  constructor(
    readonly blockNumber: bigint,
    readonly expectedHash: Hex,
    readonly actualHash: Hex,
  ) {
    super(
      `L2 block ${blockNumber} changed from ${expectedHash} to ${actualHash} after it was extracted: a reorg ` +
        "deeper than CONFIRMATIONS. Raise CONFIRMATIONS and rebuild the extractor state from a clean DATA_DIR",
    );
  }
}

/** The stored extractor state is inconsistent with itself (a corrupted or foreign database). */
export class StoreCorruptError extends ExtractorHaltError {
  override name = "StoreCorruptError";
}

export const isHaltError = (error: unknown): error is ExtractorHaltError => error instanceof ExtractorHaltError;
