/**
 * The CLI end to end on two anvil chains: AssetStorage (with an accept-all verifier standing in
 * for Groth16), DemoToken and AssetReceiving from the forge artifacts. The test plays the monitor
 * (credits) and the sender (submitBatch with the extractor's batches); every user action goes
 * through runCli, as a user would type it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Address, getContractAddress, type Hex, type PublicClient, parseEther, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { Extractor } from "../extractor/extractor.js";
import { assetReceivingAbi, assetStorageAbi, erc20Abi } from "../lib/abi.js";
import { encodeOps } from "../lib/protocol.js";
import { emptyRoot } from "../lib/tree.js";
import type { AttestationSource } from "../runtime/attestation-source.js";
import { openDatabase, publicClientFor, type SignerClient, silentLogger, walletClientFor } from "../runtime/index.js";
import { Alarms } from "../runtime/node-db/alarms.js";
import { readBatchToSend } from "../runtime/node-db/batches.js";
import { readBatch } from "../runtime/node-db/extractor.js";
import { SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { ANVIL_KEYS, type Anvil, mineBlocks, startAnvil } from "../testing/anvil.js";
import { localAttesters, sortedAttesters, TEST_ATTESTER_KEYS, TEST_ATTESTER_THRESHOLD } from "../testing/attesters.js";
import {
  ACCEPT_ALL_VERIFIER_INITCODE,
  deployArtifact,
  deployBytecode,
  ensureForgeArtifacts,
  writeDeployment,
} from "../testing/deploy.js";
import { runCli } from "./main.js";

const DEPTH = 8;
const N = 4;
const DEADLINE = 300n;
const dir = mkdtempSync(join(tmpdir(), "cli-anvil-"));
const dataDir = join(dir, "node");
const deploymentsDir = join(dir, "deployments");
let l1: Anvil;
let l2: Anvil;
let c1: PublicClient;
let c2: PublicClient;
let gov1: SignerClient;
let gov2: SignerClient;
let storage: Address;
let receiving: Address;
let demo: Address;
let attestations: AttestationSource;
const ALICE_KEY = ANVIL_KEYS[1];
const BOB_KEY = ANVIL_KEYS[2];
const alice = privateKeyToAccount(ALICE_KEY).address;
const bob = privateKeyToAccount(BOB_KEY).address;

before(async () => {
  ensureForgeArtifacts(["AssetStorage", "AssetReceiving", "DemoToken"]);
  [l1, l2] = await Promise.all([startAnvil({ chainId: 31337 }), startAnvil({ chainId: 31338 })]);
  const chain1 = { name: "L1", rpcUrl: l1.url, chainId: 31337, pollingIntervalMs: 50 };
  const chain2 = { name: "L2", rpcUrl: l2.url, chainId: 31338, pollingIntervalMs: 50 };
  c1 = publicClientFor(chain1);
  c2 = publicClientFor(chain2);
  gov1 = walletClientFor(chain1, ANVIL_KEYS[0]);
  gov2 = walletClientFor(chain2, ANVIL_KEYS[0]);
  const env1 = { client: c1, wallet: gov1 };
  const verifier = await deployBytecode(env1, ACCEPT_ALL_VERIFIER_INITCODE);
  const g = gov1.account.address;
  const attesters = sortedAttesters(TEST_ATTESTER_KEYS).map((a) => a.address);
  const g2 = gov2.account.address;
  const l2Ledger = getContractAddress({ from: g2, nonce: BigInt(await c2.getTransactionCount({ address: g2 })) });
  storage = await deployArtifact(env1, "AssetStorage", [
    g,
    {
      verifier,
      treeDepth: DEPTH,
      batchSize: N,
      publicSlots: N,
      priorityDeadline: DEADLINE,
      l2ChainId: 31338n,
      l2Ledger,
      attesters,
      attesterThreshold: TEST_ATTESTER_THRESHOLD,
      governanceDelay: 2n * DEADLINE,
    },
  ]);
  demo = await deployArtifact(env1, "DemoToken", ["Demo", "DEMO", g]);
  await tx1(demo, erc20Abi, "mint", [alice, parseEther("1000")]);
  await tx1(storage, assetStorageAbi, "dockToken", [demo]);
  receiving = await deployArtifact({ client: c2, wallet: gov2 }, "AssetReceiving", [
    g,
    31337n,
    storage,
    attesters,
    TEST_ATTESTER_THRESHOLD,
    2n * DEADLINE,
  ]);
  assert.equal(receiving.toLowerCase(), l2Ledger.toLowerCase(), "the L2 ledger landed where L1 expects it");
  attestations = localAttesters({ l1: c1, l2: c2, assetStorage: storage, assetReceiving: receiving });
  await tx2("setTokenMetadata", [1, "Demo", "DEMO", 18]);
  writeDeployment(deploymentsDir, {
    chainId: 31337,
    layer: "L1",
    deployBlock: 0,
    contracts: { AssetStorage: storage, DemoToken: demo },
    params: {
      treeDepth: DEPTH,
      batchSize: N,
      publicSlots: N,
      genesisRoot: emptyRoot(DEPTH).toString(),
      priorityDeadline: 300,
    },
  });
  writeDeployment(deploymentsDir, {
    chainId: 31338,
    layer: "L2",
    deployBlock: 0,
    contracts: { AssetReceiving: receiving },
    params: {},
  });
});

after(async () => {
  await Promise.all([l1?.stop(), l2?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

async function tx1(address: Address, abi: unknown, functionName: string, args: readonly unknown[]) {
  const hash = await gov1.writeContract({ address, abi, functionName, args } as never);
  assert.equal((await c1.waitForTransactionReceipt({ hash })).status, "success", functionName);
}

async function tx2(functionName: string, args: readonly unknown[]) {
  const hash = await gov2.writeContract({ address: receiving, abi: assetReceivingAbi, functionName, args } as never);
  assert.equal((await c2.waitForTransactionReceipt({ hash })).status, "success", functionName);
}

async function cli(argv: string[], key: Hex | undefined = ALICE_KEY, l1Only = false) {
  const out: string[] = [];
  const err: string[] = [];
  // l1Only: no L2 RPC, no deployments directory, no node data: what a user has once the operator is gone.
  const env: NodeJS.ProcessEnv = l1Only
    ? { DEPLOYMENTS_DIR: join(dir, "none"), DATA_DIR: join(dir, "none"), ...(key ? { PRIVATE_KEY: key } : {}) }
    : {
        L1_RPC_URL: l1.url,
        L2_RPC_URL: l2.url,
        DEPLOYMENTS_DIR: deploymentsDir,
        DATA_DIR: dataDir,
        ...(key ? { PRIVATE_KEY: key } : {}),
      };
  const code = await runCli(argv, { env, out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function cliJson(argv: string[], key?: Hex, l1Only = false) {
  const r = await cli([...argv, "--json"], key, l1Only);
  assert.equal(r.code, 0, `${argv.join(" ")}: ${r.out} ${r.err}`);
  return JSON.parse(r.out);
}

/** What the monitor does: credit every L1 deposit not credited yet. */
async function relayDeposits() {
  const logs = await c1.getContractEvents({
    address: storage,
    abi: assetStorageAbi,
    eventName: "DepositQueued",
    fromBlock: 0n,
    strict: true,
  });
  let next = await c2.readContract({ address: receiving, abi: assetReceivingAbi, functionName: "nextDepositId" });
  for (const log of logs) {
    if (log.args.depositId < next) continue;
    const { recipient, tokenId, amount, depositor, timestamp } = log.args;
    const record = { recipient, tokenId, amount, depositor, timestamp };
    const { signatures } = await attestations.deposit(log.args.depositId, record);
    await tx2("creditDeposit", [log.args.depositId, record, signatures]);
    next += 1n;
  }
}

