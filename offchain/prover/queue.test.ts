import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { migrate, openDatabase } from "../runtime/node-db/open.js";
import {
  canonicalInput,
  LeaseLostError,
  ProofJobConflictError,
  ProofJobError,
  type ProofResult,
  SqliteProofQueue,
} from "../runtime/node-db/proof-jobs.js";

/** A queue on a fresh in-memory db with a clock the test moves. */
/** Version 1 of the prover's table, as older versions created it. */
const PROVER_V1 = `CREATE TABLE proof_jobs (
    batch_number INTEGER PRIMARY KEY, input TEXT NOT NULL, public_signals TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'proving', 'proven', 'failed')),
    worker TEXT, lease_until INTEGER, available_at INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT, proof TEXT, proving_ms INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
  CREATE INDEX proof_jobs_status ON proof_jobs (status, batch_number);`;

function setup(options: { stallAfterAttempts?: number; retryDelayMs?: number } = {}) {
  const clock = { t: 1_000_000 };
  const db = openDatabase(":memory:");
  const queue = new SqliteProofQueue(db, { retryDelayMs: 0, ...options, now: () => clock.t });
  return { db, queue, clock };
}

const job = (batchNumber: number, x = 7n) => ({
  batchNumber,
  input: { a: x, b: [1, "2", 3n], nested: { z: "0x10", y: 5 } },
  publicSignals: [String(x * 2n), "3"],
});

const resultFor = (batchNumber: number, worker: string, publicSignals = [String(14n), "3"]): ProofResult => ({
  batchNumber,
  proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
  publicSignals,
  worker,
  provingMs: 12,
});

describe("SqliteProofQueue enqueue", () => {
  it("is idempotent by batch number, also when the same input is written differently", async () => {
    const { queue } = setup();
    await queue.enqueue(job(1));
    await queue.enqueue(job(1));
    // Same values: bigint vs number vs decimal vs hex string, keys in another order.
    await queue.enqueue({
      batchNumber: 1,
      input: { nested: { y: "5", z: 16n }, b: ["1", 2, "0x3"], a: 7 },
      publicSignals: ["14", "3"],
    });
    assert.deepEqual(await queue.stats(), { pending: 1, proving: 0, proven: 0, failed: 0, workers: 0 });
  });

  it("rejects the same batch with a different input or different public signals, and keeps the first", async () => {
    const { queue } = setup();
    await queue.enqueue(job(4));
    await assert.rejects(queue.enqueue(job(4, 8n)), (e: unknown) => {
      assert.ok(e instanceof ProofJobConflictError);
      assert.equal(e.batchNumber, 4);
      assert.match(e.message, /batch 4 is already queued with a different list of public signals/);
      return true;
    });
    await assert.rejects(queue.enqueue({ ...job(4), input: { ...job(4).input, a: 9n } }), /different circuit input/);
    const claimed = await queue.claim("w", 1000);
    assert.deepEqual(claimed?.input, canonicalInput(job(4).input));
  });

  it("rejects values that are not field elements, naming where they are", async () => {
    const { queue } = setup();
    await assert.rejects(
      queue.enqueue({ ...job(1), input: { a: [1, -2] } }),
      /input\.a\[1\]: -2 is not a field element/,
    );
    await assert.rejects(queue.enqueue({ ...job(1), input: { a: 1.5 } }), ProofJobError);
    await assert.rejects(queue.enqueue({ ...job(1), input: { a: "abc" } }), /input\.a: "abc" is not a number/);
    await assert.rejects(
      queue.enqueue({
        ...job(1),
        publicSignals: ["21888242871839275222246405745257275088548364400416034343698204186575808495617"],
      }),
      /publicSignals\[0\]: .* is not a field element/,
    );
    await assert.rejects(queue.enqueue({ ...job(1), batchNumber: -1 }), /batchNumber must be/);
    assert.equal((await queue.stats()).pending, 0);
  });
});

