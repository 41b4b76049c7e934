import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { TransactionReceipt } from "viem";
import { assetReceivingAbi } from "../lib/abi.js";
import { ConfigError } from "../runtime/config.js";
import { MonitorStore, MonitorStoreConflictError, type SeenRequest } from "../runtime/node-db/monitor.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { ANVIL_KEYS } from "../testing/anvil.js";
import { writeDeployment } from "../testing/deploy.js";
import { encodeLog } from "../testing/fake-chain.js";
import { loadMonitorConfig } from "./config.js";
import { checkServedReceipt, servedMismatch } from "./credit.js";
import { cleanMetadataString, fallbackMetadata } from "./metadata.js";
import { confirmedHead } from "./scan.js";

const RECEIVING = "0x00000000000000000000000000000000000052a0" as const;
const ALICE = "0x000000000000000000000000000000000000a11c" as const;
const BOB = "0x0000000000000000000000000000000000000b0b" as const;
const at = { l1Block: 1n, l1Tx: `0x${"aa".repeat(32)}` as const };
const dep = (id: number, amount = 10n): SeenRequest => ({
  kind: "deposit",
  id: BigInt(id),
  record: { recipient: ALICE, tokenId: 0, amount, depositor: ALICE, timestamp: 5n },
  ...at,
});
const forced = (id: number, owner: `0x${string}` = BOB): SeenRequest => ({
  kind: "withdrawal",
  id: BigInt(id),
  record: { owner, tokenId: 0, timestamp: 6n },
  ...at,
});

function receipt(
  status: "success" | "reverted",
  events: ({ depositId: bigint; amount: bigint } | { requestId: bigint; amount: bigint; owner?: `0x${string}` })[],
): TransactionReceipt {
  return {
    status,
    transactionHash: `0x${"bb".repeat(32)}`,
    logs: events.map((e) => ({
      address: RECEIVING,
      ...("depositId" in e
        ? encodeLog(assetReceivingAbi, "DepositCredited", { ...e, recipient: ALICE, tokenId: 0, opIndex: 3n })
        : encodeLog(assetReceivingAbi, "ForcedWithdrawal", { owner: BOB, ...e, tokenId: 0, opIndex: 4n })),
    })),
  } as unknown as TransactionReceipt;
}

describe("credit receipt checks", () => {
  it("accepts the right event and returns its op index", () => {
    assert.deepEqual(checkServedReceipt(receipt("success", [{ depositId: 4n, amount: 10n }]), RECEIVING, dep(4)), {
      ok: true,
      opIndex: 3,
      amount: 10n,
    });
  });
  it("refuses a revert, a missing event, another deposit's event, another amount, another contract", () => {
    assert.match(
      (checkServedReceipt(receipt("reverted", []), RECEIVING, dep(4)) as { reason: string }).reason,
      /reverted/,
    );
    assert.match(
      (checkServedReceipt(receipt("success", []), RECEIVING, dep(4)) as { reason: string }).reason,
      /without a DepositCredited event for deposit 4/,
    );
    assert.equal(checkServedReceipt(receipt("success", [{ depositId: 5n, amount: 10n }]), RECEIVING, dep(4)).ok, false);
    assert.match(
      (
        checkServedReceipt(receipt("success", [{ depositId: 4n, amount: 11n }]), RECEIVING, dep(4)) as {
          reason: string;
        }
      ).reason,
      /amount 11 != 10/,
    );
    assert.equal(
      checkServedReceipt(receipt("success", [{ depositId: 4n, amount: 10n }]), `0x${"99".repeat(20)}`, dep(4)).ok,
      false,
    );
  });
  it("servedMismatch lists every difference", () => {
    const d = servedMismatch(
      { kind: "deposit", id: 1n, account: `0x${"11".repeat(20)}`, tokenId: 2, amount: 3n },
      dep(1, 4n),
    );
    assert.match(d ?? "", /recipient .* tokenId 2 != 0, amount 3 != 4/);
    const upper = ALICE.toUpperCase().replace("0X", "0x") as never;
    assert.equal(
      servedMismatch({ kind: "deposit", id: 1n, account: upper, tokenId: 0, amount: 4n }, dep(1, 4n)),
      undefined,
    );
  });
  it("a forced withdrawal: any amount (0 too) for the right owner and token; a credit event does not serve it", () => {
    for (const amount of [0n, 77n]) {
      assert.deepEqual(checkServedReceipt(receipt("success", [{ requestId: 4n, amount }]), RECEIVING, forced(4)), {
        ok: true,
        opIndex: 4,
        amount,
      });
    }
    const other = checkServedReceipt(
      receipt("success", [{ requestId: 4n, amount: 1n, owner: ALICE }]),
      RECEIVING,
      forced(4),
    );
    assert.match((other as { reason: string }).reason, /ForcedWithdrawal .* differs .*owner/);
    const credit = checkServedReceipt(receipt("success", [{ depositId: 4n, amount: 1n }]), RECEIVING, forced(4));
    assert.match((credit as { reason: string }).reason, /a deposit, L1 queued a forced withdrawal request/);
    const missing = checkServedReceipt(receipt("success", []), RECEIVING, forced(4));
    assert.match(
      (missing as { reason: string }).reason,
      /without a ForcedWithdrawal event for forced withdrawal request 4/,
    );
  });
});

