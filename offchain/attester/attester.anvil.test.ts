/**
 * The attester against the attested contracts on two anvil chains (offchain/testing/bridge.ts): it follows L1
 * DepositQueued and L2 OpLogged into its own database, signs what matches, refuses what does not
 * (naming the field), resumes from its checkpoint after a restart, and signs exodus only once L1 is
 * in exodus. The contracts compute the digests it signs, accept its credits' signatures, and halt
 * L2 with the exodus signatures the courier client collects from two attesters.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, type Hex, http, type PublicClient, parseEther } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import {
  attestationDigest,
  type BridgeContracts,
  batchAttestation,
  checkSignature,
  depositAttestation,
  domainSeparatorOf,
  exodusAttestation,
  l1Domain,
  l2Domain,
  packSignatures,
  signDigest,
} from "../lib/attestation.js";
import { type DepositRecord, type Op, opChainOf, ZERO_ADDRESS } from "../lib/protocol.js";
import { httpAttestations } from "../runtime/attestation-http.js";
import { collectAttestations } from "../runtime/attestations.js";
import { publicClientFor } from "../runtime/chains.js";
import { createLogger, type Logger } from "../runtime/log.js";
import { Metrics } from "../runtime/metrics.js";
import { type Db, openDatabase } from "../runtime/node-db/open.js";
import { mineBlocks, rpc } from "../testing/anvil.js";
import { sortedAttesters, TEST_ATTESTER_KEYS, TEST_ATTESTER_THRESHOLD } from "../testing/attesters.js";
import { ROLES, startTestBridge, type TestBridge } from "../testing/bridge.js";
import { Attester } from "./attester.js";
import { type AttesterConfig, loadAttesterConfig } from "./config.js";
import { serveAttesterApi } from "./server.js";

const [FIRST, SECOND] = sortedAttesters(TEST_ATTESTER_KEYS);
const ATTESTER_KEY = FIRST?.key as Hex;
const SIGNER = privateKeyToAccount(ATTESTER_KEY).address;
let bridge: TestBridge;
let contracts: BridgeContracts;
let dataDir: string;
let config: AttesterConfig;
let user: Address;
const bob: Address = "0x0000000000000000000000000000000000000b0b";
/** The ops this test made on L2, in order (the attester must arrive at the same op chain). */
const ops: Op[] = [];
const records: DepositRecord[] = [];

