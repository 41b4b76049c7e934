import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { setupServer } from "msw/node";
import type { Hex } from "viem";
import { decodeOps, encodeOps } from "../lib/protocol.js";
import { openDatabase } from "../runtime/node-db/open.js";
import {
  ALICE,
  BOB,
  CAROL,
  credit,
  DEPOSITOR,
  forced,
  makeSenderWorld,
  opHeadAt,
  root,
  type SenderWorld,
  STORAGE,
  transfer,
  withdraw,
} from "./fixtures.js";
import { explainSubmitRevert, runSender, SenderService } from "./sender.js";

const server = setupServer();
before(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
after(() => server.close());

function world(...args: Parameters<typeof makeSenderWorld>): SenderWorld {
  const w = makeSenderWorld(...args);
  server.use(w.l1.handler());
  return w;
}

/** Two batches: 0 = two credits, a withdrawal, a transfer; 1 = one credit (3 padding slots). */
function twoBatches(w: SenderWorld) {
  const b0 = [credit(ALICE, 10n), credit(BOB, 20n), withdraw(ALICE, CAROL, 4n), transfer(BOB, ALICE, 5n)];
  const b1 = [credit(CAROL, 30n)];
  w.deposit(0, ALICE, 10n);
  w.deposit(1, BOB, 20n);
  w.deposit(2, CAROL, 30n);
  w.addBatch(0, b0, 0);
  w.addBatch(1, b1, 2);
  return { b0, b1 };
}

const submitted = (w: SenderWorld) => w.l1.sent.filter((t) => t.functionName === "submitBatch");

describe("sender", () => {
  it("submits proven batches in order with slots from the L1 deposit logs, and records tx and gas", async () => {
    const w = world();
    const { b0, b1 } = twoBatches(w);
    w.prove(0, b0);
    w.prove(1, b1);
    const svc = new SenderService(w.deps());
    await svc.tick();
    assert.deepEqual(w.storage.submitted, [0, 1]);
    const [tx0, tx1] = submitted(w);
    const [newRoot, , l2OpCount, l2OpHead, slots, ops, proof, signatures] = tx0!.args as [
      bigint,
      bigint,
      bigint,
      string,
      Record<string, unknown>[],
      Hex,
      bigint[],
      string,
    ];
    assert.equal(newRoot, root(1));
    assert.equal(ops, encodeOps(b0), "the op data is exactly the batch's ops, in log order");
    assert.equal(encodeOps(decodeOps(ops)), ops);
    assert.deepEqual(proof, [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    // The attested L2 op count and head after the batch's last op, and the attesters' signatures.
    assert.equal(l2OpCount, BigInt(b0.length));
    assert.equal(l2OpHead, opHeadAt(b0.length - 1));
    assert.equal(signatures, "0xabcd");
    assert.deepEqual(
      w.attestations.claims.map((c) => [c.batchNumber, c.l2OpCount]),
      [
        [0n, BigInt(b0.length)],
        [1n, BigInt(4 + b1.length)],
      ],
    );
    const zero = "0x0000000000000000000000000000000000000000";
    const lower = (x: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(x).map(([k, v]) => [k, typeof v === "string" ? v.toLowerCase() : v]));
    assert.deepEqual(
      slots.map(lower),
      [
        { kind: 1, tokenId: 0, account: ALICE, amount: 10n, depositor: DEPOSITOR, timestamp: 1_700_000_000n },
        { kind: 1, tokenId: 0, account: BOB, amount: 20n, depositor: DEPOSITOR, timestamp: 1_700_000_001n },
        { kind: 3, tokenId: 0, account: CAROL, amount: 4n, depositor: zero, timestamp: 0n },
        { kind: 0, tokenId: 0, account: zero, amount: 0n, depositor: zero, timestamp: 0n },
      ].map(lower),
    );
    const slots1 = (tx1!.args as [bigint, bigint, bigint, string, Record<string, unknown>[]])[4];
    assert.equal(slots1.length, 4);
    assert.deepEqual(
      slots1.map((s) => s.kind),
      [1, 0, 0, 0],
    );
    assert.equal(slots1[0]!.timestamp, 1_700_000_002n);
    const s0 = svc.store.get(0)!;
    assert.equal(s0.status, "landed");
    assert.equal(s0.txHash, tx0!.hash);
    assert.equal(s0.gasUsed, 300_000n);
    assert.ok((s0.effectiveGasPrice ?? 0n) > 0n);
    assert.equal(svc.store.get(1)?.gasUsed, 300_001n);
    assert.equal(svc.store.progress().totalGasUsed, "600001");
    assert.equal(w.metrics.get("sender_batches_landed_total"), 2);
    assert.deepEqual(w.logs("error"), []);
    await svc.tick();
    assert.equal(submitted(w).length, 2, "nothing more to send");
  });

  it("sends nothing while fewer than the threshold of attesters sign, says why once, then lands", async () => {
    const w = world();
    const { b0, b1 } = twoBatches(w);
    w.prove(0, b0);
    w.prove(1, b1);
    w.attestations.refuse = "http://attester-2: 409 mismatch newOpChain";
    const svc = new SenderService(w.deps());
    await svc.tick();
    await svc.tick();
    assert.equal(submitted(w).length, 0);
    const errors = w.logs("error").filter((e) => /attester signatures/.test(e.msg));
    assert.equal(errors.length, 1, "logged once while waiting");
    assert.match(errors[0]!.msg, /batch 0: batch 0: 0 of 2 attester signatures \(.*409 mismatch newOpChain\)/);
    w.attestations.refuse = undefined;
    await svc.tick();
    assert.deepEqual(w.storage.submitted, [0, 1]);
  });

  it("holds a proof for batch k+1 until batch k is proven and landed", async () => {
    const w = world();
    const { b0, b1 } = twoBatches(w);
    w.prove(1, b1);
    const svc = new SenderService(w.deps());
    await svc.tick();
    await svc.tick();
    assert.equal(w.l1.sent.length, 0);
    const held = w.logs("info").filter((e) => /proof of batch 1 is ready and held/.test(e.msg));
    assert.equal(held.length, 1, "logged once, not every poll");
    w.prove(0, b0);
    await svc.tick();
    assert.deepEqual(w.storage.submitted, [0, 1]);
    assert.deepEqual(
      submitted(w).map((t) => t.args?.[0]),
      [root(1), root(2)],
    );
  });

  it("skips a batch that is already on L1 and fills in how it landed", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "sender-")), "bridge.sqlite");
    const w = world({}, path);
    const { b0, b1 } = twoBatches(w);
    w.prove(0, b0);
    // First run: batch 0 is sent, then the process dies before the receipt.
    const original = w.l1.onTransaction;
    w.l1.onTransaction = () => "pending";
    const controller = new AbortController();
    const first = new SenderService(w.deps(controller.signal));
    const running = first.tick();
    // Die once the submission is on record (the row is written when the node accepts the transaction,
    // a moment after the fake L1 has it: waiting on the L1 side alone raced that write).
    for (let waited = 0; first.store.get(0)?.status !== "sent"; waited += 5) {
      assert.ok(waited < 20_000, "batch 0 was never recorded as sent");
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(w.l1.sent.length, 1);
    controller.abort(new Error("killed"));
    await assert.rejects(running, /killed/);
    // While down, batch 0 lands.
    const pending = w.l1.pendingTxs()[0]!;
    w.l1.mine(pending.hash, original(pending, w.l1) as never);
    w.l1.onTransaction = original;
    assert.equal(w.storage.batchCount, 1n);

    w.prove(1, b1);
    const db2 = openDatabase(path);
    const second = new SenderService(w.deps(undefined, db2));
    await second.tick();
    assert.deepEqual(w.storage.submitted, [0, 1], "batch 0 landed once, batch 1 after it");
    assert.equal(submitted(w).length, 2, "batch 0 was not sent again");
    const s0 = second.store.get(0)!;
    assert.equal(s0.status, "landed");
    assert.equal(s0.txHash, pending.hash);
    assert.equal(s0.gasUsed, 300_000n);
    assert.ok(
      w.logs("info").some((e) => e.msg === "batch already on L1: skipped" && e.batchNumber === 0 && e.ours === true),
    );
    db2.close();
  });

  it("refuses to send when L1's root or op chain is not the batch's old one, and says so once", async () => {
    const w = world();
    const { b0 } = twoBatches(w);
    w.prove(0, b0);
    w.storage.stateRoot = 777n;
    const svc = new SenderService(w.deps());
    await svc.tick();
    await svc.tick();
    assert.equal(w.l1.sent.length, 0);
    const errors = w.logs("error");
    assert.equal(errors.length, 1);
    assert.match(
      errors[0]!.msg,
      /batch 0 does not continue the state proven on L1: it starts from root 1000 .* L1 holds root 777/,
    );
    w.storage.stateRoot = root(0);
    await svc.tick();
    assert.deepEqual(w.storage.submitted, [0]);
  });

  it("refuses a proof whose public signals are not the batch's", async () => {
    const w = world();
    const { b0 } = twoBatches(w);
    w.prove(0, [credit(ALICE, 11n), ...b0.slice(1)]);
    const svc = new SenderService(w.deps());
    await svc.tick();
    assert.equal(w.l1.sent.length, 0);
    assert.match(w.logs("error")[0]?.msg ?? "", /batch 0: the proof is not for this batch: public signal 5 is 11/);
  });

  it("refuses a batch whose credit does not match the L1 deposit record", async () => {
    const w = world();
    const ops = [credit(ALICE, 10n)];
    w.deposit(0, BOB, 10n);
    w.addBatch(0, ops, 0);
    w.prove(0, ops);
    const svc = new SenderService(w.deps());
    await svc.tick();
    assert.equal(w.l1.sent.length, 0);
    assert.match(w.logs("error")[0]?.msg ?? "", /L1 request 0 differs from the L2 op: recipient/);
  });

  it("builds kind-4 slots for forced withdrawals with the request's L1 timestamp, and posts every op's data", async () => {
    const w = world();
    const ops = [credit(ALICE, 10n), forced(ALICE, 10n), forced(BOB, 0n), transfer(ALICE, BOB, 1n)];
    w.deposit(0, ALICE, 10n);
    w.requestWithdrawal(1, ALICE);
    w.requestWithdrawal(2, BOB);
    w.addBatch(0, ops, 0);
    w.prove(0, ops);
    await new SenderService(w.deps()).tick();
    assert.deepEqual(w.storage.submitted, [0], JSON.stringify(w.logs("error")));
    const [, , , , slots, data] = submitted(w)[0]!.args as [
      bigint,
      bigint,
      bigint,
      Hex,
      Record<string, unknown>[],
      Hex,
    ];
    const zero = "0x0000000000000000000000000000000000000000";
    const lower = (x: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(x).map(([k, v]) => [k, typeof v === "string" ? v.toLowerCase() : v]));
    assert.deepEqual(
      slots.slice(1, 3).map(lower),
      [
        { kind: 4, tokenId: 0, account: ALICE, amount: 10n, depositor: zero, timestamp: 1_800_000_001n },
        { kind: 4, tokenId: 0, account: BOB, amount: 0n, depositor: zero, timestamp: 1_800_000_002n },
      ].map(lower),
    );
    assert.equal(data, encodeOps(ops), "the zero forced withdrawal and the transfer are posted too");
    assert.deepEqual(
      decodeOps(data).map((o) => [o.kind, o.amount]),
      ops.map((o) => [o.kind, o.amount]),
    );
    assert.equal(w.storage.processedDeposits, 3n, "one queue counter for both kinds");
  });

  it("refuses a forced withdrawal op served for another owner than the L1 request, or a request of the other kind", async () => {
    const w = world();
    w.requestWithdrawal(0, BOB);
    w.addBatch(0, [forced(ALICE, 1n)], 0);
    w.prove(0, [forced(ALICE, 1n)]);
    await new SenderService(w.deps()).tick();
    assert.equal(w.l1.sent.length, 0);
    assert.match(w.logs("error")[0]?.msg ?? "", /L1 request 0 differs from the L2 op: owner/);
    const v = world();
    v.deposit(0, ALICE, 1n);
    v.addBatch(0, [forced(ALICE, 1n)], 0);
    v.prove(0, [forced(ALICE, 1n)]);
    await new SenderService(v.deps()).tick();
    assert.match(v.logs("error")[0]?.msg ?? "", /L1 request 0 is a deposit, the op a forced withdrawal/);
  });

  it("explains the op data revert errors of submitBatch", async () => {
    const w = world();
    const { b0 } = twoBatches(w);
    w.prove(0, b0);
    w.storage.simulationRevert = "OpDataHeadMismatch(0x01, 0x02)";
    await new SenderService(w.deps()).tick();
    assert.equal(w.storage.submitted.length, 0);
    assert.match(w.logs("error")[0]?.msg ?? "", /OpDataHeadMismatch.*does not chain to the attested l2OpHead/);
    assert.match(explainSubmitRevert("OpDataLengthMismatch(61, 122)"), /one 61-byte record per op/);
    assert.equal(explainSubmitRevert("InvalidProof()"), "InvalidProof()");
  });

  it("looks deposits up in chunks when the node refuses the whole range", async () => {
    const w = world({ blockRange: 20 });
    const { b0, b1 } = twoBatches(w);
    w.prove(0, b0);
    w.prove(1, b1);
    w.l1.maxLogRange = 60n; // 100..200 is refused; 151..201 (from the checkpoint) is not
    const svc = new SenderService(w.deps());
    await svc.tick();
    assert.deepEqual(w.storage.submitted, [0, 1]);
    assert.equal(
      w.logs("warn").filter((e) => /scanning in chunks/.test(e.msg)).length,
      1,
      "batch 1 starts from the checkpoint block",
    );
    assert.equal(svc.store.depositFromBlock(), 152n, "block of deposit 2, the last one used");
  });

  it("retries RPC errors and timeouts", async () => {
    const w = world();
    const { b0, b1 } = twoBatches(w);
    w.prove(0, b0);
    w.prove(1, b1);
    w.l1.fail("eth_call", 2, "timeout").fail("eth_getLogs", 1, "error").fail("eth_sendRawTransaction", 1, "http500");
    w.l1.fail("eth_getTransactionReceipt", 1, "error").fail("eth_estimateGas", 1, "timeout");
    const svc = new SenderService(w.deps());
    await svc.tick();
    assert.deepEqual(w.storage.submitted, [0, 1]);
    assert.ok(w.logs("warn").filter((e) => e.msg === "retrying after error").length >= 5);
  });

  it("reports a reverted submission, does not mark it landed, and retries it", async () => {
    const w = world();
    const { b0 } = twoBatches(w);
    w.prove(0, b0);
    w.storage.revertOnChain.add(0);
    const svc = new SenderService(w.deps());
    await svc.tick();
    assert.equal(svc.store.get(0)?.status, "reverted");
    assert.equal(w.logs("error")[0]?.msg, "submitBatch reverted on L1: not marked landed, will retry");
    assert.equal(w.metrics.get("sender_submit_failures_total", { reason: "reverted" }), 1);
    assert.equal(w.metrics.get("sender_batches_landed_total"), undefined);
    await svc.tick();
    assert.equal(svc.store.get(0)?.status, "landed");
    assert.deepEqual(w.storage.submitted, [0]);
  });

  it("does not send when the simulation reverts", async () => {
    const w = world();
    const { b0 } = twoBatches(w);
    w.prove(0, b0);
    w.storage.simulationRevert = "InvalidProof";
    const svc = new SenderService(w.deps());
    await svc.tick();
    assert.equal(w.l1.sent.length, 0);
    assert.equal(svc.store.get(0)?.status, "failed");
    assert.match(w.logs("error")[0]?.msg ?? "", /submitBatch would revert \(.*InvalidProof.*\)/);
  });

  it("replaces a stuck submission with a higher fee and the same nonce", async () => {
    const w = world({ txTimeoutMs: 1_000 });
    const { b0 } = twoBatches(w);
    w.prove(0, b0);
    const original = w.l1.onTransaction;
    let first = true;
    w.l1.onTransaction = (tx, chain) => {
      if (first) {
        first = false;
        return "pending";
      }
      return original(tx, chain);
    };
    const svc = new SenderService(w.deps());
    await svc.tick();
    const [a, b] = submitted(w);
    assert.ok(a && b);
    assert.equal(a.nonce, b.nonce);
    assert.ok(b.maxFeePerGas > a.maxFeePerGas);
    const s = svc.store.get(0)!;
    assert.equal(s.status, "landed");
    assert.equal(s.txHash, b.hash);
    assert.equal(s.nonce, a.nonce);
  });

  it("sends nothing in exodus", async () => {
    const w = world();
    const { b0 } = twoBatches(w);
    w.prove(0, b0);
    w.storage.exodus = true;
    const svc = new SenderService(w.deps());
    await svc.tick();
    assert.equal(w.l1.sent.length, 0);
    assert.match(w.logs("warn")[0]?.msg ?? "", /exodus/);
  });

  it("runSender checks the batch size at start and stops on abort", async () => {
    const w = world({ batchSize: 8 });
    await assert.rejects(
      runSender(w.deps()),
      /AssetStorage.batchSize\(\) is 4 but the deployment file says params.batchSize 8/,
    );
    const ok = world();
    const { b0 } = twoBatches(ok);
    ok.prove(0, b0);
    const controller = new AbortController();
    const run = runSender(ok.deps(controller.signal));
    while (ok.storage.submitted.length === 0) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await run;
    assert.equal(ok.l1.sent[0]?.to?.toLowerCase(), STORAGE.toLowerCase());
  });
});
