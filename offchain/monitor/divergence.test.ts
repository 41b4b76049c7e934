import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PublicClient } from "viem";
import { type Op, opChainOf } from "../lib/protocol.js";
import { silentLogger } from "../runtime/log.js";
import { migrateExtractor } from "../runtime/node-db/extractor.js";
import { openDatabase } from "../runtime/node-db/open.js";
import { PrefixWatch } from "./divergence.js";

const ZERO = "0x0000000000000000000000000000000000000000" as const;
const ops: Op[] = [1, 2, 3, 4, 5].map((i) => ({
  kind: 1,
  tokenId: 0,
  from: ZERO,
  to: `0x${i.toString(16).padStart(40, "0")}`,
  amount: BigInt(i) * 1000n,
}));

/** A client whose readContract answers from `values` (the two chains' views the watch reads). */
const fakeClient = (values: Record<string, () => bigint>) =>
  ({
    readContract: async ({ functionName }: { functionName: string }) => values[functionName]!(),
  }) as unknown as PublicClient;

function setup(extracted: number) {
  const db = openDatabase(":memory:");
  migrateExtractor(db);
  const insert = db.prepare(
    `INSERT INTO extractor_ops (op_index, kind, token_id, from_address, to_address, amount, head, block_number, tx_hash, log_index, extracted_at)
     VALUES (?, ?, ?, ?, ?, ?, '0x', 1, '0x', 0, 0)`,
  );
  for (const [i, o] of ops.slice(0, extracted).entries()) {
    insert.run(i, o.kind, o.tokenId, o.from, o.to, o.amount.toString());
  }
  const l1 = { batchCount: 1n, opChain: 0n };
  const l2 = { opCount: BigInt(extracted) };
  const watch = new PrefixWatch({
    l1: fakeClient({ batchCount: () => l1.batchCount, opChain: () => l1.opChain }),
    l2: fakeClient({ opCount: () => l2.opCount }),
    assetStorage: ZERO,
    assetReceiving: ZERO,
    db,
    log: silentLogger,
    signal: new AbortController().signal,
  });
  return { l1, l2, watch };
}

describe("PrefixWatch", () => {
  it("finds L1's op chain at any op count of the extracted log, batch boundary or not", async () => {
    const { l1, watch } = setup(5);
    l1.opChain = opChainOf(ops.slice(0, 3));
    assert.deepEqual(await watch.check(), { state: "consistent", opCount: 3, batchCount: 1n });
    l1.opChain = opChainOf(ops);
    l1.batchCount = 2n;
    assert.deepEqual(await watch.check(), { state: "consistent", opCount: 5, batchCount: 2n });
  });

  it("an op chain that is no prefix of L2's log, with every L2 op extracted: diverged", async () => {
    const { l1, watch } = setup(5);
    l1.opChain = opChainOf(ops.slice(0, 2));
    assert.equal((await watch.check()).state, "consistent");
    l1.opChain = 456n;
    const r = await watch.check();
    assert.equal(r.state, "diverged");
    if (r.state === "diverged") {
      assert.match(
        r.message,
        /ending at op chain 456, which is not the op chain of L2's op log at any op count from 2 to 5/,
      );
      assert.equal(r.l2Ops, 5);
    }
  });

  it("undecided while the extractor is behind L2", async () => {
    const { l1, l2, watch } = setup(3);
    l2.opCount = 5n;
    l1.opChain = opChainOf(ops.slice(0, 4)); // L1 proved an op this node has not extracted yet
    assert.deepEqual(await watch.check(), {
      state: "unknown",
      reason: "the extractor has 3 of L2's 5 ops",
      batchCount: 1n,
    });
  });
});
