/**
 * The explorer's proof column from either proof queue: the same job history (a batch proven, one
 * proving by a named worker, one failed twice with its error, one pending after a failed attempt, one
 * never claimed, one never enqueued) driven through the ProofQueue interface into SqliteProofQueue
 * and into BullmqProofQueue on a real redis-server (offchain/testing/redis.ts), then read through
 * /api/batches of the real HTTP server: both must show each batch the same, as one expected table.
 * Then Redis stopped (and never reachable): the API and the page still answer, the batches still
 * list, their proof status says unavailable, and it comes back with Redis.
 */
// biome-ignore-all lint/suspicious/noExplicitAny: the tests read untyped JSON bodies of the API
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { setupServer } from "msw/node";
import { type Address, type Hex, http } from "viem";
import { cutBatches } from "../extractor/batcher.js";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import { nextOpLogHead, type Op, ZERO_ADDRESS, ZERO_HEAD } from "../lib/protocol.js";
import { BridgeState } from "../lib/state.js";
import { BullmqProofQueue } from "../prover/bullmq-queue.js";
import { publicClientFor } from "../runtime/chains.js";
import { ConfigError } from "../runtime/config.js";
import { silentLogger } from "../runtime/log.js";
import { NodeTables } from "../runtime/node-db/explorer.js";
import { ExtractorStore, type StoredOp } from "../runtime/node-db/extractor.js";
import { type Db, openDatabase } from "../runtime/node-db/open.js";
import { type ReleasableProofQueue, SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { sleep } from "../runtime/retry.js";
import { freePort } from "../testing/anvil.js";
import { writeDeployment } from "../testing/deploy.js";
import { FakeChain } from "../testing/fake-chain.js";
import { haveRedisServer, type RedisServer, startRedis } from "../testing/redis.js";
import { type ExplorerConfig, loadExplorerConfig } from "./config.js";
import { explorerApi } from "./explorer.js";
import { proofJobSourceFor } from "./jobs.js";
import { type ServedExplorer, serveExplorer } from "./server.js";

const STORAGE = "0x00000000000000000000000000000000000051a0" as Address;
const RECEIVING = "0x00000000000000000000000000000000000052b0" as Address;
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BATCHES = 6;
const account = (i: number) => `0x${(0xa000 + i).toString(16).padStart(40, "0")}` as Address;
const tx = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

/** Six batches of one credit each (batch size 1), stored by the extractor's own store. */
function fillDatabase(db: Db): void {
  let head: Hex = ZERO_HEAD;
  const stored: StoredOp[] = Array.from({ length: BATCHES }, (_, i) => {
    const op: Op = { kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: account(i), amount: BigInt(1000 + i) };
    head = nextOpLogHead(head, op);
    return { opIndex: i, op, head, blockNumber: 20 + i, transactionHash: tx(0x7000 + i), logIndex: 0, extractedAt: 1 };
  });
  const cut = cutBatches({ state: new BridgeState(16), nextBatchNumber: 0, creditsBefore: 0 }, stored, {
    batchSize: 1,
    publicSlots: 1,
    batchTimeoutMs: 0,
    now: 2_000,
  });
  assert.equal(cut.batches.length, BATCHES);
  new ExtractorStore(db).commit({
    ops: stored,
    batches: cut.batches,
    cursor: { nextBlock: 30, opCount: BATCHES, opHead: head, lastBlock: 29, lastBlockHash: tx(29) },
  });
}

async function waitFor<T>(what: string, get: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

const ERROR_2 = "snarkjs: out of memory (attempt 2)";
const ERROR_3 = "worker crashed: SIGSEGV";
const RETRY_DELAY_MS = 50;

/**
 * The same history on any queue (a stall after 2 failed attempts), through the ProofQueue interface only. Jobs are
 * enqueued one at a time so both queues claim the same one (their orders differ for retries).
 */
async function driveJobs(db: Db, queue: ReleasableProofQueue): Promise<void> {
  const pending = new ExtractorStore(db).batchesNotEnqueued();
  const enqueue = (n: number) => {
    const b = pending.find((x) => x.batchNumber === n)!;
    return queue.enqueue({ batchNumber: n, input: b.input, publicSignals: b.publicSignals.map(String) });
  };
  const claim = async (worker: string, n: number) => {
    const job = await waitFor(`claim of batch ${n}`, () => queue.claim(worker, 60_000));
    assert.equal(job.batchNumber, n);
    return job;
  };
  await enqueue(0); // proven by worker-a in 41 s
  const j0 = await claim("worker-a", 0);
  await queue.complete(0, "worker-a", {
    batchNumber: 0,
    proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
    publicSignals: j0.publicSignals,
    worker: "worker-a",
    provingMs: 41_000,
  });
  await enqueue(1); // proving by worker-b
  await claim("worker-b", 1);
  await enqueue(2); // two failed attempts, the last error shown; waiting for its third (jobs never end failed)
  await claim("worker-c", 2);
  await queue.fail(2, "worker-c", "first try failed");
  await sleep(RETRY_DELAY_MS * 3);
  const again = await claim("worker-c", 2);
  assert.equal(again.attempt, 2);
  await queue.fail(2, "worker-c", ERROR_2);
  await enqueue(3); // pending again after one failed attempt (waiting for its retry)
  await claim("worker-d", 3);
  await queue.fail(3, "worker-d", ERROR_3);
  await enqueue(4); // pending, never claimed
  // batch 5: never enqueued
  const stats = await queue.stats();
  assert.deepEqual(
    [stats.pending, stats.proving, stats.proven, stats.failed],
    [3, 1, 1, 0],
    "the queue itself agrees on the history",
  );
}

/** What /api/batches shows for each batch (newest first), whichever queue holds the jobs. */
const EXPECTED = [
  { batch: 5, status: "pending", proof: "not-enqueued", worker: null, attempts: 0, provingMs: null, error: null },
  { batch: 4, status: "pending", proof: "pending", worker: null, attempts: 0, provingMs: null, error: null },
  { batch: 3, status: "pending", proof: "pending", worker: null, attempts: 1, provingMs: null, error: ERROR_3 },
  { batch: 2, status: "pending", proof: "pending", worker: null, attempts: 2, provingMs: null, error: ERROR_2 },
  { batch: 1, status: "proving", proof: "proving", worker: "worker-b", attempts: 1, provingMs: null, error: null },
  { batch: 0, status: "proven", proof: "proven", worker: "worker-a", attempts: 1, provingMs: 41_000, error: null },
];
const COUNTS = { pending: 4, proving: 1, proven: 1, sending: 0, submitted: 0, failed: 0, unknown: 0 };

const table = (body: any) =>
  body.batches.map((b: any) => ({
    batch: b.batchNumber,
    status: b.status,
    proof: b.proof.status,
    worker: b.proof.worker,
    attempts: b.proof.attempts,
    provingMs: b.proof.provingMs,
    error: b.proof.error,
  }));

const server = setupServer();
const cleanups: (() => Promise<unknown> | unknown)[] = [];
let chains = 0;

/** An explorer (explorerApi, the node's wiring) over `db`, fake chains where no batch landed, and `queue`. */
async function serve(db: Db, o: { queue?: ReleasableProofQueue; redisUrl?: string; timeoutMs?: number } = {}) {
  const id = ++chains;
  const l1 = new FakeChain({ url: `http://proof-jobs-l1-${id}.test`, chainId: 31337, blockNumber: 40n });
  l1.contract(STORAGE, assetStorageAbi, {
    stateRoot: () => 1n,
    opChain: () => 0n,
    batchCount: () => 0n,
    depositCount: () => 0n,
    processedDeposits: () => 0n,
    exodusMode: () => false,
    priorityDeadline: () => 300n,
    tokenCount: () => 1,
  });
  const l2 = new FakeChain({ url: `http://proof-jobs-l2-${id}.test`, chainId: 31338, blockNumber: 60n });
  l2.contract(RECEIVING, assetReceivingAbi, { opCount: () => BigInt(BATCHES), nextDepositId: () => 0n });
  server.use(l1.handler(), l2.handler());
  const config: ExplorerConfig = {
    l1: { name: "L1", rpcUrl: l1.url, chainId: 31337 },
    l2: { name: "L2", rpcUrl: l2.url, chainId: 31338 },
    assetStorage: STORAGE,
    assetReceiving: RECEIVING,
    l1DeployBlock: 0n,
    blockRange: 16,
    rpcTimeoutMs: o.timeoutMs ?? 2_000,
    port: 0,
    host: "127.0.0.1",
    dataDir: "unused",
    dbPath: "unused",
    queue: { redisUrl: o.redisUrl, queueName: "unused" },
  };
  const client = (c: { name: string; rpcUrl: string; chainId: number }) =>
    publicClientFor(c, http(c.rpcUrl, { retryCount: 0, timeout: 2_000 }));
  const api = explorerApi({
    config,
    db,
    log: silentLogger,
    queue: o.queue,
    l1Client: client(config.l1),
    l2Client: client(config.l2),
  });
  const controller = new AbortController();
  const served: ServedExplorer = await serveExplorer(api, { port: 0, signal: controller.signal, log: silentLogger });
  cleanups.push(async () => {
    controller.abort();
    await served.closed;
  });
  return {
    async get(path: string): Promise<{ status: number; body: any }> {
      const res = await fetch(new URL(path, served.url));
      const text = await res.text();
      const json = (res.headers.get("content-type") ?? "").startsWith("application/json");
      return { status: res.status, body: json ? JSON.parse(text) : text };
    },
  };
}

function freshDb(): Db {
  const db = openDatabase(join(mkdtempSync(join(tmpdir(), "explorer-jobs-")), "bridge.sqlite"));
  fillDatabase(db);
  cleanups.push(() => db.close());
  return db;
}

let redis: RedisServer;
let seq = 0;
function bullmq(url: string, o: { commandTimeoutMs?: number } = {}): BullmqProofQueue {
  const q = new BullmqProofQueue({
    url,
    queueName: `explorer-${process.pid}-${++seq}`,
    stallAfterAttempts: 2,
    retryDelayMs: RETRY_DELAY_MS,
    commandTimeoutMs: o.commandTimeoutMs ?? 10_000,
    log: silentLogger,
  });
  cleanups.push(() => q.close());
  return q;
}

before(async () => {
  // `make test-ts` installs it first; this covers a direct run on a fresh machine.
  if (!haveRedisServer())
    execFileSync(join(REPO_ROOT, "tools/apt-ensure.sh"), ["redis-server:redis-server"], { stdio: "inherit" });
  redis = await startRedis();
  server.listen({ onUnhandledRequest: "bypass" });
});
after(async () => {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
  server.close();
  await redis?.stop({ removeDir: true });
});

describe("explorer proof status: SQLite and BullMQ show the same", () => {
  const sources: { name: string; open: (db: Db) => Promise<{ queue: ReleasableProofQueue; redisUrl?: string }> }[] = [
    {
      name: "sqlite",
      open: async (db) => ({
        queue: new SqliteProofQueue(db, { stallAfterAttempts: 2, retryDelayMs: RETRY_DELAY_MS }),
      }),
    },
    { name: "bullmq", open: async () => ({ queue: bullmq(redis.url), redisUrl: redis.url }) },
  ];
  const bodies = new Map<string, any>();

  for (const source of sources) {
    it(`${source.name}: pending, proving by a named worker, proven with its time, failed with its error`, async () => {
      const db = freshDb();
      const { queue, redisUrl } = await source.open(db);
      await driveJobs(db, queue);
      const explorer = await serve(db, { queue, redisUrl });
      const { status, body } = await explorer.get("/api/batches");
      assert.equal(status, 200);
      assert.deepEqual(body.unavailable, []);
      assert.deepEqual(table(body), EXPECTED);
      assert.deepEqual(body.counts, COUNTS);
      const byNumber = new Map(body.batches.map((b: any) => [b.batchNumber, b]));
      const proving: any = byNumber.get(1);
      assert.equal(typeof proving.proof.elapsedMs, "number");
      assert.ok(proving.proof.elapsedMs >= 0 && proving.proof.elapsedMs < 30_000, `${proving.proof.elapsedMs} ms`);
      assert.equal((byNumber.get(0) as any).proof.elapsedMs, 41_000, "a proven batch shows its proving time");
      bodies.set(source.name, body);
    });
  }

  it("both sources give the same /api/batches (but the clock-dependent elapsed time of the proving batch)", () => {
    const strip = (body: any) =>
      body.batches.map((b: any) => ({
        ...b,
        proof: { ...b.proof, elapsedMs: b.status === "proving" ? 0 : b.proof.elapsedMs },
      }));
    assert.ok(bodies.has("sqlite") && bodies.has("bullmq"), "both cases above ran");
    assert.deepEqual(strip(bodies.get("bullmq")), strip(bodies.get("sqlite")));
  });

  it("with REDIS_URL set the explorer refuses to fall back to the (empty) SQLite table", () => {
    const tables = new NodeTables(freshDb());
    assert.throws(
      () => proofJobSourceFor({ tables, redisUrl: redis.url, timeoutMs: 100 }),
      /REDIS_URL is set, so proof jobs are in BullMQ/,
    );
    assert.equal(proofJobSourceFor({ tables, timeoutMs: 100 }).side, "db");
  });
});

describe("explorer with Redis unreachable", () => {
  it("Redis stopped: page and API answer, batches listed with proof status unavailable; back with Redis", async () => {
    const own = await startRedis(); // its own server: stopping it does not disturb the other tests
    cleanups.push(() => own.stop({ removeDir: true }));
    const db = freshDb();
    const queue = bullmq(own.url);
    await driveJobs(db, queue);
    const explorer = await serve(db, { queue, redisUrl: own.url, timeoutMs: 500 });
    assert.deepEqual(table((await explorer.get("/api/batches")).body), EXPECTED);

    await own.stop();
    const started = Date.now();
    const { status, body } = await explorer.get("/api/batches");
    assert.equal(status, 200);
    assert.ok(Date.now() - started < 5_000, "answers within the read timeout, not Redis's reconnection");
    assert.deepEqual(
      body.unavailable.map((u: any) => u.side),
      ["queue"],
    );
    assert.match(body.unavailable[0].message, /^Redis proof queue explorer-\d+-\d+: /);
    assert.doesNotMatch(body.unavailable[0].message, /redis:\/\//, "no URL in the API");
    assert.equal(body.batches.length, BATCHES, "the batches still render from the database");
    for (const b of body.batches) {
      assert.equal(b.status, "unknown", `batch ${b.batchNumber}`);
      assert.deepEqual(
        { ...b.proof },
        { status: "unavailable", worker: null, attempts: 0, elapsedMs: null, provingMs: null, error: null },
      );
    }
    assert.equal(body.counts.unknown, BATCHES);
    const page = await explorer.get("/");
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Bridge explorer<\/title>/);
    const statusApi = await explorer.get("/api/status");
    assert.equal(statusApi.status, 200);
    assert.equal(statusApi.body.node.batches, BATCHES);
    const byTx = await explorer.get(`/api/lookup?q=${tx(0x7000)}`);
    assert.equal(byTx.status, 200);

    await own.start(); // same port and data (AOF): the jobs are all there
    const back = await waitFor(
      "proof status after the Redis restart",
      async () => {
        const r = (await explorer.get("/api/batches")).body;
        return r.unavailable.length === 0 ? r : null;
      },
      20_000,
    );
    assert.deepEqual(table(back), EXPECTED);
  });

  it("Redis never reachable: answers within the explorer's timeout with proof status unavailable", async () => {
    const port = await freePort(); // nothing listens there
    const url = `redis://:secret@127.0.0.1:${port}`;
    const queue = bullmq(url, { commandTimeoutMs: 300 });
    const db = freshDb();
    const explorer = await serve(db, { queue, redisUrl: url, timeoutMs: 300 });
    const { status, body } = await explorer.get("/api/batches");
    assert.equal(status, 200);
    assert.equal(body.unavailable.length, 1);
    assert.equal(body.unavailable[0].side, "queue");
    assert.match(body.unavailable[0].message, /did not answer the status of 6 job\(s\) within 300 ms|is not connected/);
    assert.doesNotMatch(body.unavailable[0].message, /secret/);
    assert.deepEqual(
      body.batches.map((b: any) => [b.batchNumber, b.status, b.proof.status]),
      [5, 4, 3, 2, 1, 0].map((n) => [n, "unknown", "unavailable"]),
    );
  });
});

describe("explorer configuration: REDIS_URL and PROOF_QUEUE with the prover's parser", () => {
  const deployments = mkdtempSync(join(tmpdir(), "explorer-deployments-"));
  writeDeployment(deployments, { chainId: 31337, layer: "L1", deployBlock: 3, contracts: { AssetStorage: STORAGE } });
  writeDeployment(deployments, {
    chainId: 31338,
    layer: "L2",
    deployBlock: 0,
    contracts: { AssetReceiving: RECEIVING },
  });
  const env = (extra: Record<string, string>) => ({
    L1_RPC_URL: "http://127.0.0.1:8545",
    L2_RPC_URL: "http://127.0.0.1:9545",
    DEPLOYMENTS_DIR: deployments,
    EXPLORER_PORT: "0",
    ...extra,
  });

  it("reads the queue; unset REDIS_URL means the database", () => {
    assert.deepEqual(loadExplorerConfig(env({})).queue, { redisUrl: undefined, queueName: "proof-jobs" });
    assert.deepEqual(loadExplorerConfig(env({ REDIS_URL: "redis://10.0.0.1:6379/2", PROOF_QUEUE: "q1" })).queue, {
      redisUrl: "redis://10.0.0.1:6379/2",
      queueName: "q1",
    });
  });

  it("names every bad field at once, the password hidden", () => {
    try {
      loadExplorerConfig(env({ REDIS_URL: "http://user:hunter2@x", PROOF_QUEUE: "bad name", EXPLORER_PORT: "99999" }));
      assert.fail("expected a ConfigError");
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      const text = error.problems.join("\n");
      assert.match(text, /REDIS_URL/);
      assert.match(text, /PROOF_QUEUE/);
      assert.match(text, /EXPLORER_PORT/);
      assert.doesNotMatch(text, /hunter2/);
    }
  });
});
