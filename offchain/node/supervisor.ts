/**
 * The local node: monitor, extractor and sender as in-process loops sharing one SQLite handle, and
 * the prover pool's worker processes, under one shutdown signal. Every service keeps its own
 * checkpoints, so the node can be killed at any instant and started again.
 *
 * Each service module exports `run<Name>(deps: { config, db, log, signal, ... }): Promise<void>`
 * that returns when `signal` aborts (the prover pool is started and stopped here). A service that
 * fails stops the others: the node exits non-zero rather than run half of the bridge.
 */

import { appendFileSync, mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { type ExplorerConfig, loadExplorerConfig } from "../explorer/config.js";
import { startExplorer } from "../explorer/explorer.js";
import { type ExtractorConfig, loadExtractorConfig } from "../extractor/config.js";
import { runExtractor } from "../extractor/extractor.js";
import { loadMonitorConfig, type MonitorConfig } from "../monitor/config.js";
import { runMonitor } from "../monitor/monitor.js";
import { describeProofQueue, openProofQueue } from "../prover/bullmq-queue.js";
import { loadProverConfig, loadQueueConfig, type ProverConfig, type QueueConfig } from "../prover/config.js";
import { ProverPool } from "../prover/pool.js";
import { type CircuitArtifacts, circuitArtifacts } from "../prover/prove.js";
import { checkProofStalls } from "../prover/stalls.js";
import type { AttestationSource } from "../runtime/attestation-source.js";
import { ConfigError } from "../runtime/config.js";
import { envSource } from "../runtime/env.js";
import { createLogger, type Logger } from "../runtime/log.js";
import { Metrics, serveMetrics } from "../runtime/metrics.js";
import { Alarms, healthOf, loadAlarmConfig } from "../runtime/node-db/alarms.js";
import { DEFAULT_DATA_DIR, dbPathOf } from "../runtime/node-db/index.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { runEvery } from "../runtime/scheduler.js";
import { loadSenderConfig, type SenderConfig } from "../sender/config.js";
import { runSender } from "../sender/sender.js";

export const SERVICES = ["monitor", "extractor", "prover", "sender"] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface NodeConfig {
  services: ServiceName[];
  monitor?: MonitorConfig;
  extractor?: ExtractorConfig;
  prover?: ProverConfig & { circuit: CircuitArtifacts };
  sender?: SenderConfig;
  /** The explorer page and JSON API (only when EXPLORER_PORT is set). */
  explorer?: ExplorerConfig;
  dataDir: string;
  dbPath: string;
  logPath: string;
  metricsPort?: number;
  /** The proof queue: the SQLite file (default) or BullMQ on Redis (REDIS_URL: a prover cluster). */
  queue: QueueConfig;
  /** How often the node-wide watches run (the proof stall watch): POLL_INTERVAL_MS. */
  pollIntervalMs: number;
  /** ALARM_LOG_INTERVAL_MS: an active alarm is logged again this often. */
  alarmRepeatMs: number;
}

/**
 * Parses the configuration of every selected service (NODE_SERVICES, default all) from one
 * environment; throws one ConfigError listing every problem of every service.
 */
export function loadNodeConfig(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const e = envSource(env);
  const problems: string[] = [];
  const wanted = (e.NODE_SERVICES ?? SERVICES.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = wanted.filter((s) => !(SERVICES as readonly string[]).includes(s));
  if (unknown.length)
    problems.push(`NODE_SERVICES (environment): unknown service ${unknown.join(", ")}; use ${SERVICES.join(",")}`);
  const services = SERVICES.filter((s) => wanted.includes(s));
  if (services.length === 0 && unknown.length === 0) problems.push("NODE_SERVICES (environment): names no service");
  const attempt = <T>(service: ServiceName, load: () => T): T | undefined => {
    if (!services.includes(service)) return undefined;
    try {
      return load();
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems.map((p) => `[${service}] ${p}`));
      else problems.push(`[${service}] ${(error as Error).message}`);
      return undefined;
    }
  };
  const monitor = attempt("monitor", () => loadMonitorConfig(e));
  const extractor = attempt("extractor", () => loadExtractorConfig(e));
  const prover = attempt("prover", () => {
    const p = loadProverConfig(e);
    return { ...p, circuit: circuitArtifacts(p.circuitDir) };
  });
  const sender = attempt("sender", () => loadSenderConfig(e));
  let explorer: ExplorerConfig | undefined;
  if (e.EXPLORER_PORT !== undefined) {
    try {
      explorer = loadExplorerConfig(e);
    } catch (error) {
      if (error instanceof ConfigError) problems.push(...error.problems.map((p) => `[explorer] ${p}`));
      else problems.push(`[explorer] ${(error as Error).message}`);
    }
  }
  let queue: QueueConfig = { queueName: "proof-jobs" };
  try {
    queue = loadQueueConfig(e);
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else throw error;
  }
  let alarmRepeatMs = 60_000;
  try {
    alarmRepeatMs = loadAlarmConfig(e).repeatMs;
  } catch (error) {
    if (error instanceof ConfigError) problems.push(...error.problems);
    else throw error;
  }
  const dataDir = e.DATA_DIR ?? DEFAULT_DATA_DIR;
  const dbPath = dbPathOf(dataDir);
  for (const [name, c] of Object.entries({ monitor, extractor, prover, sender, explorer })) {
    if (c && c.dbPath !== dbPath)
      problems.push(`[${name}] uses ${c.dbPath}, the node uses ${dbPath}: set one DATA_DIR`);
  }
  const port = e.METRICS_PORT === undefined ? undefined : Number(e.METRICS_PORT);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    problems.push(`METRICS_PORT (environment): must be a TCP port (got ${JSON.stringify(e.METRICS_PORT)})`);
  }
  if (problems.length) throw new ConfigError(problems);
  return {
    services,
    monitor,
    extractor,
    prover,
    sender,
    explorer,
    dataDir,
    dbPath,
    logPath: join(dataDir, "node.log"),
    metricsPort: port,
    queue,
    pollIntervalMs: (monitor ?? sender ?? prover ?? extractor)?.pollIntervalMs ?? 1000,
    alarmRepeatMs,
  };
}

