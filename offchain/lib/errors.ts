/**
 * The base of every off-chain error, modelled on viem's BaseError: a short message (the `message`,
 * unchanged), an optional cause, optional details, and `walk()` down the cause chain. Catch sites
 * test `instanceof BridgeError` to tell the bridge's own errors from a library's or the runtime's.
 */
export interface BridgeErrorOptions {
  cause?: unknown;
  /** More about what happened, for logs; not part of `message`. */
  details?: string;
}

export class BridgeError extends Error {
  override name = "BridgeError";
  /** The one-line message (the same as `message`). */
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, options: BridgeErrorOptions = {}) {
    super(shortMessage, "cause" in options ? { cause: options.cause } : undefined);
    this.shortMessage = shortMessage;
    this.details = options.details;
  }

  /**
   * The first error of the cause chain (this one first) for which `fn` holds, or without `fn` the
   * deepest one; null when `fn` holds for none.
   */
  walk(fn?: (error: unknown) => boolean): unknown {
    let e: unknown = this;
    for (let depth = 0; depth < 32; depth++) {
      if (fn?.(e)) return e;
      const next = (e as { cause?: unknown } | null)?.cause;
      if (next === undefined || next === null) return fn ? null : e;
      e = next;
    }
    return fn ? null : e;
  }
}
