import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { setupServer } from "msw/node";
import { encodeFunctionData, http, parseAbi } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { assetStorageAbi } from "../lib/abi.js";
import { ANVIL_KEYS } from "../testing/anvil.js";
import { FakeChain, Revert } from "../testing/fake-chain.js";
import { publicClientFor, walletClientFor } from "./chains.js";
import { silentLogger } from "./log.js";
import { sendTransaction, type TxSenderOptions, TxWouldRevertError } from "./tx.js";

const URL = "http://tx.test";
const abi = parseAbi(["function poke(uint256 x)", "error Nope(uint256 x)"]);
const TARGET = "0x00000000000000000000000000000000000000aa" as const;
const chain = new FakeChain({ url: URL, chainId: 31337 });
const server = setupServer(chain.handler());
const cfg = { name: "t", rpcUrl: URL, chainId: 31337, pollingIntervalMs: 10 };
const client = publicClientFor(cfg, http(URL, { timeout: 150, retryCount: 0 }));
const wallet = walletClientFor(cfg, ANVIL_KEYS[0], http(URL, { timeout: 150, retryCount: 0 }));
const estimateBlockTags = () => chain.callsOf("eth_estimateGas").map((params) => params[1]);
const data = (x: bigint) => encodeFunctionData({ abi, functionName: "poke", args: [x] });

const opts = (over: Partial<TxSenderOptions> = {}): TxSenderOptions => ({
  client,
  wallet,
  log: silentLogger,
  signal: new AbortController().signal,
  stuckAfterMs: 60,
  pollIntervalMs: 10,
  ...over,
});

before(() => server.listen({ onUnhandledRequest: "error" }));
after(() => server.close());
beforeEach(() => {
  chain.contract(TARGET, abi, {
    poke: ([x]) => {
      if (x === 13n) throw Revert.custom(abi, "Nope", [13n]);
    },
  });
  chain.onTransaction = () => ({ status: "success" });
});

