import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "./config.js";
import { createLogger } from "./log.js";
import { Metrics, serveMetrics } from "./metrics.js";
import { Alarms, healthOf, loadAlarmConfig, readAlarms } from "./node-db/alarms.js";
import { openDatabase } from "./node-db/open.js";

function setup(repeatMs = 1000) {
  const clock = { t: 1_000_000 };
  const lines: { level: string; msg: string; [k: string]: unknown }[] = [];
  const log = createLogger("t", { level: "debug", write: (l) => lines.push(JSON.parse(l)) });
  const db = openDatabase(":memory:");
  const metrics = new Metrics();
  const alarms = new Alarms({ db, metrics, log, repeatMs, now: () => clock.t });
  return { clock, lines, db, metrics, alarms };
}
const stall = { service: "prover", message: "batch 3 failed 3 attempts", action: "read the error" };

describe("Alarms", () => {
  it("logs an error when raised and again every repeatMs while it holds; clears once", () => {
    const { clock, lines, db, metrics, alarms } = setup();
    alarms.raise("proof-stalled", stall);
    clock.t += 500;
    alarms.raise("proof-stalled", stall); // within repeatMs: not logged again
    clock.t += 500;
    alarms.raise("proof-stalled", stall);
    const errors = lines.filter((l) => l.level === "error");
    assert.deepEqual(
      errors.map((l) => [l.msg, l.activeForMs]),
      [
        ["ALARM proof-stalled: batch 3 failed 3 attempts", 0],
        ["ALARM proof-stalled: batch 3 failed 3 attempts", 1000],
      ],
    );
    assert.equal(metrics.get("node_alarm", { alarm: "proof-stalled" }), 1);
    assert.equal(metrics.get("node_alarms_active"), 1);
    assert.deepEqual(
      readAlarms(db).map((a) => [a.name, a.service, a.since, a.updatedAt]),
      [["proof-stalled", "prover", 1_000_000, 1_001_000]],
    );
    assert.equal(healthOf(alarms).ok, false);
    alarms.clear("proof-stalled");
    alarms.clear("proof-stalled");
    assert.equal(lines.filter((l) => l.msg === "alarm cleared: proof-stalled").length, 1);
    assert.equal(metrics.get("node_alarm", { alarm: "proof-stalled" }), 0);
    assert.deepEqual(readAlarms(db), []);
    assert.deepEqual(healthOf(alarms), { ok: true, lines: [] });
  });

  it("a changed message is logged at once", () => {
    const { lines, alarms } = setup(60_000);
    alarms.raise("proof-stalled", stall);
    alarms.raise("proof-stalled", { ...stall, message: "batch 3 failed 4 attempts" });
    assert.equal(lines.filter((l) => l.level === "error").length, 2);
  });

  it("/health answers 503 with one line per alarm, ok again once cleared", async () => {
    const { metrics, alarms } = setup();
    const controller = new AbortController();
    const { port } = await serveMetrics(metrics, 0, {
      signal: controller.signal,
      log: createLogger("t", { write: () => {} }),
      health: () => healthOf(alarms),
    });
    try {
      const url = `http://127.0.0.1:${port}/health`;
      assert.equal((await fetch(url)).status, 200);
      alarms.raise("l1-diverged", { service: "monitor", message: "L1 is not a prefix", action: "see the docs" });
      const r = await fetch(url);
      assert.equal(r.status, 503);
      assert.equal(await r.text(), "ALARM l1-diverged (monitor): L1 is not a prefix -- see the docs\n");
      alarms.clear("l1-diverged");
      assert.equal(await (await fetch(url)).text(), "ok\n");
    } finally {
      controller.abort();
    }
  });

  it("ALARM_LOG_INTERVAL_MS is validated", () => {
    assert.equal(loadAlarmConfig({}).repeatMs, 60_000);
    assert.equal(loadAlarmConfig({ ALARM_LOG_INTERVAL_MS: "500" }).repeatMs, 500);
    assert.throws(() => loadAlarmConfig({ ALARM_LOG_INTERVAL_MS: "soon" }), ConfigError);
  });
});
