import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "../runtime/config.js";
import { writeDeployment } from "../testing/deploy.js";
import { loadAttesterConfig } from "./config.js";

const KEY = `0x${"11".repeat(32)}`;
const dir = mkdtempSync(join(tmpdir(), "attester-config-"));
for (const [chainId, layer, name] of [
  [31337, "L1", "AssetStorage"],
  [31338, "L2", "AssetReceiving"],
  [1, "L1", "AssetStorage"],
  [10, "L2", "AssetReceiving"],
] as const) {
  writeDeployment(dir, { chainId, layer, deployBlock: 7, contracts: { [name]: `0x${"ab".repeat(20)}` } });
}
const base = {
  ATTESTER_PRIVATE_KEY: KEY,
  L1_RPC_URL: "http://l1:8545",
  L2_RPC_URL: "http://l2:8545",
  DEPLOYMENTS_DIR: dir,
};

function problems(env: Record<string, string>): string[] {
  try {
    loadAttesterConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail("expected a ConfigError");
}

describe("loadAttesterConfig", () => {
  it("reads its own key, data dir and deployments; CONFIRMATIONS defaults to 0 on anvil", () => {
    const c = loadAttesterConfig(base);
    assert.equal(c.dbPath, join("build/attester", "attester.sqlite"));
    assert.equal(c.l1Confirmations, 0);
    assert.equal(c.l2Confirmations, 0);
    assert.equal(c.port, 8600);
    assert.equal(c.l1DeployBlock, 7n);
    assert.deepEqual(c.contracts, {
      l1ChainId: 31337,
      assetStorage: `0x${"ab".repeat(20)}`,
      l2ChainId: 31338,
      assetReceiving: `0x${"ab".repeat(20)}`,
    });
  });

  it("requires CONFIRMATIONS on chains that are not anvil; per-chain values win", () => {
    const env = { ...base, L1_CHAIN_ID: "1", L2_CHAIN_ID: "10" };
    assert.match(problems(env)[0] ?? "", /L1_CONFIRMATIONS or CONFIRMATIONS .*required on chain 1/);
    const c = loadAttesterConfig({ ...env, CONFIRMATIONS: "12", L2_CONFIRMATIONS: "3" });
    assert.equal(c.l1Confirmations, 12);
    assert.equal(c.l2Confirmations, 3);
  });

  it("names a missing key without echoing a bad one", () => {
    const { ATTESTER_PRIVATE_KEY: _k, ...noKey } = base;
    assert.match(problems(noKey)[0] ?? "", /^ATTESTER_PRIVATE_KEY .*required but missing/);
    const shown = problems({ ...base, ATTESTER_PRIVATE_KEY: "0xdeadbeef" })[0] ?? "";
    assert.ok(!shown.includes("deadbeef"), shown);
  });
});
