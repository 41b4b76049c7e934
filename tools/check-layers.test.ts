import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { checkTree, findSql, parseImports, readTree } from "./check-layers.js";

const SCRIPT = path.join(import.meta.dirname, "check-layers.ts");

/** A small tree that passes: lib <- runtime <- a service, a lib test using testing/. */
const clean = (): Map<string, string> =>
  new Map([
    ["offchain/lib/field.ts", "export const r = 1n;\n"],
    ["offchain/lib/tree.ts", 'import { r } from "./field.js";\nexport const t = r;\n'],
    ["offchain/lib/tree.test.ts", 'import { credit } from "../testing/ops.js";\nimport { t } from "./tree.js";\n'],
    ["offchain/testing/ops.ts", 'import { t } from "../lib/tree.js";\nexport const credit = t;\n'],
    ["offchain/runtime/db.ts", 'import type { r } from "../lib/field.js";\nexport const db = 1;\n'],
    ["offchain/monitor/index.ts", 'import { db } from "../runtime/db.js";\nimport { t } from "../lib/tree.js";\n'],
    ["bench/run.ts", 'import { t } from "../offchain/lib/tree.js";\n'],
  ]);

const rulesOf = (tree: Map<string, string>) => checkTree(tree, []).map((v) => v.rule);

