/**
 * The extractor against a real chain: anvil with AssetReceiving deployed from the forge artifacts,
 * the real SQLite proof queue in a file database, restart across runs, and the service entry's
 * exit status when the op log does not match the contract.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Address, Hex, PublicClient } from "viem";
import { assetReceivingAbi } from "../lib/abi.js";
import { BridgeState } from "../lib/state.js";
import type { AttestationSource } from "../runtime/attestation-source.js";
import { openDatabase, publicClientFor, type SignerClient, silentLogger, walletClientFor } from "../runtime/index.js";
import { CURSOR_KEY, readBatch, readExtractorProgress } from "../runtime/node-db/extractor.js";
import { SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { ANVIL_KEYS, type Anvil, mineBlocks, startAnvil } from "../testing/anvil.js";
import { localAttesters, sortedAttesters, TEST_ATTESTER_KEYS, TEST_ATTESTER_THRESHOLD } from "../testing/attesters.js";
import { deployArtifact, ensureForgeArtifacts, writeDeployment } from "../testing/deploy.js";
import type { ExtractorConfig } from "./config.js";
import { Extractor } from "./extractor.js";

const DEPTH = 8;
const N = 4;
let anvil: Anvil;
let client: PublicClient;
let relayer: SignerClient;
let alice: SignerClient;
let bob: SignerClient;
let receiving: Address;
let nextDeposit = 0n;
let attestations: AttestationSource;
/** Some L1 AssetStorage address: the attested messages name it; nothing is deployed there. */
const L1_STORAGE: Address = "0x00000000000000000000000000000000000051c1";
const dir = mkdtempSync(join(tmpdir(), "extractor-anvil-"));

before(async () => {
  ensureForgeArtifacts(["AssetReceiving"]);
  anvil = await startAnvil({ chainId: 31338 });
  const chain = { name: "L2", rpcUrl: anvil.url, chainId: 31338, pollingIntervalMs: 50 };
  client = publicClientFor(chain);
  relayer = walletClientFor(chain, ANVIL_KEYS[0]);
  alice = walletClientFor(chain, ANVIL_KEYS[1]);
  bob = walletClientFor(chain, ANVIL_KEYS[2]);
  receiving = await deployArtifact({ client, wallet: relayer }, "AssetReceiving", [
    relayer.account.address,
    31337n,
    L1_STORAGE,
    sortedAttesters(TEST_ATTESTER_KEYS).map((a) => a.address),
    TEST_ATTESTER_THRESHOLD,
    300n,
  ]);
  attestations = localAttesters({ l1: client, l2: client, assetStorage: L1_STORAGE, assetReceiving: receiving });
});

