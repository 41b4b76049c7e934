/**
 * Batch circuit at small parameters (DEPTH 4, BATCH 4): honest batches of every shape (forced
 * withdrawals included) through the TypeScript witness builder, then one cheating input per rule,
 * each otherwise consistent (see raw.ts), which the circuit must reject in the template that
 * enforces that rule.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { MAX_UINT128 } from "../../offchain/lib/field.js";
import { batchPublicInputs, type Op, packHead } from "../../offchain/lib/protocol.js";
import { BridgeState } from "../../offchain/lib/state.js";
import { emptyRoot, type StateTree } from "../../offchain/lib/tree.js";
import { buildBatch } from "../../offchain/lib/witness.js";
import { credit, forcedWithdraw, transfer, withdraw } from "../../offchain/testing/ops.js";
import { assertRejects, batchCircuit, copyInput, type LoadedCircuit, publicOf, R, rejection } from "./helpers.js";
import { type RawSlot, rawBatchInput } from "./raw.js";

const D = 4;
const N = 4;
/** K = N for the per-rule suite (any slot may hold an L1-visible op); the routing suite below uses K = 2. */
const K = 4;
const K_ROUTED = 2;

const A = 0xa11ce00000000000000000000000000000000001n;
const B = 0xb0b0000000000000000000000000000000000002n;
const C = 0xc4a7000000000000000000000000000000000003n;
const L1 = 0x1111000000000000000000000000000000000004n;

let c: LoadedCircuit;

before(async () => {
  c = await batchCircuit(D, N, K);
});

/** Builds a batch with the honest builder, runs it through the circuit, checks the public signals. */
async function accept(state: BridgeState, ops: Op[]): Promise<bigint[]> {
  const before = { root: state.root, chain: state.opChain };
  const w = buildBatch(state, ops, N, K);
  const witness = await c.witness(w.input);
  const pub = publicOf(c, witness);
  assert.equal(pub.length, 4 + 2 * K);
  assert.deepEqual(pub, w.publicSignals, "circuit public signals = builder's publicSignals");
  const expected = batchPublicInputs(
    { oldRoot: before.root, newRoot: state.root, oldOpChain: before.chain, newOpChain: state.opChain },
    ops,
    N,
    K,
  );
  assert.deepEqual(pub, expected, "circuit public signals = batchPublicInputs");
  return pub;
}

/**
 * Base state for the negative tests: slot 0 (A, 0, 100), slot 1 (B, 0, 50), slot 2 (A, 1, 7),
 * slot 3 (C, 0, 2^128 - 1).
 */
function baseState(): BridgeState {
  const s = new BridgeState(D);
  s.applyAll([credit(A, 0, 100n), credit(B, 0, 50n), credit(A, 1, 7n), credit(C, 0, MAX_UINT128)]);
  return s;
}

/** Raw input over a copy of the base state's tree. */
function raw(
  slots: RawSlot[],
  base = baseState(),
  publicSlots = K,
): { input: Record<string, unknown>; tree: StateTree } {
  const tree = base.tree.clone();
  const r = rawBatchInput(tree, base.opChain, slots, N, publicSlots);
  return { input: r.input, tree };
}

// Honest slot descriptions on the base state, each a valid op.
const honest = {
  withdrawA: { kind: 3n, from: A, to: L1, tokenId: 0n, amount: 30n, srcSlot: 0n, srcBalance: 100n },
  transferAB: {
    kind: 2n,
    from: A,
    to: B,
    tokenId: 0n,
    amount: 40n,
    srcSlot: 0n,
    srcBalance: 100n,
    dstSlot: 1n,
    dstBalance: 50n,
  },
  creditB: { kind: 1n, to: B, tokenId: 0n, amount: 5n, dstSlot: 1n, dstBalance: 50n },
  creditNew: { kind: 1n, to: L1, tokenId: 2n, amount: 9n, dstSlot: 4n, dstEmpty: 1n },
  forcedA: { kind: 4n, from: A, to: A, tokenId: 0n, amount: 100n, srcSlot: 0n, srcBalance: 100n },
  forcedZero: { kind: 4n, from: L1, to: L1, tokenId: 0n, amount: 0n },
} satisfies Record<string, RawSlot>;

