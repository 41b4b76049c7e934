/**
 * The attester against fake chains (msw) whose L2 lies: events that do not hash-chain, or a
 * ledger whose stored opHead()/opCount() differs from its events. It must stop following L2, raise
 * an alarm, report failing health and refuse every batch, while still answering for L1.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { http as msw, passthrough } from "msw";
import { setupServer } from "msw/node";
import { type Address, type Hex, http } from "viem";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import {
  attestationDigest,
  type BridgeContracts,
  messageToJson,
  withdrawalRequestAttestation,
} from "../lib/attestation.js";
import { nextOpLogHead, type Op, opChainOf, ZERO_ADDRESS, ZERO_HEAD } from "../lib/protocol.js";
import { publicClientFor } from "../runtime/chains.js";
import { createLogger, toJsonLine } from "../runtime/log.js";
import { Metrics } from "../runtime/metrics.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { ANVIL_KEYS } from "../testing/anvil.js";
import { FakeChain } from "../testing/fake-chain.js";
import { Attester } from "./attester.js";
import type { AttesterConfig } from "./config.js";
import { decideBatch } from "./decide.js";
import { serveAttesterApi } from "./server.js";

const STORAGE: Address = "0x00000000000000000000000000000000000a0001";
const LEDGER: Address = "0x00000000000000000000000000000000000b0002";
const ALICE: Address = "0x00000000000000000000000000000000000a11ce";
const CONTRACTS: BridgeContracts = {
  l1ChainId: 31337,
  assetStorage: STORAGE,
  l2ChainId: 31338,
  assetReceiving: LEDGER,
};
const OPS: Op[] = [
  { kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: ALICE, amount: 100n },
  { kind: 3, tokenId: 0, from: ALICE, to: ALICE, amount: 40n },
  { kind: 4, tokenId: 0, from: ALICE, to: ALICE, amount: 60n }, // forced withdrawal of the rest
  { kind: 4, tokenId: 0, from: ALICE, to: ALICE, amount: 0n }, // a forced withdrawal of nothing is logged too
];

let l1: FakeChain;
let l2: FakeChain;
let stored: { opCount: bigint; opHead: Hex };
const server = setupServer();
before(() => server.listen({ onUnhandledRequest: "error" }));
after(() => server.close());

beforeEach(() => {
  l1 = new FakeChain({ url: "http://l1.test", chainId: 31337, blockNumber: 20n });
  l2 = new FakeChain({ url: "http://l2.test", chainId: 31338, blockNumber: 20n });
  l1.contract(STORAGE, assetStorageAbi, { exodusMode: () => false });
  stored = { opCount: 0n, opHead: ZERO_HEAD };
  l2.contract(LEDGER, assetReceivingAbi, { opCount: () => stored.opCount, opHead: () => stored.opHead });
  server.resetHandlers(l1.handler(), l2.handler());
});

/** Emits OpLogged for OPS at blocks 5, 6, ... with the heads `heads` (default: the true chain). */
function emitOps(heads?: Hex[]): Hex {
  let head = ZERO_HEAD;
  OPS.forEach((op, i) => {
    head = nextOpLogHead(head, op);
    l2.emit({
      address: LEDGER,
      abi: assetReceivingAbi,
      eventName: "OpLogged",
      blockNumber: BigInt(5 + i),
      args: { opIndex: BigInt(i), ...op, head: heads?.[i] ?? head },
    });
  });
  return head;
}

function attester(lines: Record<string, unknown>[]) {
  const config: AttesterConfig = {
    privateKey: ANVIL_KEYS[7],
    l1: { name: "L1", rpcUrl: l1.url, chainId: 31337 },
    l2: { name: "L2", rpcUrl: l2.url, chainId: 31338 },
    contracts: CONTRACTS,
    l1DeployBlock: 1n,
    l2DeployBlock: 1n,
    l1Confirmations: 0,
    l2Confirmations: 0,
    host: "127.0.0.1",
    port: 0,
    pollIntervalMs: 10,
    blockRange: 100, // one range: the fake ledger answers opCount()/opHead() of its head at every block
    dataDir: ":memory:",
    dbPath: ":memory:",
  };
  const metrics = new Metrics();
  const a = new Attester({
    config,
    db: openDatabase(":memory:"),
    log: createLogger("attester", { write: (l) => lines.push(JSON.parse(l)) }),
    signal: new AbortController().signal,
    metrics,
    l1Client: publicClientFor(config.l1, http(l1.url, { retryCount: 0 })),
    l2Client: publicClientFor(config.l2, http(l2.url, { retryCount: 0 })),
  });
  configs.set(a, config);
  return { a, metrics };
}

