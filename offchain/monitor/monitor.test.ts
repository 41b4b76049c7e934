import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { setupServer } from "msw/node";
import type { Address } from "viem";
import { assetReceivingAbi, assetStorageAbi, erc20Abi } from "../lib/abi.js";
import { silentLogger } from "../runtime/log.js";
import { serveMetrics } from "../runtime/metrics.js";
import { MonitorStore } from "../runtime/node-db/monitor.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { Revert } from "../testing/fake-chain.js";
import { ALICE, BOB, fakeToken, makeWorld, RECEIVING, STORAGE, type World } from "./fixtures.js";
import { MonitorService, runMonitor } from "./monitor.js";

const server = setupServer();
before(() =>
  server.listen({
    // the metrics endpoint is real HTTP on 127.0.0.1; everything else must be a fake chain
    onUnhandledRequest: (request, print) => {
      if (new URL(request.url).hostname !== "127.0.0.1") print.error();
    },
  }),
);
afterEach(() => server.resetHandlers());
after(() => server.close());

function world(...args: Parameters<typeof makeWorld>): World {
  const w = makeWorld(...args);
  server.use(w.l1.handler(), w.l2.handler());
  return w;
}

const sentCredits = (w: World) => w.l2.sent.filter((t) => t.functionName === "creditDeposit").map((t) => t.args?.[0]);

