/**
 * Errors that stop the extractor. Every one of them means the op log it rebuilt cannot be trusted,
 * so the extractor must not skip anything: it throws, `runExtractor` rejects, the process exits
 * non-zero and an operator has to look.
 */
import type { Hex } from "viem";
import { OpLogError } from "../lib/oplog.js";

export {
  MalformedOpError,
  OpHeadMismatchError,
  OpIndexGapError,
  OpLogError,
  StoredHeadMismatchError,
} from "../lib/oplog.js";

import { ExtractorHaltError } from "../runtime/node-db/errors.js";

export { ExtractorHaltError, StoreCorruptError } from "../runtime/node-db/errors.js";

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

/** True for the errors that halt the extractor: its own and every op-log mismatch (lib/oplog.ts). */
export const isHaltError = (error: unknown): error is ExtractorHaltError | OpLogError =>
  error instanceof ExtractorHaltError || error instanceof OpLogError;
