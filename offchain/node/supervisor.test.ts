/**
 * The supervisor: configuration errors of every service in one message, and the pipeline
 * monitor -> extractor -> (proof) -> sender on an anvil pair. The prover pool is left out here (it
 * needs the compiled circuit and has its own tests); the test plays the prover through the queue,
 * and the stand-in verifier accepts the placeholder proof.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseEther } from "viem";
import { assetReceivingAbi, assetStorageAbi } from "../lib/abi.js";
import { encodeOps, nextOpLogHead, type Op } from "../lib/protocol.js";
import { ConfigError } from "../runtime/config.js";
import { readAlarms } from "../runtime/node-db/alarms.js";
import { DatabaseLockedError, openDatabase } from "../runtime/node-db/open.js";
import { SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { ROLES, startTestBridge, type TestBridge } from "../testing/bridge.js";
import { loadNodeConfig, runNode } from "./supervisor.js";

describe("loadNodeConfig", () => {
  it("lists every problem of every selected service, prefixed with the service", () => {
    try {
      loadNodeConfig({ NODE_SERVICES: "monitor,sender", L1_RPC_URL: "nope", DEPLOYMENTS_DIR: "/nonexistent" });
      assert.fail("expected a ConfigError");
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      const p = error.problems;
      assert.ok(
        p.some((x) => x.startsWith("[monitor] L1_RPC_URL (environment): must be a URL")),
        p.join("\n"),
      );
      assert.ok(
        p.some((x) => x.startsWith("[monitor] L2_RPC_URL (environment)") && x.endsWith("required but missing")),
      );
      assert.ok(p.some((x) => x.startsWith("[monitor] RELAYER_PRIVATE_KEY")));
      assert.ok(p.some((x) => x.startsWith("[sender] SENDER_PRIVATE_KEY")));
      assert.ok(
        !p.some((x) => x.startsWith("[extractor]") || x.startsWith("[prover]")),
        "unselected services are not checked",
      );
    }
  });

  it("refuses unknown service names", () => {
    assert.throws(() => loadNodeConfig({ NODE_SERVICES: "monitor,relay" }), /unknown service relay/);
  });

  it("the entry exits 2 with the message when the configuration is bad", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "offchain/node.ts"], {
      env: {
        PATH: process.env.PATH,
        NODE_SERVICES: "sender",
        L1_RPC_URL: "http://127.0.0.1:1",
        SENDER_PRIVATE_KEY: "0x12",
      },
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /\[sender\] SENDER_PRIVATE_KEY \(environment\): must be a private key/);
  });
});

describe("runNode on anvil", () => {
  let bridge: TestBridge;
  before(async () => {
    bridge = await startTestBridge();
  });
  after(async () => {
    await bridge?.stop();
  });

  it("credits a deposit, batches it, and lands the proven batch on L1; stops on the signal", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "node-"));
    const config = loadNodeConfig({
      ...bridge.env,
      NODE_SERVICES: "monitor,extractor,sender",
      DATA_DIR: dataDir,
      POLL_INTERVAL_MS: "50",
      BATCH_TIMEOUT_MS: "0",
      METRICS_PORT: "0",
    });
    assert.deepEqual(config.services, ["monitor", "extractor", "sender"]);
    const hash = await bridge.l1.wallet(ROLES.user).writeContract({
      address: bridge.assetStorage,
      abi: assetStorageAbi,
      functionName: "depositETH",
      args: ["0x00000000000000000000000000000000000a11ce"],
      value: parseEther("1"),
    });
    await bridge.l1.client.waitForTransactionReceipt({ hash });

    const controller = new AbortController();
    let metricsUrl: string | undefined;
    const node = runNode(config, {
      signal: controller.signal,
      attestations: bridge.attestations,
      echo: false,
      onReady: (i) => (metricsUrl = i.metricsUrl),
    });

    // Play the prover: take the job the extractor enqueued and complete it with a placeholder proof.
    const db = openDatabase(config.dbPath);
    const queue = new SqliteProofQueue(db);
    const deadline = Date.now() + 30_000;
    let proven = false;
    while (Date.now() < deadline) {
      if (!proven) {
        const job = await queue.claim("test-prover", 10_000);
        if (job) {
          assert.equal(job.batchNumber, 0);
          await queue.complete(0, "test-prover", {
            batchNumber: 0,
            proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
            publicSignals: job.publicSignals,
            worker: "test-prover",
            provingMs: 0,
          });
          proven = true;
        }
      }
      const count = await bridge.l1.client.readContract({
        address: bridge.assetStorage,
        abi: assetStorageAbi,
        functionName: "batchCount",
      });
      if (count === 1n) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    db.close();
    assert.ok(proven, "the extractor enqueued batch 0");
    assert.equal(
      await bridge.l2.client.readContract({
        address: bridge.assetReceiving,
        abi: assetReceivingAbi,
        functionName: "nextDepositId",
      }),
      1n,
    );
    assert.equal(
      await bridge.l1.client.readContract({
        address: bridge.assetStorage,
        abi: assetStorageAbi,
        functionName: "processedDeposits",
      }),
      1n,
      "the batch consumed the deposit on L1",
    );
    assert.ok(metricsUrl);
    const text = await (await fetch(metricsUrl)).text();
    assert.match(text, /^monitor_last_credited_deposit_id 0$/m);
    assert.match(text, /^sender_batches_landed_total 1$/m);

    controller.abort();
    assert.equal(await node, 0);
    const logPath = join(dataDir, "node.log");
    assert.ok(existsSync(logPath));
    const services = new Set(
      readFileSync(logPath, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).service),
    );
    for (const s of ["node", "monitor", "extractor", "sender"]) assert.ok(services.has(s), `${s} logged to node.log`);
  });
});

/** JSON lines of the node log. */
const logLines = (dataDir: string): { level: string; msg: string; [k: string]: unknown }[] =>
  existsSync(join(dataDir, "node.log"))
    ? readFileSync(join(dataDir, "node.log"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
    : [];

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("runNode: node defects of issue 20 (anvil)", () => {
  let bridge: TestBridge;
  before(async () => {
    bridge = await startTestBridge();
  });
  after(async () => {
    await bridge?.stop();
  });

  const deposit = async () => {
    const hash = await bridge.l1.wallet(ROLES.user).writeContract({
      address: bridge.assetStorage,
      abi: assetStorageAbi,
      functionName: "depositETH",
      args: ["0x00000000000000000000000000000000000a11ce"],
      value: parseEther("1"),
    });
    await bridge.l1.client.waitForTransactionReceipt({ hash });
  };
  const l1 = (functionName: "batchCount" | "opChain") =>
    bridge.l1.client.readContract({ address: bridge.assetStorage, abi: assetStorageAbi, functionName });
  const nextDepositId = () =>
    bridge.l2.client.readContract({
      address: bridge.assetReceiving,
      abi: assetReceivingAbi,
      functionName: "nextDepositId",
    });
  const start = (extra: Record<string, string> = {}) => {
    const dataDir = mkdtempSync(join(tmpdir(), "node-"));
    const config = loadNodeConfig({
      ...bridge.env,
      NODE_SERVICES: "monitor,extractor,sender",
      DATA_DIR: dataDir,
      POLL_INTERVAL_MS: "50",
      BATCH_TIMEOUT_MS: "0",
      METRICS_PORT: "0",
      ALARM_LOG_INTERVAL_MS: "200",
      ...extra,
    });
    const controller = new AbortController();
    let ready: (u: string) => void = () => {};
    const metricsUrl = new Promise<string>((r) => (ready = r));
    const node = runNode(config, {
      signal: controller.signal,
      echo: false,
      attestations: bridge.attestations,
      onReady: (i) => ready(i.metricsUrl!),
    });
    return { dataDir, config, controller, node, metricsUrl };
  };

  it("a second node on the same DATA_DIR is refused while the first runs", async () => {
    const first = start();
    const url = await first.metricsUrl;
    assert.equal((await fetch(url.replace("/metrics", "/health"))).status, 200);
    await assert.rejects(
      runNode(loadNodeConfig({ ...bridge.env, NODE_SERVICES: "monitor", DATA_DIR: first.dataDir }), {
        signal: new AbortController().signal,
        echo: false,
      }),
      (e: unknown) => {
        assert.ok(e instanceof DatabaseLockedError, String(e));
        assert.match(e.message, /the monitor of .*bridge\.sqlite is already running \(pid \d+ on .*\): two nodes/);
        return true;
      },
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", "offchain/node.ts"], {
      env: { ...process.env, ...bridge.env, NODE_SERVICES: "sender", DATA_DIR: first.dataDir },
      encoding: "utf8",
      timeout: 30_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /the sender of .* is already running .*Stop the other process first/);
    first.controller.abort();
    assert.equal(await first.node, 0);
    // Released on exit: the same DATA_DIR starts again.
    const again = start({ DATA_DIR: first.dataDir });
    await again.metricsUrl;
    again.controller.abort();
    assert.equal(await again.node, 0);
  });

  it("a proof job that fails three times and then succeeds: the stall is an alarm meanwhile, then the batch lands", async () => {
    const n = start();
    const url = await n.metricsUrl;
    const health = url.replace("/metrics", "/health");
    const before = await l1("batchCount");
    await deposit();
    // Play the prover (no backoff on this queue's failures, so the test does not wait for it).
    const db = openDatabase(n.config.dbPath);
    const queue = new SqliteProofQueue(db, { retryDelayMs: 0 });
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        const job = await until(`claim ${attempt}`, () =>
          queue.claim("test-prover", 10_000).then((j) => j ?? undefined),
        );
        assert.equal(job.attempt, attempt);
        await queue.fail(job.batchNumber, "test-prover", `worker crashed (attempt ${attempt})`);
      }
      // The stall is visible: /health, metrics, repeated error lines, and the table status/explorer read.
      const body = await until("an unhealthy /health", async () => {
        const r = await fetch(health);
        return r.status === 503 ? r.text() : undefined;
      });
      assert.match(
        body,
        /ALARM proof-stalled \(prover\): the proof of batch \d+ failed 3 attempt\(s\); last error: worker crashed \(attempt 3\)/,
      );
      const text = await (await fetch(url)).text();
      assert.match(text, /^node_alarm\{alarm="proof-stalled"\} 1$/m);
      assert.match(text, /^prover_stalled_jobs 1$/m);
      await until(
        "the alarm logged again",
        async () =>
          logLines(n.dataDir).filter((l) => l.level === "error" && l.msg.startsWith("ALARM proof-stalled")).length >= 2,
      );
      assert.deepEqual(
        readAlarms(db).map((a) => a.name),
        ["proof-stalled"],
      );
      // The fourth attempt succeeds.
      const job = await until("claim 4", () => queue.claim("test-prover", 10_000).then((j) => j ?? undefined));
      assert.equal(job.attempt, 4);
      await queue.complete(job.batchNumber, "test-prover", {
        batchNumber: job.batchNumber,
        proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
        publicSignals: job.publicSignals,
        worker: "test-prover",
        provingMs: 0,
      });
      await until("the batch on L1", async () => (await l1("batchCount")) === before + 1n);
      await until("a healthy /health", async () => (await fetch(health)).status === 200);
      assert.match(await (await fetch(url)).text(), /^node_alarm\{alarm="proof-stalled"\} 0$/m);
      assert.deepEqual(readAlarms(db), []);
      assert.ok(logLines(n.dataDir).some((l) => l.msg === "alarm cleared: proof-stalled"));
    } finally {
      db.close();
      n.controller.abort();
      assert.equal(await n.node, 0);
    }
  });

  // Last: it leaves the bridge's L1 on a state L2 never had.
  it("a batch on L1 that does not continue L2's op log: the node stops crediting and alarms", async () => {
    const n = start();
    const url = await n.metricsUrl;
    const health = url.replace("/metrics", "/health");
    await until("a first consistent check", async () =>
      /^monitor_l1_diverged 0$/m.test(await (await fetch(url)).text()),
    );
    // Someone with the sender role lands a batch whose op chain is not L2's (the stand-in verifier accepts it).
    const n_ = await bridge.l1.client.readContract({
      address: bridge.assetStorage,
      abi: assetStorageAbi,
      functionName: "batchSize",
    });
    const zero = "0x0000000000000000000000000000000000000000" as const;
    const slot = { kind: 0, tokenId: 0, account: zero, amount: 0n, depositor: zero, timestamp: 0n };
    // An op L2 never logged, posted as the batch's op data (L1 checks it against the attested head).
    const fakeOp: Op = {
      kind: 2,
      tokenId: 0,
      from: "0x00000000000000000000000000000000000f4ce0",
      to: "0x00000000000000000000000000000000000b0b00",
      amount: 1n,
    };
    // Signed by attesters that sign anything (the test's stand-ins): a compromised attester set.
    const claim = {
      batchNumber: await l1("batchCount"),
      newOpChain: 456n,
      // Past whatever the earlier tests proved: L1 requires the attested op count to grow.
      l2OpCount:
        (await bridge.l1.client.readContract({
          address: bridge.assetStorage,
          abi: assetStorageAbi,
          functionName: "l2OpCount",
        })) + 1n,
      l2OpHead: nextOpLogHead(
        await bridge.l1.client.readContract({
          address: bridge.assetStorage,
          abi: assetStorageAbi,
          functionName: "l2OpHead",
        }),
        fakeOp,
      ),
    };
    const { signatures } = await bridge.attestations.batch(claim);
    const hash = await bridge.l1.wallet(ROLES.sender).writeContract({
      address: bridge.assetStorage,
      abi: assetStorageAbi,
      functionName: "submitBatch",
      args: [
        123n,
        claim.newOpChain,
        claim.l2OpCount,
        claim.l2OpHead,
        Array.from({ length: Number(n_) }, () => slot),
        encodeOps([fakeOp]),
        [0n, 0n, 0n, 0n, 0n, 0n, 0n, 0n],
        signatures,
      ],
    });
    assert.equal((await bridge.l1.client.waitForTransactionReceipt({ hash })).status, "success");
    assert.equal(await l1("opChain"), 456n);
    const credited = await nextDepositId();
    await deposit();

    const body = await until("an unhealthy /health", async () => {
      const r = await fetch(health);
      return r.status === 503 ? r.text() : undefined;
    });
    assert.match(
      body,
      /ALARM l1-diverged \(monitor\): L1 holds \d+ proven batch\(es\) ending at op chain 456, which is not/,
    );
    assert.match(body, /credits stopped/);
    await until(
      "the alarm logged again",
      async () =>
        logLines(n.dataDir).filter((l) => l.level === "error" && l.msg.startsWith("ALARM l1-diverged")).length >= 2,
    );
    assert.match(await (await fetch(url)).text(), /^monitor_l1_diverged 1$/m);
    assert.match(await (await fetch(url)).text(), /^node_alarm\{alarm="l1-diverged"\} 1$/m);
    const db = openDatabase(n.config.dbPath);
    try {
      assert.deepEqual(
        readAlarms(db).map((a) => [a.name, a.service]),
        [["l1-diverged", "monitor"]],
      );
      // The deposit was seen on L1 and is not credited into a bridge this node can no longer prove.
      await until("the deposit seen", async () => {
        const row = db.prepare("SELECT status FROM monitor_deposits WHERE deposit_id = ?").get(Number(credited)) as
          | { status: string }
          | undefined;
        return row?.status === "queued";
      });
      await new Promise((r) => setTimeout(r, 1000)); // twenty rounds
      assert.equal(await nextDepositId(), credited, "no credit after the divergence");
    } finally {
      db.close();
      n.controller.abort();
      assert.equal(await n.node, 0);
    }
  });
});