describe("honest batches", () => {
  test("the raw model agrees with the witness builder on honest ops (so negative inputs differ only where meant)", async () => {
    const s = baseState();
    const expected = buildBatch(
      s.clone(),
      [withdraw(A, L1, 0, 30n), transfer(A, B, 0, 40n), credit(B, 0, 5n), credit(L1, 2, 9n)],
      N,
      K,
    );
    const got = raw([
      honest.withdrawA,
      { ...honest.transferAB, srcBalance: 70n },
      { ...honest.creditB, dstBalance: 90n },
      honest.creditNew,
    ]);
    assert.deepEqual(got.input, expected.input);
    await c.witness(got.input);
  });

  test("a credit into an empty slot, the rest no-ops (partly empty batch)", async () => {
    const s = new BridgeState(D);
    const pub = await accept(s, [credit(A, 0, 10n)]);
    assert.notEqual(pub[1], emptyRoot(D), "the root changed");
    assert.equal(s.slotOf(A, 0), 0);
  });

  test("every kind in one full batch: credit, credit, transfer to a new slot, withdrawal", async () => {
    const s = new BridgeState(D);
    await accept(s, [credit(A, 0, 100n), credit(B, 3, 1n), transfer(A, C, 0, 60n), withdraw(C, L1, 0, 25n)]);
    assert.equal(s.balanceOf(A, 0), 40n);
    assert.equal(s.balanceOf(C, 0), 35n);
    assert.equal(s.balanceOf(B, 3), 1n);
  });

  test("transfers into an existing slot and a self-transfer", async () => {
    const s = baseState();
    await accept(s, [transfer(A, B, 0, 40n), transfer(B, B, 0, 90n), transfer(A, A, 0, 60n)]);
    assert.equal(s.balanceOf(A, 0), 60n);
    assert.equal(s.balanceOf(B, 0), 90n);
  });

  test("a withdrawal that drains a slot, then a credit into the drained slot (it stays bound)", async () => {
    const s = baseState();
    await accept(s, [withdraw(B, L1, 0, 50n), credit(B, 0, 3n)]);
    assert.equal(s.slotOf(B, 0), 1);
    assert.equal(s.balanceOf(B, 0), 3n);
  });

  test("an all-no-op batch leaves root and op chain unchanged", async () => {
    const s = baseState();
    const pub = await accept(s, []);
    assert.equal(pub[0], pub[1]);
    assert.equal(pub[2], pub[3]);
    assert.ok(pub.slice(4).every((x) => x === 0n));
  });

  test("consecutive batches continue root and op chain", async () => {
    const s = new BridgeState(D);
    const p1 = await accept(s, [credit(A, 0, 10n), credit(B, 0, 10n)]);
    const p2 = await accept(s, [transfer(A, B, 0, 10n), withdraw(B, L1, 0, 20n)]);
    assert.equal(p2[0], p1[1]);
    assert.equal(p2[2], p1[3]);
  });

  test("bounds: balance 2^128 - 1, token 2^32 - 1, 160-bit addresses of all ones, the last slot", async () => {
    const s = new BridgeState(D);
    const maxAddr = (1n << 160n) - 1n;
    const ops: Op[] = [];
    for (let i = 0; i < 15; i++) ops.push(credit(BigInt(i + 1), 0, 1n));
    for (let i = 0; i < 15; i += N) s.applyAll(ops.slice(i, i + N));
    await accept(s, [credit(maxAddr, 0xffffffff, MAX_UINT128), withdraw(maxAddr, maxAddr, 0xffffffff, MAX_UINT128)]);
    assert.equal(s.slotOf(maxAddr, 0xffffffff), 15);
  });
});

