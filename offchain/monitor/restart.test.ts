/**
 * Restart test against a real anvil pair: the monitor is killed (aborted) again and again in the
 * middle of its work, once with a credit left in the L2 mempool, and restarted on the same database.
 * Every deposit must end up credited exactly once, and the relayer must not waste a transaction.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import { createLogger } from "../runtime/log.js";
import { MonitorStore } from "../runtime/node-db/monitor.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { mineBlocks, setAutomine } from "../testing/anvil.js";
import { ROLES, startTestBridge, type TestBridge } from "../testing/bridge.js";
import { loadMonitorConfig } from "./config.js";
import { runMonitor } from "./monitor.js";

let bridge: TestBridge;
before(async () => {
  bridge = await startTestBridge();
});
after(async () => {
  await bridge?.stop();
});

const recipients = [0, 1, 2].map((i) => `0x${(0xabc0 + i).toString(16).padStart(40, "0")}` as Address);

async function deposit(i: number): Promise<void> {
  const wallet = bridge.l1.wallet(ROLES.user);
  const hash = await wallet.writeContract({
    address: bridge.assetStorage,
    abi: assetStorageAbi,
    functionName: "depositETH",
    args: [recipients[i % 3]!],
    value: parseEther("0.001") * BigInt(i + 1),
  });
  const r = await bridge.l1.client.waitForTransactionReceipt({ hash });
  assert.equal(r.status, "success");
}

const nextDepositId = () =>
  bridge.l2.client.readContract({
    address: bridge.assetReceiving,
    abi: assetReceivingAbi,
    functionName: "nextDepositId",
  });

describe("monitor restart on anvil", () => {
  it("credits every deposit exactly once across kills at any point", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "monitor-restart-"));
    const config = loadMonitorConfig({
      ...bridge.env,
      DATA_DIR: dataDir,
      POLL_INTERVAL_MS: "50",
      TX_TIMEOUT_MS: "2000",
    });
    assert.equal(config.assetReceiving, bridge.assetReceiving);
    const errors: string[] = [];
    const errorLog = createLogger("monitor", {
      level: "error",
      write: (l) => {
        // an abort surfacing as a tick error is expected; anything else is a failure
        if (!/aborted|killed/.test(l)) errors.push(l);
      },
    });
    const run = async (stopWhen: () => Promise<boolean>, maxMs: number) => {
      const db = openDatabase(config.dbPath);
      const controller = new AbortController();
      const running = runMonitor({
        config,
        db,
        log: errorLog,
        signal: controller.signal,
        attestations: bridge.attestations,
      });
      const started = Date.now();
      while (!(await stopWhen()) && Date.now() - started < maxMs) await new Promise((r) => setTimeout(r, 10));
      controller.abort(new Error("killed"));
      await running;
      const progress = new MonitorStore(db).progress();
      db.close();
      return progress;
    };

    const total = 9;
    for (let i = 0; i < 4; i++) await deposit(i);

    // 1. Killed with a credit in the L2 mempool (automine off), then that credit gets mined while down.
    await setAutomine(bridge.l2.anvil.url, false);
    await run(async () => {
      const db = openDatabase(config.dbPath);
      try {
        return new MonitorStore(db).deposit(0)?.status === "sent";
      } finally {
        db.close();
      }
    }, 10_000);
    assert.equal(await nextDepositId(), 0n);
    await mineBlocks(bridge.l2.anvil.url, 1);
    await setAutomine(bridge.l2.anvil.url, true);
    assert.equal(await nextDepositId(), 1n, "the credit sent before the kill landed");

    // 2. Killed at random points while deposits keep arriving.
    let made = 4;
    for (let round = 0; round < 40 && (made < total || (await nextDepositId()) < BigInt(total)); round++) {
      if (made < total) await deposit(made++);
      const delay = 5 + ((round * 37) % 120);
      const until = Date.now() + delay;
      await run(async () => Date.now() >= until, delay);
    }
    // 3. A last clean run to finish.
    const progress = await run(async () => (await nextDepositId()) === BigInt(total), 15_000);

    assert.equal(await nextDepositId(), BigInt(total));
    const credited = await bridge.l2.client.getContractEvents({
      address: bridge.assetReceiving,
      abi: assetReceivingAbi,
      eventName: "DepositCredited",
      fromBlock: 0n,
    });
    assert.deepEqual(
      credited.map((e) => Number(e.args.depositId)),
      Array.from({ length: total }, (_, i) => i),
      "each deposit credited once, in order",
    );
    for (const [i, e] of credited.entries()) {
      assert.equal(e.args.amount, parseEther("0.001") * BigInt(i + 1));
      assert.equal(e.args.recipient?.toLowerCase(), recipients[i % 3]!.toLowerCase());
    }
    const relayer = privateKeyToAccount(ROLES.relayer).address;
    assert.equal(
      await bridge.l2.client.getTransactionCount({ address: relayer }),
      total,
      "the relayer mined exactly one transaction per deposit (none reverted or wasted)",
    );
    assert.equal(progress.lastCreditedDepositId, total - 1);
    assert.equal(progress.pendingCredits, 0);
    assert.deepEqual(errors, []);
  });

  it("restarted with its own credit still pending: replaces it after TX_TIMEOUT_MS and the credit completes", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "monitor-pending-"));
    const config = loadMonitorConfig({
      ...bridge.env,
      DATA_DIR: dataDir,
      POLL_INTERVAL_MS: "50",
      TX_TIMEOUT_MS: "1000",
    });
    const lines: { level: string; msg: string; [k: string]: unknown }[] = [];
    const log = createLogger("monitor", { level: "debug", write: (l) => lines.push(JSON.parse(l)) });
    const relayer = privateKeyToAccount(ROLES.relayer).address;
    const id = Number(await nextDepositId());
    await deposit(id);
    const storeOf = (db: ReturnType<typeof openDatabase>) => new MonitorStore(db).deposit(id);

    // The first run sends the credit and is killed while it waits in the mempool (automine off).
    await setAutomine(bridge.l2.anvil.url, false);
    let db = openDatabase(config.dbPath);
    let controller = new AbortController();
    let running = runMonitor({ config, db, log, signal: controller.signal, attestations: bridge.attestations });
    const sentAt = Date.now();
    while (storeOf(db)?.status !== "sent" && Date.now() - sentAt < 10_000) await new Promise((r) => setTimeout(r, 10));
    controller.abort(new Error("killed"));
    await running;
    const original = storeOf(db)?.creditTx as `0x${string}`;
    assert.ok(original, "the first run sent a credit");
    db.close();
    const a = await bridge.l2.client.getTransaction({ hash: original });
    const nonce = await bridge.l2.client.getTransactionCount({ address: relayer });
    assert.equal(await bridge.l2.client.getTransactionCount({ address: relayer, blockTag: "pending" }), nonce + 1);

    // The restart finds it pending, waits TX_TIMEOUT_MS, and replaces it (same nonce, higher fees).
    lines.length = 0;
    db = openDatabase(config.dbPath);
    controller = new AbortController();
    running = runMonitor({ config, db, log, signal: controller.signal, attestations: bridge.attestations });
    const restartedAt = Date.now();
    try {
      while (storeOf(db)?.creditTx === original && Date.now() - restartedAt < 15_000)
        await new Promise((r) => setTimeout(r, 20));
      const replacement = storeOf(db)?.creditTx as `0x${string}`;
      assert.notEqual(replacement, original, "a replacement was sent");
      assert.ok(Date.now() - restartedAt >= 1000, "not before TX_TIMEOUT_MS");
      const b = await bridge.l2.client.getTransaction({ hash: replacement });
      assert.equal(b.nonce, a.nonce, "same nonce");
      assert.ok(b.maxFeePerGas! > a.maxFeePerGas! && b.maxPriorityFeePerGas! > a.maxPriorityFeePerGas!, "bumped fees");
      await mineBlocks(bridge.l2.anvil.url, 1);
      const doneAt = Date.now();
      while (storeOf(db)?.status !== "credited" && Date.now() - doneAt < 10_000)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(storeOf(db)?.status, "credited");
      assert.equal(storeOf(db)?.creditTx, replacement);
      assert.equal(await nextDepositId(), BigInt(id + 1));
      assert.equal(
        await bridge.l2.client.getTransactionCount({ address: relayer }),
        nonce + 1,
        "one transaction mined",
      );
      assert.deepEqual(
        lines.filter((l) => l.level === "error").map((l) => l.msg),
        [],
        "no round failed while the credit was pending",
      );
      assert.ok(lines.some((l) => l.msg === "own transaction pending from before: replacing it after the timeout"));
    } finally {
      controller.abort(new Error("done"));
      await running;
      db.close();
      await setAutomine(bridge.l2.anvil.url, true);
    }
  });
});