describe("SqliteProofQueue claim", () => {
  it("leases the lowest pending batch first and never the same job twice while leased", async () => {
    const { queue } = setup();
    for (const n of [5, 2, 9, 3]) await queue.enqueue(job(n));
    const order: number[] = [];
    for (let i = 0; i < 4; i++) order.push((await queue.claim(`w${i}`, 10_000))!.batchNumber);
    assert.deepEqual(order, [2, 3, 5, 9]);
    assert.equal(await queue.claim("w9", 10_000), null);
    assert.deepEqual(await queue.stats(), { pending: 0, proving: 4, proven: 0, failed: 0, workers: 4 });
  });

  it("returns the canonical input, the expected signals, the attempt and the lease end", async () => {
    const { queue, clock } = setup();
    await queue.enqueue(job(1));
    const c = await queue.claim("w", 5000);
    assert.deepEqual(c, {
      batchNumber: 1,
      input: { a: "7", b: ["1", "2", "3"], nested: { y: "5", z: "16" } },
      publicSignals: ["14", "3"],
      attempt: 1,
      leaseUntil: clock.t + 5000,
    });
  });

  it("gives a job whose lease expired (its worker died) to another worker; heartbeats keep it", async () => {
    const { queue, clock } = setup();
    await queue.enqueue(job(1));
    await queue.claim("alive", 1000);
    clock.t += 900;
    await queue.heartbeat(1, "alive", 1000); // lease now ends at +1900
    clock.t += 900;
    assert.equal(await queue.claim("other", 1000), null, "a renewed lease is not taken");

    clock.t += 1001; // no heartbeat: "alive" died
    assert.equal((await queue.stats()).workers, 0);
    const again = await queue.claim("other", 1000);
    assert.equal(again?.batchNumber, 1);
    assert.equal(again?.attempt, 2);
    // The dead worker has lost the job for good.
    await assert.rejects(queue.heartbeat(1, "alive", 1000), LeaseLostError);
    await assert.rejects(
      queue.complete(1, "alive", resultFor(1, "alive")),
      /does not hold the lease of batch 1: the job is proving \(worker other\)/,
    );
    await queue.complete(1, "other", resultFor(1, "other"));
    assert.equal((await queue.result(1))?.worker, "other");
  });

  it("a job whose lease keeps expiring is never given up: retried a backoff after each expiry, reported stalled", async () => {
    const { queue, clock } = setup({ stallAfterAttempts: 2, retryDelayMs: 1000 });
    await queue.enqueue(job(1));
    await queue.claim("a", 100); // lease until t0 + 100
    clock.t += 1099;
    assert.equal(await queue.claim("b", 100), null, "batch 1 waits its backoff: 1 s after the expiry");
    assert.deepEqual(await queue.stalled(), [], "one failure is not a stall");
    clock.t += 1;
    assert.equal((await queue.claim("c", 100))?.attempt, 2);
    clock.t += 101;
    assert.equal(await queue.claim("d", 100), null, "the second backoff is 2 s");
    assert.deepEqual(await queue.describe(1), {
      status: "pending",
      attempts: 2,
      worker: null,
      lastError: "lease of c expired on attempt 2 (worker died or hung)",
    });
    assert.deepEqual(await queue.stalled(), [
      {
        batchNumber: 1,
        status: "pending",
        failures: 2,
        lastError: "lease of c expired on attempt 2 (worker died or hung)",
        retryAt: clock.t - 1 + 2000,
      },
    ]);
    clock.t += 2000;
    for (let attempt = 3; attempt <= 8; attempt++) {
      assert.equal((await queue.claim("e", 100))?.attempt, attempt);
      clock.t += 100 + 60_000; // the backoff is capped at 60 s
    }
    assert.equal((await queue.stalled())[0]?.failures, 8);
    assert.equal((await queue.claim("f", 100))?.attempt, 9, "still retried after 8 expiries");
    assert.equal((await queue.stats()).failed, 0);
  });
});