describe("monitor: crediting", () => {
  it("credits deposits in id order, checks each receipt, and records progress", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 95n });
    w.deposit(1, 20n, { block: 97n });
    w.deposit(2, 30n, { block: 97n, tokenId: 0, recipient: "0x00000000000000000000000000000000000c0ffe" });
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.deepEqual(w.ledger.credited, [0n, 1n, 2n]);
    assert.deepEqual(sentCredits(w), [0n, 1n, 2n]);
    const p = svc.store.progress();
    assert.equal(p.lastL1Block, 100);
    assert.equal(p.depositsSeen, 3);
    assert.equal(p.lastCreditedDepositId, 2);
    assert.equal(p.pendingCredits, 0);
    const d2 = svc.store.deposit(2)!;
    assert.equal(d2.status, "credited");
    assert.equal(d2.opIndex, 2);
    assert.equal(d2.recipient, "0x00000000000000000000000000000000000c0ffe");
    assert.match(d2.creditTx ?? "", /^0x[0-9a-f]{64}$/);
    assert.equal(w.metrics.get("monitor_credits_total"), 3);
    assert.equal(w.metrics.get("monitor_last_credited_deposit_id"), 2);
    assert.deepEqual(w.errors(), []);
    // Nothing new: a second tick sends nothing.
    await svc.tick();
    assert.equal(sentCredits(w).length, 3);
  });

  it("waits for CONFIRMATIONS before reading a block", async () => {
    const w = world({ confirmations: 3 });
    w.deposit(0, 10n, { block: 97n });
    w.deposit(1, 20n, { block: 99n });
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.equal(svc.store.progress().lastL1Block, 98, "head 100 with 3 confirmations is block 98");
    assert.deepEqual(w.ledger.credited, [0n]);
    w.l1.blockNumber = 101n;
    await svc.tick();
    assert.deepEqual(w.ledger.credited, [0n, 1n]);
  });

  it("retries RPC errors, HTTP errors and timeouts on both chains", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 92n });
    w.deposit(1, 11n, { block: 99n });
    w.l1.fail("eth_getLogs", 1, "error").fail("eth_blockNumber", 1, "timeout").fail("eth_getLogs", 1, "http500");
    w.l2
      .fail("eth_call", 2, "timeout")
      .fail("eth_sendRawTransaction", 1, "error")
      .fail("eth_getTransactionReceipt", 1, "http500");
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.deepEqual(w.ledger.credited, [0n, 1n]);
    const warnings = w.lines.map((l) => JSON.parse(l)).filter((e) => e.msg === "retrying after error");
    assert.ok(warnings.length >= 5, `expected the retries to be logged, got ${warnings.length}`);
  });

  it("halves the block range when the node refuses it", async () => {
    const w = world({ blockRange: 8 });
    w.l1.maxLogRange = 2n;
    w.deposit(0, 10n, { block: 91n });
    w.deposit(1, 10n, { block: 99n });
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.deepEqual(w.ledger.credited, [0n, 1n]);
    assert.equal(svc.store.progress().lastL1Block, 100);
    const halvings = w.lines
      .map((l) => JSON.parse(l))
      .filter((e) => e.msg === "eth_getLogs failed: halving the block range");
    assert.equal(halvings.length, 2, "8 -> 4 -> 2");
  });

  it("skips deposits already credited on L2 (nextDepositId ahead) and only sends the rest", async () => {
    const w = world();
    for (let i = 0; i < 3; i++) w.deposit(i, BigInt(100 + i), { block: 95n });
    // Deposits 0 and 1 were credited before (e.g. by this monitor before a crash that lost its db).
    for (const id of [0n, 1n]) {
      w.l2.emit({
        address: RECEIVING,
        abi: assetReceivingAbi,
        eventName: "DepositCredited",
        args: { depositId: id, recipient: ALICE, tokenId: 0, amount: 100n + id, opIndex: id },
        blockNumber: 10n,
      });
    }
    w.ledger.next = 2n;
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.deepEqual(sentCredits(w), [2n], "only deposit 2 is sent");
    for (const id of [0, 1, 2]) assert.equal(svc.store.deposit(id)?.status, "credited");
    assert.equal(svc.store.deposit(0)?.opIndex, 0);
    assert.deepEqual(w.errors(), []);
  });

  it("reports a reverted credit loudly, does not mark it done, and retries it next tick", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 95n });
    w.deposit(1, 20n, { block: 95n });
    w.ledger.revertOnChain.add(1n);
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.deepEqual(w.ledger.credited, [0n]);
    const d1 = svc.store.deposit(1)!;
    assert.equal(d1.status, "failed");
    assert.match(d1.error ?? "", /reverted/);
    const errors = w.errors();
    assert.equal(errors.length, 1);
    assert.equal(errors[0]!.msg, "credit reverted on L2: not marked done");
    assert.equal(errors[0]!.depositId, 1);
    assert.equal(w.metrics.get("monitor_credit_failures_total", { reason: "reverted" }), 1);
    assert.equal(svc.store.progress().lastCreditedDepositId, 0);
    await svc.tick();
    assert.deepEqual(w.ledger.credited, [0n, 1n]);
    assert.equal(svc.store.deposit(1)?.status, "credited");
  });

  it("does not send a credit whose simulation reverts", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 95n });
    // The contract refuses (e.g. the relayer role was moved): the simulation reverts.
    w.l2.contract(RECEIVING, assetReceivingAbi, {
      nextDepositId: () => w.ledger.next,
      halted: () => false,
      creditsPaused: () => false,
      creditDeposit: () => {
        throw Revert.reason("CallerIsNotRelayer");
      },
    });
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.equal(w.l2.sent.length, 0);
    assert.equal(svc.store.deposit(0)?.status, "failed");
    assert.match(svc.store.deposit(0)?.error ?? "", /CallerIsNotRelayer/);
    assert.equal(w.errors()[0]?.msg, "creditDeposit would revert on L2: not sent, will retry");
  });

  it("flags a credit whose DepositCredited event does not match the L1 deposit", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 95n });
    w.deposit(1, 20n, { block: 95n });
    w.ledger.wrongEvent.add(0n);
    const svc = new MonitorService(w.deps());
    await svc.tick();
    const d0 = svc.store.deposit(0)!;
    assert.equal(d0.status, "mismatch");
    assert.match(d0.error ?? "", /amount 11 != 10/);
    assert.equal(w.errors()[0]?.msg, "L2 credit does not match the L1 deposit: not marked done");
    assert.equal(svc.store.progress().mismatchedCredits, 1);
    // Later ticks go on with the next deposit and keep the flag.
    await svc.tick();
    assert.equal(svc.store.deposit(1)?.status, "credited");
    assert.equal(svc.store.deposit(0)?.status, "mismatch");
    assert.equal(w.metrics.get("monitor_credit_mismatches"), 1);
  });

  it("flags a deposit that L2 credited with other values while we were down", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 95n });
    w.l2.emit({
      address: RECEIVING,
      abi: assetReceivingAbi,
      eventName: "DepositCredited",
      args: { depositId: 0n, recipient: ALICE, tokenId: 0, amount: 999n, opIndex: 0n },
      blockNumber: 10n,
    });
    w.ledger.next = 1n;
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.equal(svc.store.deposit(0)?.status, "mismatch");
    assert.equal(w.l2.sent.length, 0);
    assert.match(w.errors()[0]?.msg ?? "", /different values/);
  });

  it("sends no credit while fewer than the threshold of attesters sign, then credits", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 95n });
    w.ledger.paused = true;
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.equal(w.l2.sent.length, 0);
    assert.match(String(w.errors()[0]?.reason ?? ""), /1 of 2 attester signatures \(attester refused\)/);
    w.ledger.paused = false;
    await svc.tick();
    assert.deepEqual(w.ledger.credited, [0n]);
  });

  it("refuses L1 logs with a gap in deposit ids and does not move its checkpoint", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 91n });
    w.deposit(2, 10n, { block: 97n });
    const svc = new MonitorService(w.deps());
    await assert.rejects(svc.tick(), /queue request ids jump from 0 to 2/);
    assert.equal(svc.store.progress().lastL1Block, 94, "ranges before the gap are kept");
    assert.deepEqual(w.ledger.credited, []);
  });
});

