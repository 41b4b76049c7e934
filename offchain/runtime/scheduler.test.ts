import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "./log.js";
import { runEvery } from "./scheduler.js";

describe("runEvery", () => {
  it("runs ticks until aborted, logs a failing tick and goes on", async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const log = createLogger("t", { write: (l) => lines.push(l) });
    let ticks = 0;
    await runEvery(
      1,
      async () => {
        ticks++;
        if (ticks === 2) throw new Error("boom");
        if (ticks === 4) controller.abort();
      },
      { signal: controller.signal, log, name: "tick" },
    );
    assert.equal(ticks, 4);
    const errors = lines.map((l) => JSON.parse(l)).filter((e) => e.level === "error");
    assert.equal(errors.length, 1);
    assert.equal(errors[0].msg, "tick failed");
    assert.equal(errors[0].error.message, "boom");
  });

  it("returns at once when the signal is already aborted", async () => {
    let ticks = 0;
    await runEvery(1, async () => void ticks++, {
      signal: AbortSignal.abort(),
      log: createLogger("t", { write: () => {} }),
      name: "x",
    });
    assert.equal(ticks, 0);
  });
});
