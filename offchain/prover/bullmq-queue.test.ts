/**
 * BullmqProofQueue against a real redis-server (offchain/testing/redis.ts: free port, temp dir,
 * AOF on, so a restart keeps the jobs). Queue semantics with a deterministic fake prover in real
 * worker processes (testdata/fake-worker.ts), a prover process SIGKILLed mid-proof, a Redis
 * restart, and one real proof of the tiny test circuit.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as snarkjs from "snarkjs";
import { createLogger, type Logger } from "../runtime/log.js";
import { canonicalInput, LeaseLostError, ProofJobConflictError, ProofJobError } from "../runtime/node-db/proof-jobs.js";
import { sleep } from "../runtime/retry.js";
import { haveRedisServer, type RedisServer, startRedis } from "../testing/redis.js";
import { BullmqProofQueue, jobIdOf, RedisUnavailableError, redisConnection } from "./bullmq-queue.js";
import { ProverPool } from "./pool.js";
import { proofFromCalldata, releaseProverThreads } from "./prove.js";
import { fakeProof } from "./testdata/fake-worker.js";
import { ensureTinyCircuit, REPO_ROOT, type TinyCircuit, tinyJob } from "./testkit.js";

const FAKE_WORKER = fileURLToPath(new URL("./testdata/fake-worker.ts", import.meta.url));
const SEPARATE_PROVER = fileURLToPath(new URL("./testdata/bullmq-prover.ts", import.meta.url));

const quietLog = (): Logger => createLogger("test", { level: "error", write: () => {} });

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const job = (n: number, extra = 0) => ({
  batchNumber: n,
  input: { a: n, b: `0x${(n + extra).toString(16)}`, nested: [{ z: 1, y: 2n }] },
  publicSignals: [String(n * 7), "1"],
});

describe("BullmqProofQueue (real redis-server)", () => {
  let redis: RedisServer;
  let circuit: TinyCircuit;
  let seq = 0;
  const closers: (() => Promise<unknown>)[] = [];
  const children: ChildProcess[] = [];

  before(async () => {
    // `make test-cluster` installs it first; this covers `make test-ts` on a fresh machine.
    if (!haveRedisServer())
      execFileSync(join(REPO_ROOT, "tools/apt-ensure.sh"), ["redis-server:redis-server"], { stdio: "inherit" });
    [redis, circuit] = await Promise.all([startRedis(), ensureTinyCircuit()]);
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    for (const close of closers.reverse()) await close().catch(() => {});
    await redis?.stop({ removeDir: true });
    await releaseProverThreads();
  });

  /** A queue on a fresh queue name (tests do not see each other's jobs). */
  function open(name: string, opts: Partial<ConstructorParameters<typeof BullmqProofQueue>[0]> = {}): BullmqProofQueue {
    const q = new BullmqProofQueue({
      url: redis.url,
      queueName: name,
      leaseMs: 1500,
      retryDelayMs: 50,
      commandTimeoutMs: 15_000,
      log: quietLog(),
      ...opts,
    });
    closers.push(() => q.close());
    return q;
  }
  const freshName = () => `t${process.pid}-${++seq}`;

  function pool(queue: BullmqProofQueue, id: string, opts: { workerEntry?: string; fakeMs?: number } = {}) {
    const p = new ProverPool({
      queue,
      circuit: { wasmPath: circuit.wasmPath, zkeyPath: circuit.zkeyPath, vkeyPath: circuit.vkeyPath },
      workers: 1,
      leaseMs: 1500,
      pollMs: 50,
      restartDelayMs: 50,
      graceMs: 10_000,
      log: quietLog(),
      idPrefix: id,
      workerEntry: opts.workerEntry ?? FAKE_WORKER,
      env: { ...process.env, FAKE_PROVE_MS: String(opts.fakeMs ?? 150) },
    });
    closers.push(() => p.stop());
    return p;
  }

  it("enqueue is idempotent by batch number; a different job for a known batch is a conflict", async () => {
    const q = open(freshName());
    await q.enqueue(job(0));
    await q.enqueue(job(0)); // the same again: no-op
    // The same job in another spelling (hex vs decimal, bigint) is the same canonical job.
    await q.enqueue({ ...job(0), input: { nested: [{ y: "2", z: 1n }], b: "0", a: "0x0" } });
    assert.deepEqual(await q.stats(), { pending: 1, proving: 0, proven: 0, failed: 0, workers: 0 });
    await assert.rejects(q.enqueue(job(0, 5)), ProofJobConflictError);
    await assert.rejects(q.enqueue({ ...job(0), publicSignals: ["1", "1"] }), /different list of public signals/);
    await assert.rejects(q.enqueue({ ...job(1), input: { a: -1 } }), ProofJobError);
    await assert.rejects(q.enqueue({ ...job(1), batchNumber: -1 }), ProofJobError);
    assert.equal((await q.stats()).pending, 1);
  });

  it("claim, heartbeat, complete: checks the lease holder and the public signals", async () => {
    const q = open(freshName());
    await q.enqueue(job(3));
    await q.enqueue(job(4));
    const a = await q.claim("wa", 1500);
    assert.equal(a?.batchNumber, 3);
    assert.equal(a?.attempt, 1);
    assert.deepEqual(a?.input, { a: "3", b: "3", nested: [{ y: "2", z: "1" }] });
    const s = await q.stats();
    assert.equal(s.proving, 1);
    assert.equal(s.workers, 1, "the claiming process registered one BullMQ worker");
    await q.heartbeat(3, "wa", 1500);
    await assert.rejects(q.heartbeat(3, "intruder", 1500), LeaseLostError);
    const result = {
      batchNumber: 3,
      proof: fakeProof("x"),
      publicSignals: job(3).publicSignals,
      worker: "wa",
      provingMs: 5,
    };
    await assert.rejects(q.complete(3, "intruder", { ...result, worker: "intruder" }), LeaseLostError);
    await assert.rejects(q.complete(3, "wa", { ...result, publicSignals: ["22", "1"] }), /public signal 0 is 22/);
    await assert.rejects(q.complete(3, "wa", { ...result, proof: ["1"] }), /8 field elements/);
    assert.equal(await q.result(3), null, "nothing stored by the refused completions");
    await q.complete(3, "wa", result);
    await q.complete(3, "wa", result); // repeated: no-op
    await assert.rejects(q.heartbeat(3, "wa", 1500), LeaseLostError);
    assert.deepEqual(await q.result(3), { ...result, worker: "wa" });
    assert.equal(await q.result(4), null);
    // A reader in another "process" (its own connection) sees the result too.
    assert.deepEqual(await open(q.queueName).result(3), result);
  });

  it("failed attempts and stalls are retried with backoff without limit; stalled() reports the job meanwhile", async () => {
    const q = open(freshName(), { stallAfterAttempts: 3, leaseMs: 300, stalledIntervalMs: 100 });
    await q.enqueue(job(7));
    let c = await q.claim("w1", 1500);
    await q.release(7, "w1", "shutting down");
    c = await q.claim("w1", 1500);
    assert.equal(c?.attempt, 1, "a released job keeps its attempt count");
    const claimed = async (worker: string) => {
      await waitFor(
        `the retry by ${worker}`,
        async () => {
          c = await q.claim(worker, 1500);
          return c !== null;
        },
        10_000,
      );
      return c;
    };
    await q.fail(7, "w1", "boom 1");
    assert.equal((await q.describe(7))?.state, "delayed");
    assert.deepEqual(await q.stalled(), [], "one failure is not a stall yet");
    await claimed("w2");
    await assert.rejects(q.fail(7, "w1", "stale worker"), LeaseLostError);
    await q.fail(7, "w2", "boom 2");
    await claimed("w3");
    await q.fail(7, "w3", "boom 3");
    // Three failures: the job used to end `failed` here. It waits for its next attempt instead.
    const [s] = await q.stalled();
    assert.deepEqual([s?.batchNumber, s?.status, s?.failures, s?.lastError], [7, "pending", 3, "boom 3"]);
    assert.ok(s?.retryAt && s.retryAt >= Date.now() - 1000, JSON.stringify(s));
    assert.equal((await q.stats()).failed, 0);
    // A fourth attempt whose prover dies (no heartbeat: the lock expires and the job stalls).
    await claimed("w4");
    await waitFor("the stall", async () => (await q.describe(7))?.stalls === 1, 10_000);
    const c5 = await claimed("w5");
    assert.equal(c5?.attempt, 5);
    assert.equal((await q.stalled())[0]?.failures, 4);
    await q.complete(7, "w5", {
      batchNumber: 7,
      proof: fakeProof("x"),
      publicSignals: job(7).publicSignals,
      worker: "w5",
      provingMs: 1,
    });
    assert.deepEqual(await q.stalled(), []);
    assert.equal((await q.result(7))?.worker, "w5");
  });

  it("a job an older version marked failed is reported by stalled() and put back by retryFailed", async () => {
    const name = freshName();
    const q = open(name);
    const { Queue } = await import("bullmq");
    const legacy = new Queue(name, { connection: redisConnection(redis.url) });
    closers.push(() => legacy.close());
    await legacy.add("prove", { ...job(2), input: canonicalInput(job(2).input) }, { jobId: jobIdOf(2), attempts: 1 });
    await q.claim("w1", 1500);
    await q.fail(2, "w1", "boom");
    assert.equal((await q.describe(2))?.state, "failed", "attempts: 1 from an older version");
    assert.deepEqual(
      (await q.stalled(1)).map((j) => [j.batchNumber, j.status, j.failures]),
      [[2, "failed", 1]],
    );
    assert.equal(await q.retryFailed(2), true);
    assert.equal((await q.claim("w2", 1500))?.batchNumber, 2);
  });

  it("two prover pools share the jobs; no batch is proved twice into the result set", async () => {
    const name = freshName();
    const producer = open(name);
    const [qa, qb] = [open(name, { workerName: "host-a:1" }), open(name, { workerName: "host-b:2" })];
    const proven: { batch: number; worker: string }[] = [];
    const pa = pool(qa, "host-a:1");
    const pb = pool(qb, "host-b:2");
    for (const p of [pa, pb]) p.on("proven", (batch: number, worker: string) => proven.push({ batch, worker }));
    const N = 8;
    for (let n = 0; n < N; n++) await producer.enqueue(job(n));
    pa.start();
    pb.start();
    await waitFor("every batch proven", async () => (await producer.stats()).proven === N, 30_000);
    assert.deepEqual((await producer.workerNames()).sort(), ["host-a:1", "host-b:2"]);
    await Promise.all([pa.stop(), pb.stop()]);
    assert.deepEqual(
      proven.map((p) => p.batch).sort((x, y) => x - y),
      [...Array(N).keys()],
      "each batch once",
    );
    const by = new Set<string>();
    for (let n = 0; n < N; n++) {
      const r = await producer.result(n);
      assert.ok(r, `result of batch ${n}`);
      assert.deepEqual(r.proof, fakeProof({ a: String(n), b: String(n), nested: [{ y: "2", z: "1" }] }));
      assert.deepEqual(r.publicSignals, job(n).publicSignals);
      assert.equal(r.worker, proven.find((p) => p.batch === n)?.worker);
      by.add(r.worker.split("-w")[0]!);
    }
    assert.deepEqual([...by].sort(), ["host-a:1", "host-b:2"], "both pools proved some batches");
    const s = await producer.stats();
    assert.equal(s.proven, N);
    assert.equal(s.pending + s.proving + s.failed, 0);
  });

  it("a prover process SIGKILLed mid-proof: its job stalls and another worker finishes it", async () => {
    const name = freshName();
    const producer = open(name);
    await producer.enqueue(job(0));
    const child = spawn(process.execPath, ["--import", "tsx", SEPARATE_PROVER], {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        PROOF_QUEUE: name,
        LEASE_MS: "1500",
        FAKE_PROVE_MS: "60000",
        CIRCUIT_DIR: circuit.vkeyPath.replace(/\/verification_key\.json$/, ""),
        LOG_LEVEL: "error",
      },
      stdio: ["ignore", "pipe", "inherit"],
      detached: true,
    });
    children.push(child);
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d.toString();
    });
    await waitFor("the separate prover to start batch 0", () => out.includes("started 0"), 30_000);
    assert.equal((await producer.describe(0))?.state, "active");
    process.kill(-child.pid!, "SIGKILL"); // the prover process and its worker child, mid-proof
    await new Promise((r) => child.once("exit", r));
    const qb = open(name, { workerName: "survivor:1" });
    const pb = pool(qb, "survivor:1", { fakeMs: 50 });
    pb.start();
    await waitFor("batch 0 proven by the survivor", async () => (await producer.result(0)) !== null, 20_000);
    const r = await producer.result(0);
    assert.match(r!.worker, /^survivor:1-w0-/);
    const d = await producer.describe(0);
    assert.equal(d?.stalls, 1, "recovered by BullMQ's stalled-job check");
    await pb.stop();
  });

  it("a Redis restart (same port and dir) loses no job and no result", async () => {
    const name = freshName();
    const producer = open(name);
    const qa = open(name, { workerName: "restart:1" });
    const N = 6;
    for (let n = 0; n < N; n++) await producer.enqueue(job(n));
    const pa = pool(qa, "restart:1", { fakeMs: 250 });
    pa.start();
    await waitFor("a first result", async () => (await producer.stats()).proven >= 1, 20_000);
    await redis.stop(); // SIGTERM: redis-server exits; the AOF (fsync always) has every write
    await assert.rejects(
      open(name, { commandTimeoutMs: 300 }).stats(),
      RedisUnavailableError,
      "calls are bounded while Redis is down",
    );
    await sleep(800);
    await redis.start();
    await waitFor("every batch proven after the restart", async () => (await producer.stats()).proven === N, 40_000);
    await pa.stop();
    for (let n = 0; n < N; n++) assert.ok(await producer.result(n), `result of batch ${n}`);
    const s = await producer.stats();
    assert.deepEqual({ ...s, workers: 0 }, { pending: 0, proving: 0, proven: N, failed: 0, workers: 0 });
  });

  it("proves a real tiny-circuit job through a pool with the real worker", async () => {
    const name = freshName();
    const q = open(name, { workerName: "real:1" });
    const tiny = tinyJob(3n, 11n);
    await q.enqueue({ batchNumber: 0, ...tiny });
    const p = pool(q, "real:1", { workerEntry: fileURLToPath(new URL("./worker.ts", import.meta.url)) });
    p.start();
    await waitFor("the real proof", async () => (await q.result(0)) !== null, 40_000);
    await p.stop();
    const r = (await q.result(0))!;
    assert.deepEqual(r.publicSignals, tiny.publicSignals);
    assert.equal(await snarkjs.groth16.verify(circuit.vkey, r.publicSignals, proofFromCalldata(r.proof)), true);
    const forged = [...r.proof];
    forged[0] = (BigInt(forged[0]!) + 1n).toString();
    assert.equal(
      await snarkjs.groth16.verify(circuit.vkey, r.publicSignals, proofFromCalldata(forged)).catch(() => false),
      false,
    );
    assert.equal(jobIdOf(0), "batch-0");
  });
});
