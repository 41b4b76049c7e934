import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, statSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Checkpoints, DatabaseDamagedError, DatabaseLockedError, migrate, openDatabase } from "./node-db/open.js";

const STEPS = [
  "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
  "ALTER TABLE items ADD COLUMN size INTEGER NOT NULL DEFAULT 0",
];

describe("openDatabase + migrate", () => {
  it("uses WAL on a file and creates missing folders", () => {
    const path = join(mkdtempSync(join(tmpdir(), "db-")), "a", "b", "bridge.sqlite");
    const db = openDatabase(path);
    assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    db.close();
  });

  it("applies each step once and survives a reopen", () => {
    const path = join(mkdtempSync(join(tmpdir(), "db-")), "bridge.sqlite");
    let db = openDatabase(path);
    migrate(db, "m", STEPS.slice(0, 1));
    db.prepare("INSERT INTO items (id, name) VALUES (1, 'a')").run();
    migrate(db, "m", STEPS.slice(0, 1)); // again: must not fail with "table exists"
    db.close();

    db = openDatabase(path);
    migrate(db, "m", STEPS); // only step 2 is new
    const rows = db.prepare("SELECT id, name, size FROM items").all();
    assert.deepEqual(rows, [{ id: 1, name: "a", size: 0 }]);
    const versions = db
      .prepare("SELECT version FROM schema_migrations WHERE module = 'm' ORDER BY version")
      .pluck()
      .all();
    assert.deepEqual(versions, [1, 2]);
    migrate(db, "m", STEPS);
    db.close();
  });

  it("keeps modules apart", () => {
    const db = openDatabase(":memory:");
    migrate(db, "one", ["CREATE TABLE one_t (x)"]);
    migrate(db, "two", ["CREATE TABLE two_t (x)"]);
    const rows = db.prepare("SELECT module, version FROM schema_migrations ORDER BY module").all();
    assert.deepEqual(rows, [
      { module: "one", version: 1 },
      { module: "two", version: 1 },
    ]);
  });

  it("rolls back a failing step and does not record it", () => {
    const db = openDatabase(":memory:");
    assert.throws(() => migrate(db, "bad", ["CREATE TABLE ok_t (x); CREATE TABLE ok_t (x)"]));
    assert.equal(db.prepare("SELECT count(*) FROM schema_migrations WHERE module = 'bad'").pluck().get(), 0);
    assert.equal(
      db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'ok_t'").pluck().get(),
      0,
      "the half-applied step was rolled back",
    );
  });
});

describe("Checkpoints", () => {
  it("round-trips JSON values, bigints as decimal strings, and survives a reopen", () => {
    const path = join(mkdtempSync(join(tmpdir(), "db-")), "bridge.sqlite");
    let db = openDatabase(path);
    let cp = new Checkpoints(db);
    assert.equal(cp.get("monitor:l1Block"), undefined);
    cp.set("monitor:l1Block", 41);
    cp.set("monitor:l1Block", 42);
    cp.set("x:obj", { root: 2n ** 200n, list: [1, "a"], nested: { ok: true } });
    db.close();

    db = openDatabase(path);
    cp = new Checkpoints(db);
    assert.equal(cp.get<number>("monitor:l1Block"), 42);
    assert.deepEqual(cp.get("x:obj"), { root: (2n ** 200n).toString(), list: [1, "a"], nested: { ok: true } });
    db.close();
  });

  it("rolls back with the transaction it was written in", () => {
    const db = openDatabase(":memory:");
    const cp = new Checkpoints(db);
    cp.set("k", 1);
    assert.throws(
      db.transaction(() => {
        cp.set("k", 2);
        throw new Error("crash mid-work");
      }),
      /crash mid-work/,
    );
    assert.equal(cp.get("k"), 1);
  });
});

describe("openDatabase refuses a damaged file, naming it and what to do", () => {
  /** A closed database of many pages (one table of 4 KB rows). */
  const makeDb = () => {
    const path = join(mkdtempSync(join(tmpdir(), "db-")), "bridge.sqlite");
    const db = openDatabase(path);
    migrate(db, "m", ["CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"]);
    const insert = db.prepare("INSERT INTO blobs (id, body) VALUES (?, ?)");
    db.transaction(() => {
      for (let i = 0; i < 300; i++) insert.run(i, `${i}:`.padEnd(3000, "x"));
    })();
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    return path;
  };
  const refused = (path: string) =>
    assert.throws(
      () => openDatabase(path),
      (e: unknown) => {
        assert.ok(e instanceof DatabaseDamagedError, String(e));
        assert.ok(e.message.includes(path), e.message);
        assert.match(e.message, /restore it from a backup, or delete/);
        assert.match(e.message, /resyncs from the chains/);
        return true;
      },
    );

  it("a page overwritten in the middle", () => {
    const path = makeDb();
    const size = statSync(path).size;
    assert.ok(size > 200 * 4096, `${size} bytes`);
    const fd = openSync(path, "r+");
    writeSync(fd, randomBytes(4096), 0, 4096, 100 * 4096);
    closeSync(fd);
    refused(path);
  });

  it("a truncated file", () => {
    const path = makeDb();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    refused(path);
  });

  it("a garbage file", () => {
    const path = join(mkdtempSync(join(tmpdir(), "db-")), "bridge.sqlite");
    writeFileSync(path, randomBytes(64 * 1024));
    refused(path);
  });

  it("opens an intact file and a new one", () => {
    openDatabase(makeDb()).close();
    openDatabase(join(mkdtempSync(join(tmpdir(), "db-")), "new.sqlite")).close();
  });
});

describe("openDatabase owners: one writing process per service and DATA_DIR", () => {
  it("refuses a second owner in the same process, and frees the lock on close", () => {
    const path = join(mkdtempSync(join(tmpdir(), "db-")), "bridge.sqlite");
    const first = openDatabase(path, { owners: ["monitor", "sender"] });
    assert.throws(
      () => openDatabase(path, { owners: ["sender"] }),
      (e: unknown) => {
        assert.ok(e instanceof DatabaseLockedError, String(e));
        assert.match(e.message, new RegExp(`the sender of ${path} is already running \\(pid ${process.pid} on`));
        assert.match(e.message, /Stop the other process first, or give this one its own DATA_DIR/);
        return true;
      },
    );
    openDatabase(path).close(); // readers take no lock
    openDatabase(path, { owners: ["extractor"] }).close(); // another service may run beside it
    first.close();
    openDatabase(path, { owners: ["monitor", "sender"] }).close();
  });

  it("refuses while another process holds it, and takes it once that process was killed with SIGKILL", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "db-")), "bridge.sqlite");
    const script = `import { openDatabase } from ${JSON.stringify(new URL("./node-db/open.ts", import.meta.url).pathname)};
      openDatabase(${JSON.stringify(path)}, { owners: ["monitor"] }); console.log("locked"); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d) => String(d).includes("locked") && resolve());
      child.once("exit", (code) => reject(new Error(`child exited ${code}`)));
    });
    assert.throws(
      () => openDatabase(path, { owners: ["monitor"] }),
      new RegExp(`the monitor of .* is already running \\(pid ${child.pid} on`),
    );
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    openDatabase(path, { owners: ["monitor"] }).close();
  });
});
