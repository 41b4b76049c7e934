/**
 * The explorer's JSON API over a node database filled through the real store modules (monitor,
 * extractor, proof queue, sender) and msw fake chains (offchain/testing/fake-chain.ts), through
 * the real HTTP server: every endpoint, lookup by deposit id / address / tx hash, and the shape of
 * the answer when an RPC is unreachable.
 */
// biome-ignore-all lint/suspicious/noExplicitAny: the tests read untyped JSON bodies of the API
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { setupServer } from "msw/node";
import { type Address, type Hex, http, parseEther } from "viem";
import { cutBatches } from "../extractor/batcher.js";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import { nextOpLogHead, type Op, ZERO_ADDRESS, ZERO_HEAD } from "../lib/protocol.js";
import { BridgeState } from "../lib/state.js";
import { publicClientFor } from "../runtime/chains.js";
import { silentLogger } from "../runtime/log.js";
import { Alarms } from "../runtime/node-db/alarms.js";
import { NodeTables } from "../runtime/node-db/explorer.js";
import { ExtractorStore, type StoredOp } from "../runtime/node-db/extractor.js";
import { MonitorStore } from "../runtime/node-db/monitor.js";
import { type Db, openDatabase } from "../runtime/node-db/open.js";
import { SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { SenderStore } from "../runtime/node-db/sender.js";
import { FakeChain } from "../testing/fake-chain.js";
import { ExplorerApi } from "./api.js";
import { ChainReader } from "./chain.js";
import { type ServedExplorer, serveExplorer } from "./server.js";

const STORAGE = "0x00000000000000000000000000000000000051a0" as Address;
const RECEIVING = "0x00000000000000000000000000000000000052b0" as Address;
const TOKEN = "0x000000000000000000000000000000000000dead" as Address;
const ALICE = "0x00000000000000000000000000000000000a11ce" as Address;
const BOB = "0x0000000000000000000000000000000000000b0b" as Address;
const PAYEE = "0x000000000000000000000000000000000000fa11" as Address;
const DEPOSITOR = "0x00000000000000000000000000000000000d0d0d" as Address;
const tx = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;
const DEPOSIT_TX = [tx(0xd0), tx(0xd1), tx(0xd2)];
const CREDIT_TX = [tx(0xc0), tx(0xc1)];
const SUBMIT_TX = tx(0x5b0);
const T0 = 1_700_000_000n;

// L2 op log: batch 0 = ops 0..3 (two credits, a withdrawal, a transfer); batch 1 = op 4 (a withdrawal).
const OPS: Op[] = [
  { kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: ALICE, amount: parseEther("1") },
  { kind: 1, tokenId: 1, from: ZERO_ADDRESS, to: BOB, amount: 5_000_000n },
  { kind: 3, tokenId: 0, from: ALICE, to: PAYEE, amount: parseEther("0.25") },
  { kind: 2, tokenId: 0, from: ALICE, to: BOB, amount: 7n },
  { kind: 3, tokenId: 1, from: BOB, to: BOB, amount: 1_000_000n },
];
const OP_TX = (i: number) => tx(0x7000 + i);

interface World {
  db: Db;
  l1: FakeChain;
  l2: FakeChain;
  l1State: {
    batchCount: bigint;
    processedDeposits: bigint;
    stateRoot: bigint;
    exodus: boolean;
    pending: Map<string, bigint>;
  };
  api: ExplorerApi;
  served: ServedExplorer;
  controller: AbortController;
  get(path: string): Promise<{ status: number; body: any }>;
}

let n = 0;
function fillDatabase(db: Db): { batch0Root: bigint } {
  const monitor = new MonitorStore(db);
  monitor.recordScan(12n, {
    requests: [
      {
        kind: "deposit",
        id: 0n,
        record: { recipient: ALICE, tokenId: 0, amount: parseEther("1"), depositor: DEPOSITOR, timestamp: T0 },
        l1Block: 10n,
        l1Tx: DEPOSIT_TX[0]!,
      },
      {
        kind: "deposit",
        id: 1n,
        record: { recipient: BOB, tokenId: 1, amount: 5_000_000n, depositor: DEPOSITOR, timestamp: T0 + 12n },
        l1Block: 11n,
        l1Tx: DEPOSIT_TX[1]!,
      },
      {
        kind: "deposit",
        id: 2n,
        record: { recipient: ALICE, tokenId: 0, amount: parseEther("2"), depositor: DEPOSITOR, timestamp: T0 + 24n },
        l1Block: 12n,
        l1Tx: DEPOSIT_TX[2]!,
      },
    ],
    tokens: [{ tokenId: 1, token: TOKEN, l1Block: 5n }],
  });
  monitor.markMetadata(1, { status: "set", name: "Demo", symbol: "DEMO", decimals: 6 });
  monitor.markCredited(0, CREDIT_TX[0]!, 0);
  monitor.markCredited(1, CREDIT_TX[1]!, 1);
  monitor.markFailed(2, "failed", "creditDeposit would revert on L2: relayer role moved");

  const extractor = new ExtractorStore(db);
  let head: Hex = ZERO_HEAD;
  const stored: StoredOp[] = OPS.map((op, i) => {
    head = nextOpLogHead(head, op);
    return { opIndex: i, op, head, blockNumber: 20 + i, transactionHash: OP_TX(i), logIndex: 0, extractedAt: 1_000 };
  });
  const cut = cutBatches({ state: new BridgeState(16), nextBatchNumber: 0, creditsBefore: 0 }, stored, {
    batchSize: 4,
    publicSlots: 4,
    batchTimeoutMs: 0,
    now: 2_000,
  });
  assert.equal(cut.batches.length, 2);
  extractor.commit({
    ops: stored,
    batches: cut.batches,
    cursor: { nextBlock: 25, opCount: 5, opHead: head, lastBlock: 24, lastBlockHash: tx(24) },
  });
  return { batch0Root: cut.batches[0]!.newRoot };
}

async function makeWorld(opts: { l1Url?: string } = {}): Promise<World> {
  const id = ++n;
  const dir = mkdtempSync(join(tmpdir(), "explorer-api-"));
  const db = openDatabase(join(dir, "bridge.sqlite"));
  const { batch0Root } = fillDatabase(db);
  const queue = new SqliteProofQueue(db);
  for (const b of [0, 1]) {
    const batch = new ExtractorStore(db).batchesNotEnqueued().find((x) => x.batchNumber === b)!;
    await queue.enqueue({ batchNumber: b, input: batch.input, publicSignals: batch.publicSignals.map(String) });
  }
  const job0 = await queue.claim("worker-a", 60_000);
  assert.equal(job0?.batchNumber, 0);
  await queue.complete(0, "worker-a", {
    batchNumber: 0,
    proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
    publicSignals: job0!.publicSignals,
    worker: "worker-a",
    provingMs: 41_000,
  });
  assert.equal((await queue.claim("worker-b", 60_000))?.batchNumber, 1);
  new SenderStore(db).markLanded(0, { txHash: SUBMIT_TX, gasUsed: 345_678n, effectiveGasPrice: 2n, l1Block: 30n });

  const l1 = new FakeChain({ url: `http://explorer-l1-${id}.test`, chainId: 31337, blockNumber: 40n });
  l1.timestamp = T0 + 100n;
  const l1State = {
    batchCount: 1n,
    processedDeposits: 2n,
    stateRoot: batch0Root,
    exodus: false,
    pending: new Map<string, bigint>([[`${PAYEE.toLowerCase()}:0`, parseEther("0.25")]]),
  };
  l1.contract(STORAGE, assetStorageAbi, {
    stateRoot: () => l1State.stateRoot,
    opChain: () => 77n,
    batchCount: () => l1State.batchCount,
    depositCount: () => 3n,
    processedDeposits: () => l1State.processedDeposits,
    exodusMode: () => l1State.exodus,
    priorityDeadline: () => 300n,
    tokenCount: () => 2,
    requestTimestamp: ([i]) => {
      assert.equal(i, 2n, "the oldest unserved queue request's time is read");
      return T0 + 24n;
    },
    pendingWithdrawals: ([account, token]) =>
      l1State.pending.get(`${(account as string).toLowerCase()}:${token}`) ?? 0n,
  });
  const deposits = [
    [ALICE, 0, parseEther("1"), T0],
    [BOB, 1, 5_000_000n, T0 + 12n],
    [ALICE, 0, parseEther("2"), T0 + 24n],
  ] as const;
  deposits.forEach(([recipient, tokenId, amount, timestamp], i) => {
    l1.emit({
      address: STORAGE,
      abi: assetStorageAbi,
      eventName: "DepositQueued",
      args: { depositId: BigInt(i), recipient, tokenId, amount, depositor: DEPOSITOR, timestamp },
      blockNumber: 10n + BigInt(i),
      transactionHash: DEPOSIT_TX[i],
    });
  });
  l1.emit({
    address: STORAGE,
    abi: assetStorageAbi,
    eventName: "TokenDocked",
    args: { tokenId: 1, token: TOKEN },
    blockNumber: 5n,
  });
  l1.emit({
    address: STORAGE,
    abi: assetStorageAbi,
    eventName: "BatchVerified",
    args: { batchNumber: 0n, newRoot: batch0Root, newOpChain: 77n, processedDeposits: 2n },
    blockNumber: 30n,
    transactionHash: SUBMIT_TX,
  });
  l1.emit({
    address: STORAGE,
    abi: assetStorageAbi,
    eventName: "WithdrawalQueued",
    args: { batchNumber: 0n, recipient: PAYEE, tokenId: 0, amount: parseEther("0.25") },
    blockNumber: 30n,
    transactionHash: SUBMIT_TX,
  });

  const l2 = new FakeChain({ url: `http://explorer-l2-${id}.test`, chainId: 31338, blockNumber: 60n });
  l2.contract(RECEIVING, assetReceivingAbi, {
    opCount: () => 5n,
    nextDepositId: () => 2n,
    halted: () => false,
    balanceOf: ([owner, token]) =>
      (owner as string).toLowerCase() === ALICE && token === 0n ? parseEther("0.75") - 7n : 0n,
    // an escrow deal holds 0.5 ETH of Alice's: still hers, not spendable
    heldBalanceOf: ([owner, token]) =>
      (owner as string).toLowerCase() === ALICE && token === 0n ? parseEther("0.5") : 0n,
  });
  server.use(l1.handler(), l2.handler());

  const l1Url = opts.l1Url ?? l1.url;
  const config = {
    l1: { name: "L1", rpcUrl: l1Url, chainId: 31337 },
    l2: { name: "L2", rpcUrl: l2.url, chainId: 31338 },
    assetStorage: STORAGE,
    assetReceiving: RECEIVING,
    l1DeployBlock: 0n,
    blockRange: 16,
    rpcTimeoutMs: 1_000,
  };
  const client = (c: { name: string; rpcUrl: string; chainId: number }) =>
    publicClientFor(c, http(c.rpcUrl, { retryCount: 0, timeout: 1_000 }));
  const chain = new ChainReader({
    config,
    log: silentLogger,
    l1Client: client(config.l1),
    l2Client: client(config.l2),
    cacheMs: 0,
  });
  const api = new ExplorerApi({ tables: new NodeTables(db), chain });
  const controller = new AbortController();
  const served = await serveExplorer(api, { port: 0, signal: controller.signal, log: silentLogger });
  return {
    db,
    l1,
    l2,
    l1State,
    api,
    served,
    controller,
    async get(path) {
      const res = await fetch(new URL(path, served.url));
      const text = await res.text();
      let body: unknown = text;
      if ((res.headers.get("content-type") ?? "").startsWith("application/json")) body = JSON.parse(text);
      return { status: res.status, body };
    },
  };
}

const server = setupServer();
const worlds: World[] = [];
before(() => server.listen({ onUnhandledRequest: "bypass" }));
after(async () => {
  server.close();
  for (const w of worlds) {
    w.controller.abort();
    await w.served.closed;
    w.db.close();
  }
});

async function world(opts?: { l1Url?: string }) {
  const w = await makeWorld(opts);
  worlds.push(w);
  return w;
}

describe("explorer API", () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it("GET /api/status: chains, proven root, deposit-queue age against the exodus deadline", async () => {
    const { status, body } = await w.get("/api/status");
    assert.equal(status, 200);
    assert.deepEqual(body.unavailable, []);
    assert.equal(body.l1.batchCount, "1");
    assert.equal(body.l1.blockNumber, "40");
    assert.equal(body.l2.opCount, "5");
    assert.equal(body.l2.nextDepositId, "2");
    assert.equal(body.provenRoot.root, w.l1State.stateRoot.toString());
    assert.equal(body.provenRoot.batchNumber, 0);
    assert.equal(body.provenRoot.matchesDatabase, true);
    assert.equal(body.depositQueue.pending, "1");
    assert.equal(body.depositQueue.oldestPendingId, "2");
    assert.equal(body.depositQueue.ageSeconds, "76", "block time T0+100 minus queued at T0+24");
    assert.equal(body.depositQueue.secondsLeft, "224");
    assert.equal(body.depositQueue.exodusCanBeActivated, false);
    assert.equal(body.exodus.active, false);
    assert.deepEqual(body.node, { deposits: 3, opsExtracted: 5, batches: 2, database: true });

    w.l1State.stateRoot = 123n; // L1 moved to a root this database does not have for batch 0
    w.l1State.exodus = true;
    const again = (await w.get("/api/status")).body;
    assert.equal(again.provenRoot.matchesDatabase, false);
    assert.equal(again.exodus.active, true);
    assert.deepEqual(again.alarms, []);

    // An alarm of the node (runtime/node-db/alarms.ts) is in the status, for the page's banner.
    const alarms = new Alarms({ db: w.db, log: silentLogger });
    alarms.raise("l1-diverged", { service: "monitor", message: "L1 is not a prefix of L2", action: "see the docs" });
    const alarmed = (await w.get("/api/status")).body;
    assert.deepEqual(
      alarmed.alarms.map((a: { name: string; service: string; message: string; action: string }) => [
        a.name,
        a.service,
        a.message,
        a.action,
      ]),
      [["l1-diverged", "monitor", "L1 is not a prefix of L2", "see the docs"]],
    );
    alarms.clear("l1-diverged");
  });

  it("GET /api/deposits: newest first, with L2 credit status, batch and proof stage", async () => {
    const { status, body } = await w.get("/api/deposits");
    assert.equal(status, 200);
    assert.equal(body.total, 3);
    assert.deepEqual(
      body.deposits.map((d: any) => [d.depositId, d.credit.status, d.batch, d.proven, d.stage]),
      [
        [2, "failed", null, false, "deposited"],
        [1, "credited", 0, true, "proven"],
        [0, "credited", 0, true, "proven"],
      ],
    );
    const [d2, d1] = body.deposits;
    assert.match(d2.credit.error, /relayer role moved/);
    assert.equal(d1.recipient, BOB);
    assert.equal(d1.amount, "5000000");
    assert.deepEqual(d1.token, { id: 1, symbol: "DEMO", decimals: 6, address: TOKEN });
    assert.equal(d1.credit.tx, CREDIT_TX[1]);
    assert.equal(body.deposits[2].token.symbol, "ETH");
    assert.equal((await w.get("/api/deposits?limit=1")).body.deposits.length, 1);
    const bad = await w.get("/api/deposits?limit=0");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /limit must be a whole number from 1 to 500/);
  });

  it("GET /api/ops: extracted L2 ops with their batch and the deposit a credit carries", async () => {
    const { body } = await w.get("/api/ops");
    assert.equal(body.total, 5);
    assert.equal(body.l2OpCount, "5");
    assert.deepEqual(
      body.ops.map((o: any) => [o.opIndex, o.kind, o.batch, o.depositId]),
      [
        [4, "withdrawal", 1, null],
        [3, "transfer", 0, null],
        [2, "withdrawal", 0, null],
        [1, "credit", 0, 1],
        [0, "credit", 0, 0],
      ],
    );
    assert.equal(body.ops[0].l2Tx, OP_TX(4));
  });

  it("GET /api/batches: proving with worker and elapsed time; submitted with L1 tx and gas", async () => {
    const { body } = await w.get("/api/batches");
    assert.equal(body.total, 2);
    assert.equal(body.l1BatchCount, "1");
    const [b1, b0] = body.batches;
    assert.equal(b1.batchNumber, 1);
    assert.equal(b1.status, "proving");
    assert.equal(b1.proof.worker, "worker-b");
    assert.equal(typeof b1.proof.elapsedMs, "number");
    assert.ok(b1.proof.elapsedMs >= 0);
    assert.equal(b1.l1.tx, null);
    assert.equal(b0.status, "submitted");
    assert.equal(b0.l1.tx, SUBMIT_TX);
    assert.equal(b0.l1.gasUsed, "345678");
    assert.equal(b0.proof.provingMs, 41_000);
    assert.deepEqual(b0.deposits, { first: 0, count: 2 });
    assert.equal(b0.withdrawals, 1);
    assert.deepEqual(body.counts, {
      pending: 0,
      proving: 1,
      proven: 0,
      sending: 0,
      submitted: 1,
      failed: 0,
      unknown: 0,
    });
  });

  it("GET /api/withdrawals: claimable from WithdrawalQueued until a Claimed log; in-flight ones by batch", async () => {
    let { body } = await w.get("/api/withdrawals");
    assert.deepEqual(body.unavailable, []);
    assert.deepEqual(
      body.withdrawals.map((x: any) => [x.opIndex, x.stage, x.batch, x.recipient]),
      [
        [4, "batched", 1, BOB],
        [2, "claimable", 0, PAYEE],
      ],
    );
    assert.equal(body.withdrawals[1].l1Tx, SUBMIT_TX);
    assert.deepEqual(
      body.claimable.map((c: any) => [c.account, c.token.symbol, c.amount]),
      [[PAYEE, "ETH", parseEther("0.25").toString()]],
    );

    w.l1.blockNumber = 45n;
    w.l1.emit({
      address: STORAGE,
      abi: assetStorageAbi,
      eventName: "Claimed",
      args: { account: PAYEE, tokenId: 0, amount: parseEther("0.25") },
      blockNumber: 45n,
      transactionHash: tx(0xc1a1),
    });
    w.l1State.pending.clear();
    ({ body } = await w.get("/api/withdrawals"));
    assert.equal(body.withdrawals[1].stage, "claimed");
    assert.equal(body.withdrawals[1].claimTx, tx(0xc1a1));
    assert.deepEqual(body.claimable, []);
  });

  it("lookup by deposit id: the journey deposited -> credited -> batched -> proven", async () => {
    const { status, body } = await w.get("/api/lookup?q=1");
    assert.equal(status, 200);
    assert.equal(body.kind, "deposit");
    assert.equal(body.found, true);
    const [journey] = body.journeys;
    assert.equal(journey.title, "deposit 1");
    assert.deepEqual(
      journey.steps.map((s: any) => [s.step, s.state]),
      [
        ["deposited", "done"],
        ["credited", "done"],
        ["batched", "done"],
        ["proven", "done"],
      ],
    );
    assert.match(journey.steps[3].detail, new RegExp(SUBMIT_TX));

    const waiting = (await w.get("/api/lookup?q=%232")).body.journeys[0];
    assert.deepEqual(
      waiting.steps.map((s: any) => s.state),
      ["done", "current", "todo", "todo"],
    );
    const none = (await w.get("/api/lookup?q=99")).body;
    assert.equal(none.found, false);
    assert.match(none.message, /no deposit 99/);
  });

  it("lookup by address: deposits, ops, withdrawals, L2 balances and what is claimable", async () => {
    const alice = (await w.get(`/api/lookup?q=${ALICE.toLowerCase()}`)).body;
    assert.equal(alice.kind, "address");
    assert.deepEqual(
      alice.deposits.map((d: any) => d.depositId),
      [2, 0],
    );
    assert.deepEqual(
      alice.ops.map((o: any) => o.opIndex),
      [3, 2, 0],
    );
    assert.deepEqual(
      alice.withdrawals.map((x: any) => x.opIndex),
      [2],
      "alice's withdrawal to another L1 address",
    );
    assert.deepEqual(alice.l2Balances, [
      {
        token: { id: 0, symbol: "ETH", decimals: 18, address: null },
        amount: (parseEther("0.75") - 7n).toString(),
        held: parseEther("0.5").toString(),
        spendable: (parseEther("0.25") - 7n).toString(),
      },
    ]);
    const payee = (await w.get(`/api/lookup?q=${PAYEE}`)).body;
    assert.equal(payee.found, true);
    assert.deepEqual(
      payee.claimable.map((c: any) => c.amount),
      [parseEther("0.25").toString()],
    );
    assert.equal(
      payee.journeys[0].title,
      `withdrawal of 0.25 ETH to ${PAYEE}`,
      "the amount is in token units, not wei",
    );
    const bobWithdrawal = (await w.get(`/api/lookup?q=${OP_TX(4)}`)).body.journeys[0];
    assert.equal(bobWithdrawal.title, `withdrawal of 1 DEMO to ${BOB}`, "DEMO has 6 decimals here");
    const steps = payee.journeys[0].steps.map((s: any) => [s.step, s.state]);
    assert.deepEqual(steps, [
      ["requested", "done"],
      ["batched", "done"],
      ["proven", "done"],
      ["claimable", "current"],
      ["claimed", "todo"],
    ]);
    const stranger = (await w.get(`/api/lookup?q=0x${"12".repeat(20)}`)).body;
    assert.equal(stranger.found, false);
  });

  it("lookup by tx hash: L1 deposit tx, L2 credit tx, L2 withdrawal tx, L1 batch tx", async () => {
    const byDeposit = (await w.get(`/api/lookup?q=${DEPOSIT_TX[0]}`)).body;
    assert.equal(byDeposit.kind, "tx");
    assert.deepEqual(
      byDeposit.deposits.map((d: any) => d.depositId),
      [0],
    );
    const byCredit = (await w.get(`/api/lookup?q=${CREDIT_TX[1]}`)).body;
    assert.deepEqual(
      byCredit.deposits.map((d: any) => d.depositId),
      [1],
    );
    const byWithdrawal = (await w.get(`/api/lookup?q=${OP_TX(2)}`)).body;
    assert.deepEqual(
      byWithdrawal.ops.map((o: any) => o.kind),
      ["withdrawal"],
    );
    assert.equal(byWithdrawal.journeys[0].steps[3].step, "claimable");
    const byBatch = (await w.get(`/api/lookup?q=${SUBMIT_TX}`)).body;
    assert.equal(byBatch.batchNumber, 0);
    assert.equal(byBatch.batches[0].status, "submitted");
    const unknown = (await w.get(`/api/lookup?q=${tx(0xbad)}`)).body;
    assert.equal(unknown.found, false);
  });

  it("refuses what it cannot read: bad lookup queries (400), unknown paths (404), writes (405)", async () => {
    const bad = await w.get("/api/lookup?q=hello");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /deposit id .* address .* transaction hash/);
    assert.equal((await w.get("/api/lookup")).status, 400);
    const missing = await w.get("/api/nope");
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /no such endpoint \/api\/nope/);
    const post = await fetch(new URL("/api/status", w.served.url), { method: "POST" });
    assert.equal(post.status, 405);
  });

  it("serves the page and its script", async () => {
    const page = await w.get("/");
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Bridge explorer<\/title>/);
    assert.match(page.body, /<script src="\/app.js">/);
    assert.match(page.body, /<link rel="icon" href="\/favicon.svg"/);
    const icon = await fetch(new URL("/favicon.ico", w.served.url));
    assert.equal(icon.status, 200, "browsers ask for /favicon.ico: a 404 is a console error");
    assert.match(icon.headers.get("content-type") ?? "", /^image\/svg\+xml/);
    assert.match(await icon.text(), /<svg/);
    assert.equal((await fetch(new URL("/favicon.svg", w.served.url))).status, 200);
    const js = await w.get("/app.js");
    assert.equal(js.status, 200);
    assert.match(js.body, /\/api\/status/);
  });
});

