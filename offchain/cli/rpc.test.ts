/**
 * The CLI against chains it must not use: an RPC that answers another chain id (every command checks
 * eth_chainId before any other request, so nothing is read or sent there), and an RPC nobody listens
 * on (one line naming the chain, the URL and "connection refused", not a viem dump).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { setupServer } from "msw/node";
import { freePort } from "../testing/anvil.js";
import { writeDeployment } from "../testing/deploy.js";
import { FakeChain } from "../testing/fake-chain.js";
import { runCli } from "./main.js";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const SOMEONE = `0x${"11".repeat(20)}`;
const dir = mkdtempSync(join(tmpdir(), "cli-rpc-"));
const l1 = new FakeChain({ url: "http://l1.test/", chainId: 1 });
const l2 = new FakeChain({ url: "http://l2.test/", chainId: 10 });
const server = setupServer(l1.handler(), l2.handler());

before(() => {
  server.listen({ onUnhandledRequest: "bypass" });
  writeDeployment(dir, {
    chainId: 31337,
    layer: "L1",
    deployBlock: 0,
    contracts: { AssetStorage: `0x${"51".repeat(20)}` },
    params: { treeDepth: 16, batchSize: 4, publicSlots: 4, genesisRoot: "1", priorityDeadline: 300 },
  });
  writeDeployment(dir, {
    chainId: 31338,
    layer: "L2",
    deployBlock: 0,
    contracts: { AssetReceiving: `0x${"52".repeat(20)}` },
  });
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  l1.requests.length = 0;
  l2.requests.length = 0;
});

async function run(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { DEPLOYMENTS_DIR: dir, DATA_DIR: join(dir, "node"), PRIVATE_KEY: KEY, ...env },
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const WRONG = { L1_RPC_URL: l1.url, L2_RPC_URL: l2.url };
const methods = () => [...l1.requests, ...l2.requests].map((r) => r.method);

describe("the configured chain id", () => {
  const commands: string[][] = [
    ["deposit", "--token", "ETH", "--amount", "1"],
    ["deposit", "--token", "DEMO", "--amount", "1"],
    ["balance", "--address", SOMEONE],
    ["claim"],
    ["cancel-deposit", "--deposit-id", "0"],
    ["exit"],
    ["transfer", "--to", SOMEONE, "--token", "ETH", "--amount", "1"],
    ["approve", "--spender", SOMEONE, "--token", "1", "--amount", "1"],
    ["set-operator", "--operator", SOMEONE],
    ["withdraw", "--token", "ETH", "--amount", "1"],
    ["wait", "--withdrawal", "0"],
  ];
  for (const argv of commands) {
    it(`${argv.join(" ")}: refused on an RPC of another chain before any other request`, async () => {
      const r = await run(argv, WRONG);
      assert.equal(r.code, 2, r.err);
      assert.match(
        r.err,
        /^error: (L1_RPC_URL http:\/\/l1\.test\/ is chain 1, not L1_CHAIN_ID 31337|L2_RPC_URL http:\/\/l2\.test\/ is chain 10, not L2_CHAIN_ID 31338): /,
      );
      assert.ok(methods().length > 0, "the chain was asked");
      assert.deepEqual(
        methods().filter((m) => m !== "eth_chainId"),
        [],
        "nothing but eth_chainId reached a chain of the wrong id",
      );
    });
  }

  it("status names each mismatched side and reads nothing else there", async () => {
    const r = await run(["status"], WRONG);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /L1: unavailable \(L1_RPC_URL http:\/\/l1\.test\/ is chain 1, not L1_CHAIN_ID 31337/);
    assert.match(r.out, /L2: unavailable \(L2_RPC_URL http:\/\/l2\.test\/ is chain 10, not L2_CHAIN_ID 31338/);
    assert.deepEqual(
      methods().filter((m) => m !== "eth_chainId"),
      [],
    );
  });
});

describe("an RPC nobody listens on", () => {
  let url = "";
  before(async () => {
    url = `http://127.0.0.1:${await freePort()}`;
  });

  it("says which chain, which URL and connection refused, in one line", async () => {
    for (const [argv, env, side] of [
      [["balance", "--address", SOMEONE], { L1_RPC_URL: url, L2_RPC_URL: l2.url, L2_CHAIN_ID: "10" }, "L1"],
      [["withdraw", "--token", "ETH", "--amount", "1"], { L1_RPC_URL: l1.url, L2_RPC_URL: url }, "L2"],
    ] as const) {
      const r = await run([...argv], env);
      assert.equal(r.code, 1, r.err);
      const chainId = side === "L1" ? 31337 : 31338;
      assert.equal(
        r.err,
        `error: cannot reach ${side} at ${url} (${side}_RPC_URL, chain ${chainId}): connection refused; ` +
          `is the ${side} node running at that URL?`,
      );
    }
  });

  it("status reports the side as unavailable with the same line", async () => {
    const r = await run(["status"], { L1_RPC_URL: url, L2_RPC_URL: url });
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      new RegExp(`L1: unavailable \\(cannot reach L1 at ${url} \\(L1_RPC_URL, chain 31337\\): connection refused`),
    );
    assert.match(
      r.out,
      new RegExp(`L2: unavailable \\(cannot reach L2 at ${url} \\(L2_RPC_URL, chain 31338\\): connection refused`),
    );
  });
});
