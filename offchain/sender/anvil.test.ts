/**
 * The sender against the real AssetStorage on anvil (with a stand-in verifier that accepts any
 * proof, so no circuit is needed): the slots it builds from L1 DepositQueued logs must satisfy the
 * contract's deposit-word checks, and a kill with the submission in the mempool followed by a
 * restart must land every batch exactly once.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assetStorageAbi } from "../lib/abi.js";
import { batchPublicInputs, nextOpLogHead, type Op, ZERO_HEAD } from "../lib/protocol.js";
import { BridgeState } from "../lib/state.js";
import { emptyRoot } from "../lib/tree.js";
import { createLogger } from "../runtime/log.js";
import { ExtractorStore } from "../runtime/node-db/extractor.js";
import { openDatabase } from "../runtime/node-db/open.js";
import type { ProofResult } from "../runtime/node-db/proof-jobs.js";
import { SenderStore } from "../runtime/node-db/sender.js";
import { mineBlocks, setAutomine } from "../testing/anvil.js";
import { ROLES, startTestBridge, type TestBridge } from "../testing/bridge.js";
import { loadSenderConfig } from "./config.js";
import { credit, transfer, withdraw } from "./fixtures.js";
import { runSender } from "./sender.js";

let bridge: TestBridge;
before(async () => {
  bridge = await startTestBridge();
});
after(async () => {
  await bridge?.stop();
});

const ALICE = "0x00000000000000000000000000000000000a11ce" as Address;
const BOB = "0x0000000000000000000000000000000000000b0b" as Address;
const L1_PAYEE = "0x000000000000000000000000000000000000fa11" as Address;

const read = <T>(functionName: "batchCount" | "stateRoot" | "opChain" | "processedDeposits") =>
  bridge.l1.client.readContract({ address: bridge.assetStorage, abi: assetStorageAbi, functionName }) as Promise<T>;

describe("sender on anvil", () => {
  it("lands batches the contract accepts, once each, across kills with the transaction pending", async () => {
    const user = bridge.l1.wallet(ROLES.user);
    for (const [to, eth] of [
      [ALICE, "1"],
      [BOB, "2"],
      [ALICE, "3"],
    ] as const) {
      const hash = await user.writeContract({
        address: bridge.assetStorage,
        abi: assetStorageAbi,
        functionName: "depositETH",
        args: [to],
        value: parseEther(eth),
      });
      assert.equal((await bridge.l1.client.waitForTransactionReceipt({ hash })).status, "success");
    }

    const batches: Op[][] = [
      [
        credit(ALICE, parseEther("1")),
        credit(BOB, parseEther("2")),
        transfer(ALICE, BOB, 5n),
        withdraw(BOB, L1_PAYEE, 7n),
      ],
      [credit(ALICE, parseEther("3"))],
    ];
    const roots = [emptyRoot(16), 111n, 222n];
    const chains = [0n, 333n, 444n];
    const dataDir = mkdtempSync(join(tmpdir(), "sender-anvil-"));
    const config = loadSenderConfig({
      ...bridge.env,
      DATA_DIR: dataDir,
      POLL_INTERVAL_MS: "50",
      TX_TIMEOUT_MS: "1000",
    });
    const db = openDatabase(config.dbPath);
    const extractor = new ExtractorStore(db);
    const proofs = new Map<number, ProofResult>();
    let firstDeposit = 0;
    let firstOp = 0;
    let logHead = ZERO_HEAD;
    batches.forEach((ops, k) => {
      const b = { oldRoot: roots[k]!, newRoot: roots[k + 1]!, oldOpChain: chains[k]!, newOpChain: chains[k + 1]! };
      const signals = batchPublicInputs(b, ops, 4, 4);
      const deposits = ops.filter((o) => o.kind === 1).length;
      // The real keccak op-log heads: L1 checks the posted op data against them (section 8).
      const heads = ops.map((op) => {
        logHead = nextOpLogHead(logHead, op);
        return logHead;
      });
      extractor.commit({
        ops: ops.map((op, i) => ({
          opIndex: firstOp + i,
          op,
          head: heads[i] as `0x${string}`,
          blockNumber: 1,
          transactionHash: `0x${"00".repeat(32)}`,
          logIndex: i,
          extractedAt: 0,
        })),
        batches: [
          {
            batchNumber: k,
            firstOp,
            opCount: ops.length,
            firstDepositId: firstDeposit,
            depositCount: deposits,
            ops: ops.map((op, i) => ({ opIndex: firstOp + i, ...op, amount: op.amount.toString() })),
            ...b,
            input: {},
            publicSignals: signals,
            stateAfter: new BridgeState(4).toJSON(),
            createdAt: 0,
            enqueuedAt: null,
          },
        ],
      });
      proofs.set(k, {
        batchNumber: k,
        proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
        publicSignals: signals.map(String),
        worker: "test",
        provingMs: 0,
      });
      firstDeposit += deposits;
      firstOp += ops.length;
    });
    db.close();

    const errors: string[] = [];
    const log = createLogger("sender", {
      level: "warn",
      write: (l) => {
        if (JSON.parse(l).level === "error" && !/killed/.test(l)) errors.push(l);
      },
    });
    const queue = { result: async (k: number) => proofs.get(k) ?? null };
    const run = async (until: () => Promise<boolean>, maxMs: number) => {
      const handle = openDatabase(config.dbPath);
      const controller = new AbortController();
      const running = runSender({
        config,
        db: handle,
        log,
        signal: controller.signal,
        queue,
        attestations: bridge.attestations,
      });
      const started = Date.now();
      while (!(await until()) && Date.now() - started < maxMs) await new Promise((r) => setTimeout(r, 10));
      controller.abort(new Error("killed"));
      await running;
      const store = new SenderStore(handle);
      const rows = [0, 1].map((k) => store.get(k));
      handle.close();
      return rows;
    };

    // Killed with batch 0's submission in the mempool; it is mined while the sender is down.
    await setAutomine(bridge.l1.anvil.url, false);
    const [pending] = await run(async () => {
      const h = openDatabase(config.dbPath);
      try {
        return new SenderStore(h).get(0)?.status === "sent";
      } finally {
        h.close();
      }
    }, 10_000);
    assert.equal(pending?.status, "sent");
    assert.equal(await read<bigint>("batchCount"), 0n);
    await mineBlocks(bridge.l1.anvil.url, 1);
    await setAutomine(bridge.l1.anvil.url, true);
    assert.equal(await read<bigint>("batchCount"), 1n, "the submission sent before the kill landed");

    // Killed with batch 1's submission pending, and restarted while it still is: the restart finds it
    // by nonce, gives it TX_TIMEOUT_MS, replaces it (same nonce, higher fees), and that one lands.
    await setAutomine(bridge.l1.anvil.url, false);
    const [, pending1] = await run(async () => {
      const h = openDatabase(config.dbPath);
      try {
        return new SenderStore(h).get(1)?.status === "sent";
      } finally {
        h.close();
      }
    }, 10_000);
    assert.equal(pending1?.status, "sent");
    let replaced = false;
    const rows = await run(async () => {
      const h = openDatabase(config.dbPath);
      const row = new SenderStore(h).get(1);
      const hash = row?.txHash;
      h.close();
      if (!replaced && hash && hash !== pending1?.txHash) {
        replaced = true;
        await mineBlocks(bridge.l1.anvil.url, 1);
        await setAutomine(bridge.l1.anvil.url, true);
      }
      return row?.status === "landed" && (await read<bigint>("batchCount")) === 2n;
    }, 20_000);
    assert.ok(replaced, "the pending submission was replaced");
    assert.notEqual(rows[1]?.txHash, pending1?.txHash, "batch 1 landed with the replacement");
    assert.equal(await read<bigint>("batchCount"), 2n);
    assert.equal(await read<bigint>("stateRoot"), 222n);
    assert.equal(await read<bigint>("opChain"), 444n);
    assert.equal(await read<bigint>("processedDeposits"), 3n);
    assert.equal(
      await bridge.l1.client.readContract({
        address: bridge.assetStorage,
        abi: assetStorageAbi,
        functionName: "pendingWithdrawals",
        args: [L1_PAYEE, 0],
      }),
      7n,
    );
    assert.equal(rows[0]?.status, "landed");
    assert.equal(rows[0]?.txHash, pending?.txHash, "batch 0 is recorded with the transaction sent before the kill");
    assert.ok((rows[0]?.gasUsed ?? 0n) > 0n);
    assert.equal(rows[1]?.status, "landed");
    assert.ok((rows[1]?.gasUsed ?? 0n) > 0n);
    const sender = privateKeyToAccount(ROLES.sender).address;
    assert.equal(await bridge.l1.client.getTransactionCount({ address: sender }), 2, "two submissions, none wasted");
    assert.deepEqual(errors, []);
  });
});