describe("explorer API with a chain unreachable", () => {
  it("L1 down: says which side failed, answers from the database and L2", async () => {
    const w = await world({ l1Url: "http://127.0.0.1:1" }); // nothing listens on port 1
    const status = await w.get("/api/status");
    assert.equal(status.status, 200);
    assert.equal(status.body.l1, null);
    assert.equal(status.body.provenRoot, null);
    assert.equal(status.body.l2.opCount, "5");
    assert.equal(status.body.unavailable.length, 1);
    assert.equal(status.body.unavailable[0].side, "L1");
    assert.match(status.body.unavailable[0].message, /^L1 RPC: /);
    assert.doesNotMatch(status.body.unavailable[0].message, /127\.0\.0\.1:1/, "the RPC URL is not echoed");

    const deposits = (await w.get("/api/deposits")).body;
    assert.equal(deposits.unavailable[0].side, "L1");
    assert.deepEqual(
      deposits.deposits.map((d: any) => [d.depositId, d.credit.status, d.proven]),
      [
        [2, "failed", null],
        [1, "credited", null],
        [0, "credited", null],
      ],
      "the database still answers; proof status unknown",
    );
    const withdrawals = (await w.get("/api/withdrawals")).body;
    assert.equal(withdrawals.claimable, null);
    assert.equal(withdrawals.unavailable[0].side, "L1");
    const batches = (await w.get("/api/batches")).body;
    assert.equal(batches.batches[1].status, "submitted", "the sender's record still says batch 0 landed");
  });

  it("L2 down (HTTP 500): side L2, L1 parts intact", async () => {
    const w = await world();
    w.l2.fail("*", 1_000, "http500");
    const { body } = await w.get("/api/status");
    assert.equal(body.l2, null);
    assert.equal(body.l1.batchCount, "1");
    assert.deepEqual(
      body.unavailable.map((u: any) => u.side),
      ["L2"],
    );
    assert.match(body.unavailable[0].message, /^L2 RPC: /);
    const lookup = (await w.get(`/api/lookup?q=${ALICE}`)).body;
    assert.equal(lookup.l2Balances, null);
    assert.ok(lookup.unavailable.some((u: any) => u.side === "L2"));
  });
});