describe("scan helpers and metadata cleaning", () => {
  it("confirmedHead counts the head itself as one confirmation", () => {
    assert.equal(confirmedHead(100n, 1), 100n);
    assert.equal(confirmedHead(100n, 12), 89n);
  });
  it("cleans metadata strings and has readable fallbacks", () => {
    assert.equal(cleanMetadataString("  Dai\u0000\u0000 "), "Dai");
    assert.equal(cleanMetadataString("x".repeat(500)).length, 64);
    assert.deepEqual(fallbackMetadata(7), { name: "Bridged token 7", symbol: "BT7", decimals: 18 });
  });
});

describe("MonitorStore", () => {
  it("stores a scan atomically with its checkpoint and refuses gaps and changed records", () => {
    const store = new MonitorStore(openDatabase(":memory:"));
    store.recordScan(10n, { requests: [dep(0), dep(1)], tokens: [] });
    assert.equal(store.lastScannedBlock(), 10n);
    store.recordScan(11n, { requests: [dep(1)], tokens: [] }); // seen again, identical: fine
    assert.throws(() => store.recordScan(12n, { requests: [dep(3)], tokens: [] }), /jump from 1 to 3/);
    assert.throws(() => store.recordScan(12n, { requests: [dep(1, 99n)], tokens: [] }), MonitorStoreConflictError);
    assert.equal(store.lastScannedBlock(), 11n, "a refused scan leaves the checkpoint");
    assert.equal(store.maxDepositId(), 1);
  });
  it("stores forced withdrawal requests in the same id sequence, refuses a kind change, keeps the served amount", () => {
    const store = new MonitorStore(openDatabase(":memory:"));
    store.recordScan(10n, { requests: [dep(0), forced(1), dep(2)], tokens: [] });
    assert.equal(store.request(1)?.kind, "withdrawal");
    assert.equal(store.deposit(1), undefined, "a forced request is no deposit");
    assert.equal(store.deposit(2)?.amount, 10n);
    assert.throws(
      () => store.recordScan(11n, { requests: [dep(1)], tokens: [] }),
      /as a deposit .*kind withdrawal != deposit/,
    );
    assert.throws(() => store.recordScan(11n, { requests: [forced(1, ALICE)], tokens: [] }), /owner/);
    assert.throws(() => store.recordScan(11n, { requests: [forced(4)], tokens: [] }), /jump from 2 to 4/);
    store.markCredited(1, `0x${"cc".repeat(32)}`, 7, 1, 42n);
    const served = store.request(1);
    assert.equal(served?.status, "credited");
    assert.equal(served?.forcedAmount, 42n);
    assert.equal(store.progress().forcedRequestsSeen, 1);
    assert.equal(store.progress().pendingForcedRequests, 0);
    assert.equal(store.progress().pendingCredits, 2);
  });
});

describe("loadMonitorConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "monitor-config-"));
  writeDeployment(dir, {
    chainId: 31337,
    layer: "L1",
    deployBlock: 3,
    contracts: { AssetStorage: `0x${"12".repeat(20)}` },
  });
  writeDeployment(dir, { chainId: 31338, layer: "L2", deployBlock: 4, contracts: { Escrow: `0x${"13".repeat(20)}` } });
  const env = {
    L1_RPC_URL: "http://127.0.0.1:8545",
    L2_RPC_URL: "http://127.0.0.1:8546",
    RELAYER_PRIVATE_KEY: ANVIL_KEYS[1],
    DEPLOYMENTS_DIR: dir,
    ATTESTER_URLS: "http://127.0.0.1:8601",
  };
  const problems = (e: NodeJS.ProcessEnv) => {
    try {
      loadMonitorConfig(e);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.problems;
    }
    assert.fail("expected a ConfigError");
  };

  it("names each bad environment field", () => {
    const p = problems({
      ...env,
      L2_RPC_URL: "localhost:8546",
      RELAYER_PRIVATE_KEY: undefined,
      CONFIRMATIONS: "0",
      METRICS_PORT: "70000",
      ATTESTER_URLS: "",
    });
    assert.deepEqual(p.map((x) => x.split(" ")[0]).sort(), [
      "ATTESTER_URLS",
      "CONFIRMATIONS",
      "L2_RPC_URL",
      "METRICS_PORT",
      "RELAYER_PRIVATE_KEY",
    ]);
    assert.match(p.find((x) => x.startsWith("RELAYER_PRIVATE_KEY"))!, /missing/);
    assert.match(p.find((x) => x.startsWith("L2_RPC_URL"))!, /must be a URL/);
  });

  it("names the deployment file and the missing contract", () => {
    assert.match(problems(env)[0]!, /deployments\/31338\.json: contracts\.AssetReceiving is missing/);
  });
});