describe("sendTransaction", () => {
  it("sends once and returns the receipt", async () => {
    const sent: string[] = [];
    const before = chain.sent.length;
    const r = await sendTransaction(
      opts(),
      { to: TARGET, data: data(1n), what: "poke 1" },
      { onSent: (h) => sent.push(h) },
    );
    assert.equal(r.kind, "mined");
    if (r.kind !== "mined") return;
    assert.equal(r.receipt.status, "success");
    assert.equal(r.replacements, 0);
    assert.deepEqual(sent, [r.hash]);
    assert.equal(chain.sent.length, before + 1);
    assert.equal(chain.sent.at(-1)!.functionName, "poke");
  });

  it("replaces a stuck transaction with the same nonce and higher fees", async () => {
    let first = true;
    chain.onTransaction = (tx) => {
      if (first) {
        first = false;
        return "pending";
      }
      assert.equal(tx.functionName, "poke");
      return { status: "success" };
    };
    const sent: string[] = [];
    const start = chain.sent.length;
    const r = await sendTransaction(
      opts(),
      { to: TARGET, data: data(2n), what: "poke 2" },
      { onSent: (h) => sent.push(h) },
    );
    assert.equal(r.kind, "mined");
    if (r.kind !== "mined") return;
    const [a, b] = chain.sent.slice(start);
    assert.ok(a && b);
    assert.equal(a.nonce, b.nonce, "same nonce");
    assert.ok(b.maxFeePerGas >= (a.maxFeePerGas * 125n) / 100n, "fee raised by at least 25 %");
    assert.ok(b.maxPriorityFeePerGas >= (a.maxPriorityFeePerGas * 125n) / 100n);
    assert.equal(r.hash, b.hash);
    assert.equal(r.replacements, 1);
    assert.deepEqual(sent, [a.hash, b.hash]);
  });

  it("does not bid above the fee cap: a stuck transaction keeps waiting and is still found", async () => {
    chain.onTransaction = () => "pending";
    const start = chain.sent.length;
    const cap = (chain.baseFeePerGas * 12n) / 10n + chain.priorityFeePerGas;
    const run = sendTransaction(opts({ maxFeePerGasCap: cap }), { to: TARGET, data: data(3n), what: "poke 3" });
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(chain.sent.length, start + 1, "no replacement above the cap");
    chain.mine(chain.sent[start]!.hash, { status: "success" });
    const r = await run;
    assert.equal(r.kind, "mined");
  });

  it("outbids a pending transaction of ours left from before a restart", async () => {
    // A transaction with our next nonce and a high fee is already in the mempool.
    chain.onTransaction = () => "pending";
    const account = privateKeyToAccount(ANVIL_KEYS[0]);
    const nonce = await client.getTransactionCount({ address: account.address, blockTag: "latest" });
    const old = await account.signTransaction({
      type: "eip1559",
      chainId: 31337,
      nonce,
      to: TARGET,
      data: data(4n),
      gas: 100_000n,
      maxFeePerGas: 5_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    });
    await client.sendRawTransaction({ serializedTransaction: old });
    chain.onTransaction = () => ({ status: "success" });
    const r = await sendTransaction(opts(), { to: TARGET, data: data(4n), what: "poke 4" });
    assert.equal(r.kind, "mined");
    if (r.kind !== "mined") return;
    assert.equal(r.nonce, nonce);
    const mine = chain.sent.find((t) => t.hash === r.hash)!;
    assert.ok(mine.maxFeePerGas >= 5_500_000_000n);
  });

  it("reports nonceTaken when another transaction with the nonce is mined", async () => {
    chain.onTransaction = () => "pending";
    const start = chain.sent.length;
    const run = sendTransaction(opts({ stuckAfterMs: 100 }), { to: TARGET, data: data(5n), what: "poke 5" });
    while (chain.sent.length === start) await new Promise((r) => setTimeout(r, 5));
    const ours = chain.sent[start]!;
    // Someone (a pre-crash copy of us) gets a different transaction with that nonce mined.
    const account = privateKeyToAccount(ANVIL_KEYS[0]);
    const other = await account.signTransaction({
      type: "eip1559",
      chainId: 31337,
      nonce: ours.nonce,
      to: TARGET,
      data: data(6n),
      gas: 100_000n,
      maxFeePerGas: ours.maxFeePerGas * 2n,
      maxPriorityFeePerGas: ours.maxPriorityFeePerGas * 2n,
    });
    const otherHash = await client.sendRawTransaction({ serializedTransaction: other });
    chain.mine(otherHash, { status: "success" });
    const r = await run;
    assert.deepEqual(r, { kind: "nonceTaken", nonce: ours.nonce });
  });

  it("retries transient RPC errors and timeouts while sending", async () => {
    chain.fail("eth_sendRawTransaction", 1, "error");
    chain.fail("eth_estimateGas", 1, "timeout");
    chain.fail("eth_getTransactionReceipt", 1, "http500");
    const r = await sendTransaction(opts(), { to: TARGET, data: data(7n), what: "poke 7" });
    assert.equal(r.kind, "mined");
  });

  it("throws a revert from gas estimation without sending or retrying", async () => {
    const start = chain.sent.length;
    const calls = chain.callsOf("eth_estimateGas").length;
    await assert.rejects(sendTransaction(opts(), { to: TARGET, data: data(13n), what: "poke 13" }), /revert/i);
    assert.equal(chain.sent.length, start);
    assert.equal(chain.callsOf("eth_estimateGas").length, calls + 1);
  });

  it("names the custom error of a revert (the target's ABI, else the bridge contracts'), never a raw selector", async () => {
    await assert.rejects(
      sendTransaction(opts(), { to: TARGET, data: data(13n), what: "poke 13", abi }),
      (e: unknown) => {
        assert.ok(e instanceof TxWouldRevertError, String(e));
        assert.equal(e.message, "poke 13 would revert: reverted with Nope(13)");
        return true;
      },
    );
    chain.contract(TARGET, abi, {
      poke: () => {
        throw Revert.custom(assetStorageAbi, "DepositRecordMismatch", [3n]);
      },
    });
    await assert.rejects(
      sendTransaction(opts(), { to: TARGET, data: data(1n), what: "submitBatch 3" }),
      /^TxWouldRevertError: submitBatch 3 would revert: reverted with DepositRecordMismatch\(3\)$/,
    );
    assert.equal(
      estimateBlockTags().at(-1),
      "latest",
      "estimated against latest (the pending block may already hold our own transaction)",
    );
  });

  it("a reverted receipt carries the decoded reason", async () => {
    chain.onTransaction = () => ({ status: "reverted" });
    let calls = 0;
    chain.contract(TARGET, abi, {
      poke: () => {
        if (++calls > 1) throw Revert.custom(abi, "Nope", [5n]); // the estimate passes, the replay at the block reverts
      },
    });
    const r = await sendTransaction(opts(), { to: TARGET, data: data(5n), what: "poke 5", abi });
    assert.equal(r.kind, "mined");
    if (r.kind === "mined") assert.equal(r.revertReason, "reverted with Nope(5)");
  });

  it("stops when aborted while waiting", async () => {
    chain.onTransaction = () => "pending";
    const controller = new AbortController();
    const run = sendTransaction(opts({ signal: controller.signal, stuckAfterMs: 60_000 }), {
      to: TARGET,
      data: data(8n),
      what: "poke 8",
    });
    setTimeout(() => controller.abort(new Error("shutdown")), 50);
    await assert.rejects(run, /shutdown/);
  });
});