before(async () => {
  bridge = await startTestBridge();
  contracts = {
    l1ChainId: 31337,
    assetStorage: bridge.assetStorage,
    l2ChainId: 31338,
    assetReceiving: bridge.assetReceiving,
  };
  dataDir = mkdtempSync(join(tmpdir(), "attester-"));
  config = loadAttesterConfig({
    ...bridge.env,
    ATTESTER_PRIVATE_KEY: ATTESTER_KEY,
    ATTESTER_DATA_DIR: dataDir,
    ATTESTER_PORT: "0",
    LOG_BLOCK_RANGE: "2",
  });
  user = privateKeyToAccount(ROLES.user).address;
});
after(async () => {
  await bridge?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function mined(client: PublicClient, hash: Hex): Promise<void> {
  const r = await client.waitForTransactionReceipt({ hash });
  assert.equal(r.status, "success");
}

async function depositOnL1(amount: bigint): Promise<void> {
  const wallet = bridge.l1.wallet(ROLES.user);
  await mined(
    bridge.l1.client,
    await wallet.writeContract({
      address: bridge.assetStorage,
      abi: assetStorageAbi,
      functionName: "depositETH",
      args: [user],
      value: amount,
    }),
  );
  const block = await bridge.l1.client.getBlock();
  records.push({ recipient: user, tokenId: 0, amount, depositor: user, timestamp: block.timestamp });
}

async function onL2(op: Op, write: () => Promise<Hex>): Promise<void> {
  await mined(bridge.l2.client, await write());
  ops.push(op);
}

/** Credits deposit `depositId` on L2 with signatures made by lib/attestation.ts (the contract checks them). */
async function creditOnL2(depositId: bigint): Promise<void> {
  const r = records[Number(depositId)] as DepositRecord;
  const digest = attestationDigest(depositAttestation(contracts, depositId, r));
  const keys = sortedAttesters(TEST_ATTESTER_KEYS).slice(0, TEST_ATTESTER_THRESHOLD);
  const sigs = await Promise.all(
    keys.map(async (k) => ({ signer: k.address, signature: await signDigest(digest, k.key) })),
  );
  const w = bridge.l2.wallet(ROLES.relayer);
  await onL2({ kind: 1, tokenId: r.tokenId, from: ZERO_ADDRESS, to: r.recipient, amount: r.amount }, () =>
    w.writeContract({
      address: bridge.assetReceiving,
      abi: assetReceivingAbi,
      functionName: "creditDeposit",
      args: [depositId, r, packSignatures(sigs)],
    }),
  );
}

async function transferOnL2(amount: bigint): Promise<void> {
  const w = bridge.l2.wallet(ROLES.user);
  await onL2({ kind: 2, tokenId: 0, from: user, to: bob, amount }, () =>
    w.writeContract({
      address: bridge.assetReceiving,
      abi: assetReceivingAbi,
      functionName: "transfer",
      args: [bob, 0n, amount],
    }),
  );
}

async function withdrawOnL2(amount: bigint): Promise<void> {
  const w = bridge.l2.wallet(ROLES.user);
  await onL2({ kind: 3, tokenId: 0, from: user, to: user, amount }, () =>
    w.writeContract({
      address: bridge.assetReceiving,
      abi: assetReceivingAbi,
      functionName: "withdraw",
      args: [0, amount, user],
    }),
  );
}

interface Running {
  attester: Attester;
  url: string;
  db: Db;
  lines: Record<string, unknown>[];
  /** fromBlock of every eth_getLogs call, per chain. */
  getLogsFrom: { L1: bigint[]; L2: bigint[] };
  stop(): void;
}

/** An attester over the data dir, with L1/L2 clients that record eth_getLogs ranges. */
async function startAttester(cfg: AttesterConfig = config): Promise<Running> {
  const controller = new AbortController();
  const lines: Record<string, unknown>[] = [];
  const log: Logger = createLogger("attester", { level: "debug", write: (l) => lines.push(JSON.parse(l)) });
  const getLogsFrom: Running["getLogsFrom"] = { L1: [], L2: [] };
  const recording = (chain: "L1" | "L2", url: string) =>
    http(url, {
      retryCount: 0,
      onFetchRequest: async (req) => {
        const body = JSON.parse(await req.clone().text()) as { method: string; params: { fromBlock?: Hex }[] };
        if (body.method === "eth_getLogs" && body.params[0]?.fromBlock)
          getLogsFrom[chain].push(BigInt(body.params[0].fromBlock));
      },
    });
  const db = openDatabase(cfg.dbPath);
  const metrics = new Metrics();
  const attester = new Attester({
    config: cfg,
    db,
    log,
    signal: controller.signal,
    metrics,
    l1Client: publicClientFor(cfg.l1, recording("L1", bridge.l1.anvil.url)),
    l2Client: publicClientFor(cfg.l2, recording("L2", bridge.l2.anvil.url)),
  });
  const { url } = await serveAttesterApi(attester, cfg, metrics, {
    host: "127.0.0.1",
    port: 0,
    signal: controller.signal,
    log,
  });
  return {
    attester,
    url,
    db,
    lines,
    getLogsFrom,
    stop: () => {
      controller.abort();
      db.close();
    },
  };
}

async function call(
  url: string,
  path: string,
  body?: object,
): Promise<{ status: number; json: Record<string, string> }> {
  const res = await fetch(`${url}${path}`, body ? { method: "POST", body: JSON.stringify(body) } : {});
  return { status: res.status, json: (await res.json()) as Record<string, string> };
}

async function l2Tuple(): Promise<{ l2OpCount: string; l2OpHead: Hex }> {
  const read = { address: bridge.assetReceiving, abi: assetReceivingAbi } as const;
  const [count, head] = await Promise.all([
    bridge.l2.client.readContract({ ...read, functionName: "opCount" }),
    bridge.l2.client.readContract({ ...read, functionName: "opHead" }),
  ]);
  return { l2OpCount: count.toString(), l2OpHead: head };
}

const recordQuery = (r: DepositRecord) =>
  `recipient=${r.recipient}&tokenId=${r.tokenId}&amount=${r.amount}&depositor=${r.depositor}&timestamp=${r.timestamp}`;

describe("attester on anvil", () => {
  let a: Running;
  let second: Running;

  it("computes the digests and domain separators the contracts compute", async () => {
    const { assetStorage, assetReceiving } = contracts;
    const l1Read = { address: assetStorage, abi: assetStorageAbi } as const;
    const l2Read = { address: assetReceiving, abi: assetReceivingAbi } as const;
    const claim = { batchNumber: 3n, newOpChain: 77n, l2OpCount: 9n, l2OpHead: `0x${"ab".repeat(32)}` as Hex };
    const record: DepositRecord = {
      recipient: user,
      tokenId: 2,
      amount: 5n,
      depositor: bob,
      timestamp: 1_700_000_000n,
    };
    const [l1Separator, l2Separator, batch, deposit, exodus] = await Promise.all([
      bridge.l1.client.readContract({ ...l1Read, functionName: "domainSeparator" }),
      bridge.l2.client.readContract({ ...l2Read, functionName: "domainSeparator" }),
      bridge.l1.client.readContract({
        ...l1Read,
        functionName: "batchDigest",
        args: [claim.batchNumber, claim.newOpChain, claim.l2OpCount, claim.l2OpHead],
      }),
      bridge.l2.client.readContract({ ...l2Read, functionName: "depositDigest", args: [7n, record] }),
      bridge.l2.client.readContract({ ...l2Read, functionName: "exodusDigest" }),
    ]);
    assert.equal(l1Separator, domainSeparatorOf(l1Domain(31337, assetStorage)));
    assert.equal(l2Separator, domainSeparatorOf(l2Domain(31338, assetReceiving)));
    assert.equal(batch, attestationDigest(batchAttestation(contracts, claim)));
    assert.equal(deposit, attestationDigest(depositAttestation(contracts, 7n, record)));
    assert.equal(exodus, attestationDigest(exodusAttestation(contracts)));
  });

  it("follows both chains and signs the batch tuple that matches L2", async () => {
    await depositOnL1(parseEther("1"));
    await depositOnL1(parseEther("0.5"));
    await creditOnL2(0n);
    await creditOnL2(1n);
    await transferOnL2(30n);
    await withdrawOnL2(10n);
    a = await startAttester();
    await a.attester.tick();
    const tuple = await l2Tuple();
    assert.equal(tuple.l2OpCount, "4");
    const claim = { batchNumber: "0", newOpChain: opChainOf(ops).toString(), ...tuple };
    const { status, json } = await call(a.url, "/v1/batch", claim);
    assert.equal(status, 200, JSON.stringify(json));
    assert.equal(json.signer, SIGNER);
    const expected = batchAttestation(config.contracts, {
      batchNumber: 0n,
      newOpChain: opChainOf(ops),
      l2OpCount: 4n,
      l2OpHead: tuple.l2OpHead,
    });
    assert.equal(json.digest, attestationDigest(expected));
    assert.deepEqual(await checkSignature(attestationDigest(expected), json.signature as Hex, SIGNER), {
      ok: true,
      signer: SIGNER,
    });
    const twoOps = opChainOf(ops.slice(0, 2)).toString();
    const ofTwo = await call(a.url, "/v1/batch", {
      ...claim,
      l2OpCount: "2",
      newOpChain: twoOps,
      l2OpHead: a.attester.store.opLogAt(2)?.head,
    });
    assert.equal(ofTwo.status, 200, "an earlier prefix of the log is signed too");
  });

  it("refuses a wrong op chain, head or count, naming the field, with an alarm", async () => {
    const tuple = await l2Tuple();
    const good = { batchNumber: "0", newOpChain: opChainOf(ops).toString(), ...tuple };
    const cases: [object, string, number][] = [
      [{ ...good, newOpChain: "12345" }, "newOpChain", 409],
      [{ ...good, l2OpHead: `0x${"11".repeat(32)}` }, "l2OpHead", 409],
      [{ ...good, l2OpCount: "3" }, "l2OpCount", 409],
      [{ ...good, l2OpCount: "5" }, "", 425],
    ];
    for (const [body, field, status] of cases) {
      const r = await call(a.url, "/v1/batch", body);
      assert.equal(r.status, status, JSON.stringify(r.json));
      if (field) {
        assert.equal(r.json.error, "mismatch");
        assert.equal(r.json.field, field, r.json.reason);
      } else assert.match(r.json.reason ?? "", /not reached yet: 4 L2 ops followed/);
    }
    const alarms = a.lines.filter((l) => l.level === "error" && l.alarm === true);
    assert.deepEqual(
      alarms.map((l) => l.field),
      ["newOpChain", "l2OpHead", "l2OpCount"],
    );
    const bad = await call(a.url, "/v1/batch", { batchNumber: "x" });
    assert.equal(bad.status, 400);
  });

  it("signs a deposit record equal to L1's and refuses one that differs in any field", async () => {
    const r = records[0] as DepositRecord;
    const ok = await call(a.url, `/v1/deposit/0?${recordQuery(r)}`);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.digest, attestationDigest(depositAttestation(config.contracts, 0n, r)));
    const bare = await call(a.url, "/v1/deposit/1");
    assert.equal(
      bare.json.digest,
      attestationDigest(depositAttestation(config.contracts, 1n, records[1] as DepositRecord)),
    );
    const edits: [keyof DepositRecord, DepositRecord][] = [
      ["recipient", { ...r, recipient: bob }],
      ["tokenId", { ...r, tokenId: 1 }],
      ["amount", { ...r, amount: r.amount + 1n }],
      ["depositor", { ...r, depositor: bob }],
      ["timestamp", { ...r, timestamp: r.timestamp + 1n }],
    ];
    for (const [field, edited] of edits) {
      const res = await call(a.url, `/v1/deposit/0?${recordQuery(edited)}`);
      assert.equal(res.status, 409, field);
      assert.equal(res.json.field, field);
    }
    const notYet = await call(a.url, `/v1/deposit/2?${recordQuery(r)}`);
    assert.equal(notYet.status, 425);
    assert.match(notYet.json.reason ?? "", /deposit 2 not seen yet: 2 queue requests followed/);
  });

  it("serves /health and /metrics with its followed heights and counters", async () => {
    const h = await fetch(`${a.url}/health`);
    assert.equal(h.status, 200);
    const health = (await h.json()) as { ok: boolean; l2: { opCount: number }; l1: { requests: number } };
    assert.equal(health.ok, true);
    assert.equal(health.l2.opCount, 4);
    assert.equal(health.l1.requests, 2);
    const text = await (await fetch(`${a.url}/metrics`)).text();
    assert.match(text, /attester_signed_total\{kind="batch"\} 2/);
    assert.match(text, /attester_refused_total\{error="mismatch",kind="batch"\} 3/);
    assert.match(text, /attester_l2_op_count 4/);
  });

  it("resumes after a restart from its checkpoint without rescanning", async () => {
    const before = a.attester.store.l2Cursor().nextBlock;
    const l1Before = a.attester.store.l1Cursor().nextBlock;
    a.stop();
    await transferOnL2(5n);
    a = await startAttester();
    await a.attester.tick();
    assert.ok(a.getLogsFrom.L2.length > 0, "the new L2 blocks were read");
    assert.ok(
      a.getLogsFrom.L2.every((from) => from >= before),
      `L2 rescanned below ${before}: ${a.getLogsFrom.L2}`,
    );
    assert.ok(
      a.getLogsFrom.L1.every((from) => from >= l1Before),
      `L1 rescanned below ${l1Before}: ${a.getLogsFrom.L1}`,
    );
    assert.equal(a.attester.store.l2Cursor().opCount, 5);
    const tuple = await l2Tuple();
    assert.equal(tuple.l2OpCount, "5");
    const r = await call(a.url, "/v1/batch", { batchNumber: "1", newOpChain: opChainOf(ops).toString(), ...tuple });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  });

  it("answers main's courier (attestation-http.ts): two attesters sign a deposit L2 then credits, and a batch", async () => {
    second = await startAttester({
      ...config,
      privateKey: SECOND?.key as Hex,
      dbPath: join(dataDir, "second", "attester.sqlite"),
    });
    await depositOnL1(7n);
    await Promise.all([a.attester.tick(), second.attester.tick()]);
    const courier = httpAttestations({
      urls: [a.url, second.url],
      l1: { client: bridge.l1.client, assetStorage: bridge.assetStorage },
      l2: { client: bridge.l2.client, assetReceiving: bridge.assetReceiving },
    });
    const record = records[2] as DepositRecord;
    const attested = await courier.deposit(2n, record);
    assert.deepEqual(attested.signers, [FIRST?.address, SECOND?.address]);
    const w = bridge.l2.wallet(ROLES.relayer);
    await onL2({ kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: record.recipient, amount: record.amount }, () =>
      w.writeContract({
        address: bridge.assetReceiving,
        abi: assetReceivingAbi,
        functionName: "creditDeposit",
        args: [2n, record, attested.signatures],
      }),
    );
    await Promise.all([a.attester.tick(), second.attester.tick()]);
    const tuple = await l2Tuple();
    const batch = await courier.batch({
      batchNumber: 0n,
      newOpChain: opChainOf(ops),
      l2OpCount: BigInt(tuple.l2OpCount),
      l2OpHead: tuple.l2OpHead,
    });
    assert.equal(batch.signers.length, 2);
  });

  // Needs the issue-17 contracts (requestWithdrawal, forceWithdrawal, withdrawalRequestDigest).
  it("signs a forced withdrawal request L1 queued, refuses it as a deposit, and L2 serves it with the courier's signatures", async () => {
    const hash = await bridge.l1.wallet(ROLES.user).writeContract({
      address: bridge.assetStorage,
      abi: assetStorageAbi,
      functionName: "requestWithdrawal",
      args: [0],
    });
    await mined(bridge.l1.client, hash);
    const id = records.length; // the next id of the one queue
    const block = await bridge.l1.client.getBlock();
    const request = { owner: user, tokenId: 0, timestamp: block.timestamp };
    await Promise.all([a.attester.tick(), second.attester.tick()]);
    assert.equal(a.attester.store.request(id)?.kind, "withdrawal");
    const asDeposit = await call(a.url, `/v1/deposit/${id}`);
    assert.equal(asDeposit.status, 409);
    assert.equal((asDeposit.json as { field?: string }).field, "kind");
    const wrong = await call(
      a.url,
      `/v1/withdrawal-request/${id}?owner=${bob}&tokenId=0&timestamp=${request.timestamp}`,
    );
    assert.equal(wrong.status, 409);
    const courier = httpAttestations({
      urls: [a.url, second.url],
      l2: { client: bridge.l2.client, assetReceiving: bridge.assetReceiving },
    });
    const attested = await courier.withdrawalRequest(BigInt(id), request);
    assert.deepEqual(attested.signers, [FIRST?.address, SECOND?.address]);
    const amount = await bridge.l2.client.readContract({
      address: bridge.assetReceiving,
      abi: assetReceivingAbi,
      functionName: "spendableBalanceOf",
      args: [user, 0n],
    });
    const w = bridge.l2.wallet(ROLES.relayer);
    await onL2({ kind: 4, tokenId: 0, from: user, to: user, amount }, () =>
      w.writeContract({
        address: bridge.assetReceiving,
        abi: assetReceivingAbi,
        functionName: "forceWithdrawal",
        args: [BigInt(id), request, attested.signatures],
      }),
    );
    await a.attester.tick();
    const tuple = await l2Tuple();
    const r = await call(a.url, "/v1/batch", { batchNumber: "0", newOpChain: opChainOf(ops).toString(), ...tuple });
    assert.equal(r.status, 200, `the kind-4 op is followed: ${JSON.stringify(r.json)}`);
  });

  it("refuses exodus while L1 is not in exodus and signs it once L1 is", async () => {
    const refused = await call(a.url, "/v1/exodus");
    assert.equal(refused.status, 409);
    assert.equal(refused.json.field, "exodusMode");
    await rpc(bridge.l1.anvil.url, "evm_increaseTime", [301]);
    await mineBlocks(bridge.l1.anvil.url, 1);
    const w = bridge.l1.wallet(ROLES.user);
    await mined(
      bridge.l1.client,
      await w.writeContract({
        address: bridge.assetStorage,
        abi: assetStorageAbi,
        functionName: "activateExodus",
      }),
    );
    const signed = await call(a.url, "/v1/exodus");
    assert.equal(signed.status, 200, JSON.stringify(signed.json));
    assert.equal(signed.json.digest, attestationDigest(exodusAttestation(config.contracts)));
    await second.attester.tick();
    const l2Read = { address: bridge.assetReceiving, abi: assetReceivingAbi } as const;
    const [members, threshold] = await Promise.all([
      bridge.l2.client.readContract({ ...l2Read, functionName: "attesters" }),
      bridge.l2.client.readContract({ ...l2Read, functionName: "attesterThreshold" }),
    ]);
    assert.equal(threshold, TEST_ATTESTER_THRESHOLD);
    const collected = await collectAttestations({
      urls: [a.url, second.url, "http://127.0.0.1:1"],
      attestation: exodusAttestation(config.contracts),
      set: { attesters: members, threshold },
    });
    assert.equal(collected.signers.length, 2);
    assert.equal(collected.refused.length, 1, "the third attester is down");
    const courier = bridge.l2.wallet(ROLES.relayer);
    await mined(
      bridge.l2.client,
      await courier.writeContract({ ...l2Read, functionName: "haltForExodus", args: [collected.signatures] }),
    );
    assert.equal(await bridge.l2.client.readContract({ ...l2Read, functionName: "halted" }), true);
    second.stop();
    a.stop();
  });
});
