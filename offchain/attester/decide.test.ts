import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address, Hex } from "viem";
import type { BridgeContracts } from "../lib/attestation.js";
import { nextOpLogHead, type Op, opChainOf, ZERO_ADDRESS, ZERO_HEAD } from "../lib/protocol.js";
import { type Decision, type DepositView, decideBatch, decideDeposit, decideExodus, type OpLogView } from "./decide.js";
import type { FollowedDeposit } from "./store.js";

const C: BridgeContracts = {
  l1ChainId: 31337,
  assetStorage: "0x00000000000000000000000000000000000a0001",
  l2ChainId: 31338,
  assetReceiving: "0x00000000000000000000000000000000000b0002",
};
const ALICE: Address = "0x00000000000000000000000000000000000a11ce";
const OPS: Op[] = [
  { kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: ALICE, amount: 7n },
  { kind: 2, tokenId: 0, from: ALICE, to: ALICE, amount: 3n },
];
const heads: Hex[] = [];
for (const op of OPS) heads.push(nextOpLogHead(heads.at(-1) ?? ZERO_HEAD, op));

function view(extra: Partial<OpLogView> = {}): OpLogView {
  return {
    opCount: OPS.length,
    followedBlock: 9n,
    at: (n) =>
      n <= OPS.length
        ? { count: n, head: n === 0 ? ZERO_HEAD : (heads[n - 1] as Hex), opChain: opChainOf(OPS.slice(0, n)) }
        : undefined,
    countOfHead: (h) => {
      const i = heads.indexOf(h);
      return i < 0 ? undefined : i + 1;
    },
    ...extra,
  };
}
const refusal = (d: Decision) => ("refuse" in d ? d.refuse : assert.fail(`expected a refusal, got a signature`));
const claim = { batchNumber: 0n, newOpChain: opChainOf(OPS), l2OpCount: 2n, l2OpHead: heads[1] as Hex };

describe("decideBatch", () => {
  it("signs the followed tuple and the genesis one", () => {
    assert.ok("sign" in decideBatch(C, view(), claim));
    assert.ok("sign" in decideBatch(C, view(), { ...claim, l2OpCount: 0n, newOpChain: 0n, l2OpHead: ZERO_HEAD }));
  });

  it("names l2OpHead when both head and chain are unknown, and says the chain differs too", () => {
    const r = refusal(decideBatch(C, view(), { ...claim, newOpChain: 1n, l2OpHead: `0x${"77".repeat(32)}` }));
    assert.equal(r.field, "l2OpHead");
    assert.match(r.reason, /newOpChain differs too/);
  });

  it("refuses everything while L2 is halted, and says not-yet beyond the followed ops", () => {
    assert.equal(refusal(decideBatch(C, view({ halted: "bad head" }), claim)).error, "unavailable");
    assert.equal(refusal(decideBatch(C, view({ opCount: 1 }), claim)).error, "not-yet");
  });
});

describe("decideDeposit and decideExodus", () => {
  const seen: FollowedDeposit = {
    depositId: 0,
    recipient: ALICE,
    tokenId: 1,
    amount: 5n,
    depositor: ALICE,
    timestamp: 100n,
    blockNumber: 3n,
  };
  const deposits: DepositView = { depositCount: 1, followedBlock: 4n, deposit: (id) => (id === 0 ? seen : undefined) };

  it("lists every differing field and names the first", () => {
    const r = refusal(decideDeposit(C, deposits, 0n, { ...seen, tokenId: 2, timestamp: 101n }));
    assert.equal(r.field, "tokenId");
    assert.match(r.reason, /tokenId is 1, asked 2, timestamp is 100, asked 101/);
    assert.ok(
      "sign" in
        decideDeposit(C, deposits, 0n, { ...seen, recipient: ALICE.toUpperCase().replace("0X", "0x") as Address }),
    );
  });

  it("exodus: signs at the confirmed block, not-yet when only the head is in exodus, mismatch otherwise", () => {
    assert.ok("sign" in decideExodus(C, true, true, 5n));
    assert.equal(refusal(decideExodus(C, false, true, 5n)).error, "not-yet");
    assert.equal(refusal(decideExodus(C, false, false, 5n)).error, "mismatch");
  });
});
