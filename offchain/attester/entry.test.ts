/**
 * The attester's entry script as a process: exit status 2 with the bad variable named, and on a
 * test bridge an API that answers /health, then exit 0 on SIGTERM.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sleep } from "../runtime/retry.js";
import { ANVIL_KEYS, freePort } from "../testing/anvil.js";
import { startTestBridge, type TestBridge } from "../testing/bridge.js";

let bridge: TestBridge;
const dataDir = mkdtempSync(join(tmpdir(), "attester-entry-"));
before(async () => {
  bridge = await startTestBridge();
});
after(async () => {
  await bridge?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function run(env: Record<string, string>): {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
} {
  const child = spawn(process.execPath, ["--import", "tsx", "offchain/attester/index.ts"], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

describe("offchain/attester/index.ts", () => {
  it("exits 2 naming a missing ATTESTER_PRIVATE_KEY", async () => {
    const p = run({ ...bridge.env, ATTESTER_DATA_DIR: dataDir });
    assert.equal(await p.exited, 2);
    assert.match(p.output(), /ATTESTER_PRIVATE_KEY \(environment\): required but missing/);
  });

  it("exits 2 when an RPC serves another chain than its chain id", async () => {
    const p = run({
      ...bridge.env,
      L2_RPC_URL: bridge.env.L1_RPC_URL ?? "",
      ATTESTER_PRIVATE_KEY: ANVIL_KEYS[8],
      ATTESTER_DATA_DIR: dataDir,
      ATTESTER_PORT: "0",
    });
    assert.equal(await p.exited, 2);
    assert.match(p.output(), /L2_RPC_URL \(environment\): serves chain 31337, but L2_CHAIN_ID is 31338/);
  });

  it("serves /health on its port and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const p = run({
      ...bridge.env,
      ATTESTER_PRIVATE_KEY: ANVIL_KEYS[8],
      ATTESTER_DATA_DIR: dataDir,
      ATTESTER_PORT: String(port),
      POLL_INTERVAL_MS: "50",
    });
    let health: { ok?: boolean } = {};
    for (let i = 0; i < 200 && health.ok !== true; i++) {
      await sleep(100);
      health = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.json() as Promise<{ ok: boolean }>,
        () => ({}),
      );
    }
    assert.equal(health.ok, true, p.output());
    p.child.kill("SIGTERM");
    assert.equal(await p.exited, 0, p.output());
    assert.match(p.output(), /"msg":"attester API listening"/);
  });
});
