import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { batchPublicInputs, type QueueRequest } from "../lib/protocol.js";
import { ConfigError } from "../runtime/config.js";
import { BatchRowError, readBatchToSend } from "../runtime/node-db/batches.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { ANVIL_KEYS } from "../testing/anvil.js";
import { writeDeployment } from "../testing/deploy.js";
import { loadSenderConfig } from "./config.js";
import { ALICE, BOB, CAROL, credit, DEPOSITOR, forced, makeSenderWorld, transfer, withdraw } from "./fixtures.js";
import { proofWords } from "./sender.js";
import { buildSlots, publicSignalsMismatch, SlotBuildError, ZERO_SLOT } from "./slots.js";

let ids = 0n;
const record = (recipient: `0x${string}`, amount: bigint, t = 7n): QueueRequest => ({
  kind: "deposit",
  id: ids++,
  record: { recipient, tokenId: 0, amount, depositor: DEPOSITOR, timestamp: t },
});
const request = (owner: `0x${string}`, t: bigint, tokenId = 0): QueueRequest => ({
  kind: "withdrawal",
  id: ids++,
  record: { owner, tokenId, timestamp: t },
});

describe("buildSlots", () => {
  it("maps credits and withdrawals to records in log order, transfers to none, then zero records up to K", () => {
    const slots = buildSlots(
      [credit(ALICE, 5n), transfer(ALICE, BOB, 1n), withdraw(BOB, CAROL, 1n)],
      [record(ALICE, 5n)],
      4,
      3,
    );
    assert.deepEqual(slots, [
      { kind: 1, tokenId: 0, account: ALICE, amount: 5n, depositor: DEPOSITOR, timestamp: 7n },
      { ...ZERO_SLOT, kind: 3, account: CAROL, amount: 1n },
      ZERO_SLOT,
    ]);
  });

  it("refuses more L1-visible ops than K", () => {
    assert.throws(
      () => buildSlots([credit(ALICE, 1n), withdraw(BOB, CAROL, 1n)], [record(ALICE, 1n)], 4, 1),
      /2 L1-visible ops but publicSlots is 1/,
    );
  });

  it("takes deposit records in order, one per credit", () => {
    const slots = buildSlots([credit(ALICE, 5n), credit(BOB, 6n)], [record(ALICE, 5n, 1n), record(BOB, 6n, 2n)], 2, 2);
    assert.deepEqual(
      slots.map((s) => s.timestamp),
      [1n, 2n],
    );
  });

  it("refuses a record that is not the op's deposit", () => {
    assert.throws(() => buildSlots([credit(ALICE, 5n)], [record(ALICE, 6n)], 4, 4), SlotBuildError);
    assert.throws(() => buildSlots([credit(ALICE, 5n)], [record(BOB, 5n)], 4, 4), /recipient/);
    assert.throws(() => buildSlots([credit(ALICE, 5n, 1)], [record(ALICE, 5n)], 4, 4), /tokenId 0 != 1/);
  });

  it("refuses too many ops or a wrong number of records", () => {
    assert.throws(
      () => buildSlots([credit(ALICE, 1n), credit(ALICE, 1n)], [record(ALICE, 1n), record(ALICE, 1n)], 1, 1),
      /batchSize is 1/,
    );
    assert.throws(() => buildSlots([credit(ALICE, 1n)], [], 4, 4), /1 queue ops .* but 0 L1 requests/);
  });

  it("maps a forced withdrawal to kind 4 with the owner, the op's amount (0 too) and the request's timestamp", () => {
    const slots = buildSlots(
      [forced(ALICE, 9n), credit(BOB, 5n), forced(BOB, 0n, 2)],
      [request(ALICE, 11n), record(BOB, 5n, 12n), request(BOB, 13n, 2)],
      4,
      4,
    );
    assert.deepEqual(slots, [
      { ...ZERO_SLOT, kind: 4, account: ALICE, amount: 9n, timestamp: 11n },
      { kind: 1, tokenId: 0, account: BOB, amount: 5n, depositor: DEPOSITOR, timestamp: 12n },
      { ...ZERO_SLOT, kind: 4, tokenId: 2, account: BOB, amount: 0n, timestamp: 13n },
      ZERO_SLOT,
    ]);
    assert.throws(() => buildSlots([forced(ALICE, 1n)], [request(BOB, 1n)], 4, 4), /owner/);
    assert.throws(() => buildSlots([forced(ALICE, 1n)], [request(ALICE, 1n, 3)], 4, 4), /tokenId 3 != 0/);
    assert.throws(
      () => buildSlots([forced(ALICE, 1n)], [record(ALICE, 1n)], 4, 4),
      /is a deposit, the op a forced withdrawal/,
    );
    assert.throws(
      () => buildSlots([credit(ALICE, 1n)], [request(ALICE, 1n)], 4, 4),
      /is a forced withdrawal request, the op a credit/,
    );
  });
});

