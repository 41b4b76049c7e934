/**
 * Graceful shutdown: SIGINT/SIGTERM abort one AbortController that every loop watches.
 */
import type { Logger } from "./log.js";

/** An AbortSignal that fires on SIGINT or SIGTERM (a second signal exits at once). */
export function shutdownSignal(log?: Logger): AbortSignal {
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log?.warn("second signal: exiting now", { signal: sig });
      process.exit(130);
    }
    log?.info("shutting down", { signal: sig });
    controller.abort(new Error(`received ${sig}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return controller.signal;
}
