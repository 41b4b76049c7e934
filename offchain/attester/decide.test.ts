import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Address, getAddress, type Hex } from "viem";
import type { BridgeContracts } from "../lib/attestation.js";
import { nextOpLogHead, type Op, opChainOf, ZERO_ADDRESS, ZERO_HEAD } from "../lib/protocol.js";
import {
  type Decision,
  decideBatch,
  decideExodus,
  decideQueueRequest,
  type OpLogView,
  type QueueAsk,
  type QueueView,
} from "./decide.js";
import type { FollowedRequest } from "./store.js";

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

describe("decideQueueRequest and decideExodus", () => {
  const BOB: Address = "0x0000000000000000000000000000000000000b0b";
  const deposit: FollowedRequest = {
    kind: "deposit",
    id: 0n,
    record: { recipient: ALICE, tokenId: 1, amount: 5n, depositor: ALICE, timestamp: 100n },
    blockNumber: 3n,
  };
  const forced: FollowedRequest = {
    kind: "withdrawal",
    id: 1n,
    record: { owner: BOB, tokenId: 2, timestamp: 120n },
    blockNumber: 4n,
  };
  const queue: QueueView = {
    requestCount: 2,
    followedBlock: 4n,
    request: (id) => [deposit, forced][id],
  };
  const ask = <K extends "deposit" | "withdrawal">(kind: K, id: bigint, record?: object) =>
    ({ kind, id, ...(record ? { record } : {}) }) as QueueAsk;

  it("lists every differing field of a deposit and names the first", () => {
    const r = refusal(
      decideQueueRequest(C, queue, ask("deposit", 0n, { ...deposit.record, tokenId: 2, timestamp: 101n })),
    );
    assert.equal(r.error, "mismatch");
    assert.equal(r.field, "tokenId");
    assert.match(r.reason, /tokenId is 1, asked 2, timestamp is 100, asked 101/);
    const upper = ALICE.toUpperCase().replace("0X", "0x") as Address;
    assert.ok("sign" in decideQueueRequest(C, queue, ask("deposit", 0n, { ...deposit.record, recipient: upper })));
  });

  it("signs a forced withdrawal request as a WithdrawalRequestAttestation of the followed record", () => {
    const d = decideQueueRequest(C, queue, ask("withdrawal", 1n, forced.record));
    assert.ok("sign" in d);
    assert.equal(d.sign.primaryType, "WithdrawalRequestAttestation");
    assert.deepEqual(d.sign.message, {
      l1ChainId: 31337n,
      l1Storage: getAddress(C.assetStorage),
      requestId: 1n,
      ...forced.record,
      owner: getAddress(BOB),
    });
    const blind = decideQueueRequest(C, queue, ask("withdrawal", 1n));
    assert.ok("sign" in blind && blind.sign.primaryType === "WithdrawalRequestAttestation");
  });

  for (const [field, value, shown] of [
    ["owner", ALICE, getAddress(ALICE)],
    ["tokenId", 3, "3"],
    ["timestamp", 121n, "121"],
  ] as const) {
    it(`refuses a forced withdrawal request whose ${field} differs (409, field ${field}, the attester's value)`, () => {
      const r = refusal(decideQueueRequest(C, queue, ask("withdrawal", 1n, { ...forced.record, [field]: value })));
      assert.equal(r.error, "mismatch");
      assert.equal(r.field, field);
      assert.equal(r.got, shown);
      assert.equal(r.expected, field === "owner" ? getAddress(BOB) : String(forced.record[field]));
    });
  }

  it("refuses the wrong kind both ways (409 on field kind, with a reason naming both kinds)", () => {
    const asDeposit = refusal(decideQueueRequest(C, queue, ask("deposit", 1n)));
    assert.equal(asDeposit.error, "mismatch");
    assert.equal(asDeposit.field, "kind");
    assert.equal(asDeposit.expected, "withdrawal");
    assert.match(asDeposit.reason, /request 1 is a forced withdrawal request, not a deposit/);
    const asRequest = refusal(decideQueueRequest(C, queue, ask("withdrawal", 0n, forced.record)));
    assert.equal(asRequest.field, "kind");
    assert.match(asRequest.reason, /request 0 is a deposit, not a forced withdrawal request/);
  });

  it("says not-yet beyond the followed requests, unavailable while L1 is halted", () => {
    const r = refusal(decideQueueRequest(C, queue, ask("withdrawal", 2n)));
    assert.equal(r.error, "not-yet");
    assert.match(r.reason, /forced withdrawal request 2 not seen yet: 2 queue requests followed up to L1 block 4/);
    assert.equal(refusal(decideQueueRequest(C, { ...queue, halted: "gap" }, ask("deposit", 0n))).error, "unavailable");
  });

  it("exodus: signs at the confirmed block, not-yet when only the head is in exodus, mismatch otherwise", () => {
    assert.ok("sign" in decideExodus(C, true, true, 5n));
    assert.equal(refusal(decideExodus(C, false, true, 5n)).error, "not-yet");
    assert.equal(refusal(decideExodus(C, false, false, 5n)).error, "mismatch");
  });
});
