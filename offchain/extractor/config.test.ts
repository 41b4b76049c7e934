import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigError } from "../runtime/config.js";
import { writeDeployment } from "../testing/deploy.js";
import { loadExtractorConfig } from "./config.js";

const dir = mkdtempSync(join(tmpdir(), "extractor-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const receiving = `0x${"12".repeat(20)}`;
writeDeployment(dir, {
  chainId: 31337,
  layer: "L1",
  deployBlock: 3,
  contracts: {},
  params: { treeDepth: 16, batchSize: 4, publicSlots: 2 },
});
writeDeployment(dir, {
  chainId: 31338,
  layer: "L2",
  deployBlock: 7,
  contracts: { AssetReceiving: receiving },
  params: {},
});

describe("loadExtractorConfig", () => {
  it("reads the environment, the L2 deployment and the circuit parameters of the L1 deployment", () => {
    const c = loadExtractorConfig({
      L2_RPC_URL: "http://127.0.0.1:8546",
      DEPLOYMENTS_DIR: dir,
      DATA_DIR: "/data",
      CONFIRMATIONS: "3",
    });
    assert.equal(c.assetReceiving, receiving);
    assert.equal(c.deployBlock, 7);
    assert.equal(c.treeDepth, 16);
    assert.equal(c.batchSize, 4);
    assert.equal(c.confirmations, 3);
    assert.equal(c.batchTimeoutMs, 30_000);
    assert.equal(c.dbPath, join("/data", "bridge.sqlite"));
    assert.equal(c.metricsPort, undefined);
  });

  it("names every bad variable at once", () => {
    assert.throws(
      () =>
        loadExtractorConfig({ L2_RPC_URL: "nope", DEPLOYMENTS_DIR: dir, CONFIRMATIONS: "0", BATCH_TIMEOUT_MS: "soon" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /L2_RPC_URL/.test(e.message) &&
        /CONFIRMATIONS/.test(e.message) &&
        /BATCH_TIMEOUT_MS/.test(e.message),
    );
  });

  it("says when the L1 deployment lacks the circuit parameters", () => {
    const other = mkdtempSync(join(tmpdir(), "extractor-config-"));
    try {
      writeDeployment(other, { chainId: 31337, layer: "L1", deployBlock: 0, contracts: {} });
      writeDeployment(other, { chainId: 31338, layer: "L2", deployBlock: 0, contracts: { AssetReceiving: receiving } });
      assert.throws(
        () => loadExtractorConfig({ L2_RPC_URL: "http://x.test", DEPLOYMENTS_DIR: other }),
        (e: unknown) => e instanceof ConfigError && /treeDepth/.test(e.message) && /batchSize/.test(e.message),
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