/** Loggers that write JSON lines to stderr and to `${DATA_DIR}/node.log`. */
function loggerFactory(logPath: string, echo: boolean): (service: string) => Logger {
  return (service) =>
    createLogger(service, {
      write: (line) => {
        if (echo) process.stderr.write(`${line}\n`);
        appendFileSync(logPath, `${line}\n`);
      },
    });
}

/** What every service of the node is started with. */
interface Shared {
  db: ReturnType<typeof openDatabase>;
  logger: (service: string) => Logger;
  signal: AbortSignal;
  queue: ReturnType<typeof openProofQueue>["queue"];
  metrics: Metrics;
  alarms: Alarms;
  attestations: AttestationSource | undefined;
  redisUrl: string | undefined;
}

type ServiceConfigs = { [K in ServiceName]: NonNullable<NodeConfig[K]> };

/** How each service is started: one function a service, each resolving when `signal` aborts. */
const STARTERS: { [K in ServiceName]: (cfg: ServiceConfigs[K], s: Shared) => Promise<void> } = {
  monitor: (cfg, s) =>
    runMonitor({
      config: cfg,
      db: s.db,
      log: s.logger("monitor"),
      signal: s.signal,
      metrics: s.metrics,
      alarms: s.alarms,
      attestations: s.attestations,
    }),
  extractor: (cfg, s) =>
    runExtractor({
      config: cfg,
      db: s.db,
      log: s.logger("extractor"),
      signal: s.signal,
      queue: s.queue,
      metrics: s.metrics,
    }),
  prover: runProverPool,
  sender: (cfg, s) =>
    runSender({
      config: cfg,
      db: s.db,
      log: s.logger("sender"),
      signal: s.signal,
      queue: s.queue,
      metrics: s.metrics,
      attestations: s.attestations,
    }),
};

