import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setupServer } from "msw/node";
import { http, parseAbi } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { publicClientFor, walletClientFor } from "../runtime/chains.js";
import { ANVIL_KEYS } from "./anvil.js";
import { FakeChain, Revert } from "./fake-chain.js";

const abi = parseAbi([
  "function get() view returns (uint256)",
  "function set(uint256 v)",
  "event Changed(uint256 indexed id, uint256 value)",
]);
const C = "0x00000000000000000000000000000000000000c1" as const;
const chain = new FakeChain({ url: "http://fake.test", chainId: 7 });
const server = setupServer(chain.handler());
const cfg = { name: "fake", rpcUrl: chain.url, chainId: 7 };
const client = publicClientFor(cfg, http(chain.url, { timeout: 100, retryCount: 0 }));
const wallet = walletClientFor(cfg, ANVIL_KEYS[0], http(chain.url, { retryCount: 0 }));
let value = 5n;
chain.contract(C, abi, {
  get: () => value,
  set: ([v]) => {
    if (v === 0n) throw Revert.reason("zero");
  },
});
chain.onTransaction = (tx) => {
  value = tx.args?.[0] as bigint;
  return { status: "success", logs: [{ address: C, abi, eventName: "Changed", args: { id: 1n, value } }] };
};
before(() => server.listen({ onUnhandledRequest: "error" }));
after(() => server.close());

describe("FakeChain", () => {
  it("answers calls from the implementation and reverts with data", async () => {
    assert.equal(await client.readContract({ address: C, abi, functionName: "get" }), 5n);
    await assert.rejects(
      client.simulateContract({ address: C, abi, functionName: "set", args: [0n], account: wallet.account }),
      /zero/,
    );
  });

  it("decodes transactions, mines them with logs, and filters logs by topic and range", async () => {
    const hash = await wallet.writeContract({ address: C, abi, functionName: "set", args: [9n] });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    assert.equal(receipt.status, "success");
    assert.equal(value, 9n);
    assert.equal(chain.sent.at(-1)?.functionName, "set");
    const logs = await client.getContractEvents({
      address: C,
      abi,
      eventName: "Changed",
      args: { id: 1n },
      fromBlock: 0n,
    });
    assert.equal(logs.length, 1);
    assert.equal(logs[0]?.args.value, 9n);
    assert.equal(
      (await client.getContractEvents({ address: C, abi, eventName: "Changed", args: { id: 2n } })).length,
      0,
    );
    assert.equal(
      (
        await client.getContractEvents({
          address: C,
          abi,
          eventName: "Changed",
          fromBlock: 0n,
          toBlock: receipt.blockNumber - 1n,
        })
      ).length,
      0,
    );
    const from = privateKeyToAccount(ANVIL_KEYS[0]).address;
    assert.equal(await client.getTransactionCount({ address: from }), 1);
  });

  it("injects errors, HTTP failures and timeouts, then answers normally", async () => {
    chain
      .fail("eth_blockNumber", 1, "error")
      .fail("eth_blockNumber", 1, "http500")
      .fail("eth_blockNumber", 1, "timeout");
    await assert.rejects(client.getBlockNumber({ cacheTime: 0 }), /injected failure/);
    await assert.rejects(client.getBlockNumber({ cacheTime: 0 }), /HTTP request failed/);
    await assert.rejects(client.getBlockNumber({ cacheTime: 0 }), /took too long/);
    assert.equal(await client.getBlockNumber({ cacheTime: 0 }), chain.blockNumber);
  });

  it("rejects unsupported methods loudly", async () => {
    await assert.rejects(client.request({ method: "eth_feeHistory" as never, params: [] as never }), /not supported/);
  });
});
