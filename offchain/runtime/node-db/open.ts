/**
 * The embedded SQLite store (better-sqlite3 12). WAL mode, foreign keys on, and per-module
 * migrations recorded in `schema_migrations`, each applied in one transaction.
 *
 * The module owns the file's safety:
 * - Integrity: every open of a file runs `PRAGMA quick_check` and refuses a damaged file with a
 *   DatabaseDamagedError naming the file and what to do (restore a backup, or delete it: the node
 *   resyncs from the chains).
 * - One writer per service: `openDatabase(path, { owners: ["monitor", ...] })` takes, for each
 *   name, an exclusive OS-level lock on `<path>-<name>.lock` (a small SQLite file held with
 *   `locking_mode = EXCLUSIVE`, i.e. a POSIX fcntl lock the kernel drops when the process exits,
 *   however it exits: kill -9 included; there is no stale lock to clean up). A second process
 *   asking for the same name gets a DatabaseLockedError naming the holder (pid, host and start
 *   time from `<lock>.pid`, informational only). Readers (explorer, CLI, provers) take no lock.
 */

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { BridgeError } from "../../lib/errors.js";

export type Db = Database.Database;

/** The DATA_DIR of a node when the environment names none. */
export const DEFAULT_DATA_DIR = "build/node";

/** `${DATA_DIR}/bridge.sqlite`: the one database file of a node. */
export const dbPathOf = (dataDir: string): string => join(dataDir, "bridge.sqlite");

/** True when the table exists (readers of another service's tables check before the first write made it). */
export const tableExists = (db: Db, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

export interface OpenDatabaseOptions {
  /**
   * The services that will write through this handle; each takes its exclusive lock for the
   * life of the process (released by db.close() or by the process's exit).
   */
  owners?: readonly string[];
}

/** The database file is damaged (or is not a database); the message says what to do. */
export class DatabaseDamagedError extends BridgeError {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(
      `the node database ${path} is damaged (${detail}). Stop every service using it, then either ` +
        `restore it from a backup, or delete ${path} (with ${path}-wal and ${path}-shm) to start over: the node ` +
        "resyncs from the chains (docs/operations.md, The database)",
    );
    this.name = "DatabaseDamagedError";
  }
}

/** Another live process holds the lock of a service on this database. */
export class DatabaseLockedError extends BridgeError {
  constructor(
    readonly path: string,
    readonly owner: string,
    readonly lockPath: string,
    holder: string,
  ) {
    super(
      `the ${owner} of ${path} is already running (${holder}; lock ${lockPath}): two nodes on one DATA_DIR would ` +
        "clash. Stop the other process first, or give this one its own DATA_DIR",
    );
    this.name = "DatabaseLockedError";
  }
}

const lockPathOf = (path: string, owner: string) => `${path}-${owner}.lock`;

function describeHolder(lockPath: string): string {
  try {
    const h = JSON.parse(readFileSync(`${lockPath}.pid`, "utf8")) as { pid: number; host: string; since: string };
    return `pid ${h.pid} on ${h.host}, since ${h.since}`;
  } catch {
    return "holder unknown";
  }
}

/** Takes the exclusive lock of `owner` on `path`, or throws DatabaseLockedError. */
function acquireLock(path: string, owner: string): Database.Database {
  if (!/^[a-z][a-z0-9-]*$/.test(owner)) throw new Error(`bad lock owner name ${JSON.stringify(owner)}`);
  const lockPath = lockPathOf(path, owner);
  const lock = new Database(lockPath, { timeout: 0 });
  try {
    lock.pragma("locking_mode = EXCLUSIVE");
    // The first write takes the EXCLUSIVE file lock; EXCLUSIVE mode keeps it until close.
    lock.exec("CREATE TABLE IF NOT EXISTS lock_holder (pid INTEGER); DELETE FROM lock_holder;");
    lock.prepare("INSERT INTO lock_holder (pid) VALUES (?)").run(process.pid);
  } catch (error) {
    lock.close();
    const code = (error as { code?: string }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
      throw new DatabaseLockedError(path, owner, lockPath, describeHolder(lockPath));
    }
    throw error;
  }
  writeFileSync(
    `${lockPath}.pid`,
    `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`,
  );
  return lock;
}

/** Opens the file and checks it, or throws DatabaseDamagedError (any SQLite error on a damaged file). */
function openChecked(path: string): Db {
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    if (path === ":memory:") return db;
    const rows = db.pragma("quick_check(20)", { simple: false }) as { quick_check: string }[];
    const problems = rows.map((r) => r.quick_check).filter((s) => s !== "ok");
    if (problems.length) throw new DatabaseDamagedError(path, `quick_check: ${problems.slice(0, 3).join("; ")}`);
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof DatabaseDamagedError) throw error;
    const code = (error as { code?: string }).code ?? "";
    if (/^SQLITE_(CORRUPT|NOTADB|IOERR_SHORT_READ|IOERR)/.test(code)) {
      throw new DatabaseDamagedError(path, `${code}: ${(error as Error).message}`);
    }
    throw error;
  }
}

/**
 * Opens (creating when absent) the database at `path` (":memory:" for tests), after taking the
 * locks of `options.owners` and checking the file's integrity.
 */
export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const locks: Database.Database[] = [];
  let db: Db;
  try {
    if (path !== ":memory:") for (const owner of options.owners ?? []) locks.push(acquireLock(path, owner));
    db = openChecked(path);
  } catch (error) {
    for (const l of locks) l.close();
    throw error;
  }
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (module, version))`);
  if (locks.length) {
    const close = db.close.bind(db);
    db.close = () => {
      close();
      for (const l of locks.splice(0)) l.close();
      return db;
    };
  }
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

  /** A block-number checkpoint (stored as a decimal string; older files hold a JSON number). */
  block(key: string): bigint | undefined {
    const v = this.get<string | number>(key);
    return v === undefined ? undefined : BigInt(v);
  }

  /** Writes a block-number checkpoint as its decimal string. */
  setBlock(key: string, block: bigint): void {
    this.set(key, block.toString());
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
