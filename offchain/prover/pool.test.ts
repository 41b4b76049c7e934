import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { createLogger } from "../runtime/log.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { ProverPool } from "./pool.js";
import { proofFromCalldata, releaseProverThreads } from "./prove.js";
import { ensureTinyCircuit, type TinyCircuit, tinyJob } from "./testkit.js";

const SLOW_WORKER = fileURLToPath(new URL("./testdata/slow-worker.ts", import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Harness {
  pool: ProverPool;
  queue: SqliteProofQueue;
  lines: Record<string, unknown>[];
  proven: Map<number, string[]>;
  started: { batchNumber: number; workerId: string; pid: number; attempt: number }[];
  exits: { workerId: string; pid: number; signal: string | null }[];
}

describe("ProverPool (tiny circuit, worker processes)", () => {
  let circuit: TinyCircuit;
  const pools: ProverPool[] = [];
  before(async () => {
    circuit = await ensureTinyCircuit();
  });
  after(async () => {
    for (const p of pools) await p.stop(); // in case a test failed half-way
    await releaseProverThreads();
  });

  async function start(
    options: {
      workers?: number;
      slowBatches?: number[];
      slowMs?: number;
      hangBatches?: number[];
      graceMs?: number;
      leaseMs?: number;
    } = {},
  ): Promise<Harness> {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), "prover-pool-")), "bridge.sqlite"));
    const queue = new SqliteProofQueue(db, { retryDelayMs: 0 });
    const lines: Record<string, unknown>[] = [];
    const log = createLogger("prover", { level: "debug", write: (l) => lines.push(JSON.parse(l)) });
    const pool = new ProverPool({
      queue,
      circuit,
      workers: options.workers ?? 2,
      leaseMs: options.leaseMs ?? 4000,
      log,
      pollMs: 100,
      restartDelayMs: 50,
      graceMs: options.graceMs ?? 10_000,
      workerEntry: SLOW_WORKER,
      env: {
        ...process.env,
        SLOW_BATCHES: (options.slowBatches ?? []).join(","),
        SLOW_MS: String(options.slowMs ?? 0),
        HANG_BATCHES: (options.hangBatches ?? []).join(","),
        HANG_MS: "60000",
      },
    });
    pools.push(pool);
    const h: Harness = { pool, queue, lines, proven: new Map(), started: [], exits: [] };
    pool.on("proven", (batchNumber: number, workerId: string) => {
      h.proven.set(batchNumber, [...(h.proven.get(batchNumber) ?? []), workerId]);
    });
    pool.on("started", (batchNumber: number, workerId: string, pid: number, attempt: number) =>
      h.started.push({ batchNumber, workerId, pid, attempt }),
    );
    pool.on("exit", (workerId: string, pid: number, _code: number | null, signal: string | null) =>
      h.exits.push({ workerId, pid, signal }),
    );
    pool.start();
    await waitFor("both workers ready", () => pool.status().every((s) => s.state === "idle"));
    return h;
  }

  async function stopAndCheckNoChildLeft(h: Harness): Promise<void> {
    await h.pool.stop();
    assert.ok(h.pool.pids.length >= 1);
    for (const pid of h.pool.pids) assert.equal(isAlive(pid), false, `worker ${pid} is still running`);
  }

  it("proves every job exactly once, spread over both workers, with start and end lines", async () => {
    const h = await start();
    const jobs = [1, 2, 3, 4, 5, 6].map((n) => ({ batchNumber: n, ...tinyJob(BigInt(n + 1), BigInt(10 * n + 3)) }));
    for (const j of jobs) await h.queue.enqueue(j);
    h.pool.wake();
    await waitFor("6 proofs", async () => (await h.queue.stats()).proven === 6);

    for (const j of jobs) {
      assert.equal(h.proven.get(j.batchNumber)?.length, 1, `batch ${j.batchNumber} proved once`);
      assert.equal(h.started.filter((s) => s.batchNumber === j.batchNumber).length, 1, "and started once");
      const r = (await h.queue.result(j.batchNumber))!;
      assert.deepEqual(r.publicSignals, j.publicSignals);
      assert.equal(await snarkjs.groth16.verify(circuit.vkey, r.publicSignals, proofFromCalldata(r.proof)), true);
      const start = h.lines.find((l) => l.msg === "proof started" && l.batchNumber === j.batchNumber);
      const end = h.lines.find((l) => l.msg === "proof done" && l.batchNumber === j.batchNumber);
      assert.equal(start?.worker, r.worker);
      assert.equal(end?.worker, r.worker);
      assert.equal(typeof end?.elapsedMs, "number");
      assert.equal(typeof end?.provingMs, "number");
    }
    const workers = new Set([...h.proven.values()].flat());
    assert.equal(workers.size, 2, "both workers proved");
    assert.deepEqual(await h.queue.stats(), { pending: 0, proving: 0, proven: 6, failed: 0, workers: 0 });
    await stopAndCheckNoChildLeft(h);
  });

  it("finishes the job of a worker killed mid-proof on another worker, and restarts the dead one", async () => {
    const h = await start({ slowBatches: [2], slowMs: 60_000 });
    let victim: { workerId: string; pid: number } | undefined;
    h.pool.on("started", (batchNumber: number, workerId: string, pid: number, attempt: number) => {
      if (batchNumber === 2 && attempt === 1) {
        victim = { workerId, pid };
        // Let it begin (heartbeats flowing), then kill it hard.
        setTimeout(() => process.kill(pid, "SIGKILL"), 300);
      }
    });
    for (const n of [1, 2, 3, 4]) await h.queue.enqueue({ batchNumber: n, ...tinyJob(BigInt(n), 7n) });
    h.pool.wake();
    await waitFor("4 proofs", async () => (await h.queue.stats()).proven === 4);

    assert.ok(victim);
    assert.deepEqual(
      h.exits.map((e) => [e.pid, e.signal]),
      [[victim.pid, "SIGKILL"]],
    );
    const r2 = (await h.queue.result(2))!;
    assert.notEqual(r2.worker, victim.workerId, "another worker proved batch 2");
    assert.equal((await h.queue.describe(2))?.attempts, 2);
    for (const n of [1, 2, 3, 4]) assert.equal(h.proven.get(n)?.length, 1, `batch ${n} proved once`);
    assert.ok(h.lines.some((l) => l.msg === "worker died" && l.worker === victim!.workerId && l.batchNumber === 2));
    await waitFor(
      "the dead worker restarted",
      () => h.pool.pids.length === 3 && h.pool.status().every((s) => s.state === "idle"),
    );
    assert.equal(isAlive(victim.pid), false);
    await stopAndCheckNoChildLeft(h);
  });

  it("kills a worker that stops sending heartbeats (hung) and proves its job again", async () => {
    const h = await start({ workers: 1, hangBatches: [1], leaseMs: 1000 });
    await h.queue.enqueue({ batchNumber: 1, ...tinyJob(6n, 6n) });
    h.pool.wake();
    await waitFor("the job proved after the hang", async () => (await h.queue.result(1)) !== null);
    assert.equal(h.exits[0]?.signal, "SIGKILL");
    assert.equal(h.exits[0]?.pid, h.started[0]?.pid);
    assert.ok(
      h.lines.some((l) => l.msg === "worker hung (no heartbeat for a lease): killing it" && l.batchNumber === 1),
    );
    assert.deepEqual(
      h.started.map((s) => s.attempt),
      [1, 2],
    );
    assert.notEqual((await h.queue.result(1))?.worker, h.started[0]?.workerId);
    await stopAndCheckNoChildLeft(h);
  });

  it("on stop lets a busy worker finish its proof, then exits", async () => {
    const h = await start({ workers: 1, slowBatches: [1], slowMs: 1000 });
    await h.queue.enqueue({ batchNumber: 1, ...tinyJob(5n, 5n) });
    h.pool.wake();
    await waitFor("the job started", () => h.started.length === 1);
    await stopAndCheckNoChildLeft(h);
    assert.ok(await h.queue.result(1), "the proof in progress was stored");
    assert.equal(h.exits.filter((e) => e.signal === "SIGKILL").length, 0);
  });

  it("on stop kills a worker still busy after the grace period and gives its job back", async () => {
    const h = await start({ workers: 1, slowBatches: [1], slowMs: 60_000, graceMs: 300 });
    await h.queue.enqueue({ batchNumber: 1, ...tinyJob(5n, 5n) });
    h.pool.wake();
    await waitFor("the job started", () => h.started.length === 1);
    const t = Date.now();
    await stopAndCheckNoChildLeft(h);
    assert.ok(Date.now() - t < 5000, "stop did not wait for the slow proof");
    assert.equal(h.exits.find((e) => e.pid === h.started[0]!.pid)?.signal, "SIGKILL");
    assert.deepEqual(await h.queue.describe(1), {
      status: "pending",
      attempts: 0,
      worker: null,
      lastError: "released: prover shut down before the proof was done",
    });
  });
});