describe("check-layers", () => {
  it("fails on SQL outside the database modules, with the file and line; owners and tests may hold SQL", () => {
    const tree = clean();
    tree.set(
      "offchain/monitor/index.ts",
      `${tree.get("offchain/monitor/index.ts")}const q = "SELECT 1 FROM batches";\n`,
    );
    tree.set("bench/run.ts", "export const f = (db: any) => db.prepare(sql);\n");
    tree.set("tools/x.ts", ["export const g = (db: any) => db.exec(`CREATE TABLE t (", "$", "{c})`);\n"].join(""));
    tree.set("offchain/runtime/node-db/open.ts", 'export const h = (db: any) => db.prepare("SELECT 1");\n');
    tree.set("offchain/attester/store.ts", 'export const i = (db: any) => db.prepare("DELETE FROM x");\n');
    tree.set("offchain/monitor/x.test.ts", 'const q = "UPDATE batches SET ops = 1";\n');
    const messages = checkTree(tree, []).map((v) => `${v.rule} ${v.message.split(" ")[0]}`);
    assert.deepEqual(messages, [
      "sql-outside-db-module bench/run.ts:1:",
      "sql-outside-db-module offchain/monitor/index.ts:3:",
      "sql-outside-db-module tools/x.ts:1:",
    ]);
  });

  it("does not take RegExp#exec, a Redis exec() or English text for SQL", () => {
    const text = [
      "const m = /^a(\\d+)$/.exec(line);",
      "const r = await tx.exec();",
      'const s = "Selected 3 rows"; const t = "select a token";',
    ].join("\n");
    assert.deepEqual(findSql("offchain/cli/x.ts", text), []);
    assert.equal(findSql("offchain/cli/x.ts", 'db.pragma("journal_mode = WAL");').length, 1);
  });

  it("passes a tree that keeps the layers", () => {
    assert.deepEqual(checkTree(clean(), []), []);
  });

  it("reads multi-line imports, side-effect imports and re-exports, not comments or dynamic imports", () => {
    const text = [
      "// import { x } from './commented.js';",
      "/* export * from './block.js'; */",
      "import {",
      "  a,",
      "  type B,",
      '} from "./multi.js";',
      'import "./side.js";',
      'export { c } from "./re.js";',
      'export * from "./star.js";',
      'import { z } from "zod";',
      'const later = await import("./dynamic.js");',
      "const s = \"import { y } from './string.js'\";",
    ].join("\n");
    assert.deepEqual(parseImports("offchain/x.ts", text), [
      { spec: "./multi.js", line: 3 },
      { spec: "./side.js", line: 7 },
      { spec: "./re.js", line: 8 },
      { spec: "./star.js", line: 9 },
    ]);
  });

  it("(a) fails on an import cycle among offchain/ modules and prints it", () => {
    const tree = clean();
    tree.set("offchain/monitor/a.ts", 'import { b } from "./b.js";\nexport const a = 1;\n');
    tree.set("offchain/monitor/b.ts", 'import type { a } from "./c.js";\nexport const b = 1;\n');
    tree.set("offchain/monitor/c.ts", 'export * from "./a.js";\n');
    const violations = checkTree(tree, []);
    assert.deepEqual(
      violations.map((v) => v.rule),
      ["cycle"],
    );
    assert.match(
      violations[0]!.message,
      /offchain\/monitor\/a\.ts -> offchain\/monitor\/b\.ts -> offchain\/monitor\/c\.ts -> offchain\/monitor\/a\.ts/,
    );
  });

  it("(a) fails on a cycle across layers and on a module importing itself", () => {
    const across = clean();
    across.set("offchain/lib/field.ts", 'import { t } from "./tree.js";\nexport const r = 1n;\n');
    assert.deepEqual(rulesOf(across), ["cycle"]);
    const self = clean();
    self.set("offchain/runtime/db.ts", 'import { db } from "./db.js";\nexport const db = 1;\n');
    assert.deepEqual(rulesOf(self), ["cycle"]);
  });

  it("(a) an allow-listed edge breaks the cycle, nothing else does", () => {
    const tree = clean();
    tree.set("offchain/cli/a.ts", 'import { b } from "./b.js";\n');
    tree.set("offchain/cli/b.ts", 'import { a } from "./a.js";\n');
    const edge = { from: "offchain/cli/b.ts", to: "offchain/cli/a.ts", why: "test" };
    assert.deepEqual(checkTree(tree, [edge]), []);
    assert.deepEqual(rulesOf(tree), ["cycle"]);
  });

  it("(b) fails when lib or runtime imports a service folder or a top-level service entry", () => {
    for (const [file, spec] of [
      ["offchain/lib/tree.ts", "../monitor/index.js"],
      ["offchain/runtime/db.ts", "../prover/queue.js"],
      ["offchain/runtime/db.ts", "../node.js"],
      ["offchain/lib/tree.test.ts", "../e2e/cluster-demo.js"],
    ] as const) {
      const tree = clean();
      tree.set(spec.replace("..", "offchain").replace(/\.js$/, ".ts"), "export const x = 1;\n");
      tree.set(file, `${tree.get(file)}import { x } from "${spec}";\n`);
      const violations = checkTree(tree, []);
      assert.deepEqual(
        violations.map((v) => v.rule),
        ["lib-runtime-uses-service"],
        `${file} -> ${spec}`,
      );
      assert.match(violations[0]!.message, new RegExp(`${file.replaceAll(".", "\\.")}:\\d+ imports "${spec}"`));
    }
  });

  it("(b) fails when lib or runtime code (not tests) imports offchain/testing", () => {
    for (const file of ["offchain/lib/tree.ts", "offchain/runtime/db.ts"]) {
      const tree = clean();
      tree.set(file, `${tree.get(file)}export { credit } from "../testing/ops.js";\n`);
      const rules = rulesOf(tree);
      assert.ok(rules.includes("lib-runtime-uses-testing"), `${file}: ${rules.join(", ")}`);
    }
    const test = clean();
    test.set("offchain/runtime/db.test.ts", 'import { credit } from "../testing/ops.js";\n');
    assert.deepEqual(rulesOf(test), []);
  });

  it("(c) fails when lib imports runtime, even type-only", () => {
    const tree = clean();
    tree.set("offchain/lib/tree.ts", 'import type { db } from "../runtime/db.js";\nexport const t = 1;\n');
    const violations = checkTree(tree, []);
    assert.deepEqual(
      violations.map((v) => v.rule),
      ["lib-uses-runtime"],
    );
    assert.match(violations[0]!.message, /offchain\/lib\/tree\.ts:1 imports "\.\.\/runtime\/db\.js"/);
  });

  it("the command fails on a tree on disk, naming file, import and rule, and passes when fixed", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "check-layers-"));
    try {
      for (const [file, text] of clean()) {
        mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        writeFileSync(path.join(dir, file), text);
      }
      assert.equal(readTree(dir).size, clean().size);
      const pass = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, dir], { encoding: "utf8" });
      assert.equal(pass.status, 0, pass.stderr);
      writeFileSync(path.join(dir, "offchain/lib/field.ts"), 'import { db } from "../runtime/db.js";\n');
      const fail = spawnSync(process.execPath, ["--import", "tsx", SCRIPT, dir], { encoding: "utf8" });
      assert.equal(fail.status, 1);
      assert.match(fail.stderr, /\[lib-uses-runtime\] offchain\/lib\/field\.ts:1 imports "\.\.\/runtime\/db\.js"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