describe("SqliteProofQueue complete", () => {
  it("stores the result of the leaseholder; result() is null before", async () => {
    const { queue } = setup();
    await queue.enqueue(job(1));
    assert.equal(await queue.result(1), null);
    await queue.claim("w1", 1000);
    assert.equal(await queue.result(1), null);
    await queue.complete(1, "w1", resultFor(1, "w1"));
    assert.deepEqual(await queue.result(1), resultFor(1, "w1"));
    await queue.complete(1, "w1", resultFor(1, "w1")); // repeated by the same worker: no-op
    assert.deepEqual(await queue.stats(), { pending: 0, proving: 0, proven: 1, failed: 0, workers: 0 });
    assert.equal(await queue.claim("w2", 1000), null, "a proven job is never claimed again");
    await queue.enqueue(job(1)); // the extractor re-enqueues after a restart: still proven
    assert.deepEqual(await queue.result(1), resultFor(1, "w1"));
  });

  it("rejects a complete by a worker that does not hold the lease", async () => {
    const { queue } = setup();
    await queue.enqueue(job(1));
    await assert.rejects(queue.complete(1, "w1", resultFor(1, "w1")), /the job is pending/);
    await queue.claim("w1", 1000);
    await assert.rejects(queue.complete(1, "intruder", resultFor(1, "intruder")), (e: unknown) => {
      assert.ok(e instanceof LeaseLostError);
      assert.match(e.message, /worker intruder does not hold the lease of batch 1: the job is proving \(worker w1\)/);
      return true;
    });
    await assert.rejects(queue.complete(7, "w1", resultFor(7, "w1")), /no such job/);
    assert.equal(await queue.result(1), null);
  });

  it("rejects a result whose public signals or shape differ from the job", async () => {
    const { queue } = setup();
    await queue.enqueue(job(1));
    await queue.claim("w1", 1000);
    await assert.rejects(
      queue.complete(1, "w1", resultFor(1, "w1", ["14", "4"])),
      /result public signal 1 is 4, the job expects 3/,
    );
    await assert.rejects(queue.complete(1, "w1", resultFor(1, "w1", ["14"])), /signal 1 is missing/);
    await assert.rejects(queue.complete(1, "w1", { ...resultFor(1, "w1"), proof: ["1"] }), /8 field elements/);
    await assert.rejects(queue.complete(1, "w1", resultFor(2, "w1")), /result of batch 2 completed as batch 1/);
    assert.equal(await queue.result(1), null);
    assert.equal((await queue.stats()).proving, 1);
  });
});

