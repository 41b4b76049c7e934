import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "../runtime/log.js";
import { Metrics } from "../runtime/metrics.js";
import { Alarms, readAlarms } from "../runtime/node-db/alarms.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { checkProofStalls, deterministicError } from "./stalls.js";

const job = (batchNumber: number) => ({ batchNumber, input: { a: batchNumber }, publicSignals: ["1"] });

function setup() {
  const db = openDatabase(":memory:");
  const lines: { level: string; msg: string }[] = [];
  const log = createLogger("t", { level: "debug", write: (l) => lines.push(JSON.parse(l)) });
  const metrics = new Metrics();
  const alarms = new Alarms({ db, metrics, log, repeatMs: 0 });
  const queue = new SqliteProofQueue(db, { retryDelayMs: 0 });
  const check = () => checkProofStalls({ queue, alarms, log, metrics, stallAfterAttempts: 3 });
  return { db, lines, metrics, queue, check };
}

describe("checkProofStalls", () => {
  it("raises proof-stalled from the third failure (crashes) and clears it once the job is proven", async () => {
    const { db, metrics, queue, check } = setup();
    await queue.enqueue(job(0));
    for (let i = 1; i <= 3; i++) {
      assert.equal((await check()).length, 0, `after ${i - 1} failures`);
      await queue.claim("w", 1000);
      await queue.fail(0, "w", `worker w exited (signal SIGKILL) while proving`);
    }
    const [s] = await check();
    assert.equal(s?.failures, 3);
    assert.equal(metrics.get("prover_stalled_jobs"), 1);
    assert.equal(metrics.get("prover_stalled_max_failures"), 3);
    const [alarm] = readAlarms(db);
    assert.match(alarm?.message ?? "", /the proof of batch 0 failed 3 attempt\(s\); last error: worker w exited/);
    assert.match(alarm?.action ?? "", /a worker crash or expired lease/);
    await queue.claim("w", 1000);
    await queue.complete(0, "w", {
      batchNumber: 0,
      proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
      publicSignals: ["1"],
      worker: "w",
      provingMs: 1,
    });
    assert.deepEqual(await check(), []);
    assert.equal(metrics.get("prover_stalled_jobs"), 0);
    assert.deepEqual(readAlarms(db), []);
  });

  it("a deterministic failure raises it at once, loudly, as a bug", async () => {
    const { db, queue, check } = setup();
    await queue.enqueue(job(4));
    await queue.claim("w", 1000);
    await queue.fail(4, "w", deterministicError("prove", "snarkjs fullProve failed: Assert Failed"));
    assert.equal((await check()).length, 1);
    assert.match(readAlarms(db)[0]?.action ?? "", /deterministic failure is a bug/);
  });

  it("puts back a job an older version left failed", async () => {
    const { db, lines, queue, check } = setup();
    await queue.enqueue(job(1));
    await queue.claim("w", 1000);
    db.prepare(
      "UPDATE proof_jobs SET status = 'failed', worker = NULL, lease_until = NULL WHERE batch_number = 1",
    ).run();
    await check();
    assert.ok(lines.some((l) => l.level === "error" && l.msg.startsWith("a proof job was left failed")));
    assert.equal((await queue.describe(1))?.status, "pending");
  });
});