describe("monitor: restart", () => {
  it("recognises a credit sent before a crash and never sends it again", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "monitor-")), "bridge.sqlite");
    const w = world({}, path);
    w.deposit(0, 10n, { block: 95n });
    w.deposit(1, 20n, { block: 95n });
    const inner = w.l2.onTransaction;
    w.l2.onTransaction = () => "pending"; // the credit of deposit 0 stays in the mempool
    const controller = new AbortController();
    const first = new MonitorService(w.deps(controller.signal));
    const crashed = first.tick();
    while (w.l2.sent.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error("killed"));
    await assert.rejects(crashed, /killed/);
    assert.equal(first.store.deposit(0)?.status, "sent");
    w.db.close();

    // While we are down, the pending credit is mined.
    w.l2.onTransaction = inner;
    const pending = w.l2.pendingTxs()[0]!;
    w.l2.mine(pending.hash, inner(pending, w.l2) as never);
    assert.deepEqual(w.ledger.credited, [0n]);

    const w2db = openDatabase(path);
    const second = new MonitorService({ ...w.deps(), db: w2db });
    await second.tick();
    assert.deepEqual(w.ledger.credited, [0n, 1n], "each deposit credited exactly once");
    assert.equal(sentCredits(w).filter((id) => id === 0n).length, 1, "deposit 0 was sent once");
    assert.equal(second.store.deposit(0)?.status, "credited");
    assert.equal(second.store.deposit(0)?.creditTx, pending.hash);
    w2db.close();
  });
});

