/**
 * readL1History / rebuildFromL1 against a fake L1 node (offchain/testing/fake-chain.ts) that refuses
 * wide eth_getLogs ranges: the scan splits them, reports it, and still reads every log once.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { setupServer } from "msw/node";
import { http } from "viem";
import { assetStorageAbi } from "../lib/abi.js";
import { bigIntToAddress } from "../lib/field.js";
import { encodeOps, type Op } from "../lib/protocol.js";
import { RebuildError } from "../lib/rebuild.js";
import { BridgeState } from "../lib/state.js";
import { emptyRoot } from "../lib/tree.js";
import { FakeChain } from "../testing/fake-chain.js";
import { publicClientFor } from "./chains.js";
import { type HistoryProgress, readL1History, rebuildFromL1 } from "./l1-history.js";

const DEPTH = 6;
const STORAGE = "0x00000000000000000000000000000000000a5507" as const;
const l1 = new FakeChain({ url: "http://l1-history.test", chainId: 31337, blockNumber: 5000n });
const server = setupServer(l1.handler());
before(() => server.listen({ onUnhandledRequest: "error" }));
after(() => server.close());
const client = publicClientFor(
  { name: "L1", rpcUrl: l1.url, chainId: 31337, pollingIntervalMs: 50 },
  http(l1.url, { retryCount: 0 }),
);

const alice = bigIntToAddress(0xa11cen);
const bob = bigIntToAddress(0xb0bn);
const zero = bigIntToAddress(0n);
const batchOps: Op[][] = [
  [{ kind: 1, tokenId: 0, from: zero, to: alice, amount: 100n }],
  [
    { kind: 2, tokenId: 0, from: alice, to: bob, amount: 30n },
    { kind: 3, tokenId: 0, from: bob, to: bob, amount: 10n },
  ],
  [{ kind: 1, tokenId: 1, from: zero, to: bob, amount: 7n }],
];

// Batches at blocks 1200, 2600 and 4100; requests at 1100, 2500, 4000 and 4050 (the last two unserved).
const node = new BridgeState(DEPTH);
let firstOp = 0n;
batchOps.forEach((ops, i) => {
  for (const op of ops) node.apply(op);
  const blockNumber = BigInt(1200 + i * 1450);
  const emit = (eventName: string, args: Record<string, unknown>) =>
    l1.emit({ address: STORAGE, abi: assetStorageAbi, eventName, args, blockNumber });
  emit("BatchVerified", {
    batchNumber: BigInt(i),
    newRoot: node.root,
    newOpChain: node.opChain,
    processedDeposits: i === 0 ? 1n : 2n,
  });
  emit("BatchOps", { batchNumber: BigInt(i), firstOpIndex: firstOp, ops: encodeOps(ops) });
  firstOp += BigInt(ops.length);
});
const deposit = (id: bigint, to: `0x${string}`, tokenId: number, amount: bigint, blockNumber: bigint) =>
  l1.emit({
    address: STORAGE,
    abi: assetStorageAbi,
    eventName: "DepositQueued",
    args: { depositId: id, recipient: to, tokenId, amount, depositor: alice, timestamp: 1000n + id },
    blockNumber,
  });
deposit(0n, alice, 0, 100n, 1100n);
deposit(1n, bob, 1, 7n, 2500n);
deposit(2n, alice, 0, 5n, 4000n);
l1.emit({
  address: STORAGE,
  abi: assetStorageAbi,
  eventName: "WithdrawalRequestQueued",
  args: { requestId: 3n, owner: bob, tokenId: 0, timestamp: 2000n },
  blockNumber: 4050n,
});
// Another contract's log in range must be ignored.
l1.emit({
  address: bigIntToAddress(0xbadn),
  abi: assetStorageAbi,
  eventName: "BatchVerified",
  args: { batchNumber: 0n, newRoot: 1n, newOpChain: 1n, processedDeposits: 0n },
  blockNumber: 1300n,
});

let stateRoot = node.root;
l1.contract(STORAGE, assetStorageAbi, {
  treeDepth: () => DEPTH,
  stateRoot: () => stateRoot,
  batchCount: () => 3n,
  processedDeposits: () => 2n,
  depositCount: () => 4n,
  exodusMode: () => true,
});

describe("readL1History", () => {
  test("splits a refused range in half until the node accepts it, and reads every log once", async () => {
    l1.maxLogRange = 700n;
    const steps: HistoryProgress[] = [];
    const h = await readL1History({
      client,
      assetStorage: STORAGE,
      fromBlock: 1000n,
      toBlock: 5000n,
      blockRange: 2000,
      onProgress: (p) => steps.push(p),
    });
    const splits = steps.filter((s) => s.kind === "split");
    assert.deepEqual(
      splits.map((s) => s.range),
      [1000n, 500n],
      "2000 -> 1000 -> 500 blocks",
    );
    const ranges = steps.flatMap((s) => (s.kind === "range" ? [[s.from, s.to]] : []));
    assert.deepEqual(ranges[0], [1000n, 1499n]);
    assert.equal(ranges[ranges.length - 1]?.[1], 5000n, "up to the target block");
    const refused = l1.requests.filter((r) => r.method === "eth_getLogs").length - ranges.length;
    assert.equal(refused, 2, "two refused calls");
    assert.deepEqual(
      h.batches.map((b) => [b.batchNumber, b.firstOpIndex]),
      [
        [0n, 0n],
        [1n, 1n],
        [2n, 3n],
      ],
    );
    assert.deepEqual(
      h.queue.map((q) => [q.id, q.kind]),
      [
        [0n, "deposit"],
        [1n, "deposit"],
        [2n, "deposit"],
        [3n, "withdrawal"],
      ],
    );
  });
});

describe("rebuildFromL1", () => {
  test("rebuilds the proven state and checks it against stateRoot()", async () => {
    l1.maxLogRange = 2000n;
    const seen: bigint[] = [];
    const r = await rebuildFromL1({ client, assetStorage: STORAGE, onBatch: (b) => seen.push(b.batchNumber) });
    assert.deepEqual(seen, [0n, 1n, 2n]);
    assert.equal(r.state.root, node.root);
    assert.deepEqual(r.state.toJSON(), node.toJSON());
    assert.equal(r.block, 5000n);
    assert.equal(r.chainId, 31337);
    assert.equal(r.processedDeposits, 2n);
    assert.notEqual(r.state.root, emptyRoot(DEPTH));
  });

  test("a stateRoot() the logs do not give is refused with both roots", async () => {
    stateRoot = 12345n;
    try {
      await assert.rejects(
        rebuildFromL1({ client, assetStorage: STORAGE }),
        (e: unknown) =>
          e instanceof RebuildError && e.message.includes(`rebuilt root ${node.root}`) && e.message.includes("12345"),
      );
    } finally {
      stateRoot = node.root;
    }
  });
});
