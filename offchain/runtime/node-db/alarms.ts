/**
 * Alarms: conditions that stop the bridge until an operator acts (a proof that keeps failing, L1
 * and L2 parted ways). A service checks its condition every round and calls `raise` while it holds
 * and `clear` once it is gone. An active alarm is visible in four places at once:
 * - the metric `node_alarm{alarm="<name>"}` (1 while active, 0 after) and `node_alarms_active`;
 * - `/health` of the metrics server, which answers 503 with one line per alarm (`healthOf`);
 * - an `error` log line when raised and again every `repeatMs` while it holds (ALARM_LOG_INTERVAL_MS);
 * - the table `node_alarms` of the node database, which `bridge status` and the explorer read
 *   (`readAlarms`), so processes that do not run the service still show it.
 */
import { z } from "zod";
import { parseConfig, zInt } from "../config.js";
import { envSource } from "../env.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import { type Db, migrate, tableExists } from "./open.js";

export interface Alarm {
  /** Stable id (`proof-stalled`, `l1-diverged`). */
  name: string;
  service: string;
  /** What is wrong, with the numbers. */
  message: string;
  /** What the operator does (docs/operations.md has the long form). */
  action: string;
  details: Record<string, unknown>;
  /** First raised (ms since the epoch). */
  since: number;
  /** Last confirmed by its service. */
  updatedAt: number;
}

export const ALARM_METRICS: [name: string, type: "gauge", help: string][] = [
  ["node_alarm", "gauge", "1 while the named alarm is active (docs/operations.md, Alarms), 0 after it cleared"],
  ["node_alarms_active", "gauge", "Alarms active in this process"],
];

const MIGRATIONS = [
  `CREATE TABLE node_alarms (
     name       TEXT PRIMARY KEY,
     service    TEXT NOT NULL,
     message    TEXT NOT NULL,
     action     TEXT NOT NULL,
     details    TEXT NOT NULL,
     since      INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   )`,
];

const AlarmEnv = z.object({ ALARM_LOG_INTERVAL_MS: zInt(0).default(60_000) });

/** ALARM_LOG_INTERVAL_MS: how often an active alarm is logged again (default 60 s). */
export function loadAlarmConfig(env: NodeJS.ProcessEnv = process.env): { repeatMs: number } {
  return { repeatMs: parseConfig(AlarmEnv, envSource(env)).ALARM_LOG_INTERVAL_MS };
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

export interface AlarmsOptions {
  log: Logger;
  db?: Db;
  metrics?: Metrics;
  /** Log an active alarm again after this long (ms, default 60 000). */
  repeatMs?: number;
  now?: () => number;
}

export class Alarms {
  private readonly active = new Map<string, Alarm & { loggedAt: number }>();
  private readonly repeatMs: number;
  private readonly now: () => number;

  constructor(private readonly o: AlarmsOptions) {
    this.repeatMs = o.repeatMs ?? 60_000;
    this.now = o.now ?? Date.now;
    if (o.db) migrate(o.db, "alarms", MIGRATIONS);
    for (const [name, , help] of ALARM_METRICS) o.metrics?.gauge(name, help);
    o.metrics?.set("node_alarms_active", 0);
  }

  /** Raises (or confirms) an alarm; logs it at `error` when new and every `repeatMs` after. */
  raise(
    name: string,
    a: { service: string; message: string; action: string; details?: Record<string, unknown> },
  ): void {
    const now = this.now();
    const old = this.active.get(name);
    const alarm = { name, ...a, details: a.details ?? {}, since: old?.since ?? now, updatedAt: now };
    const due = !old || old.message !== a.message || now - old.loggedAt >= this.repeatMs;
    this.active.set(name, { ...alarm, loggedAt: due ? now : (old?.loggedAt ?? now) });
    if (due) {
      this.o.log.error(`ALARM ${name}: ${a.message}`, {
        alarm: name,
        action: a.action,
        activeForMs: now - alarm.since,
        ...alarm.details,
      });
    }
    this.o.db
      ?.prepare(
        `INSERT INTO node_alarms (name, service, message, action, details, since, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET service = excluded.service, message = excluded.message,
           action = excluded.action, details = excluded.details, updated_at = excluded.updated_at`,
      )
      .run(name, a.service, a.message, a.action, json(alarm.details), alarm.since, now);
    this.gauges(name, 1);
  }

  /** Clears an alarm (a no-op when it is not active in this process or the database). */
  clear(name: string): void {
    const was = this.active.get(name);
    this.active.delete(name);
    const { changes = 0 } = this.o.db?.prepare("DELETE FROM node_alarms WHERE name = ?").run(name) ?? {};
    if (was || changes > 0) {
      this.o.log.info(`alarm cleared: ${name}`, { alarm: name, activeForMs: was ? this.now() - was.since : undefined });
    }
    this.gauges(name, 0);
  }

  /** The alarms raised by this process and not cleared. */
  list(): Alarm[] {
    return [...this.active.values()].map(({ loggedAt: _, ...a }) => a);
  }

  private gauges(name: string, value: 0 | 1): void {
    if (!this.o.metrics) return;
    if (value === 1 || this.o.metrics.get("node_alarm", { alarm: name }) !== undefined) {
      this.o.metrics.set("node_alarm", value, { alarm: name });
    }
    this.o.metrics.set("node_alarms_active", this.active.size);
  }
}

/** The alarms recorded in the database (any process), oldest first; [] when none was ever raised. */
export function readAlarms(db: Db): Alarm[] {
  if (!tableExists(db, "node_alarms")) return [];
  const rows = db.prepare("SELECT * FROM node_alarms ORDER BY since, name").all() as {
    name: string;
    service: string;
    message: string;
    action: string;
    details: string;
    since: number;
    updated_at: number;
  }[];
  return rows.map((r) => ({
    name: r.name,
    service: r.service,
    message: r.message,
    action: r.action,
    details: JSON.parse(r.details) as Record<string, unknown>,
    since: r.since,
    updatedAt: r.updated_at,
  }));
}

/** The /health answer for `alarms`: healthy, or one line per alarm. */
export function healthOf(alarms: Pick<Alarms, "list">): { ok: boolean; lines: string[] } {
  const lines = alarms.list().map((a) => `ALARM ${a.name} (${a.service}): ${a.message} -- ${a.action}`);
  return { ok: lines.length === 0, lines };
}