const configs = new WeakMap<Attester, AttesterConfig>();
const configOf = (a: Attester) => configs.get(a) as AttesterConfig;

const claimOf = (head: Hex) => ({
  batchNumber: 0n,
  newOpChain: opChainOf(OPS),
  l2OpCount: BigInt(OPS.length),
  l2OpHead: head,
});

describe("attester facing an L2 that does not match itself", () => {
  it("follows an honest fake L2 (forced withdrawals included, one of 0) and signs its tuple (the control case)", async () => {
    const head = emitOps();
    stored = { opCount: BigInt(OPS.length), opHead: head };
    const lines: Record<string, unknown>[] = [];
    const { a } = attester(lines);
    await a.tick();
    assert.equal(a.healthy(), true, toJsonLine(a.status));
    const d = decideBatch(CONTRACTS, a.opLogView(), claimOf(head));
    assert.ok("sign" in d, toJsonLine(d));
    assert.deepEqual(messageToJson(d.sign).l2OpCount, String(OPS.length));
  });

  it("detects events whose heads chain but differ from the stored opHead(): stops, alarms, refuses batches", async () => {
    const head = emitOps();
    stored = { opCount: BigInt(OPS.length), opHead: `0x${"99".repeat(32)}` };
    const lines: Record<string, unknown>[] = [];
    const { a, metrics } = attester(lines);
    await a.tick();
    assert.match(a.status.L2.halted ?? "", /stored op-log head mismatch/);
    assert.equal(a.healthy(), false);
    const alarm = lines.find((l) => l.level === "error" && l.alarm === true);
    assert.ok(alarm, "an error line with alarm: true");
    assert.equal(alarm.chain, "L2");
    assert.equal(metrics.get("attester_alarms_total", { chain: "L2" }), 1);
    assert.equal(a.opLogView().opCount, 0, "nothing of the bad range was stored");
    const d = decideBatch(CONTRACTS, a.opLogView(), claimOf(head));
    assert.ok("refuse" in d && d.refuse.error === "unavailable", toJsonLine(d));
    const requests = l2.requests.length;
    await a.tick();
    assert.equal(l2.requests.length, requests, "a halted chain is not followed again");
    assert.equal(a.status.L1.halted, undefined, "L1 is still followed");
  });

  it("detects an event whose head is not the keccak of the previous head and the op", async () => {
    emitOps([`0x${"12".repeat(32)}`]);
    stored = { opCount: 2n, opHead: `0x${"12".repeat(32)}` };
    const lines: Record<string, unknown>[] = [];
    const { a } = attester(lines);
    await a.tick();
    assert.match(a.status.L2.halted ?? "", /op-log head mismatch at op 0/);
    assert.ok(lines.some((l) => l.alarm === true));
  });

  it("an RPC failure is not an alarm: health fails for that round and the next round recovers", async () => {
    const head = emitOps();
    stored = { opCount: BigInt(OPS.length), opHead: head };
    l2.fail("eth_blockNumber", 5, "http500"); // every attempt of one round (rpcRetry: 5)
    const lines: Record<string, unknown>[] = [];
    const { a } = attester(lines);
    await a.tick();
    assert.ok(a.status.L2.error, "the round's error is kept for /health");
    assert.equal(a.healthy(), false);
    assert.equal(a.status.L2.halted, undefined);
    assert.ok(!lines.some((l) => l.alarm === true));
    await a.tick();
    assert.equal(a.healthy(), true, toJsonLine(a.status));
  });
});