/** What the extractor does: read the L2 op log and cut batches into the node database. */
async function extract() {
  const db = openDatabase(join(dataDir, "bridge.sqlite"));
  try {
    const x = new Extractor({
      config: {
        l2: { name: "L2", rpcUrl: l2.url, chainId: 31338, pollingIntervalMs: 50 },
        assetReceiving: receiving,
        deployBlock: 0,
        treeDepth: DEPTH,
        batchSize: N,
        publicSlots: N,
        confirmations: 1,
        pollIntervalMs: 20,
        batchTimeoutMs: 0,
        blockRange: 100,
        dbPath: "",
      },
      db,
      log: silentLogger,
      signal: new AbortController().signal,
      queue: new SqliteProofQueue(db),
    });
    await x.tick();
  } finally {
    db.close();
  }
}

/** What the sender does: submit the cut batches (the verifier accepts any proof). */
async function proveBatches() {
  const db = openDatabase(join(dataDir, "bridge.sqlite"));
  try {
    const deposits = await c1.getContractEvents({
      address: storage,
      abi: assetStorageAbi,
      eventName: "DepositQueued",
      fromBlock: 0n,
      strict: true,
    });
    for (
      let n = Number(await c1.readContract({ address: storage, abi: assetStorageAbi, functionName: "batchCount" }));
      ;
      n++
    ) {
      const b = readBatch(db, n);
      if (!b) break;
      let d = b.firstDepositId;
      const slots = b.ops.map((op) => {
        if (op.kind === 1) {
          const rec = deposits.find((l) => l.args.depositId === BigInt(d))!.args;
          d += 1;
          return {
            kind: 1,
            tokenId: op.tokenId,
            account: op.to,
            amount: BigInt(op.amount),
            depositor: rec.depositor,
            timestamp: rec.timestamp,
          };
        }
        if (op.kind === 3)
          return {
            kind: 3,
            tokenId: op.tokenId,
            account: op.to,
            amount: BigInt(op.amount),
            depositor: zeroAddress,
            timestamp: 0n,
          };
        return { kind: 0, tokenId: 0, account: zeroAddress, amount: 0n, depositor: zeroAddress, timestamp: 0n };
      });
      while (slots.length < N)
        slots.push({ kind: 0, tokenId: 0, account: zeroAddress, amount: 0n, depositor: zeroAddress, timestamp: 0n });
      const { l2OpCount, l2OpHead, ops } = readBatchToSend(db, n)!;
      const claim = { batchNumber: BigInt(n), newOpChain: b.newOpChain, l2OpCount, l2OpHead };
      const { signatures } = await attestations.batch(claim);
      await tx1(storage, assetStorageAbi, "submitBatch", [
        b.newRoot,
        b.newOpChain,
        l2OpCount,
        l2OpHead,
        slots,
        encodeOps(ops),
        [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n],
        signatures,
      ]);
    }
  } finally {
    db.close();
  }
}