after(async () => {
  await anvil?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function send(wallet: SignerClient, functionName: string, args: readonly unknown[]): Promise<void> {
  const hash = await wallet.writeContract({ address: receiving, abi: assetReceivingAbi, functionName, args } as never);
  const receipt = await client.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success", `${functionName} reverted`);
}

/** Relays the next deposit with the test attesters' signatures (the monitor's job). */
async function credit(to: Address, amount: bigint, tokenId = 0): Promise<void> {
  const id = nextDeposit++;
  const record = { recipient: to, tokenId, amount, depositor: to, timestamp: id };
  const { signatures } = await attestations.deposit(id, record);
  await send(relayer, "creditDeposit", [id, record, signatures]);
}

const config = (dbPath: string): ExtractorConfig => ({
  l2: { name: "L2", rpcUrl: anvil.url, chainId: 31338, pollingIntervalMs: 50 },
  assetReceiving: receiving,
  deployBlock: 0,
  treeDepth: DEPTH,
  batchSize: N,
  publicSlots: N,
  confirmations: 1,
  pollIntervalMs: 20,
  batchTimeoutMs: 60_000,
  blockRange: 5,
  dbPath,
});

describe("extractor on anvil", () => {
  it("rebuilds AssetReceiving's op log, matches its opHead, cuts batches and resumes after a restart", async () => {
    const path = join(dir, "run", "bridge.sqlite");
    mkdirSync(join(dir, "run"), { recursive: true });
    const a = alice.account.address;
    const b = bob.account.address;
    await credit(a, 1_000n);
    await credit(b, 500n);
    await send(alice, "transfer", [b, 0n, 300n]);
    await send(bob, "withdraw", [0, 200n, a]);
    await credit(a, 7n, 1);

    let db = openDatabase(path);
    const deps = () => ({
      config: config(path),
      db,
      log: silentLogger,
      signal: new AbortController().signal,
      queue: new SqliteProofQueue(db),
      retry: { attempts: 3, baseDelayMs: 5 },
    });
    await new Extractor(deps()).tick();
    let p = readExtractorProgress(db)!;
    assert.equal(p.opCount, 5);
    assert.equal(p.lastBatch?.batchNumber, 0);
    assert.equal(p.pendingOps, 1);
    const [count, head] = await Promise.all([
      client.readContract({ address: receiving, abi: assetReceivingAbi, functionName: "opCount" }),
      client.readContract({ address: receiving, abi: assetReceivingAbi, functionName: "opHead" }),
    ]);
    const cursor = JSON.parse(
      db.prepare("SELECT value FROM checkpoints WHERE key = ?").pluck().get(CURSOR_KEY) as string,
    ) as { opHead: Hex };
    assert.equal(count, 5n);
    assert.equal(cursor.opHead, head);
    const b0 = readBatch(db, 0)!;
    assert.deepEqual(
      b0.ops.map((o) => [o.kind, o.from, o.to, o.amount]),
      [
        [1, "0x0000000000000000000000000000000000000000", a, "1000"],
        [1, "0x0000000000000000000000000000000000000000", b, "500"],
        [2, a, b, "300"],
        [3, b, a, "200"],
      ],
    );
    const state = BridgeState.fromJSON(b0.stateAfter);
    assert.equal(state.balanceOf(BigInt(a), 0), 700n);
    assert.equal(state.balanceOf(BigInt(b), 0), 600n);
    assert.equal((await new SqliteProofQueue(db).stats()).pending, 1);
    db.close();

    // More ops while the extractor is down, then a new process on the same file.
    await send(alice, "transfer", [b, 1n, 2n]);
    await send(bob, "transfer", [a, 0n, 100n]);
    await credit(b, 9n);
    db = openDatabase(path);
    await new Extractor(deps()).tick();
    p = readExtractorProgress(db)!;
    assert.equal(p.opCount, 8);
    assert.equal(p.lastBatch?.batchNumber, 1);
    const b1 = readBatch(db, 1)!;
    assert.equal(b1.firstOp, 4);
    assert.equal(b1.firstDepositId, 2, "deposits 0 and 1 precede batch 1's first op");
    assert.equal(b1.depositCount, 2, "batch 1 holds deposits 2 and 3");
    assert.equal(b1.oldRoot, b0.newRoot);
    assert.equal((await new SqliteProofQueue(db).stats()).pending, 2);
    db.close();
  });

  it("the service exits non-zero with a clear message when the stored head does not match", async () => {
    const deployments = join(dir, "deployments");
    writeDeployment(deployments, {
      chainId: 31337,
      layer: "L1",
      deployBlock: 0,
      contracts: {},
      params: { treeDepth: DEPTH, batchSize: N, publicSlots: N },
    });
    writeDeployment(deployments, {
      chainId: 31338,
      layer: "L2",
      deployBlock: 0,
      contracts: { AssetReceiving: receiving },
      params: {},
    });
    // A database whose cursor claims a different op-log head than the contract's.
    const dataDir = join(dir, "tampered");
    const db = openDatabase(join(dataDir, "bridge.sqlite"));
    const x = new Extractor({
      config: config(join(dataDir, "bridge.sqlite")),
      db,
      log: silentLogger,
      signal: new AbortController().signal,
      queue: new SqliteProofQueue(db),
    });
    await x.tick();
    const opCount = x.progress().opCount;
    const cursor = JSON.parse(
      db.prepare("SELECT value FROM checkpoints WHERE key = ?").pluck().get(CURSOR_KEY) as string,
    );
    cursor.opHead = `0x${"ab".repeat(32)}`;
    db.prepare("UPDATE checkpoints SET value = ? WHERE key = ?").run(JSON.stringify(cursor), CURSOR_KEY);
    db.close();
    await mineBlocks(anvil.url, 1); // a new window to check, without ops

    const child = spawn(process.execPath, ["--import", "tsx", "offchain/extractor/index.ts"], {
      env: {
        ...process.env,
        L2_RPC_URL: anvil.url,
        DEPLOYMENTS_DIR: deployments,
        DATA_DIR: dataDir,
        POLL_INTERVAL_MS: "20",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 1, stderr);
    assert.match(stderr, /stored op-log head mismatch/);
    assert.match(stderr, new RegExp(`op ${opCount - 1}`));
  });

  it("the service exits with status 2 and names the variable when the configuration is invalid", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "offchain/extractor/index.ts"], {
      env: { ...process.env, L2_RPC_URL: "not a url", DEPLOYMENTS_DIR: join(dir, "deployments") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 2);
    assert.match(stderr, /L2_RPC_URL/);
  });
});