describe("attester following the L1 queue (deposits and forced withdrawal requests, one id sequence)", () => {
  const BOB: Address = "0x0000000000000000000000000000000000000b0b";
  const deposit = { recipient: ALICE, tokenId: 0, amount: 5n, depositor: BOB, timestamp: 1_000n };
  const forced = { owner: BOB, tokenId: 1, timestamp: 1_010n };

  function emitQueue(): void {
    const at = { address: STORAGE, abi: assetStorageAbi };
    l1.emit({ ...at, eventName: "DepositQueued", blockNumber: 5n, args: { depositId: 0n, ...deposit } });
    l1.emit({ ...at, eventName: "WithdrawalRequestQueued", blockNumber: 6n, args: { requestId: 1n, ...forced } });
    l1.emit({ ...at, eventName: "DepositQueued", blockNumber: 6n, args: { depositId: 2n, ...deposit, amount: 7n } });
  }

  async function serve() {
    const lines: Record<string, unknown>[] = [];
    const { a, metrics } = attester(lines);
    const stop = new AbortController();
    const log = createLogger("api", { write: () => {} });
    const api = await serveAttesterApi(a, configOf(a), metrics, {
      host: "127.0.0.1",
      port: 0,
      signal: stop.signal,
      log,
    });
    const get = async (path: string) => {
      const res = await fetch(`${api.url}${path}`);
      return { status: res.status, body: (await res.json()) as Record<string, string> };
    };
    return { a, get, lines, stop };
  }

  it("stores both kinds by id and serves GET /v1/withdrawal-request/{id}: sign, 409 per field and kind, 425, 400", async () => {
    server.use(msw.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    emitQueue();
    const { a, get, lines, stop } = await serve();
    try {
      await a.tick();
      assert.equal(a.status.L1.halted, undefined, toJsonLine(a.status));
      assert.equal(a.store.l1Cursor().requestCount, 3);
      assert.equal(a.store.request(1)?.kind, "withdrawal");
      assert.equal(a.store.request(2)?.kind, "deposit");

      const q = `owner=${BOB}&tokenId=1&timestamp=1010`;
      const ok = await get(`/v1/withdrawal-request/1?${q}`);
      assert.equal(ok.status, 200, toJsonLine(ok.body));
      const want = withdrawalRequestAttestation(CONTRACTS, 1n, forced);
      assert.equal(ok.body.digest, attestationDigest(want));
      assert.equal((await get("/v1/withdrawal-request/1")).status, 200, "no record: sign what was followed");

      for (const [field, query] of [
        ["owner", `owner=${ALICE}&tokenId=1&timestamp=1010`],
        ["tokenId", `owner=${BOB}&tokenId=2&timestamp=1010`],
        ["timestamp", `owner=${BOB}&tokenId=1&timestamp=1011`],
      ] as const) {
        const r = await get(`/v1/withdrawal-request/1?${query}`);
        assert.equal(r.status, 409, field);
        assert.equal(r.body.error, "mismatch");
        assert.equal(r.body.field, field);
      }
      const asDeposit = await get("/v1/deposit/1");
      assert.equal(asDeposit.status, 409);
      assert.equal(asDeposit.body.field, "kind");
      assert.match(asDeposit.body.reason ?? "", /forced withdrawal request, not a deposit/);
      const asRequest = await get(`/v1/withdrawal-request/0?${q}`);
      assert.equal(asRequest.status, 409);
      assert.equal(asRequest.body.field, "kind");
      assert.equal((await get("/v1/deposit/2")).status, 200, "the deposit after the request keeps its id");

      assert.equal((await get("/v1/withdrawal-request/3")).status, 425);
      assert.equal((await get("/v1/withdrawal-request/x")).status, 400);
      assert.equal((await get(`/v1/withdrawal-request/1?owner=${BOB}&tokenId=1`)).status, 400, "a partial record");
      assert.equal((await get(`/v1/withdrawal-request/1?${q}&amount=1`)).status, 400, "a field of another kind");
      assert.ok(
        lines.some((l) => l.alarm === true && l.kind === "withdrawal"),
        "a mismatch is an alarm",
      );
    } finally {
      stop.abort();
    }
  });

  it("halts L1 on a gap in the shared ids, whatever the kind", async () => {
    l1.emit({
      address: STORAGE,
      abi: assetStorageAbi,
      eventName: "DepositQueued",
      blockNumber: 5n,
      args: { depositId: 0n, ...deposit },
    });
    l1.emit({
      address: STORAGE,
      abi: assetStorageAbi,
      eventName: "WithdrawalRequestQueued",
      blockNumber: 6n,
      args: { requestId: 2n, ...forced },
    });
    const { a } = attester([]);
    await a.tick();
    assert.match(a.status.L1.halted ?? "", /expected request 1, L1 logs give forced withdrawal request 2/);
    assert.equal(a.store.l1Cursor().requestCount, 0, "nothing of the bad range was stored");
  });
});