describe("forced withdrawals (kind 4)", () => {
  test("the raw model agrees with the witness builder on forced withdrawals (full, partial, zero)", async () => {
    const s = baseState();
    const expected = buildBatch(
      s.clone(),
      [forcedWithdraw(A, 0, 100n), forcedWithdraw(B, 0, 20n), forcedWithdraw(L1, 0, 0n), forcedWithdraw(A, 0, 0n)],
      N,
      K,
    );
    const got = raw([
      honest.forcedA,
      { kind: 4n, from: B, to: B, tokenId: 0n, amount: 20n, srcSlot: 1n, srcBalance: 50n },
      honest.forcedZero,
      { kind: 4n, from: A, to: A, tokenId: 0n, amount: 0n },
    ]);
    assert.deepEqual(got.input, expected.input);
    await c.witness(got.input);
  });

  test("a forced withdrawal of the whole balance, of part of it, and of 0 with and without a leaf", async () => {
    const s = baseState();
    const untouched = s.tree.leaf(2);
    const pub = await accept(s, [
      forcedWithdraw(A, 0, 100n),
      forcedWithdraw(B, 0, 1n),
      forcedWithdraw(A, 0, 0n),
      forcedWithdraw(L1, 7, 0n),
    ]);
    assert.equal(s.balanceOf(A, 0), 0n);
    assert.equal(s.balanceOf(B, 0), 49n);
    assert.equal(s.slotOf(A, 0), 0, "a drained slot stays bound");
    assert.equal(s.slotOf(L1, 7), undefined, "a zero forced withdrawal assigns no slot");
    assert.equal(s.slotCount, 4);
    assert.equal(s.tree.leaf(2), untouched);
    // Public pairs: (4 + tokenId << 3 + owner << 35, amount), also for amount 0.
    assert.deepEqual(pub.slice(4), [
      packHead(4, 0n, A),
      100n,
      packHead(4, 0n, B),
      1n,
      packHead(4, 0n, A),
      0n,
      packHead(4, 7n, L1),
      0n,
    ]);
  });

  test("forced withdrawals mixed with every other kind, the max token and amount", async () => {
    const s = new BridgeState(D);
    await accept(s, [credit(A, 0xffffffff, MAX_UINT128), transfer(A, B, 0xffffffff, 1n)]);
    await accept(s, [
      forcedWithdraw(A, 0xffffffff, MAX_UINT128 - 1n),
      credit(A, 0xffffffff, 5n),
      forcedWithdraw(B, 0xffffffff, 1n),
      withdraw(A, L1, 0xffffffff, 5n),
    ]);
    assert.equal(s.balanceOf(A, 0xffffffff), 0n);
    assert.equal(s.balanceOf(B, 0xffffffff), 0n);
  });

  test("owner and token come from the public input: another owner, token or amount in (a, b) is refused", async () => {
    const cases: [string, RawSlot, (pub: string[]) => void][] = [
      ["owner B exposed for A's withdrawal", honest.forcedA, (p) => (p[0] = packHead(4, 0n, B).toString())],
      ["token 1 exposed", honest.forcedA, (p) => (p[0] = packHead(4, 1n, A).toString())],
      ["shown as a regular withdrawal", honest.forcedA, (p) => (p[0] = packHead(3, 0n, A).toString())],
      ["another amount", honest.forcedA, (p) => (p[1] = "99")],
      ["a zero forced withdrawal shown as a transfer slot", honest.forcedZero, (p) => (p[0] = "0")],
      ["a zero forced withdrawal claiming an amount", honest.forcedZero, (p) => (p[1] = "1")],
    ];
    for (const [what, slot, tamper] of cases) {
      const input = raw([slot]).input;
      tamper((input.pubPair as string[][])[0] as string[]);
      await assertRejects(c, input, "Batch", what);
    }
  });

  test("amount above the leaf's balance", async () => {
    await assertRejects(c, raw([{ ...honest.forcedA, amount: 101n }]).input, "Num2Bits", "forced 101 of 100");
    const maxed = { kind: 4n, from: B, to: B, tokenId: 0n, amount: MAX_UINT128, srcSlot: 1n, srcBalance: 50n };
    await assertRejects(c, raw([maxed]).input, "Num2Bits", "forced 2^128 - 1 of 50");
  });

  test("a non-zero amount from an owner without a leaf (the empty slot cannot be debited)", async () => {
    const input = raw([{ kind: 4n, from: L1, to: L1, tokenId: 0n, amount: 1n, srcSlot: 4n, srcBalance: 1n }]).input;
    await assertRejects(c, input, "LeafUpdate", "forced 1 from an empty slot");
  });

  test("another owner's leaf, another token's leaf, a wrong claimed balance", async () => {
    await assertRejects(c, raw([{ ...honest.forcedA, from: B, to: B }]).input, "LeafUpdate", "B drains A's slot");
    await assertRejects(c, raw([{ ...honest.forcedA, tokenId: 1n }]).input, "LeafUpdate", "token 1 from slot 0");
    await assertRejects(c, raw([{ ...honest.forcedA, srcBalance: 200n }]).input, "LeafUpdate", "claims 200");
  });

  test("to != from: paying another L1 address than the owner", async () => {
    for (const to of [B, L1, 0n]) {
      await assertRejects(c, raw([{ ...honest.forcedA, to }]).input, "OpSlot", `forced withdrawal to ${to}`);
    }
    await assertRejects(c, raw([{ ...honest.forcedZero, to: A }]).input, "OpSlot", "zero forced withdrawal to A");
  });

  test("a zero forced withdrawal cannot write a leaf (both sides pass through)", async () => {
    // The cheater's tree holds (A, 0, 40) at slot 0: a write of "40 - 0" the circuit never makes.
    const debit = raw([{ ...honest.forcedZero, from: A, to: A, srcSlot: 0n, srcBalance: 40n, forceSource: true }]);
    debit.input.newRoot = debit.tree.root.toString();
    await assertRejects(c, debit.input, "Batch", "zero forced withdrawal rewriting slot 0");
    const credit = raw([{ ...honest.forcedA, dstSlot: 0n, dstBalance: 0n, forceDest: true }]);
    credit.input.newRoot = credit.tree.root.toString();
    await assertRejects(c, credit.input, "Batch", "forced withdrawal crediting its owner back");
  });

  test("a forced withdrawal of 0 from owner 0 (to = 0) is refused", async () => {
    await assertRejects(c, raw([{ kind: 4n, tokenId: 0n, amount: 0n }]).input, "OpSlot", "forced 0 by address 0");
  });
});

