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
import { SqliteProofQueue } from "../prover/queue.js";
import { ConfigError } from "../runtime/config.js";
import { openDatabase } from "../runtime/db.js";
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
