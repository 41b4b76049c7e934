import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { z } from "zod";
import {
  ConfigError,
  contractAddress,
  loadDeployment,
  parseConfig,
  zAddress,
  zBigint,
  zInt,
  zPrivateKey,
  zUrl,
} from "./config.js";

const Schema = z.object({
  L1_RPC_URL: zUrl,
  RELAYER_PRIVATE_KEY: zPrivateKey,
  CONFIRMATIONS: zInt(1).default(1),
  TOKEN: zAddress.optional(),
});

const KEY = `0x${"11".repeat(32)}`;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a ConfigError");
}

describe("parseConfig", () => {
  it("returns typed values and applies defaults", () => {
    const c = parseConfig(Schema, { L1_RPC_URL: "http://127.0.0.1:8545", RELAYER_PRIVATE_KEY: KEY });
    assert.equal(c.L1_RPC_URL, "http://127.0.0.1:8545");
    assert.equal(c.RELAYER_PRIVATE_KEY, KEY);
    assert.equal(c.CONFIRMATIONS, 1);
    assert.equal(c.TOKEN, undefined);
  });

  it("coerces whole numbers from environment strings", () => {
    const c = parseConfig(Schema, { L1_RPC_URL: "http://x:1", RELAYER_PRIVATE_KEY: KEY, CONFIRMATIONS: "12" });
    assert.equal(c.CONFIRMATIONS, 12);
  });

  it("names a missing field and says it is missing", () => {
    const e = configError(() => parseConfig(Schema, { RELAYER_PRIVATE_KEY: KEY }));
    assert.equal(e.problems.length, 1);
    assert.equal(e.problems[0], "L1_RPC_URL (environment): required but missing");
    assert.match(e.message, /invalid configuration/);
  });

  it("names a malformed URL and shows the value", () => {
    const e = configError(() => parseConfig(Schema, { L1_RPC_URL: "localhost 8545", RELAYER_PRIVATE_KEY: KEY }));
    assert.equal(e.problems.length, 1);
    assert.match(e.problems[0]!, /^L1_RPC_URL .*must be a URL.*got "localhost 8545"/);
  });

  it("names a URL without an http or ws scheme", () => {
    const e = configError(() => parseConfig(Schema, { L1_RPC_URL: "localhost:8545", RELAYER_PRIVATE_KEY: KEY }));
    assert.equal(e.problems.length, 1);
    assert.match(e.problems[0]!, /^L1_RPC_URL .*must be a URL .*\(got "localhost:8545"\)/);
    for (const ok of ["https://rpc.example.org/v1", "ws://127.0.0.1:8546", "http://l1.test"]) {
      assert.equal(parseConfig(Schema, { L1_RPC_URL: ok, RELAYER_PRIVATE_KEY: KEY }).L1_RPC_URL, ok);
    }
  });

  it("names a bad private key", () => {
    const e = configError(() => parseConfig(Schema, { L1_RPC_URL: "http://x:1", RELAYER_PRIVATE_KEY: "0x1234" }));
    assert.equal(e.problems.length, 1);
    assert.match(e.problems[0]!, /^RELAYER_PRIVATE_KEY .*must be a private key: 0x followed by 64 hex digits/);
  });

  it("never echoes the value of a secret field", () => {
    const leaked = "0xdeadbeefdeadbeefdeadbeef";
    const e = configError(() => parseConfig(Schema, { L1_RPC_URL: "http://x:1", RELAYER_PRIVATE_KEY: leaked }));
    assert.ok(!e.message.includes(leaked), e.message);
    assert.match(e.problems[0]!, /value hidden/);
  });

  it("reports every bad field at once", () => {
    const e = configError(() =>
      parseConfig(Schema, { L1_RPC_URL: "nope", RELAYER_PRIVATE_KEY: "k", CONFIRMATIONS: "0", TOKEN: "0x12" }),
    );
    const fields = e.problems.map((p) => p.split(" ")[0]).sort();
    assert.deepEqual(fields, ["CONFIRMATIONS", "L1_RPC_URL", "RELAYER_PRIVATE_KEY", "TOKEN"]);
    assert.match(e.problems.find((p) => p.startsWith("CONFIRMATIONS"))!, /must be >= 1/);
    assert.match(e.problems.find((p) => p.startsWith("TOKEN"))!, /must be an address/);
  });

  it("rejects fractional numbers", () => {
    const e = configError(() =>
      parseConfig(Schema, { L1_RPC_URL: "http://x:1", RELAYER_PRIVATE_KEY: KEY, CONFIRMATIONS: "1.5" }),
    );
    assert.match(e.problems[0]!, /^CONFIRMATIONS .*whole number/);
  });

  it("names nested fields with their path and the source", () => {
    const e = configError(() =>
      parseConfig(z.object({ params: z.object({ depth: zInt(1) }) }), { params: { depth: 0 } }, "file.json"),
    );
    assert.match(e.problems[0]!, /^params\.depth \(file\.json\): must be >= 1 \(got 0\)$/);
  });

  it("zBigint takes decimal strings and integers only", () => {
    assert.equal(
      parseConfig(z.object({ v: zBigint }), { v: "123456789012345678901234567890" }).v,
      123456789012345678901234567890n,
    );
    assert.equal(parseConfig(z.object({ v: zBigint }), { v: 7 }).v, 7n);
    configError(() => parseConfig(z.object({ v: zBigint }), { v: "0x10" }));
    configError(() => parseConfig(z.object({ v: zBigint }), { v: -1 }));
  });
});