describe("SqliteProofQueue fail", () => {
  it("puts the job back after every failure, without limit; stalled() lists it from the third failure until proven", async () => {
    const { queue } = setup();
    await queue.enqueue(job(1));
    for (let attempt = 1; attempt <= 5; attempt++) {
      const c = await queue.claim(`w${attempt}`, 1000);
      assert.equal(c?.attempt, attempt);
      assert.equal((await queue.stalled()).length, attempt > 3 ? 1 : 0, `while attempt ${attempt} runs`);
      await queue.fail(1, `w${attempt}`, `boom ${attempt}`);
    }
    assert.deepEqual(await queue.stats(), { pending: 1, proving: 0, proven: 0, failed: 0, workers: 0 });
    assert.deepEqual(await queue.describe(1), { status: "pending", attempts: 5, worker: null, lastError: "boom 5" });
    assert.deepEqual(
      (await queue.stalled()).map((j) => [j.batchNumber, j.status, j.failures, j.lastError]),
      [[1, "pending", 5, "boom 5"]],
    );
    await assert.rejects(queue.fail(1, "w5", "again"), LeaseLostError);
    await queue.claim("w6", 1000);
    assert.equal((await queue.stalled())[0]?.status, "proving");
    await queue.complete(1, "w6", resultFor(1, "w6"));
    assert.deepEqual(await queue.stalled(), []);
  });

  it("the migration puts back jobs an older version marked failed", async () => {
    const db = openDatabase(":memory:");
    migrate(db, "prover", [PROVER_V1]);
    db.prepare(
      `INSERT INTO proof_jobs (batch_number, input, public_signals, status, attempts, last_error, created_at, updated_at)
       VALUES (1, '{}', '[]', 'failed', 3, 'boom', 0, 0)`,
    ).run();
    const queue = new SqliteProofQueue(db);
    assert.deepEqual(await queue.describe(1), { status: "pending", attempts: 3, worker: null, lastError: "boom" });
    assert.equal((await queue.claim("w", 1000))?.batchNumber, 1);
  });

  it("waits a doubling backoff before a retry", async () => {
    const { queue, clock } = setup({ retryDelayMs: 1000 });
    await queue.enqueue(job(1));
    await queue.enqueue(job(2));
    await queue.claim("w", 1000);
    await queue.fail(1, "w", "transient");
    assert.equal((await queue.claim("w", 1_000_000))?.batchNumber, 2, "batch 1 waits its backoff");
    clock.t += 999;
    assert.equal(await queue.claim("w", 1000), null);
    clock.t += 1;
    assert.equal((await queue.claim("w", 1000))?.batchNumber, 1);
    await queue.fail(1, "w", "transient");
    clock.t += 1999;
    assert.equal(await queue.claim("w", 1000), null, "the second backoff is twice as long");
    clock.t += 1;
    assert.equal((await queue.claim("w", 1000))?.attempt, 3);
  });

  it("only the leaseholder can fail or release a job; release does not count the attempt", async () => {
    const { queue } = setup();
    await queue.enqueue(job(1));
    await queue.claim("w1", 1000);
    await assert.rejects(queue.fail(1, "w2", "x"), LeaseLostError);
    await assert.rejects(queue.release(1, "w2", "x"), LeaseLostError);
    await queue.release(1, "w1", "shutdown");
    const again = await queue.claim("w2", 1000);
    assert.equal(again?.attempt, 1, "the released attempt was given back");
  });
});

describe("SqliteProofQueue on disk", () => {
  it("loses nothing across a close and reopen of the database file", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "prover-queue-")), "bridge.sqlite");
    let db = openDatabase(path);
    let queue = new SqliteProofQueue(db, { retryDelayMs: 0 });
    for (const n of [1, 2, 3, 4]) await queue.enqueue(job(n));
    await queue.claim("w1", 60_000); // 1: proving
    await queue.claim("w2", 60_000); // 2: proven below
    await queue.complete(2, "w2", resultFor(2, "w2"));
    await queue.claim("w3", 60_000); // 3: failed once, back to pending
    await queue.fail(3, "w3", "oops");
    db.close();

    db = openDatabase(path);
    queue = new SqliteProofQueue(db, { retryDelayMs: 0 });
    assert.deepEqual(await queue.stats(), { pending: 2, proving: 1, proven: 1, failed: 0, workers: 1 });
    assert.deepEqual(await queue.result(2), resultFor(2, "w2"));
    await queue.heartbeat(1, "w1", 60_000); // the lease survived too
    const next = await queue.claim("w4", 60_000);
    assert.deepEqual([next?.batchNumber, next?.attempt], [3, 2]);
    await assert.rejects(queue.enqueue(job(2, 9n)), ProofJobConflictError);
    db.close();
  });

  it("two connections to one file never lease the same job", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "prover-queue-")), "bridge.sqlite");
    const a = new SqliteProofQueue(openDatabase(path));
    const b = new SqliteProofQueue(openDatabase(path));
    for (let n = 0; n < 20; n++) await a.enqueue(job(n));
    const got: number[] = [];
    for (let i = 0; i < 10; i++) {
      got.push((await a.claim("a", 60_000))!.batchNumber, (await b.claim("b", 60_000))!.batchNumber);
    }
    assert.deepEqual(
      got.sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => i),
    );
  });
});