/** The prover pool's workers, from start until `signal` aborts, then stopped. */
async function runProverPool(cfg: ServiceConfigs["prover"], s: Shared): Promise<void> {
  const pool = new ProverPool({
    queue: s.queue,
    circuit: cfg.circuit,
    workers: cfg.workers,
    leaseMs: cfg.leaseMs,
    pollMs: cfg.pollIntervalMs,
    log: s.logger("prover"),
    idPrefix: s.redisUrl ? `${hostname()}:${process.pid}` : undefined,
  });
  pool.start();
  try {
    await new Promise<void>((resolve) => {
      if (s.signal.aborted) resolve();
      else s.signal.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    await pool.stop();
  }
}

export interface RunNodeOptions {
  signal: AbortSignal;
  /** Also write log lines to stderr (default true). */
  echo?: boolean;
  /** Called once everything is started, with the metrics URL if any (tests). */
  onReady?: (info: { metricsUrl?: string; explorerUrl?: string }) => void;
  /** Where the monitor and the sender get attestations (tests); default: the configured attester URLs. */
  attestations?: AttestationSource;
}

/** Runs the node until `signal` aborts or a service fails; resolves to the exit status (0 or 1). */
export async function runNode(config: NodeConfig, opts: RunNodeOptions): Promise<number> {
  mkdirSync(config.dataDir, { recursive: true });
  const logger = loggerFactory(config.logPath, opts.echo ?? true);
  const log = logger("node");
  const controller = new AbortController();
  const stopAll = (reason: unknown) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  if (opts.signal.aborted) stopAll(opts.signal.reason);
  else opts.signal.addEventListener("abort", () => stopAll(opts.signal.reason), { once: true });
  const signal = controller.signal;

  // One node per DATA_DIR: each writing service holds its lock for the node's life (runtime/node-db/open.ts).
  const db = openDatabase(config.dbPath, { owners: config.services.filter((s) => s !== "prover") });
  const metrics = new Metrics();
  const alarms = new Alarms({ db, metrics, log: logger("alarms"), repeatMs: config.alarmRepeatMs });
  const { queue, close: closeQueue } = openProofQueue(config.queue, db, {
    leaseMs: config.prover?.leaseMs,
    log: logger("queue"),
  });
  let metricsUrl: string | undefined;
  if (config.metricsPort !== undefined) {
    const served = await serveMetrics(metrics, config.metricsPort, { signal, log, health: () => healthOf(alarms) });
    metricsUrl = `http://127.0.0.1:${served.port}/metrics`;
  }
  let explorerUrl: string | undefined;
  let explorerClosed: Promise<void> = Promise.resolve();
  if (config.explorer) {
    const served = await startExplorer({ config: config.explorer, db, log: logger("explorer"), signal, queue });
    explorerUrl = served.url;
    explorerClosed = served.closed;
  }
  log.info("node starting", {
    services: config.services,
    db: config.dbPath,
    log: config.logPath,
    metrics: metricsUrl ?? "off (set METRICS_PORT)",
    explorer: explorerUrl ?? "off (set EXPLORER_PORT)",
    proverWorkers: config.prover?.workers,
    proofQueue: describeProofQueue(config.queue),
  });
  // Plain lines for the person who started it (the JSON log says the same).
  if (opts.echo ?? true) {
    process.stderr.write(
      `node: services ${config.services.join(", ")}\n  database ${config.dbPath}\n  log      ${config.logPath} (and stderr; prover workers log to stderr only)\n` +
        `  metrics  ${metricsUrl ?? "off (set METRICS_PORT)"}\n  explorer ${explorerUrl ?? "off (set EXPLORER_PORT)"}\n  stop     Ctrl-C or SIGTERM (safe at any time)\n`,
    );
  }

  let failed = false;
  const supervise = async (name: ServiceName, run: () => Promise<void>) => {
    try {
      await run();
      if (!signal.aborted) throw new Error(`${name} returned before shutdown`);
    } catch (error) {
      if (signal.aborted && !failed) {
        log.info(`${name} stopped`);
        return;
      }
      failed = true;
      log.error(`${name} failed: stopping the node`, { error });
      stopAll(error);
    }
  };

  const runs: Promise<void>[] = [];
  const c = config;
  // Proof jobs are retried for ever: the watch makes a job that keeps failing an alarm.
  const stallLog = logger("prover");
  if (c.extractor || c.prover || c.sender)
    runs.push(
      runEvery(
        c.pollIntervalMs,
        async () => {
          await checkProofStalls({
            queue,
            alarms,
            log: stallLog,
            metrics,
            stallAfterAttempts: c.queue.stallAfterAttempts,
          });
        },
        { signal, log: stallLog, name: "proof stall watch" },
      ),
    );
  const shared: Shared = {
    db,
    logger,
    signal,
    queue,
    metrics,
    alarms,
    attestations: opts.attestations,
    redisUrl: c.queue.redisUrl,
  };
  const start = <K extends ServiceName>(name: K) => {
    const cfg = c[name] as ServiceConfigs[K] | undefined;
    if (cfg !== undefined) runs.push(supervise(name, () => STARTERS[name](cfg, shared)));
  };
  for (const name of SERVICES) start(name);
  opts.onReady?.({ metricsUrl, explorerUrl });
  await Promise.all(runs);
  await explorerClosed;
  await closeQueue();
  db.close();
  log.info("node stopped", { failed });
  return failed ? 1 : 0;
}