const pending = (who: Address, tokenId: number) =>
  c1.readContract({ address: storage, abi: assetStorageAbi, functionName: "pendingWithdrawals", args: [who, tokenId] });

describe("CLI on anvil", () => {
  it("deposits ETH and a docked ERC-20 (approving it), and shows balances on both chains", async () => {
    const eth = await cliJson(["deposit", "--token", "ETH", "--amount", "2"]);
    assert.equal(eth.depositId, "0");
    assert.equal(eth.amount, parseEther("2").toString());
    const erc = await cliJson(["deposit", "--token", demo, "--amount", "100"]);
    assert.equal(erc.depositId, "1");
    assert.equal(erc.tokenId, 1);
    assert.ok(erc.approvalTx, "the ERC-20 allowance was short, so the CLI approved first");
    await relayDeposits();
    const bal = await cliJson(["balance"]);
    const [e, t] = bal.tokens;
    assert.equal(e.symbol, "ETH");
    assert.equal(e.l2, parseEther("2").toString());
    assert.equal(t.symbol, "DEMO");
    assert.equal(t.l2, parseEther("100").toString());
    assert.equal(t.l1Wallet, parseEther("900").toString());
    const text = await cli(["balance", "--address", bob, "--token", "1"], undefined);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /DEMO \(id 1\): L1 wallet 0 DEMO, L1 claimable 0 DEMO, L2 0 DEMO/);
    for (const symbol of ["DEMO", "demo"]) {
      const bySymbol = await cli(["balance", "--address", bob, "--token", symbol], undefined);
      assert.equal(bySymbol.code, 0, bySymbol.err);
      assert.equal(bySymbol.out, text.out, `--token ${symbol} is the token balance prints as DEMO`);
    }
    const unknown = await cli(["balance", "--token", "NOPE"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--token NOPE: no docked token has this symbol; the tokens are ETH \(0\), DEMO \(1\)/);
  });

  it("shows held and spendable L2 amounts once a hold reserves part of a balance", async () => {
    // Alice holds 30 DEMO of her own for Bob (no expiry); the units stay hers, and exit to her later.
    const aliceL2 = walletClientFor({ name: "L2", rpcUrl: l2.url, chainId: 31338, pollingIntervalMs: 50 }, ALICE_KEY);
    const hash = await aliceL2.writeContract({
      address: receiving,
      abi: assetReceivingAbi,
      functionName: "hold",
      args: [alice, 1, bob, parseEther("30"), 0],
    });
    assert.equal((await c2.waitForTransactionReceipt({ hash })).status, "success");
    const bal = await cliJson(["balance", "--token", "1"]);
    assert.equal(bal.tokens[0].l2, parseEther("100").toString());
    assert.equal(bal.tokens[0].l2Held, parseEther("30").toString());
    assert.equal(bal.tokens[0].l2Spendable, parseEther("70").toString());
    const text = await cli(["balance", "--token", "1"]);
    assert.match(text.out, /L2 100 DEMO \(held 30 DEMO, spendable 70 DEMO\)/);
    assert.match(text.out, /Held units are yours/);
  });

  it("transfers, approves, sets an operator and withdraws on L2", async () => {
    const t = await cliJson(["transfer", "--to", bob, "--token", "ETH", "--amount", "0.5"]);
    assert.equal(t.opIndex, "2");
    await cliJson(["approve", "--spender", bob, "--token", "1", "--amount", "10"]);
    assert.equal(
      await c2.readContract({
        address: receiving,
        abi: assetReceivingAbi,
        functionName: "allowance",
        args: [alice, bob, 1n],
      }),
      parseEther("10"),
    );
    await cliJson(["set-operator", "--operator", bob]);
    // Bob moves Alice's tokens as her operator.
    const moved = await cliJson(
      ["transfer", "--from", alice, "--to", bob, "--token", "DEMO", "--amount", "20"],
      BOB_KEY,
    );
    assert.equal(moved.from, alice);
    assert.equal(moved.tokenId, 1);
    assert.equal(moved.amount, parseEther("20").toString());
    const revoked = await cliJson(["set-operator", "--operator", bob, "--revoke"]);
    assert.equal(revoked.approved, false);
    const w = await cliJson(["withdraw", "--token", "ETH", "--amount", "0.25"]);
    assert.equal(w.l1Recipient, alice);
    assert.equal(w.opIndex, "4");
  });

  it("reports a revert by its custom error and a hint, sending nothing", async () => {
    const before = await c2.getTransactionCount({ address: alice });
    const r = await cli(["transfer", "--to", bob, "--token", "ETH", "--amount", "1000"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /transfer would revert on L2: ERC6909InsufficientBalance\(.*\): the L2 balance is too small/);
    assert.equal(await c2.getTransactionCount({ address: alice }), before);
  });

  it("wait follows the withdrawal through the node's batch to its proof on L1, with progress", async () => {
    const progress: string[] = [];
    const out: string[] = [];
    const env = { L1_RPC_URL: l1.url, L2_RPC_URL: l2.url, DEPLOYMENTS_DIR: deploymentsDir, DATA_DIR: dataDir };
    const waiting = runCli(["wait", "--withdrawal", "4", "--timeout", "60"], {
      env,
      out: (t) => out.push(t),
      err: (t) => progress.push(t),
    });
    const seen = async (pattern: RegExp) => {
      for (const deadline = Date.now() + 20_000; !progress.some((l) => pattern.test(l)); ) {
        assert.ok(Date.now() < deadline, `no progress line ${pattern} in:\n${progress.join("\n")}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await seen(/^waiting for the batch that proves it on L1/);
    assert.match(
      progress[0] ?? "",
      new RegExp(`^withdrawal \\(L2 op 4\\): 0\\.25 ETH to ${alice}, requested in L2 tx 0x`),
    );
    await extract();
    await seen(/^in batch #1 of the node; waiting for its proof to reach L1/);
    await proveBatches();
    assert.equal(await waiting, 0, progress.join("\n"));
    assert.match(progress.at(-1) ?? "", /^proven on L1 in batch #1 \(tx 0x[0-9a-f]{64}\)$/);
    assert.match(out.join("\n"), /is claimable on L1: proven in batch #1/);
    assert.match(out.join("\n"), /Pending for .*: 0\.25 ETH\. Collect it with `claim --token ETH`/);

    const notWithdrawal = await cli(["wait", "--withdrawal", "2"]);
    assert.equal(notWithdrawal.code, 2);
    assert.match(notWithdrawal.err, /L2 op 2 is a transfer/);
    const missing = await cli(["wait", "--withdrawal", "99"]);
    assert.match(missing.err, /L2 has no op 99 \(it has 5 ops, 0\.\.4\)/);
  });

  it("wait gives up after --timeout with what L1 has proven", async () => {
    await cliJson(["withdraw", "--token", "ETH", "--amount", "0.01"]); // op 5, no batch will come
    const r = await cli(["wait", "--withdrawal", "5", "--timeout", "1"]);
    assert.equal(r.code, 1);
    assert.match(
      r.err,
      /not proven on L1 after 1 s \(L1 has proven the first 1 L2 withdrawals; this one is #1, counting from 0\): is the node running\?/,
    );
  });

  it("claims a proven withdrawal and shows status with node progress", async () => {
    const st = await cliJson(["status"]);
    assert.equal(st.l1.lastProvenBatch, "1");
    assert.equal(st.l1.pendingDeposits, "0");
    assert.equal(st.l1.exodusMode, false);
    assert.equal(st.l2.opCount, "6", "5 proven, and the withdrawal wait timed out on");
    assert.equal(st.node.extractor.opCount, 5);
    assert.equal(st.node.extractor.lastBatch.batchNumber, 1);
    assert.equal(st.node.prover.queueDepth, 2);
    assert.equal(st.node.provenOps, 5);
    const text = await cli(["status"]);
    assert.match(text.out, /last proven batch: #1 \(2 batches\)/);
    assert.match(text.out, /exodus mode: {7}off/);
    // An alarm the node raised (runtime/node-db/alarms.ts) is shown with what to do, until it clears.
    const db = openDatabase(join(dataDir, "bridge.sqlite"));
    const alarms = new Alarms({ db, log: silentLogger });
    alarms.raise("proof-stalled", {
      service: "prover",
      message: "the proof of batch 2 failed 3 attempt(s)",
      action: "read the last error",
    });
    const alarmed = await cli(["status"]);
    assert.match(
      alarmed.out,
      /ALARM proof-stalled \(prover, since .*\): the proof of batch 2 failed 3 attempt\(s\)\n {4}what to do: read the last error/,
    );
    assert.equal((await cliJson(["status"])).node.alarms[0].name, "proof-stalled");
    alarms.clear("proof-stalled");
    db.close();
    assert.doesNotMatch((await cli(["status"])).out, /ALARM/);
    const c = await cliJson(["claim"]);
    assert.deepEqual(
      c.claimed.map((x: { symbol: string; amount: string }) => [x.symbol, x.amount]),
      [["ETH", parseEther("0.25").toString()]],
    );
    const again = await cli(["claim", "--token", "ETH"]);
    assert.equal(again.code, 1);
    assert.match(again.err, /nothing to claim/);
    const exitTooEarly = await cli(["exit"]);
    assert.equal(exitTooEarly.code, 1);
    assert.match(exitTooEarly.err, /exodus is not active/);
  });

  it("in exodus: exits the proven L2 balances, cancels the unprocessed deposit, and claims both", async () => {
    await cliJson(["deposit", "--token", "ETH", "--amount", "1"]); // deposit 2, never proven
    await c1.request({ method: "evm_increaseTime" as never, params: [Number(DEADLINE) + 1] as never });
    await mineBlocks(l1.url, 1);
    await tx1(storage, assetStorageAbi, "activateExodus", []);
    assert.match((await cli(["status"])).out, /exodus mode: {7}ACTIVE/);

    // The operator is gone: no node database, no L2, no deployments file; only an L1 RPC and the address.
    await l2.stop();
    rmSync(dataDir, { recursive: true, force: true });
    const fromL1 = ["--l1-rpc", l1.url, "--asset-storage", storage, "--block-range", "3"];
    const data = await cliJson(["exit-data", "--out", join(dir, "state.json"), ...fromL1], undefined, true);
    assert.equal(
      BigInt(data.stateRoot),
      await c1.readContract({ address: storage, abi: assetStorageAbi, functionName: "stateRoot" }),
    );
    const text = await cli(["exit", ...fromL1], ALICE_KEY, true);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /read L1 blocks \d+\.\.\d+ of \d+: \d+ batches/);
    assert.match(text.out, /rebuilt 2 batches \(5 ops, \d+ slots\) in .* = L1's stateRoot\(\)/);
    assert.match(text.out, /Exited slot \d+: 1\.25 ETH/);
    assert.match(text.out, /Deposit #2 cancelled: 1 ETH is claimable by/);
    assert.equal(await pending(alice, 0), parseEther("2.25"));
    assert.equal(await pending(alice, 1), parseEther("80")); // 30 of them still held for Bob on L2: they exit to Alice
    const twice = await cliJson(["exit", ...fromL1], undefined, true);
    assert.ok(twice.exits.every((e: { alreadyExited?: boolean }) => e.alreadyExited === true));
    assert.ok(twice.cancels.every((e: { alreadyCancelled?: boolean }) => e.alreadyCancelled === true));
    // Bob exits his slots too, from the same L1 data.
    const bobExit = await cliJson(["exit", "--token", "ETH", ...fromL1], BOB_KEY, true);
    assert.equal(bobExit.exits[0].balance, parseEther("0.5").toString());

    const consumed = await cli(["cancel-deposit", "--deposit-id", "0"]);
    assert.equal(consumed.code, 1);
    assert.match(consumed.err, /consumed by a proven batch.*use exit/);
    const missing = await cli(["cancel-deposit", "--deposit-id", "9"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /there is no deposit 9 on L1/);
    const cancelTwice = await cli(["cancel-deposit", "--deposit-id", "2"]);
    assert.equal(cancelTwice.code, 1);
    assert.match(cancelTwice.err, /already cancelled/);

    const ethBefore = await c1.getBalance({ address: alice });
    const c = await cliJson(["claim"]);
    assert.deepEqual(
      c.claimed.map((x: { symbol: string; amount: string }) => [x.symbol, x.amount]),
      [
        ["ETH", parseEther("2.25").toString()],
        ["DEMO", parseEther("80").toString()],
      ],
    );
    assert.ok((await c1.getBalance({ address: alice })) > ethBefore + parseEther("2.24"));
    assert.equal(
      await c1.readContract({ address: demo, abi: erc20Abi, functionName: "balanceOf", args: [alice] }),
      parseEther("980"),
    );
    assert.equal(await pending(alice, 0), 0n);
  });
});
