/**
 * Graceful shutdown: SIGINT/SIGTERM abort one AbortController that every loop watches; and the
 * exit status of a service entry script.
 */
import { ConfigError } from "./config.js";
import type { Logger } from "./log.js";
import { DatabaseDamagedError, DatabaseLockedError } from "./node-db/open.js";

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

/**
 * Runs a service's entry `main` and exits: with the status it returns (0 after a signal), 2 for
 * a ConfigError (its problems logged, so the operator sees what to fix) or a database that is
 * locked by another process or damaged (the message says what to do), 1 for any other error.
 */
export function runEntry(name: string, log: Logger, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ConfigError) {
        log.error(error.message, { problems: error.problems });
        process.exit(2);
      }
      if (error instanceof DatabaseLockedError || error instanceof DatabaseDamagedError) {
        log.error(error.message, { db: error.path });
        process.exit(2);
      }
      log.error(`${name} failed`, { error });
      process.exit(1);
    },
  );
}