describe("rejected: balances and amounts", () => {
  test("underflow: a withdrawal above the balance", async () => {
    await assertRejects(c, raw([{ ...honest.withdrawA, amount: 101n }]).input, "Num2Bits", "withdraw 101 of 100");
  });

  test("underflow: a transfer above the balance", async () => {
    await assertRejects(c, raw([{ ...honest.transferAB, amount: 101n }]).input, "Num2Bits", "transfer 101 of 100");
  });

  test("overflow: a credit past 2^128 - 1", async () => {
    const input = raw([{ kind: 1n, to: C, tokenId: 0n, amount: 1n, dstSlot: 3n, dstBalance: MAX_UINT128 }]).input;
    await assertRejects(c, input, "Num2Bits", "balance 2^128");
  });

  test("amount 2^128 into an empty slot", async () => {
    await assertRejects(c, raw([{ ...honest.creditNew, amount: 1n << 128n }]).input, "Num2Bits", "amount 2^128");
  });

  test("amount r - 1 (a credit that would wrap to a smaller, in-range balance)", async () => {
    // 50 + (r - 1) = 49 mod r fits 128 bits: only the amount's own range check stops it.
    await assertRejects(c, raw([{ ...honest.creditB, amount: R - 1n }]).input, "Num2Bits", "amount r - 1");
  });

  test("zero amount in a credit, a transfer and a withdrawal (only kind 4 may move 0)", async () => {
    for (const s of [honest.creditB, honest.transferAB, honest.withdrawA]) {
      await assertRejects(c, raw([{ ...s, amount: 0n }]).input, "OpSlot", `zero amount, kind ${s.kind}`);
    }
  });

  test("an empty destination that claims a balance (inflation)", async () => {
    const input = raw([{ ...honest.creditNew, dstBalance: 1000n }]).input;
    await assertRejects(c, input, "OpSlot", "empty slot with balance 1000");
  });

  test("dstEmpty not boolean", async () => {
    await assertRejects(c, raw([{ ...honest.creditB, dstEmpty: 2n }]).input, "OpSlot", "dstEmpty = 2");
  });
});

