/** The errors of the node database's owner module that callers catch by class. */

/** Base class of the errors that halt the extractor (never retried, never skipped). */
export class ExtractorHaltError extends Error {
  override name = "ExtractorHaltError";
}

/** The stored extractor state is inconsistent with itself (a corrupted or foreign database). */
export class StoreCorruptError extends ExtractorHaltError {
  override name = "StoreCorruptError";
}
