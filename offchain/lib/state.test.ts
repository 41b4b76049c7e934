import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { credit, forcedWithdraw, transfer, withdraw } from "../testing/ops.js";
import { bigIntToAddress, MAX_UINT128 } from "./field.js";
import { leafHash, type Op, opChainOf } from "./protocol.js";
import { BridgeState, StateError } from "./state.js";
import { emptyRoot, rootFromPath, StateTree } from "./tree.js";

const A = 0xa0n;
const B = 0xb0n;
const C = 0xc0n;
const L1 = 0x1111n;

/** Root of a tree holding exactly these (owner, tokenId, balance) slots, built independently. */
function rootOf(depth: number, slots: [bigint, number, bigint][]): bigint {
  return new StateTree(
    depth,
    slots.map(([o, t, b]) => leafHash(o, BigInt(t), b)),
  ).root;
}

/** Everything observable about a state (to check that a failed op changed nothing). */
const snapshot = (s: BridgeState) => JSON.stringify(s.toJSON());

describe("BridgeState", () => {
  test("starts at the genesis root with an empty op chain", () => {
    const s = new BridgeState(8);
    assert.equal(s.root, emptyRoot(8));
    assert.equal(s.opChain, 0n);
    assert.equal(s.opCount, 0);
    assert.equal(s.slotCount, 0);
    assert.equal(s.slotOf(A, 0), undefined);
    assert.equal(s.balanceOf(A, 0), 0n);
  });

  test("assigns slots by first appearance of (owner, tokenId), source before destination", () => {
    const s = new BridgeState(8);
    const ops = [
      credit(A, 0, 100n), // A/0 -> slot 0
      credit(B, 0, 5n), // B/0 -> slot 1
      transfer(A, C, 0, 30n), // C/0 -> slot 2
      credit(A, 7, 1n), // A/7 -> slot 3
      withdraw(C, L1, 0, 10n), // no new slot (L1 is not an L2 owner)
      transfer(B, B, 0, 5n), // self-transfer, same slot
    ];
    s.applyAll(ops);
    assert.deepEqual(
      [s.slotOf(A, 0), s.slotOf(B, 0), s.slotOf(C, 0), s.slotOf(A, 7), s.slotOf(L1, 0)],
      [0, 1, 2, 3, undefined],
    );
    assert.deepEqual([s.balanceOf(A, 0), s.balanceOf(B, 0), s.balanceOf(C, 0), s.balanceOf(A, 7)], [70n, 5n, 20n, 1n]);
    assert.equal(
      s.root,
      rootOf(8, [
        [A, 0, 70n],
        [B, 0, 5n],
        [C, 0, 20n],
        [A, 7, 1n],
      ]),
    );
    assert.equal(s.opChain, opChainOf(ops));
    assert.equal(s.opCount, ops.length);
  });

  test("a drained slot stays bound to its owner and token", () => {
    const s = new BridgeState(4);
    s.applyAll([credit(A, 0, 5n), withdraw(A, L1, 0, 5n), credit(B, 0, 1n), credit(A, 0, 2n)]);
    assert.equal(s.slotOf(A, 0), 0);
    assert.equal(s.slotOf(B, 0), 1);
    assert.equal(
      s.root,
      rootOf(4, [
        [A, 0, 2n],
        [B, 0, 1n],
      ]),
    );
  });

  test("apply reports both leaf updates with paths that reproduce the roots", () => {
    const s = new BridgeState(6);
    s.applyAll([credit(A, 0, 100n), credit(B, 0, 1n)]);
    const r = s.apply(transfer(A, C, 0, 60n));
    assert.ok(r.source && r.destination);
    assert.equal(r.source.slot, 0);
    assert.equal(r.destination.slot, 2);
    assert.equal(r.destination.wasEmpty, true);
    assert.equal(r.destination.oldLeaf, 0n);
    for (const u of [r.source, r.destination]) {
      assert.equal(u.siblings.length, 9); // 3 per 4-ary level, depth 6
      assert.equal(rootFromPath(u.oldLeaf, u.siblings, BigInt(u.slot)), u.rootBefore);
      assert.equal(rootFromPath(u.newLeaf, u.siblings, BigInt(u.slot)), u.rootAfter);
      assert.equal(u.newLeaf, leafHash(u.owner, BigInt(u.tokenId), u.newBalance));
    }
    assert.equal(r.source.rootBefore, r.oldRoot);
    assert.equal(r.destination.rootBefore, r.source.rootAfter);
    assert.equal(r.destination.rootAfter, r.newRoot);
    assert.equal(r.newRoot, s.root);

    const w = s.apply(withdraw(C, L1, 0, 60n));
    assert.ok(w.source && !w.destination);
    const c = s.apply(credit(B, 0, 1n));
    assert.ok(!c.source && c.destination && !c.destination.wasEmpty);
    const self = s.apply(transfer(A, A, 0, 40n));
    assert.ok(self.source && self.destination);
    assert.equal(self.destination.oldBalance, 0n);
    assert.equal(self.destination.newBalance, 40n);
    assert.equal(self.newRoot, self.oldRoot);
  });

  test("rejects invalid ops with a clear error and leaves the state unchanged", () => {
    const cases: [Op, RegExp][] = [
      [withdraw(A, L1, 0, 101n), /insufficient balance/],
      [transfer(A, B, 0, 101n), /insufficient balance/],
      [withdraw(B, L1, 0, 1n), /insufficient balance/],
      [transfer(A, B, 9, 1n), /insufficient balance/],
      [credit(C, 0, 1n), /overflow/],
      [transfer(A, C, 0, 1n), /overflow/],
      [credit(A, 0, 0n), /non-zero/],
      [credit(A, 0, MAX_UINT128 + 1n), /out of range/],
      [{ ...credit(A, 0, 1n), from: bigIntToAddress(B) }, /from = 0x0/],
      [{ ...credit(A, 0, 1n), kind: 5 as 1 }, /kind 5/],
      [{ ...credit(A, 0, 1n), kind: 0 as 1 }, /kind 0/],
      [forcedWithdraw(A, 0, 101n), /insufficient balance: .* holds 100 of token 0, op moves 101/],
      [forcedWithdraw(A, 1, 1n), /forced withdrawal of 1 of token 1 from .*, which has no slot/],
      [forcedWithdraw(B, 0, 1n), /which has no slot/],
      [{ ...forcedWithdraw(A, 0, 100n), to: bigIntToAddress(B) }, /forced withdrawal op must have to = from/],
      [{ ...forcedWithdraw(B, 0, 0n), to: bigIntToAddress(A) }, /forced withdrawal op must have to = from/],
      [forcedWithdraw(0n, 0, 0n), /forced withdrawal op must have to != 0x0/],
      [forcedWithdraw(A, 0, MAX_UINT128 + 1n), /out of range/],
      [{ ...credit(A, 0, 1n), tokenId: 2 ** 32 }, /out of range/],
      [transfer(A, 0n, 0, 1n), /transfer op must have to != 0x0/],
      [withdraw(A, 0n, 0, 1n), /withdrawal op must have to != 0x0/],
      [{ ...credit(A, 0, 1n), to: "0x12" as `0x${string}` }, /not an address/],
    ];
    const s = new BridgeState(6);
    s.applyAll([credit(A, 0, 100n), credit(C, 0, MAX_UINT128)]);
    const before = snapshot(s);
    for (const [op, pattern] of cases) {
      assert.throws(
        () => s.apply(op),
        pattern,
        JSON.stringify(op, (_, v) => (typeof v === "bigint" ? String(v) : v)),
      );
      assert.equal(snapshot(s), before);
    }
  });

  test("a forced withdrawal debits the owner's leaf; one of 0 touches no leaf and assigns no slot", () => {
    const s = new BridgeState(6);
    s.applyAll([credit(A, 0, 100n), credit(B, 1, 5n)]);
    const r0 = s.root;
    const partial = s.apply(forcedWithdraw(A, 0, 30n));
    assert.equal(partial.source?.slot, 0);
    assert.equal(partial.source?.oldBalance, 100n);
    assert.equal(partial.source?.newBalance, 70n);
    assert.equal(partial.destination, undefined, "no destination");
    assert.equal(s.balanceOf(A, 0), 70n);
    assert.equal(
      s.root,
      rootOf(6, [
        [A, 0, 70n],
        [B, 1, 5n],
      ]),
    );
    assert.notEqual(s.root, r0);

    const zeros = [forcedWithdraw(C, 0, 0n), forcedWithdraw(A, 0, 0n), forcedWithdraw(B, 7, 0n)];
    for (const op of zeros) {
      const before = { root: s.root, slots: s.slotCount, chain: s.opChain, count: s.opCount };
      const a = s.apply(op);
      assert.equal(a.source, undefined);
      assert.equal(a.destination, undefined);
      assert.equal(s.root, before.root, "root unchanged");
      assert.equal(s.slotCount, before.slots, "no slot assigned");
      assert.notEqual(s.opChain, before.chain, "the op chain moves");
      assert.equal(s.opChain, opChainOf([op], before.chain));
      assert.equal(s.opCount, before.count + 1);
    }
    assert.equal(s.slotOf(C, 0), undefined);

    s.apply(forcedWithdraw(A, 0, 70n));
    assert.equal(s.balanceOf(A, 0), 0n);
    assert.equal(s.slotOf(A, 0), 0, "the drained slot stays bound");
    s.apply(forcedWithdraw(A, 0, 0n));
    assert.equal(
      s.root,
      rootOf(6, [
        [A, 0, 0n],
        [B, 1, 5n],
      ]),
    );
    // A later credit to the drained pair reuses its slot; one to C (never assigned) takes the next.
    s.applyAll([credit(A, 0, 1n), credit(C, 0, 2n)]);
    assert.equal(s.slotOf(A, 0), 0);
    assert.equal(s.slotOf(C, 0), 2);
  });

  test("validate sees earlier ops of the same batch: a forced withdrawal after a credit of the batch", () => {
    const s = new BridgeState(4);
    s.validate([credit(A, 0, 5n), forcedWithdraw(A, 0, 5n), forcedWithdraw(A, 0, 0n)]);
    assert.throws(
      () => s.validate([credit(A, 0, 5n), forcedWithdraw(A, 0, 5n), forcedWithdraw(A, 0, 1n)]),
      /op 2 of 3: insufficient balance/,
    );
    assert.throws(() => s.validate([forcedWithdraw(A, 0, 1n), credit(A, 0, 5n)]), /op 0 of 2: .*which has no slot/);
    assert.equal(s.slotCount, 0);
  });

  test("the tree capacity bounds new slots, existing slots keep working", () => {
    const s = new BridgeState(2);
    s.applyAll([credit(A, 0, 1n), credit(B, 0, 1n), credit(C, 0, 1n), credit(L1, 0, 1n)]);
    const before = snapshot(s);
    assert.throws(
      () => s.apply(credit(A, 1, 1n)),
      (e: Error) => e instanceof StateError && /tree is full/.test(e.message),
    );
    assert.throws(() => s.apply(transfer(A, 0xdn, 0, 1n)), /tree is full/);
    assert.equal(snapshot(s), before);
    s.apply(transfer(A, B, 0, 1n));
    assert.equal(s.balanceOf(B, 0), 2n);
  });

  test("validate and applyAll are all or nothing, naming the failing op", () => {
    const s = new BridgeState(4);
    s.apply(credit(A, 0, 10n));
    const before = snapshot(s);
    const ops = [transfer(A, B, 0, 10n), transfer(B, C, 0, 10n), transfer(A, C, 0, 1n)];
    assert.throws(() => s.validate(ops), /op 2 of 3: insufficient balance/);
    assert.throws(() => s.applyAll(ops), /op 2 of 3/);
    assert.equal(snapshot(s), before);
    // validate sees slots assigned earlier in the same list (B is fresh, then spends).
    s.validate(ops.slice(0, 2));
    assert.equal(snapshot(s), before);
    // Capacity is counted across the list too.
    const small = new BridgeState(2); // 4 slots
    const D = 0xd0n;
    const E = 0xe0n;
    assert.throws(
      () => small.validate([credit(A, 0, 1n), credit(B, 0, 1n), credit(C, 0, 1n), credit(D, 0, 1n), credit(E, 0, 1n)]),
      /op 4 of 5: the state tree is full/,
    );
  });

  test("toJSON / fromJSON round-trip (through JSON text) and the copy behaves identically", () => {
    const s = new BridgeState(6);
    s.applyAll([credit(A, 0, 100n), credit(B, 3, MAX_UINT128), transfer(A, C, 0, 1n), withdraw(C, L1, 0, 1n)]);
    const text = JSON.stringify(s.toJSON());
    const t = BridgeState.fromJSON(JSON.parse(text));
    assert.deepEqual(t.toJSON(), s.toJSON());
    assert.equal(t.root, s.root);
    assert.equal(t.opChain, s.opChain);
    assert.equal(t.opCount, s.opCount);
    assert.deepEqual(t.accountList(), s.accountList());
    const next = [transfer(A, 0xdn, 0, 5n), credit(C, 0, 2n)];
    const r1 = next.map((op) => s.apply(op));
    const r2 = next.map((op) => t.apply(op));
    assert.deepEqual(r2, r1);
    assert.equal(t.root, s.root);
  });

  test("fromJSON rejects malformed or inconsistent checkpoints", () => {
    const s = new BridgeState(4);
    s.applyAll([credit(A, 0, 100n), credit(B, 0, 5n)]);
    const good = s.toJSON();
    const bad: [string, unknown][] = [
      ["version", { ...good, version: 2 }],
      ["root", { ...good, root: (BigInt(good.root) + 1n).toString() }],
      ["balance", { ...good, slots: [{ ...good.slots[0], balance: "99" }, good.slots[1]] }],
      ["balance range", { ...good, slots: [{ ...good.slots[0], balance: (MAX_UINT128 + 1n).toString() }] }],
      ["duplicate pair", { ...good, slots: [good.slots[0], good.slots[0]] }],
      ["tokenId", { ...good, slots: [{ ...good.slots[0], tokenId: -1 }] }],
      [
        "opChain",
        { ...good, opChain: "21888242871839275222246405745257275088548364400416034343698204186575808495617" },
      ],
      ["opCount", { ...good, opCount: -1 }],
      ["not an object", null],
    ];
    for (const [what, j] of bad) assert.throws(() => BridgeState.fromJSON(j), Error, what);
    assert.equal(BridgeState.fromJSON(good).root, s.root);
  });

  test("clone is independent", () => {
    const s = new BridgeState(4);
    s.apply(credit(A, 0, 10n));
    const c = s.clone();
    c.apply(credit(B, 0, 1n));
    assert.equal(s.slotCount, 1);
    assert.equal(c.slotCount, 2);
    assert.notEqual(c.root, s.root);
    s.apply(credit(A, 0, 1n));
    assert.equal(c.balanceOf(A, 0), 10n);
  });

  test("random op sequences agree with a plain balance model", () => {
    let seed = 0x5eedn;
    const rnd = (n: number): number => {
      seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      return Number((seed >> 33n) % BigInt(n));
    };
    const owners = [A, B, C, 0xd0n];
    const s = new BridgeState(6);
    const model = new Map<string, bigint>();
    const order: string[] = [];
    const key = (o: bigint, t: number) => `${o}:${t}`;
    const touch = (o: bigint, t: number) => {
      if (!model.has(key(o, t))) {
        model.set(key(o, t), 0n);
        order.push(key(o, t));
      }
    };
    const applied: Op[] = [];
    for (let i = 0; i < 200; i++) {
      const kind = 1 + rnd(4);
      const t = rnd(2);
      const from = owners[rnd(4)] as bigint;
      const to = owners[rnd(4)] as bigint;
      const amount = BigInt(1 + rnd(50));
      const has = model.get(key(from, t)) ?? 0n;
      // A forced withdrawal takes the owner's whole balance (as L2 does), sometimes more (refused).
      const forcedAmount = rnd(5) === 0 ? has + 1n : has;
      const op =
        kind === 1
          ? credit(to, t, amount)
          : kind === 2
            ? transfer(from, to, t, amount)
            : kind === 3
              ? withdraw(from, L1, t, amount)
              : forcedWithdraw(from, t, forcedAmount);
      if ((kind === 2 || kind === 3) && has < amount) {
        assert.throws(() => s.apply(op), /insufficient balance/);
        continue;
      }
      if (kind === 4 && forcedAmount > has) {
        assert.throws(() => s.apply(op), model.has(key(from, t)) ? /insufficient balance/ : /has no slot/);
        continue;
      }
      s.apply(op);
      applied.push(op);
      if (kind === 2 || kind === 3) model.set(key(from, t), has - amount);
      if (kind === 4 && forcedAmount > 0n) model.set(key(from, t), 0n);
      if (kind === 1 || kind === 2) {
        touch(to, t);
        model.set(key(to, t), (model.get(key(to, t)) as bigint) + amount);
      }
    }
    assert.ok(applied.length > 100);
    assert.deepEqual(
      s.accountList().map((a) => key(a.owner, a.tokenId)),
      order,
    );
    for (const a of s.accountList()) assert.equal(a.balance, model.get(key(a.owner, a.tokenId)));
    assert.equal(
      s.root,
      rootOf(
        6,
        s.accountList().map((a) => [a.owner, a.tokenId, a.balance]),
      ),
    );
    assert.equal(s.opChain, opChainOf(applied));
    assert.equal(s.opCount, applied.length);
  });
});