describe("rejected: slots, owners, tokens, paths", () => {
  test("wrong owner: withdrawing from A's slot as B", async () => {
    await assertRejects(c, raw([{ ...honest.withdrawA, from: B }]).input, "LeafUpdate", "B spends A's slot");
  });

  test("wrong token: withdrawing token 1 from a token-0 slot", async () => {
    await assertRejects(
      c,
      raw([{ ...honest.withdrawA, tokenId: 1n }]).input,
      "LeafUpdate",
      "token 1 from a token 0 slot",
    );
  });

  test("wrong source balance claimed", async () => {
    await assertRejects(c, raw([{ ...honest.withdrawA, srcBalance: 1000n }]).input, "LeafUpdate", "claims 1000");
  });

  test("writing into another owner's slot (as bound, or as if empty)", async () => {
    const asBound = raw([{ ...honest.creditB, dstSlot: 0n, dstBalance: 100n }]).input;
    await assertRejects(c, asBound, "LeafUpdate", "credit B into A's slot");
    const asEmpty = raw([{ ...honest.creditB, dstSlot: 0n, dstBalance: 0n, dstEmpty: 1n }]).input;
    await assertRejects(c, asEmpty, "LeafUpdate", "credit B into A's slot claimed empty");
    const otherToken = raw([{ ...honest.transferAB, dstSlot: 2n, dstBalance: 7n, to: A }]).input;
    await assertRejects(c, otherToken, "LeafUpdate", "token 0 into A's token-1 slot");
  });

  test("self-transfer reading the balance from before its own debit", async () => {
    const input = raw([{ ...honest.transferAB, to: A, dstSlot: 0n, dstBalance: 100n }]).input;
    await assertRejects(c, input, "LeafUpdate", "stale self-transfer");
  });

  test("a tampered sibling", async () => {
    const input = raw([honest.creditB]).input;
    ((input.dstSiblings as string[][])[0] as string[])[1] = "12345";
    await assertRejects(c, input, "LeafUpdate", "sibling changed");
  });

  test("a wrong position digit at either 4-ary level (same leaf and siblings, another slot)", async () => {
    // withdrawA reads slot 0 (digits 0, 0) whose leaf is A's; every other digit at level 0 or 1 puts
    // that leaf at another position among the same siblings.
    for (const level of [0, 1]) {
      for (const d of [1n, 2n, 3n]) {
        const input = raw([honest.withdrawA]).input;
        (input.srcSlot as string[])[0] = String(d << BigInt(2 * level));
        await assertRejects(c, input, "LeafUpdate", `digit ${d} at level ${level}`);
      }
    }
  });

  test("siblings of a level out of ascending position order", async () => {
    const input = raw([honest.withdrawA]).input;
    const siblings = (input.srcSiblings as string[][])[0] as string[];
    assert.equal(siblings.length, 3 * (D / 2));
    assert.notEqual(siblings[0], siblings[1]);
    [siblings[0], siblings[1]] = [siblings[1] as string, siblings[0] as string];
    await assertRejects(c, input, "LeafUpdate", "siblings 0 and 1 swapped");
  });

  test("slot index outside the tree", async () => {
    const input = raw([honest.withdrawA]).input;
    (input.srcSlot as string[])[0] = String(1 << D);
    await assertRejects(c, input, "Num2Bits", "slot 2^DEPTH");
    (input.srcSlot as string[])[0] = (R - 1n).toString();
    await assertRejects(c, input, "Num2Bits", "slot r - 1");
  });

  test("wrong old root", async () => {
    const input = raw([honest.creditB]).input;
    input.oldRoot = emptyRoot(D).toString();
    await assertRejects(c, input, "LeafUpdate", "oldRoot of another tree");
  });

  test("wrong old op chain", async () => {
    const input = raw([honest.creditB]).input;
    input.oldOpChain = (BigInt(input.oldOpChain as string) + 1n).toString();
    await assertRejects(c, input, "Batch", "oldOpChain + 1");
  });

  test("wrong new root or new op chain", async () => {
    for (const k of ["newRoot", "newOpChain"]) {
      const input = raw([honest.transferAB]).input;
      input[k] = (BigInt(input[k] as string) + 1n).toString();
      await assertRejects(c, input, "Batch", `${k} + 1`);
    }
  });
});

