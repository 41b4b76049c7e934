/**
 * The embedded SQLite store (better-sqlite3 12). WAL mode, foreign keys on, and per-module
 * migrations recorded in `schema_migrations`, each applied in one transaction.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type Db = Database.Database;

/** Opens (creating when absent) the database at `path` (":memory:" for tests). */
export function openDatabase(path: string): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (module, version))`);
  return db;
}

/**
 * Applies the migrations of `module` not yet applied: `steps[i]` is version i + 1.
 * Steps are append-only: never edit a released one, add a new one.
 */
export function migrate(db: Db, module: string, steps: readonly string[]): void {
  const applied = db.prepare("SELECT version FROM schema_migrations WHERE module = ?").pluck().all(module) as number[];
  const done = new Set(applied);
  steps.forEach((sql, i) => {
    const version = i + 1;
    if (done.has(version)) return;
    db.transaction(() => {
      db.exec(sql);
      db.prepare("INSERT INTO schema_migrations (module, version) VALUES (?, ?)").run(module, version);
    })();
  });
}

/** A small key/value table for checkpoints (`module:key` -> JSON text). */
export class Checkpoints {
  constructor(private readonly db: Db) {
    migrate(db, "checkpoints", ["CREATE TABLE checkpoints (key TEXT PRIMARY KEY, value TEXT NOT NULL)"]);
  }

  get<T>(key: string): T | undefined {
    const row = this.db.prepare("SELECT value FROM checkpoints WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  /** Writes the checkpoint; call inside the same transaction as the work it records. */
  set(key: string, value: unknown): void {
    this.db
      .prepare(
        "INSERT INTO checkpoints (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run(
        key,
        JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
      );
  }
}
