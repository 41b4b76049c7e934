import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger, toJsonLine } from "./log.js";

describe("createLogger", () => {
  it("writes one JSON object per line with time, level, service, msg and fields", () => {
    const lines: string[] = [];
    const log = createLogger("monitor", { level: "info", write: (l) => lines.push(l) });
    log.info("credited", { depositId: 7n, amount: 2n ** 128n - 1n, tx: "0xab" });
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]!.includes("\n"));
    const entry = JSON.parse(lines[0]!);
    assert.equal(entry.level, "info");
    assert.equal(entry.service, "monitor");
    assert.equal(entry.msg, "credited");
    assert.equal(entry.depositId, "7");
    assert.equal(entry.amount, "340282366920938463463374607431768211455");
    assert.equal(entry.tx, "0xab");
    assert.ok(!Number.isNaN(Date.parse(entry.time)));
  });

  it("filters below the level", () => {
    const lines: string[] = [];
    const log = createLogger("s", { level: "warn", write: (l) => lines.push(l) });
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).level),
      ["warn", "error"],
    );
  });

  it("child loggers add their fields to every line", () => {
    const lines: string[] = [];
    const log = createLogger("s", { level: "debug", write: (l) => lines.push(l) }).child({ batch: 3 });
    log.child({ worker: "w1" }).debug("x", { extra: 1 });
    assert.deepEqual((({ batch, worker, extra }) => ({ batch, worker, extra }))(JSON.parse(lines[0]!)), {
      batch: 3,
      worker: "w1",
      extra: 1,
    });
  });

  it("serialises errors with their cause", () => {
    const error = new Error("send failed", { cause: new Error("nonce too low") });
    const entry = JSON.parse(toJsonLine({ error }));
    assert.equal(entry.error.name, "Error");
    assert.equal(entry.error.message, "send failed");
    assert.match(entry.error.cause, /nonce too low/);
  });
});