describe("rejected: kinds, no-ops, public pairs", () => {
  test("kinds 5, 6, 7 (3 bits, not a kind) and kinds past 3 bits", async () => {
    for (const base of [honest.creditB, honest.forcedA, honest.withdrawA]) {
      for (const kind of [5n, 6n, 7n]) {
        await assertRejects(c, raw([{ ...base, kind }]).input, "KindDecode", `kind ${kind} (${base.kind} fields)`);
      }
    }
    for (const kind of [8n, 12n, R - 1n]) {
      await assertRejects(c, raw([{ ...honest.creditB, kind }]).input, "Num2Bits", `kind ${kind}`);
    }
  });

  test("a real op to address 0: credit, transfer, withdrawal", async () => {
    await assertRejects(c, raw([{ ...honest.creditNew, to: 0n }]).input, "OpSlot", "credit to 0");
    const toZero = { ...honest.transferAB, to: 0n, dstSlot: 4n, dstBalance: 0n, dstEmpty: 1n };
    await assertRejects(c, raw([toZero]).input, "OpSlot", "transfer to 0");
    await assertRejects(c, raw([{ ...honest.withdrawA, to: 0n }]).input, "OpSlot", "withdrawal to 0");
  });

  test("a credit with a non-zero from", async () => {
    await assertRejects(c, raw([{ ...honest.creditB, from: A }]).input, "OpSlot", "credit from A");
  });

  test("a no-op carrying any non-zero field", async () => {
    const fields: RawSlot[] = [
      { kind: 0n, amount: 5n },
      { kind: 0n, tokenId: 1n },
      { kind: 0n, from: A },
      { kind: 0n, to: B },
    ];
    for (const s of fields)
      await assertRejects(c, raw([s]).input, "OpSlot", `no-op ${JSON.stringify(s, (_, v) => String(v))}`);
  });

  test("a no-op that tries to change the state (credit or debit written through it)", async () => {
    const asCredit = raw([{ kind: 0n, dstSlot: 1n, dstBalance: 50n, forceDest: true }]);
    asCredit.input.newRoot = asCredit.tree.root.toString();
    await assertRejects(c, asCredit.input, "Batch", "no-op rewriting slot 1");
    const asDebit = raw([{ kind: 0n, srcSlot: 0n, srcBalance: 100n, forceSource: true }]);
    asDebit.input.newRoot = asDebit.tree.root.toString();
    await assertRejects(c, asDebit.input, "Batch", "no-op rewriting slot 0");
  });

  test("a credit that also debits a source, a withdrawal that also credits a destination", async () => {
    const creditAndDebit = raw([{ ...honest.creditB, srcSlot: 0n, srcBalance: 100n, forceSource: true }]);
    creditAndDebit.input.newRoot = creditAndDebit.tree.root.toString();
    await assertRejects(c, creditAndDebit.input, "Batch", "credit rewriting a source");
    const withdrawAndCredit = raw([{ ...honest.withdrawA, to: B, dstSlot: 1n, dstBalance: 50n, forceDest: true }]);
    withdrawAndCredit.input.newRoot = withdrawAndCredit.tree.root.toString();
    await assertRejects(c, withdrawAndCredit.input, "Batch", "withdrawal crediting a destination");
  });

  test("a no-op before a real op", async () => {
    await assertRejects(c, raw([{ kind: 0n }, honest.creditB]).input, "Batch", "no-op, then credit");
    await assertRejects(c, raw([honest.withdrawA, { kind: 0n }, honest.creditB]).input, "Batch", "gap in the middle");
  });

  test("public pairs that do not match the op", async () => {
    const cases: [string, RawSlot, (pub: string[]) => void][] = [
      ["a transfer exposing a", honest.transferAB, (p) => (p[0] = packHead(1, 0n, B).toString())],
      ["a transfer exposing b", honest.transferAB, (p) => (p[1] = "40")],
      ["a deposit with another amount", honest.creditB, (p) => (p[1] = "6")],
      ["a deposit to another recipient", honest.creditB, (p) => (p[0] = packHead(1, 0n, C).toString())],
      ["a deposit of another token", honest.creditB, (p) => (p[0] = packHead(1, 1n, B).toString())],
      ["a deposit shown as a withdrawal", honest.creditB, (p) => (p[0] = packHead(3, 0n, B).toString())],
      ["a withdrawal to another L1 recipient", honest.withdrawA, (p) => (p[0] = packHead(3, 0n, C).toString())],
      ["a withdrawal with b = 0", honest.withdrawA, (p) => (p[1] = "0")],
      ["a no-op exposing data", { kind: 0n }, (p) => (p[1] = "1")],
    ];
    for (const [what, slot, tamper] of cases) {
      const input = raw([slot]).input;
      tamper((input.pubPair as string[][])[0] as string[]);
      await assertRejects(c, input, "Batch", what);
    }
  });
});

