/**
 * The explorer page in a real browser (playwright-core driving Debian's /usr/bin/chromium; `make
 * test-explorer` installs it) over a running local bridge: two anvil chains, AssetStorage with the
 * stand-in verifier that accepts any proof (offchain/testing/bridge.ts), and the node (monitor,
 * extractor, sender) serving the explorer. The test plays the prover through the proof queue, so a
 * batch reaches L1 in seconds instead of a minute of real proving. Checks: the empty state, a
 * deposit appearing and moving to "credited", its batch moving to "submitted" with its L1 tx and
 * gas, the lookup finding the deposit by id with every step done, and the banner naming L2 once
 * its RPC stops, and no error in the browser console (a missing favicon is one). Screenshot: build/explorer/explorer.png.
 *
 * Not a *.test.ts file (make test-ts does not install a browser): run it with
 * `node --import tsx --test offchain/e2e/explorer-page.browser.ts` or `make test-explorer`.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type Browser, chromium, type Page } from "playwright-core";
import { parseEther } from "viem";
import { assetStorageAbi } from "../lib/abi.js";
import { loadNodeConfig, runNode } from "../node/supervisor.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { SqliteProofQueue } from "../runtime/node-db/proof-jobs.js";
import { ROLES, startTestBridge, type TestBridge } from "../testing/bridge.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOT_DIR = "build/explorer";
const ALICE = "0x00000000000000000000000000000000000a11ce";
const WAIT = { timeout: 30_000 };

describe("explorer page over a running bridge", { timeout: 120_000 }, () => {
  let bridge: TestBridge;
  let browser: Browser | undefined;
  let page: Page;
  let explorerUrl = "";
  const controller = new AbortController();
  let node: Promise<number> | undefined;
  let dbPath = "";
  /** Errors the page logged (a missing favicon is one: "Failed to load resource ... 404"). */
  const consoleErrors: string[] = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run tools/apt-ensure.sh chromium:chromium`);
    bridge = await startTestBridge();
    const dataDir = mkdtempSync(join(tmpdir(), "explorer-page-"));
    const config = loadNodeConfig({
      ...bridge.env,
      NODE_SERVICES: "monitor,extractor,sender",
      DATA_DIR: dataDir,
      POLL_INTERVAL_MS: "100",
      BATCH_TIMEOUT_MS: "0",
      EXPLORER_PORT: "0",
      LOG_LEVEL: "warn",
    });
    dbPath = config.dbPath;
    const ready = new Promise<void>((resolve) => {
      node = runNode(config, {
        signal: controller.signal,
        attestations: bridge.attestations,
        echo: false,
        onReady: (i) => {
          explorerUrl = i.explorerUrl ?? "";
          resolve();
        },
      });
    });
    await ready;
    assert.match(explorerUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`uncaught: ${e.message}`));
    await page.goto(explorerUrl);
  });

  after(async () => {
    await browser?.close();
    controller.abort();
    await node;
    await bridge?.stop();
  });

  it("shows the empty state before any deposit", async () => {
    await page.waitForSelector("#deposits .empty", WAIT);
    assert.equal(await page.textContent("#deposits .empty"), "No deposits yet.");
    await page.waitForSelector("#live[data-state='ok']", WAIT);
    assert.equal(await page.isHidden("#banner"), true, "no source is unavailable");
  });

  it("a deposit appears and moves to credited", async () => {
    const hash = await bridge.l1.wallet(ROLES.user).writeContract({
      address: bridge.assetStorage,
      abi: assetStorageAbi,
      functionName: "depositETH",
      args: [ALICE],
      value: parseEther("1.5"),
    });
    assert.equal((await bridge.l1.client.waitForTransactionReceipt({ hash })).status, "success");
    await page.waitForSelector("tr[data-deposit-id='0'][data-credit-status='credited']", WAIT);
    const row = await page.textContent("tr[data-deposit-id='0']");
    assert.match(row ?? "", /1\.5 ETH/);
  });

  it("its batch moves to submitted with the L1 transaction and gas", async () => {
    // Play the prover: the extractor enqueued batch 0; complete it with a proof the stand-in verifier accepts.
    const db = openDatabase(dbPath);
    try {
      const queue = new SqliteProofQueue(db);
      const deadline = Date.now() + 30_000;
      let job = await queue.claim("page-test-prover", 60_000);
      while (!job && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        job = await queue.claim("page-test-prover", 60_000);
      }
      assert.ok(job, "the extractor enqueued a proof job");
      assert.equal(job.batchNumber, 0);
      await page.waitForSelector("tr[data-batch='0'][data-status='proving']", WAIT);
      assert.match((await page.textContent("tr[data-batch='0']")) ?? "", /page-test-prover/);
      await queue.complete(0, "page-test-prover", {
        batchNumber: 0,
        proof: ["1", "2", "3", "4", "5", "6", "7", "8"],
        publicSignals: job.publicSignals,
        worker: "page-test-prover",
        provingMs: 1234,
      });
    } finally {
      db.close();
    }
    await page.waitForSelector("tr[data-batch='0'][data-status='submitted']", WAIT);
    const row = (await page.textContent("tr[data-batch='0']")) ?? "";
    assert.match(row, /0x[0-9a-f]{6}…[0-9a-f]{4}/, "the L1 tx is shown");
    assert.match(row, /[\d,]+ gas/);
    await page.waitForSelector("tr[data-deposit-id='0'][data-stage='proven']", WAIT);
    const root = await bridge.l1.client.readContract({
      address: bridge.assetStorage,
      abi: assetStorageAbi,
      functionName: "stateRoot",
    });
    await page.waitForFunction((r) => document.getElementById("proven-root")?.textContent === r, root.toString(), WAIT);
  });

  it("the lookup finds the deposit by id with its whole journey", async () => {
    await page.fill("#lookup-input", "0");
    await page.click("#lookup-form button");
    await page.waitForSelector(".journey li[data-step='proven'][data-state='done']", WAIT);
    const states = await page.$$eval(".journey li", (lis) =>
      lis.map((li) => `${li.getAttribute("data-step")}:${li.getAttribute("data-state")}`),
    );
    assert.deepEqual(states, ["deposited:done", "credited:done", "batched:done", "proven:done"]);
    mkdirSync(SHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOT_DIR, "explorer.png"), fullPage: true });
    assert.ok(existsSync(join(SHOT_DIR, "explorer.png")));
  });

  it("logged no error in the browser console while the bridge ran", () => {
    assert.deepEqual(consoleErrors, []);
  });

  it("names the side whose RPC stops answering", async () => {
    await bridge.l2.anvil.stop();
    await page.waitForSelector("#banner p[data-side='L2']", WAIT);
    assert.match((await page.textContent("#banner")) ?? "", /L2 RPC unreachable: L2 RPC: /);
    assert.equal(await page.isHidden("#banner p[data-side='L1']"), true, "L1 still answers");
    await page.screenshot({ path: join(SHOT_DIR, "explorer-l2-down.png"), fullPage: true });
  });
});