describe("monitor: the L1 queue with forced withdrawal requests", () => {
  const relayed = (w: World) =>
    w.l2.sent
      .filter((t) => t.functionName === "creditDeposit" || t.functionName === "forceWithdrawal")
      .map((t) => `${t.functionName} ${t.args?.[0]}`);

  it("relays a mixed queue in id order: credits and attested forced withdrawals (any amount, 0 too)", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 95n });
    w.requestWithdrawal(1, ALICE, { block: 96n });
    w.requestWithdrawal(2, BOB, { block: 96n, tokenId: 0 });
    w.deposit(3, 30n, { block: 97n });
    w.ledger.spendable.set(ALICE.toLowerCase(), 10n);
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.deepEqual(relayed(w), ["creditDeposit 0", "forceWithdrawal 1", "forceWithdrawal 2", "creditDeposit 3"]);
    assert.deepEqual(w.attested, ["deposit 0", "withdrawal 1", "withdrawal 2", "deposit 3"]);
    const call = w.l2.sent.find((t) => t.functionName === "forceWithdrawal");
    assert.deepEqual(call?.args?.[1], { owner: ALICE, tokenId: 0, timestamp: 1_700_000_001n });
    assert.equal(call?.args?.[2], "0x9abc", "the forced withdrawal carries the request's attestation");
    assert.equal(svc.store.request(1)?.forcedAmount, 10n);
    assert.equal(svc.store.request(2)?.forcedAmount, 0n, "a zero withdrawal is a served request");
    assert.equal(svc.store.request(2)?.status, "credited");
    const p = svc.store.progress();
    assert.equal(p.depositsSeen, 4);
    assert.equal(p.forcedRequestsSeen, 2);
    assert.equal(p.pendingCredits, 0);
    assert.deepEqual(w.errors(), []);
    await svc.tick();
    assert.equal(relayed(w).length, 4, "nothing is relayed twice");
  });

  it("a forced withdrawal served by someone else while the monitor was down is reconciled, never sent again", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "monitor-forced-")), "bridge.sqlite");
    const w = world({}, path);
    w.deposit(0, 10n, { block: 95n });
    w.requestWithdrawal(1, ALICE, { block: 95n });
    w.requestWithdrawal(2, BOB, { block: 96n });
    w.deposit(3, 40n, { block: 96n });
    w.ledger.paused = true; // no attestation: the first run stores the queue and relays nothing
    const first = new MonitorService(w.deps());
    await first.tick();
    assert.deepEqual(relayed(w), []);
    w.db.close();
    // While it is down, another courier serves requests 0 and 1 (L2 logs them).
    for (const [functionName, args] of [
      [
        "creditDeposit",
        [0n, { recipient: ALICE, tokenId: 0, amount: 10n, depositor: BOB, timestamp: 1_700_000_000n }, "0x"],
      ],
      ["forceWithdrawal", [1n, { owner: ALICE, tokenId: 0, timestamp: 1_700_000_001n }, "0x"]],
    ] as const) {
      const hash = `0x${String(args[0]).padStart(64, "e")}` as const;
      const outcome = w.l2.onTransaction({ hash, functionName, args } as never, w.l2);
      assert.ok(outcome !== "pending" && outcome.status === "success");
      for (const l of outcome.logs ?? []) w.l2.emit({ ...l, blockNumber: w.l2.blockNumber, transactionHash: hash });
    }
    assert.deepEqual(w.ledger.credited, [0n, 1n]);
    w.ledger.paused = false;
    const db = openDatabase(path);
    const second = new MonitorService({ ...w.deps(), db });
    await second.tick();
    assert.deepEqual(relayed(w), ["forceWithdrawal 2", "creditDeposit 3"], "resumes at request 2, in order");
    assert.deepEqual(w.ledger.credited, [0n, 1n, 2n, 3n], "each request served exactly once");
    assert.equal(second.store.request(1)?.status, "credited", "reconciled from the ForcedWithdrawal log");
    assert.equal(second.store.request(0)?.status, "credited");
    db.close();
  });

  it("recognises a forced withdrawal sent before a crash and never sends it again", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "monitor-forced-crash-")), "bridge.sqlite");
    const w = world({}, path);
    w.requestWithdrawal(0, ALICE, { block: 95n });
    w.deposit(1, 20n, { block: 95n });
    const inner = w.l2.onTransaction;
    w.l2.onTransaction = () => "pending";
    const controller = new AbortController();
    const first = new MonitorService(w.deps(controller.signal));
    const crashed = first.tick();
    while (w.l2.sent.length === 0) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error("killed"));
    await assert.rejects(crashed, /killed/);
    assert.equal(first.store.request(0)?.status, "sent");
    w.db.close();
    w.l2.onTransaction = inner;
    const pending = w.l2.pendingTxs()[0]!;
    w.l2.mine(pending.hash, inner(pending, w.l2) as never);
    const db = openDatabase(path);
    const second = new MonitorService({ ...w.deps(), db });
    await second.tick();
    assert.deepEqual(w.ledger.credited, [0n, 1n]);
    assert.deepEqual(relayed(w), ["forceWithdrawal 0", "creditDeposit 1"]);
    assert.equal(second.store.request(0)?.relayTx, pending.hash);
    db.close();
  });
});

