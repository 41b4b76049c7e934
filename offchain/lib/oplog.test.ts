import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hex } from "viem";
import {
  checkStoredHead,
  GENESIS_CURSOR,
  MalformedOpError,
  OpHeadMismatchError,
  OpIndexGapError,
  type OpLogEvent,
  StoredHeadMismatchError,
  verifyOpLog,
} from "./oplog.js";
import { nextOpLogHead, type Op, ZERO_ADDRESS, ZERO_HEAD } from "./protocol.js";

const alice = "0x00000000000000000000000000000000000a11ce" as const;
const bob = "0x0000000000000000000000000000000000000b0b" as const;

const OPS: Op[] = [
  { kind: 1, tokenId: 0, from: ZERO_ADDRESS, to: alice, amount: 100n },
  { kind: 2, tokenId: 0, from: alice, to: bob, amount: 40n },
  { kind: 3, tokenId: 0, from: bob, to: bob, amount: 10n },
];

function eventsOf(ops: Op[], start = 0, startHead: Hex = ZERO_HEAD): OpLogEvent[] {
  let head = startHead;
  return ops.map((op, i) => {
    head = nextOpLogHead(head, op);
    return {
      opIndex: start + i,
      op,
      head,
      blockNumber: BigInt(10 + i),
      transactionHash: `0x${"ab".repeat(32)}`,
      logIndex: 0,
    };
  });
}

describe("verifyOpLog", () => {
  it("accepts a contiguous log with the right heads and advances the cursor", () => {
    const events = eventsOf(OPS);
    const { cursor, ops } = verifyOpLog(GENESIS_CURSOR, events);
    assert.equal(ops.length, 3);
    assert.equal(cursor.nextIndex, 3);
    assert.equal(cursor.head, events[2]?.head);
  });

  it("accepts forced withdrawals (kind 4), also of amount 0, and refuses kind 5 and a kind 4 to another address", () => {
    const forced: Op[] = [
      ...OPS,
      { kind: 4, tokenId: 0, from: alice, to: alice, amount: 60n },
      { kind: 4, tokenId: 0, from: bob, to: bob, amount: 0n },
    ];
    const { cursor } = verifyOpLog(GENESIS_CURSOR, eventsOf(forced));
    assert.equal(cursor.nextIndex, 5);
    for (const bad of [
      { kind: 5 as 4, tokenId: 0, from: alice, to: alice, amount: 1n },
      { kind: 4 as const, tokenId: 0, from: alice, to: bob, amount: 0n },
    ]) {
      const events = eventsOf(OPS);
      events.push({ ...(events[2] as OpLogEvent), opIndex: 3, op: bad });
      assert.throws(
        () => verifyOpLog(GENESIS_CURSOR, events),
        (e: unknown) => e instanceof MalformedOpError && e.opIndex === 3,
      );
    }
  });

  it("continues from a cursor (events in two windows)", () => {
    const all = eventsOf(OPS);
    const first = verifyOpLog(GENESIS_CURSOR, all.slice(0, 1));
    const second = verifyOpLog(first.cursor, all.slice(1));
    assert.equal(second.cursor.head, all[2]?.head);
  });

  it("stops on a gap in op indices, naming expected and actual index", () => {
    const events = eventsOf(OPS);
    events.splice(1, 1); // op 1 missing
    assert.throws(
      () => verifyOpLog(GENESIS_CURSOR, events),
      (e: unknown) =>
        e instanceof OpIndexGapError &&
        e.expectedIndex === 1 &&
        e.actualIndex === 2 &&
        /expected op 1, got op 2/.test(e.message),
    );
  });

  it("stops on a duplicated op index", () => {
    const events = eventsOf(OPS);
    events.splice(1, 0, events[0] as OpLogEvent);
    assert.throws(() => verifyOpLog(GENESIS_CURSOR, events), OpIndexGapError);
  });

  it("stops when the first event does not continue the checkpoint", () => {
    const events = eventsOf(OPS);
    assert.throws(() => verifyOpLog({ nextIndex: 1, head: events[0]?.head as Hex }, events), OpIndexGapError);
  });

  it("stops on an emitted head that differs from the recomputed one, with index, expected and actual head", () => {
    const events = eventsOf(OPS);
    const good = events[2]?.head as Hex;
    const bad: Hex = `0x${"11".repeat(32)}`;
    (events[2] as OpLogEvent).head = bad;
    assert.throws(
      () => verifyOpLog(GENESIS_CURSOR, events),
      (e: unknown) =>
        e instanceof OpHeadMismatchError &&
        e.opIndex === 2 &&
        e.expected === good &&
        e.actual === bad &&
        e.message.includes(good) &&
        e.message.includes(bad) &&
        e.message.includes("op 2"),
    );
  });

  it("detects an op whose fields were altered (its head no longer matches)", () => {
    const events = eventsOf(OPS);
    (events[1] as OpLogEvent).op = { ...(OPS[1] as Op), amount: 41n };
    assert.throws(() => verifyOpLog(GENESIS_CURSOR, events), OpHeadMismatchError);
  });

  it("stops on a malformed op (zero amount)", () => {
    const events = eventsOf(OPS);
    (events[0] as OpLogEvent).op = { ...(OPS[0] as Op), amount: 0n };
    assert.throws(() => verifyOpLog(GENESIS_CURSOR, events), MalformedOpError);
  });
});

describe("checkStoredHead", () => {
  const events = eventsOf(OPS);
  const { cursor } = verifyOpLog(GENESIS_CURSOR, events);

  it("accepts the stored head and count of the rebuilt log", () => {
    checkStoredHead(cursor, {
      blockNumber: 12n,
      opCount: 3,
      opHead: cursor.head.toUpperCase().replace("0X", "0x") as Hex,
    });
  });

  it("stops when the stored head differs", () => {
    const wrong: Hex = `0x${"22".repeat(32)}`;
    assert.throws(
      () => checkStoredHead(cursor, { blockNumber: 12n, opCount: 3, opHead: wrong }),
      (e: unknown) =>
        e instanceof StoredHeadMismatchError && e.message.includes(wrong) && e.message.includes(cursor.head),
    );
  });

  it("stops when the contract holds more ops than the events (missing events)", () => {
    assert.throws(
      () => checkStoredHead(cursor, { blockNumber: 12n, opCount: 4, opHead: cursor.head }),
      (e: unknown) => e instanceof StoredHeadMismatchError && e.actualCount === 4 && e.expectedCount === 3,
    );
  });
});
