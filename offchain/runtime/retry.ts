/**
 * Retries with exponential backoff and jitter, for RPC calls and other transient failures.
 */
import type { Logger } from "./log.js";

export interface RetryOptions {
  /** Attempts in all, the first included (default 6). */
  attempts?: number;
  /** Delay before the second attempt, in ms (default 250); doubles each time. */
  baseDelayMs?: number;
  /** Upper bound of one delay, in ms (default 10 000). */
  maxDelayMs?: number;
  /** Returns false for errors that must not be retried (default: every error is retried). */
  retryable?: (error: unknown) => boolean;
  /** Stops waiting and rethrows when aborted. */
  signal?: AbortSignal;
  log?: Logger;
  /** What is being retried, for the log. */
  what?: string;
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error("aborted"));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Runs `fn` until it succeeds, a non-retryable error occurs, or the attempts run out (then the last error is thrown). */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 10_000;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      lastError = error;
      if (options.signal?.aborted) throw error;
      if (options.retryable && !options.retryable(error)) throw error;
      if (attempt === attempts) break;
      const delay = Math.min(max, base * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
      options.log?.warn("retrying after error", {
        what: options.what,
        attempt,
        attempts,
        delayMs: Math.round(delay),
        error: error instanceof Error ? error.message : String(error),
      });
      await sleep(delay, options.signal);
    }
  }
  throw lastError;
}
