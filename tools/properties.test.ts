import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { collect, END, parseSolidity, renderBlock, replaceBlock, START } from "./properties.js";

const SCRIPT = path.join(import.meta.dirname, "properties.ts");
const run = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", SCRIPT, ...args], { encoding: "utf8" });

const SOURCE = `// SPDX-License-Identifier: MIT
/// @title Bank
/// @custom:invariant Holds at least what it owes,
///                   per token.
/// @dev Not part of the tag.
/// @custom:invariant Never | pays twice.
// solhint-disable-next-line max-states-count
contract Bank {
    /// @notice Checks.
    /// @custom:invariant The sum of balances is the supply.
    function invariant_sum() public view {}

    function helper() internal {}
}
`;

describe("properties", () => {
  it("reads contract and function tags, continues multi-line tags, stops at the next tag", () => {
    const { invariants, untagged } = parseSolidity("src/Bank.sol", SOURCE);
    assert.deepEqual(untagged, []);
    assert.deepEqual(invariants, [
      { file: "src/Bank.sol", line: 3, on: "Bank", text: "Holds at least what it owes, per token." },
      { file: "src/Bank.sol", line: 6, on: "Bank", text: "Never | pays twice." },
      { file: "src/Bank.sol", line: 10, on: "Bank.invariant_sum", text: "The sum of balances is the supply." },
    ]);
  });

  it("names every invariant_* function without a tag, and fails the collection on it", () => {
    const text =
      "contract T {\n    /// @notice No tag.\n    function invariant_a() public {}\n    function invariant_b() public {}\n}\n";
    assert.deepEqual(parseSolidity("test/T.t.sol", text).untagged, [
      "test/T.t.sol:3 T.invariant_a",
      "test/T.t.sol:4 T.invariant_b",
    ]);
    const dir = mkdtempSync(path.join(tmpdir(), "properties-"));
    try {
      mkdirSync(path.join(dir, "src"));
      mkdirSync(path.join(dir, "test"));
      writeFileSync(path.join(dir, "src/Bank.sol"), SOURCE);
      assert.equal(collect(dir).length, 3);
      writeFileSync(path.join(dir, "test/T.t.sol"), text);
      assert.throws(
        () => collect(dir),
        /without a \/\/\/ @custom:invariant tag[\s\S]*test\/T\.t\.sol:3 T\.invariant_a/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a tag that is on no contract or function", () => {
    assert.throws(
      () => parseSolidity("src/X.sol", "/// @custom:invariant Lost.\nuint256 constant X = 1;\n"),
      /src\/X\.sol:1/,
    );
  });

  it("rewrites only the block between the markers and detects a stale block", () => {
    const block = renderBlock(parseSolidity("src/Bank.sol", SOURCE).invariants);
    assert.match(block, /\| `Bank` \| Never \\\| pays twice\. \|/);
    assert.match(block, /\| `Bank\.invariant_sum` \| The sum of balances is the supply\. \|/);
    const document = `# Hand\n\nkept | table |\n\n${START}\nold list\n${END}\n\n## Also by hand\n`;
    const next = replaceBlock(document, block);
    assert.equal(next, `# Hand\n\nkept | table |\n\n${block}\n\n## Also by hand\n`);
    assert.equal(replaceBlock(next, block), next, "a fresh block is stable");
    assert.notEqual(replaceBlock(next, renderBlock([])), next, "a changed tag changes the block");
    assert.throws(() => replaceBlock("# no markers\n", block), /needs exactly one pair/);
  });

  it("make properties writes the block, make properties-check fails on a stale list or an untagged invariant", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "properties-"));
    try {
      for (const sub of ["src", "test"]) mkdirSync(path.join(dir, sub));
      writeFileSync(path.join(dir, "src/Bank.sol"), SOURCE);
      const doc = path.join(dir, "test/PROPERTIES.md");
      writeFileSync(doc, `# By hand\n\n${START}\n${END}\n\n| rule | test |\n`);
      assert.equal(run("--check", dir).status, 1, "an empty block is stale");
      assert.equal(run(dir).status, 0);
      assert.match(
        readFileSync(doc, "utf8"),
        /^# By hand\n\n<!-- generated[\s\S]*Bank\.invariant_sum[\s\S]*\n\n\| rule \| test \|\n$/,
      );
      assert.equal(run("--check", dir).status, 0);
      writeFileSync(path.join(dir, "src/Bank.sol"), SOURCE.replace("per token.", "per token id."));
      const stale = run("--check", dir);
      assert.equal(stale.status, 1);
      assert.match(stale.stderr, /test\/PROPERTIES\.md is stale .*: run make properties/);
      writeFileSync(path.join(dir, "test/T.t.sol"), "contract T {\n    function invariant_x() public {}\n}\n");
      assert.match(run(dir).stderr, /test\/T\.t\.sol:2 T\.invariant_x/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
