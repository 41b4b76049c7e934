import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Checkpoints, migrate, openDatabase } from "./db.js";

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
