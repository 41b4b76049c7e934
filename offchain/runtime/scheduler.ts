/**
 * One helper for periodic work: runs `tick` every `intervalMs` until the signal aborts.
 * A tick that throws is logged and the loop goes on; ticks never overlap.
 */
import type { Logger } from "./log.js";
import { sleep } from "./retry.js";

export async function runEvery(
  intervalMs: number,
  tick: () => Promise<void>,
  opts: { signal: AbortSignal; log: Logger; name: string },
): Promise<void> {
  while (!opts.signal.aborted) {
    try {
      await tick();
    } catch (error) {
      if (opts.signal.aborted) break;
      opts.log.error(`${opts.name} failed`, { error });
    }
    try {
      await sleep(intervalMs, opts.signal);
    } catch {
      break;
    }
  }
}