describe("field edges (r - 1 and r)", () => {
  test("r - 1 in each range-checked op field is rejected", async () => {
    const cases: [string, RawSlot][] = [
      ["tokenId", { ...honest.creditB, tokenId: R - 1n }],
      ["tokenId 2^32", { ...honest.creditB, tokenId: 1n << 32n }],
      ["to", { ...honest.creditNew, to: R - 1n }],
      ["to 2^160", { ...honest.creditNew, to: 1n << 160n }],
      ["from", { ...honest.withdrawA, from: R - 1n }],
      ["srcBalance", { ...honest.withdrawA, srcBalance: R - 1n }],
      ["dstBalance", { ...honest.creditNew, dstEmpty: 0n, dstBalance: R - 1n }],
    ];
    for (const [what, slot] of cases) await assertRejects(c, raw([slot]).input, "Num2Bits", `${what} = r - 1`);
  });

  test("a value given as r is the field element 0 (a zero amount is rejected)", async () => {
    const input = raw([honest.creditNew]).input;
    (input.amount as string[])[0] = R.toString();
    await assertRejects(c, input, "OpSlot", "amount = r");
  });

  test("r - 1 as a public root or chain is rejected", async () => {
    for (const k of ["oldRoot", "newRoot", "newOpChain"]) {
      const input = raw([honest.creditB]).input;
      input[k] = (R - 1n).toString();
      assert.notEqual(await rejection(c, input), null, `${k} = r - 1 accepted`);
    }
  });

  test("x + r is the same field element as x: the circuit cannot tell, L1 and the verifier refuse inputs >= r", async () => {
    // Documents the boundary: canonical form is enforced outside the circuit (submitBatch checks
    // newRoot, newOpChain < r; the generated verifier checks every public input < r).
    const input = copyInput(raw([honest.creditB]).input);
    input.newRoot = (BigInt(input.newRoot as string) + R).toString();
    assert.equal(await rejection(c, input), null);
  });
});

