/**
 * Entry of the L1 monitor: `node --import tsx offchain/monitor/index.ts` (or `make monitor`).
 * Configuration from the environment (docs/operations.md); stops cleanly on SIGINT/SIGTERM.
 */

import { createLogger } from "../runtime/log.js";
import { Metrics, serveMetrics } from "../runtime/metrics.js";
import { Alarms, healthOf, loadAlarmConfig } from "../runtime/node-db/alarms.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { runEntry, shutdownSignal } from "../runtime/shutdown.js";
import { loadMonitorConfig } from "./config.js";
import { runMonitor } from "./monitor.js";

const log = createLogger("monitor");

async function main(): Promise<number> {
  const config = loadMonitorConfig();
  const signal = shutdownSignal(log);
  const db = openDatabase(config.dbPath, { owners: ["monitor"] });
  log.info("database", { path: config.dbPath });
  const metrics = new Metrics();
  const alarms = new Alarms({ db, metrics, log, repeatMs: loadAlarmConfig().repeatMs });
  if (config.metricsPort !== undefined)
    await serveMetrics(metrics, config.metricsPort, { signal, log, health: () => healthOf(alarms) });
  try {
    await runMonitor({ config, db, log, signal, metrics, alarms });
  } finally {
    db.close();
  }
  return 0;
}

runEntry("monitor", log, main);
