/** The errors of the node database's owner module that callers catch by class. */
import { BridgeError } from "../../lib/errors.js";

/** Base class of the errors that halt the extractor (never retried, never skipped). */
export class ExtractorHaltError extends BridgeError {
  override name = "ExtractorHaltError";
}

/** The stored extractor state is inconsistent with itself (a corrupted or foreign database). */
export class StoreCorruptError extends ExtractorHaltError {
  override name = "StoreCorruptError";
}