describe("loadDeployment", () => {
  const dir = mkdtempSync(join(tmpdir(), "deployments-"));
  const good = {
    chainId: 31337,
    layer: "L1",
    deployBlock: 3,
    contracts: { AssetStorage: `0x${"ab".repeat(20)}` },
    params: { treeDepth: 16, genesisRoot: "123" },
  };
  writeFileSync(join(dir, "31337.json"), JSON.stringify(good));

  it("reads and validates deployments/<chainId>.json", () => {
    const d = loadDeployment(dir, 31337);
    assert.equal(d.layer, "L1");
    assert.equal(d.deployBlock, 3);
    assert.equal(contractAddress(d, "AssetStorage"), good.contracts.AssetStorage);
    assert.equal(d.params.treeDepth, 16);
  });

  it("names the file when it is missing and says what to do", () => {
    const e = configError(() => loadDeployment(dir, 999));
    assert.ok(e.problems[0]!.includes(join(dir, "999.json")));
    assert.match(e.problems[0]!, /run the deploy script/);
  });

  it("names the file when it is not JSON", () => {
    writeFileSync(join(dir, "5.json"), "{ not json");
    const e = configError(() => loadDeployment(dir, 5));
    assert.ok(e.problems[0]!.startsWith(join(dir, "5.json")));
  });

  it("names the file and the bad field", () => {
    writeFileSync(join(dir, "7.json"), JSON.stringify({ ...good, chainId: 7, contracts: { AssetStorage: "0x12" } }));
    const e = configError(() => loadDeployment(dir, 7));
    assert.equal(e.problems.length, 1);
    assert.ok(e.problems[0]!.startsWith(`contracts.AssetStorage (${join(dir, "7.json")})`), e.problems[0]);
    writeFileSync(join(dir, "8.json"), JSON.stringify({ ...good, chainId: 8, layer: "L3", deployBlock: -1 }));
    const e2 = configError(() => loadDeployment(dir, 8));
    assert.deepEqual(e2.problems.map((p) => p.split(" ")[0]).sort(), ["deployBlock", "layer"]);
  });

  it("refuses a file whose chainId is not the one asked for", () => {
    writeFileSync(join(dir, "9.json"), JSON.stringify(good));
    const e = configError(() => loadDeployment(dir, 9));
    assert.match(e.problems[0]!, /9\.json: chainId is 31337, expected 9/);
  });

  it("contractAddress names the missing contract", () => {
    const e = configError(() => contractAddress(loadDeployment(dir, 31337), "BatchVerifier"));
    assert.match(e.problems[0]!, /deployments\/31337\.json: contracts\.BatchVerifier is missing/);
  });
});