describe("publicSignalsMismatch", () => {
  const b = { oldRoot: 1n, newRoot: 2n, oldOpChain: 3n, newOpChain: 4n };
  const ops = [credit(ALICE, 5n)];
  const good = batchPublicInputs(b, ops, 2, 2).map(String);
  it("accepts the batch's own inputs", () => assert.equal(publicSignalsMismatch(b, ops, 2, 2, good), undefined));
  it("names the first differing signal", () => {
    assert.match(
      publicSignalsMismatch({ ...b, newRoot: 9n }, ops, 2, 2, good) ?? "",
      /public signal 1 is 2, the batch gives 9/,
    );
    assert.match(publicSignalsMismatch(b, ops, 2, 2, good.slice(1)) ?? "", /7 public signals, the batch needs 8/);
    assert.match(publicSignalsMismatch(b, ops, 2, 2, ["x", ...good.slice(1)]) ?? "", /not a number/);
  });
});

describe("proofWords", () => {
  it("turns 8 decimal strings into bigints and refuses anything else", () => {
    assert.deepEqual(proofWords({ proof: ["1", "2", "3", "4", "5", "6", "7", "8"] }), [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    assert.match(String(proofWords({ proof: ["1"] })), /1 words, not 8/);
    assert.match(String(proofWords({ proof: ["1", "2", "3", "4", "5", "6", "7", "0x8"] })), /word 7/);
  });
});

describe("readBatchToSend", () => {
  it("is undefined without the extractor's table or row", () => {
    const db = openDatabase(":memory:");
    assert.equal(readBatchToSend(db, 0), undefined);
    const w = makeSenderWorld();
    assert.equal(readBatchToSend(w.db, 0), undefined);
  });

  it("reads the columns the extractor writes", () => {
    const w = makeSenderWorld();
    const ops = [credit(ALICE, 5n), withdraw(ALICE, BOB, 2n)];
    w.addBatch(3, ops, 9);
    const b = readBatchToSend(w.db, 3)!;
    assert.equal(b.firstDepositId, 9);
    assert.equal(b.opCount, 2);
    assert.deepEqual(b.ops, ops);
    assert.equal(b.oldRoot, 1003n);
    assert.equal(b.newRoot, 1004n);
  });

  it("refuses a row whose ops do not parse", () => {
    const w = makeSenderWorld();
    w.addBatch(0, [credit(ALICE, 5n)], 0);
    w.db.prepare("UPDATE batches SET ops = ? WHERE batch_number = 0").run(JSON.stringify([{ kind: 9 }]));
    assert.throws(() => readBatchToSend(w.db, 0), BatchRowError);
    w.db.prepare("UPDATE batches SET ops = '[]' WHERE batch_number = 0").run();
    assert.throws(() => readBatchToSend(w.db, 0), /op_count says 1/);
  });
});

describe("loadSenderConfig", () => {
  const dir = mkdtempSync(join(tmpdir(), "sender-config-"));
  const deployment = {
    chainId: 31337,
    layer: "L1" as const,
    deployBlock: 5,
    contracts: { AssetStorage: `0x${"12".repeat(20)}` },
    params: { batchSize: 4, publicSlots: 2, treeDepth: 16 },
  };
  writeDeployment(dir, deployment);
  const env = {
    L1_RPC_URL: "http://127.0.0.1:8545",
    SENDER_PRIVATE_KEY: ANVIL_KEYS[2],
    DEPLOYMENTS_DIR: dir,
    ATTESTER_URLS: "http://127.0.0.1:8601, http://127.0.0.1:8602,",
  };
  const problems = (e: NodeJS.ProcessEnv) => {
    try {
      loadSenderConfig(e);
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      return error.problems;
    }
    assert.fail("expected a ConfigError");
  };

  it("loads the environment and the deployment with defaults", () => {
    const c = loadSenderConfig({ ...env, MAX_FEE_PER_GAS_GWEI: "1.5", METRICS_PORT: "" });
    assert.equal(c.batchSize, 4);
    assert.equal(c.l1DeployBlock, 5n);
    assert.equal(c.maxFeePerGas, 1_500_000_000n);
    assert.equal(c.metricsPort, undefined, "an empty variable counts as unset");
    assert.equal(c.dbPath, join("build/node", "bridge.sqlite"));
    assert.equal(c.txTimeoutMs, 60_000);
    assert.deepEqual(c.attesterUrls, ["http://127.0.0.1:8601", "http://127.0.0.1:8602"]);
  });

  it("names each bad environment field", () => {
    const p = problems({
      DEPLOYMENTS_DIR: dir,
      SENDER_PRIVATE_KEY: "0xabc",
      TX_TIMEOUT_MS: "10",
      MAX_FEE_PER_GAS_GWEI: "lots",
      ATTESTER_URLS: "attester-1:8600",
    });
    assert.deepEqual(p.map((x) => x.split(" ")[0]).sort(), [
      "ATTESTER_URLS.0",
      "L1_RPC_URL",
      "MAX_FEE_PER_GAS_GWEI",
      "SENDER_PRIVATE_KEY",
      "TX_TIMEOUT_MS",
    ]);
    assert.match(p.find((x) => x.startsWith("L1_RPC_URL"))!, /missing/);
  });

  it("names the deployment file and its bad field", () => {
    const other = mkdtempSync(join(tmpdir(), "sender-config-"));
    writeDeployment(other, { ...deployment, params: {} });
    const p = problems({ ...env, DEPLOYMENTS_DIR: other });
    assert.match(p[0]!, /^batchSize \(.*31337\.json params\)/);
    const missing = problems({ ...env, DEPLOYMENTS_DIR: join(other, "nope") });
    assert.match(missing[0]!, /31337\.json: cannot read deployment/);
  });
});