describe("monitor: docking metadata", () => {
  it("relays name, symbol and decimals, with fallbacks when a token lacks them", async () => {
    const w = world();
    const good = "0x0000000000000000000000000000000000000d01" as Address;
    const bare = "0x0000000000000000000000000000000000000d02" as Address;
    const old = "0x0000000000000000000000000000000000000d03" as Address;
    fakeToken(w.l1, good, { name: "Demo Token", symbol: "DEMO", decimals: 6 });
    fakeToken(w.l1, bare, {});
    fakeToken(w.l1, old, { name: "Maker", symbol: "MKR", decimals: 18, bytes32: true });
    for (const [id, token] of [good, bare, old].entries()) {
      w.l1.emit({
        address: STORAGE,
        abi: assetStorageAbi,
        eventName: "TokenDocked",
        args: { tokenId: id + 1, token },
        blockNumber: 93n,
      });
    }
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.deepEqual(w.ledger.metadata.get(1n), ["Demo Token", "DEMO", 6]);
    assert.deepEqual(w.ledger.metadata.get(2n), ["Bridged token 2", "BT2", 18]);
    assert.deepEqual(w.ledger.metadata.get(3n), ["Maker", "MKR", 18]);
    assert.equal(svc.store.progress().tokensWithoutMetadata, 0);
    const sent = w.l2.sent.filter((t) => t.functionName === "setTokenMetadata").length;
    assert.equal(sent, 3);
    await svc.tick();
    assert.equal(w.l2.sent.filter((t) => t.functionName === "setTokenMetadata").length, sent, "not sent twice");
  });

  it("does not let a token's failing RPC reads hold up the credits", async () => {
    const w = world();
    const token = "0x0000000000000000000000000000000000000d01" as Address;
    fakeToken(w.l1, token, { name: "Demo", symbol: "D", decimals: 18 });
    w.l1.emit({
      address: STORAGE,
      abi: assetStorageAbi,
      eventName: "TokenDocked",
      args: { tokenId: 1, token },
      blockNumber: 93n,
    });
    w.deposit(0, 10n, { block: 95n, tokenId: 1 });
    // The node answers the token's name() calls with -32603, which viem reads as a revert: since the
    // token's code has name(), that is taken as a hiccup and retried, not replaced by a fallback.
    w.l1.fail("eth_call", 2, "error");
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.deepEqual(w.ledger.credited, [0n], "the credit went out anyway");
    assert.equal(svc.store.progress().tokensWithoutMetadata, 1);
    assert.ok(w.lines.some((l) => l.includes("token metadata relay failed; will retry next round")));
    await svc.tick();
    assert.deepEqual(w.ledger.metadata.get(1n), ["Demo", "D", 18]);
  });

  it("falls back only after a few rounds when a metadata function the token has keeps reverting", async () => {
    const w = world();
    const token = "0x0000000000000000000000000000000000000d07" as Address;
    w.l1.contract(token, erc20Abi, {
      name: () => {
        throw Revert.reason("no name today");
      },
      symbol: () => "ODD",
      decimals: () => 8,
    });
    w.l1.emit({
      address: STORAGE,
      abi: assetStorageAbi,
      eventName: "TokenDocked",
      args: { tokenId: 1, token },
      blockNumber: 93n,
    });
    const svc = new MonitorService(w.deps());
    await svc.tick();
    await svc.tick();
    assert.equal(w.ledger.metadata.get(1n), undefined, "not replaced by a fallback yet");
    await svc.tick();
    assert.deepEqual(w.ledger.metadata.get(1n), ["Bridged token 1", "ODD", 8]);
  });

  it("does not resend metadata that L2 already has", async () => {
    const w = world();
    const token = "0x0000000000000000000000000000000000000d01" as Address;
    fakeToken(w.l1, token, { name: "Demo", symbol: "D", decimals: 18 });
    w.ledger.metadata.set(1n, ["Demo", "D", 18]);
    w.l1.emit({
      address: STORAGE,
      abi: assetStorageAbi,
      eventName: "TokenDocked",
      args: { tokenId: 1, token },
      blockNumber: 93n,
    });
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.equal(w.l2.sent.length, 0);
    assert.equal(svc.store.progress().tokensWithoutMetadata, 0);
  });
});

describe("monitor: exodus", () => {
  it("relays exodus once and stops crediting", async () => {
    const w = world();
    w.deposit(0, 10n, { block: 92n });
    w.deposit(1, 10n, { block: 99n });
    w.l1.emit({
      address: STORAGE,
      abi: assetStorageAbi,
      eventName: "ExodusActivated",
      args: { oldestDepositId: 0n, timestamp: 1_700_000_000n },
      blockNumber: 99n,
    });
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.equal(w.ledger.haltCalls, 1);
    assert.equal(w.ledger.halted, true);
    assert.deepEqual(w.ledger.credited, [], "no credit once exodus is seen");
    assert.equal(svc.store.progress().exodus?.relayed, true);
    await svc.tick();
    assert.equal(w.ledger.haltCalls, 1, "haltForExodus sent once");
    assert.equal(w.metrics.get("monitor_exodus"), 1);
  });

  it("does not send haltForExodus when L2 is already halted", async () => {
    const w = world();
    w.ledger.halted = true;
    w.l1.emit({
      address: STORAGE,
      abi: assetStorageAbi,
      eventName: "ExodusActivated",
      args: { oldestDepositId: 0n, timestamp: 1n },
      blockNumber: 95n,
    });
    const svc = new MonitorService(w.deps());
    await svc.tick();
    assert.equal(w.l2.sent.length, 0);
    assert.equal(svc.store.progress().exodus?.relayed, true);
  });
});

describe("monitor: runMonitor and metrics", () => {
  it("runs until aborted and serves Prometheus metrics", async () => {
    const w = world();
    w.deposit(0, 5n, { block: 95n });
    const controller = new AbortController();
    const { port } = await serveMetrics(w.metrics, 0, { signal: controller.signal, log: silentLogger });
    const run = runMonitor(w.deps(controller.signal));
    while (w.ledger.credited.length === 0) await new Promise((r) => setTimeout(r, 10));
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(text, /# TYPE monitor_credits_total counter/);
    assert.match(text, /^monitor_deposits_seen 1$/m);
    assert.match(text, /^monitor_l1_scanned_block 100$/m);
    assert.equal((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
    controller.abort();
    await run;
    const progress = new MonitorStore(w.db).progress();
    assert.equal(progress.lastCreditedDepositId, 0);
  });
});