describe("routing: K = 2 public pairs for N = 4 slots", () => {
  let k2: LoadedCircuit;
  before(async () => {
    k2 = await batchCircuit(D, N, K_ROUTED);
  });
  const pairs = (input: Record<string, unknown>): string[][] => input.pubPair as string[][];

  test("honest: L1-visible ops land in pairs 0, 1 in log order whatever their slots; transfers cost no pair", async () => {
    const s = baseState();
    const ops = [transfer(A, B, 0, 5n), withdraw(B, L1, 0, 3n), transfer(B, A, 0, 1n), credit(B, 1, 9n)];
    const w = buildBatch(s, ops, N, K_ROUTED);
    const pub = publicOf(k2, await k2.witness(w.input));
    assert.equal(pub.length, 4 + 2 * K_ROUTED);
    assert.deepEqual(pub.slice(4), [packHead(3, 0n, L1), 3n, packHead(1, 1n, B), 9n]);
    const transfersOnly = buildBatch(baseState(), [transfer(A, B, 0, 5n)], N, K_ROUTED);
    assert.deepEqual(publicOf(k2, await k2.witness(transfersOnly.input)).slice(4), [0n, 0n, 0n, 0n]);
  });

  test("an L1-visible op that is not routed (its pair left (0, 0)) is rejected", async () => {
    const { input } = raw([honest.transferAB, { ...honest.withdrawA, srcBalance: 60n }], baseState(), K_ROUTED);
    assert.notEqual(pairs(input)[0]?.[0], "0");
    pairs(input)[0] = ["0", "0"];
    await assertRejects(k2, input, "Batch", "withdrawal without its pair");
  });

  test("routed to the wrong pair (the pairs swapped, or shifted to pair 1 leaving a gap) is rejected", async () => {
    const swapped = raw([honest.withdrawA, honest.creditB], baseState(), K_ROUTED).input;
    pairs(swapped).reverse();
    await assertRejects(k2, swapped, "Batch", "pairs swapped");
    const gap = raw([honest.transferAB, { ...honest.withdrawA, srcBalance: 60n }], baseState(), K_ROUTED).input;
    pairs(gap)[1] = pairs(gap)[0] as string[];
    pairs(gap)[0] = ["0", "0"];
    await assertRejects(k2, gap, "Batch", "pair 0 empty, the op in pair 1");
  });

  test("K + 1 L1-visible ops have no solution (the third has rank 2 >= K)", async () => {
    const slots = [honest.withdrawA, honest.creditB, { ...honest.withdrawA, amount: 1n, srcBalance: 70n }];
    const { input } = raw(slots, baseState(), K_ROUTED);
    await assertRejects(k2, input, "Batch", "3 L1-visible ops for K = 2");
  });

  test("a non-zero unused pair is rejected", async () => {
    const { input } = raw([honest.transferAB, { ...honest.withdrawA, srcBalance: 60n }], baseState(), K_ROUTED);
    pairs(input)[1] = ["1", "1"];
    await assertRejects(k2, input, "Batch", "pair 1 = (1, 1) with one L1-visible op");
    const none = raw([honest.transferAB], baseState(), K_ROUTED).input;
    pairs(none)[0] = ["0", "1"];
    await assertRejects(k2, none, "Batch", "b_0 = 1 with no L1-visible op");
  });
});
