import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { scanBlockRanges } from "./blockranges.js";
import { silentLogger } from "./log.js";

describe("scanBlockRanges", () => {
  it("reads [from, to] in ranges of blockRange and halves a range the node refuses", async () => {
    const asked: string[] = [];
    const handed: string[] = [];
    const last = await scanBlockRanges({
      from: 10n,
      to: 25n,
      blockRange: 8,
      fetch: async (from, to) => {
        asked.push(`${from}-${to}`);
        if (to - from + 1n > 4n) throw new Error("query exceeds max block range 4");
        return to;
      },
      onRange: (from, to, result) => {
        assert.equal(result, to);
        handed.push(`${from}-${to}`);
      },
      log: silentLogger,
      signal: new AbortController().signal,
      what: "test",
    });
    assert.equal(last, 25n);
    assert.deepEqual(asked, ["10-17", "10-13", "14-17", "18-21", "22-25"]);
    assert.deepEqual(handed, ["10-13", "14-17", "18-21", "22-25"]);
  });

  it("reads nothing when to < from and stops on an onRange error", async () => {
    const none = await scanBlockRanges({
      from: 5n,
      to: 4n,
      blockRange: 1,
      fetch: async () => assert.fail("no read"),
      onRange: () => {},
      log: silentLogger,
      signal: new AbortController().signal,
      what: "t",
    });
    assert.equal(none, 4n);
    await assert.rejects(
      scanBlockRanges({
        from: 1n,
        to: 9n,
        blockRange: 3,
        fetch: async () => 0,
        onRange: () => {
          throw new Error("mismatch");
        },
        log: silentLogger,
        signal: new AbortController().signal,
        what: "t",
      }),
      /mismatch/,
    );
  });
});
