import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { setupServer } from "msw/node";
import type { Hex } from "viem";
import { opChainOf } from "../lib/protocol.js";
import { BridgeState } from "../lib/state.js";
import { type Db, openDatabase, silentLogger } from "../runtime/index.js";
import { Metrics } from "../runtime/metrics.js";
import { ExtractorStore, readBatch, readExtractorProgress } from "../runtime/node-db/extractor.js";
import type { ExtractorConfig } from "./config.js";
import { OpHeadMismatchError, OpIndexGapError, ReorgError, StoredHeadMismatchError } from "./errors.js";
import { Extractor, type ExtractorDeps, runExtractor } from "./extractor.js";
import { FakeL2, RecordingQueue, sampleOps, until } from "./testkit.js";

const URL = "http://l2.extractor.test";
const ADDRESS = "0x00000000000000000000000000000000000a55e7" as Hex;
const DEPTH = 8;
const N = 4;

const chain = new FakeL2(URL, ADDRESS);
let current = chain;
const server = setupServer();
before(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
after(() => server.close());

/** A fresh fake node for one test. */
function fakeL2(): FakeL2 {
  current = new FakeL2(URL, ADDRESS);
  server.use(current.handler());
  return current;
}

const config = (over: Partial<ExtractorConfig> = {}): ExtractorConfig => ({
  l2: { name: "L2", rpcUrl: URL, chainId: 31338, pollingIntervalMs: 10 },
  assetReceiving: ADDRESS,
  deployBlock: 0,
  treeDepth: DEPTH,
  batchSize: N,
  publicSlots: N,
  confirmations: 1,
  pollIntervalMs: 5,
  batchTimeoutMs: 60_000,
  blockRange: 3,
  dbPath: ":memory:",
  ...over,
});

function deps(db: Db, queue: RecordingQueue, over: Partial<ExtractorDeps> = {}): ExtractorDeps {
  return {
    config: config(),
    db,
    log: silentLogger,
    signal: new AbortController().signal,
    queue,
    retry: { attempts: 4, baseDelayMs: 1 },
    ...over,
  };
}

const batchRows = (db: Db) =>
  db
    .prepare(
      "SELECT batch_number, first_op, op_count, first_deposit_id, new_root, new_op_chain FROM batches ORDER BY batch_number",
    )
    .all();

describe("extractor", () => {
  it("extracts across block windows, cuts full batches and enqueues their jobs", async () => {
    const l2 = fakeL2();
    const ops = sampleOps(10);
    l2.mineEach(ops); // blocks 1..10, windows of 3 blocks
    l2.mine();
    const db = openDatabase(":memory:");
    const queue = new RecordingQueue();
    const metrics = new Metrics();
    const x = new Extractor(deps(db, queue, { metrics }));
    await x.tick();
    const p = x.progress();
    assert.equal(metrics.get("extractor_ops_extracted"), 10);
    assert.equal(metrics.get("extractor_pending_ops"), 2);
    assert.equal(metrics.get("extractor_next_batch"), 2);
    assert.equal(metrics.get("extractor_batches_not_enqueued"), 0);
    assert.equal(p.opCount, 10);
    assert.equal(p.lastOpIndex, 9);
    assert.equal(p.pendingOps, 2);
    assert.equal(p.lastBatch?.batchNumber, 1);
    assert.equal(p.nextBlock, 12);
    assert.deepEqual([...queue.jobs.keys()], [0, 1]);
    const b1 = readBatch(db, 1)!;
    assert.equal(b1.firstOp, 4);
    assert.equal(b1.firstDepositId, 2); // credits at ops 0 and 3 come before op 4
    assert.equal(b1.newOpChain, opChainOf(ops.slice(0, 8)));
    const replay = new BridgeState(DEPTH);
    replay.applyAll(ops.slice(0, 8));
    assert.equal(b1.newRoot, replay.root);
    assert.deepEqual(queue.jobs.get(1)?.publicSignals, b1.publicSignals.map(String));
    // The stored head was compared at the end of every window.
    assert.ok(l2.calls.filter((m) => m === "eth_call").length >= 8);
  });

  it("cuts a partial batch once BATCH_TIMEOUT_MS passed with ops pending, not before", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(2));
    const db = openDatabase(":memory:");
    const queue = new RecordingQueue();
    let clock = 1_000;
    const x = new Extractor(deps(db, queue, { config: config({ batchTimeoutMs: 5_000 }), now: () => clock }));
    await x.tick();
    assert.equal(x.progress().lastBatch, null);
    clock = 5_999;
    await x.tick();
    assert.equal(x.progress().lastBatch, null, "not before the timeout");
    clock = 6_000;
    await x.tick();
    assert.deepEqual(
      x.progress().lastBatch && [x.progress().lastBatch?.batchNumber, x.progress().lastBatch?.opCount],
      [0, 2],
    );
    assert.equal(x.progress().pendingOps, 0);
    assert.ok(queue.jobs.has(0));
    // No op pending: the timeout cuts nothing more.
    clock = 100_000;
    await x.tick();
    assert.equal(x.progress().lastBatch?.batchNumber, 0);
  });

  it("stops on an emitted head mismatch, naming op index, expected and actual head, committing nothing of that window", async () => {
    const l2 = fakeL2();
    l2.mineEach(sampleOps(6));
    const bad: Hex = `0x${"ee".repeat(32)}`;
    const good = l2.ops[4]!.emittedHead;
    l2.ops[4]!.emittedHead = bad;
    const db = openDatabase(":memory:");
    await assert.rejects(
      runExtractor(deps(db, new RecordingQueue())),
      (e: unknown) =>
        e instanceof OpHeadMismatchError &&
        e.opIndex === 4 &&
        e.expected === good &&
        e.actual === bad &&
        e.message.includes("op 4"),
    );
    // Window [0,2] (ops 0, 1) was committed, [3,5] (ops 2..4) was not.
    assert.equal(readExtractorProgress(db)?.opCount, 2);
    assert.equal(readExtractorProgress(db)?.nextBlock, 3);
  });

  it("stops when the contract's stored opHead differs from the events", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(3));
    const wrong: Hex = `0x${"dd".repeat(32)}`;
    l2.storedOverride = () => ({ count: 3, head: wrong });
    const db = openDatabase(":memory:");
    await assert.rejects(
      runExtractor(deps(db, new RecordingQueue())),
      (e: unknown) => e instanceof StoredHeadMismatchError && e.actualHead === wrong && e.expectedCount === 3,
    );
    assert.equal(readExtractorProgress(db)?.opCount, 0);
  });

  it("stops on a gap in op indices", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(4));
    l2.hidden.add(1);
    await assert.rejects(
      runExtractor(deps(openDatabase(":memory:"), new RecordingQueue())),
      (e: unknown) => e instanceof OpIndexGapError && e.expectedIndex === 1 && e.actualIndex === 2,
    );
  });

  it("stops when the last events of a window are missing (the stored opCount is ahead)", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(4));
    l2.hidden.add(3);
    await assert.rejects(
      runExtractor(deps(openDatabase(":memory:"), new RecordingQueue())),
      (e: unknown) => e instanceof StoredHeadMismatchError && e.expectedCount === 3 && e.actualCount === 4,
    );
  });

  it("stops on a reorg below the confirmed tip", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(2));
    const db = openDatabase(":memory:");
    const x = new Extractor(deps(db, new RecordingQueue()));
    await x.tick();
    l2.reorged.add(1);
    l2.mine();
    await assert.rejects(x.tick(), ReorgError);
  });

  it("retries RPC errors (HTTP 502 and JSON-RPC errors) and then extracts everything", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(4));
    l2.fail("eth_getLogs", 2, "http");
    l2.fail("eth_call", 1, "http");
    l2.fail("eth_blockNumber", 1, "rpc");
    const db = openDatabase(":memory:");
    const x = new Extractor(deps(db, new RecordingQueue()));
    await x.tick();
    assert.equal(x.progress().opCount, 4);
    assert.equal(x.progress().lastBatch?.batchNumber, 0);
    assert.equal(l2.calls.filter((m) => m === "eth_getLogs").length, 3);
  });

  it("does not retry a revert (one policy with the other services): the tick fails and the next one reads again", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(4));
    l2.fail("eth_call", 1, "rpc"); // viem reads a JSON-RPC internal error of eth_call as a revert
    const db = openDatabase(":memory:");
    const x = new Extractor(deps(db, new RecordingQueue()));
    await assert.rejects(x.tick(), /injected failure of eth_call/);
    assert.equal(l2.calls.filter((m) => m === "eth_call").length, 2, "one attempt (opCount and opHead), not retried");
    await x.tick();
    assert.equal(x.progress().opCount, 4);
  });

  it("keeps running through an RPC outage longer than the retries, then catches up", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(4));
    l2.fail("eth_getLogs", 9, "http"); // more than one round's 4 attempts
    const db = openDatabase(":memory:");
    const controller = new AbortController();
    const run = runExtractor(deps(db, new RecordingQueue(), { signal: controller.signal }));
    await until(() => readExtractorProgress(db)?.lastBatch?.batchNumber === 0);
    controller.abort();
    await run;
  });

  it("follows new blocks while running and returns when the signal aborts", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(4));
    const db = openDatabase(":memory:");
    const queue = new RecordingQueue();
    const controller = new AbortController();
    const run = runExtractor(deps(db, queue, { signal: controller.signal }));
    await until(() => queue.jobs.has(0));
    const more = sampleOps(8).slice(4);
    l2.mineEach(more);
    await until(() => queue.jobs.has(1));
    controller.abort();
    await run;
    assert.equal(readExtractorProgress(db)?.opCount, 8);
  });

  it("writes ops, batches and cursor atomically: a failed commit leaves nothing and the next round redoes it", async () => {
    const l2 = fakeL2();
    l2.mineEach(sampleOps(9));
    const db = openDatabase(":memory:");
    const queue = new RecordingQueue();
    const x = new Extractor(deps(db, queue, { config: config({ blockRange: 100 }) }));
    db.exec(`CREATE TEMP TRIGGER fail_batch_1 BEFORE INSERT ON batches WHEN NEW.batch_number = 1
             BEGIN SELECT RAISE(ABORT, 'disk trouble'); END`);
    await assert.rejects(x.tick(), /disk trouble/);
    assert.equal(readExtractorProgress(db)?.opCount, 0, "no op of the failed commit is stored");
    assert.equal(batchRows(db).length, 0, "batch 0 of the same transaction is not stored either");
    db.exec("DROP TRIGGER fail_batch_1");
    await x.tick();
    assert.deepEqual(
      batchRows(db).map((r) => (r as { first_op: number }).first_op),
      [0, 4],
    );
    const replay = new BridgeState(DEPTH);
    replay.applyAll(sampleOps(8));
    assert.equal(readBatch(db, 1)?.newRoot, replay.root, "the in-memory state was reloaded, not applied twice");
  });

  it("re-enqueues at start a batch committed before a crash prevented its enqueue", async () => {
    const l2 = fakeL2();
    l2.mine(sampleOps(4));
    const dir = mkdtempSync(join(tmpdir(), "extractor-"));
    try {
      const path = join(dir, "bridge.sqlite");
      const broken = new RecordingQueue();
      broken.failNext = 100;
      const db1 = openDatabase(path);
      await assert.rejects(new Extractor(deps(db1, broken)).tick(), /queue unavailable/);
      assert.equal(readBatch(db1, 0)?.enqueuedAt, null, "committed, not enqueued");
      db1.close();
      const db2 = openDatabase(path);
      const queue = new RecordingQueue();
      await new Extractor(deps(db2, queue)).tick();
      assert.ok(queue.jobs.has(0));
      assert.notEqual(readBatch(db2, 0)?.enqueuedAt, null);
      assert.equal(batchRows(db2).length, 1, "the batch is not cut twice");
      db2.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resumes after an abort at any point without losing or duplicating ops or batches (file db)", async () => {
    const ops = sampleOps(23);
    const reference = async () => {
      const l2 = fakeL2();
      l2.mineEach(ops);
      const db = openDatabase(":memory:");
      const queue = new RecordingQueue();
      const x = new Extractor(deps(db, queue, { config: config({ blockRange: 2, batchTimeoutMs: 1e12 }) }));
      await x.tick();
      return { rows: batchRows(db), jobs: [...queue.jobs.keys()] };
    };
    const want = await reference();
    assert.equal(want.rows.length, 5);

    for (const stopAfter of [1, 4, 9, 17]) {
      const l2 = fakeL2();
      l2.mineEach(ops);
      const dir = mkdtempSync(join(tmpdir(), "extractor-"));
      try {
        const path = join(dir, "bridge.sqlite");
        const queue = new RecordingQueue();
        // First run: abort at the stopAfter-th RPC request.
        const controller = new AbortController();
        let seen = 0;
        l2.onRequest = () => {
          seen += 1;
          if (seen === stopAfter) controller.abort(new Error("killed"));
        };
        const db1 = openDatabase(path);
        await runExtractor(
          deps(db1, queue, { signal: controller.signal, config: config({ blockRange: 2, batchTimeoutMs: 1e12 }) }),
        );
        db1.close();
        l2.onRequest = undefined;
        // Second run: to the end.
        const db2 = openDatabase(path);
        const x = new Extractor(deps(db2, queue, { config: config({ blockRange: 2, batchTimeoutMs: 1e12 }) }));
        await x.tick();
        assert.deepEqual(batchRows(db2), want.rows, `batches after a stop at request ${stopAfter}`);
        assert.deepEqual(
          [...queue.jobs.keys()].sort((a, b) => a - b),
          want.jobs,
        );
        const opIndices = db2.prepare("SELECT op_index FROM extractor_ops ORDER BY op_index").pluck().all();
        assert.deepEqual(
          opIndices,
          ops.map((_, i) => i),
        );
        assert.equal(new ExtractorStore(db2).resume(DEPTH).pending.length, 3);
        db2.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
