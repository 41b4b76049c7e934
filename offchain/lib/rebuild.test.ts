/**
 * The L1-only rebuild (docs/protocol.md section 15) against the node's state: a long generated
 * history is fed op by op into a BridgeState (as the extractor does), cut into batches of N = 4 whose
 * op data is encoded as L1 posts it; the rebuild from that data must give the node's state after
 * every batch, and the balances of an independent model (plain maps, its own slot order and tree).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bigIntToAddress } from "./field.js";
import { encodeOps, leafHash, type Op, OpKind } from "./protocol.js";
import {
  checkRebuilt,
  exitDataOf,
  exitProofs,
  type PostedBatch,
  RebuildError,
  rebuildState,
  unconsumedDeposits,
  verifyExitData,
} from "./rebuild.js";
import { BridgeState, type BridgeStateJSON } from "./state.js";
import { rootFromPath, StateTree } from "./tree.js";

const DEPTH = 10;
const N = 4;
const OWNERS = [0x1001n, 0x2002n, 0x3003n, 0x4004n, 0x5005n, 0x6006n, 0x7007n];
const TOKENS = [0, 1, 2];
const addr = bigIntToAddress;

/** xorshift: the same history on every run. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** The independent model: balances by (owner, token) and slots by first appearance (section 4). */
class Model {
  readonly balances = new Map<string, bigint>();
  readonly slots: string[] = [];
  /** Per token: credited - withdrawn (both kinds). */
  readonly supply = new Map<number, bigint>();
  private touch(owner: bigint, token: number): string {
    const k = `${owner}:${token}`;
    if (!this.slots.includes(k)) this.slots.push(k);
    return k;
  }
  balance(owner: bigint, token: number): bigint {
    return this.balances.get(`${owner}:${token}`) ?? 0n;
  }
  apply(op: Op): void {
    const from = BigInt(op.from);
    const to = BigInt(op.to);
    const move = (k: string, d: bigint) => this.balances.set(k, (this.balances.get(k) ?? 0n) + d);
    const supply = (d: bigint) => this.supply.set(op.tokenId, (this.supply.get(op.tokenId) ?? 0n) + d);
    if (op.kind === OpKind.Credit) {
      move(this.touch(to, op.tokenId), op.amount);
      supply(op.amount);
    }
    if (op.kind === OpKind.Transfer) {
      move(this.touch(from, op.tokenId), -op.amount);
      move(this.touch(to, op.tokenId), op.amount);
    }
    if (op.kind === OpKind.Withdraw || (op.kind === OpKind.ForcedWithdraw && op.amount > 0n)) {
      move(this.touch(from, op.tokenId), -op.amount);
      supply(-op.amount);
    }
  }
  root(): bigint {
    const leaves = this.slots.map((k) => {
      const [o, t] = k.split(":") as [string, string];
      return leafHash(BigInt(o), BigInt(t), this.balances.get(k) ?? 0n);
    });
    return new StateTree(DEPTH, leaves).root;
  }
}

/** A valid op for the model's current balances. */
function nextOp(r: (n: number) => number, m: Model, forced: boolean): Op {
  const owner = OWNERS[r(OWNERS.length)] as bigint;
  const other = OWNERS[r(OWNERS.length)] as bigint;
  const token = TOKENS[r(TOKENS.length)] as number;
  const bal = m.balance(owner, token);
  const roll = r(100);
  if (forced && roll < 12) return { kind: 4, tokenId: token, from: addr(owner), to: addr(owner), amount: bal };
  if (bal === 0n || roll < 35) {
    const amount = BigInt(1 + r(1_000_000)) * (r(4) === 0 ? 10n ** 18n : 1n);
    return { kind: 1, tokenId: token, from: addr(0n), to: addr(owner), amount };
  }
  const some = BigInt(1 + r(1000));
  const part = roll % 5 === 0 || some > bal ? bal : some;
  if (roll < 80) return { kind: 2, tokenId: token, from: addr(owner), to: addr(other), amount: part };
  return { kind: 3, tokenId: token, from: addr(owner), to: addr(other + 0xa0000n), amount: part };
}

interface History {
  batches: PostedBatch[];
  /** The node's state after each batch. */
  nodeAfter: BridgeStateJSON[];
  models: { root: bigint; balances: Map<string, bigint>; supply: Map<number, bigint> }[];
  /** The node's live state, with the unproven tail. */
  node: BridgeState;
}

/** `ops` proven ops (cut in batches of 1..N) then `tail` more that L2 logged but no batch proved. */
function generate(seed: number, ops: number, o: { forced: boolean; tail?: number }): History {
  const r = rng(seed);
  const node = new BridgeState(DEPTH);
  const model = new Model();
  const h: History = { batches: [], nodeAfter: [], models: [], node };
  let queued = 0n;
  let done = 0;
  while (done < ops) {
    const size = Math.min(ops - done, r(3) === 0 ? 1 + r(N) : N);
    const batchOps: Op[] = [];
    for (let i = 0; i < size; i++) {
      const op = nextOp(r, model, o.forced);
      node.apply(op);
      model.apply(op);
      batchOps.push(op);
      if (op.kind === OpKind.Credit || op.kind === OpKind.ForcedWithdraw) queued++;
    }
    h.batches.push({
      batchNumber: BigInt(h.batches.length),
      newRoot: node.root,
      newOpChain: node.opChain,
      processedDeposits: queued,
      firstOpIndex: BigInt(done),
      ops: encodeOps(batchOps),
    });
    h.nodeAfter.push(node.toJSON());
    h.models.push({ root: model.root(), balances: new Map(model.balances), supply: new Map(model.supply) });
    done += size;
  }
  for (let i = 0; i < (o.tail ?? 0); i++) {
    const op = nextOp(r, model, o.forced);
    node.apply(op);
    model.apply(op);
  }
  return h;
}

/** Whether BridgeState on this branch debits a forced withdrawal (kind 4 comes with the circuit's state.ts). */
const forcedSupported = (() => {
  try {
    const s = new BridgeState(2);
    s.apply({ kind: 1, tokenId: 0, from: addr(0n), to: addr(1n), amount: 5n });
    s.apply({ kind: 4, tokenId: 0, from: addr(1n), to: addr(1n), amount: 5n });
    return s.balanceOf(1n, 0) === 0n;
  } catch {
    return false;
  }
})();

function checkEveryBatch(h: History): BridgeState {
  let seen = 0;
  const rebuilt = rebuildState(DEPTH, h.batches, {
    onBatch: (b, s) => {
      const i = Number(b.batchNumber);
      assert.deepEqual(s.toJSON(), h.nodeAfter[i], `batch ${i}: rebuilt state = node state`);
      const m = h.models[i] as History["models"][number];
      assert.equal(s.root, m.root, `batch ${i}: rebuilt root = the model's tree`);
      for (const [k, v] of m.balances) {
        const [owner, token] = k.split(":") as [string, string];
        assert.equal(s.balanceOf(BigInt(owner), Number(token)), v, `batch ${i}: balance of ${k}`);
      }
      seen++;
    },
  });
  assert.equal(seen, h.batches.length);
  return rebuilt;
}

describe("rebuildState: L1 op data -> the node's state", () => {
  test("equals the node at every batch of 480 credits, transfers and withdrawals (7 owners, 3 tokens)", () => {
    const h = generate(7, 480, { forced: false });
    assert.ok(h.batches.length >= 120, "many batches");
    const sizes = new Set(h.batches.map((b) => ((b.ops?.length ?? 2) - 2) / 122));
    assert.ok(sizes.has(N) && sizes.size > 1, "full and partial batches");
    checkEveryBatch(h);
  });

  test("equals the node at every batch with forced withdrawals, zero ones included", {
    todo: forcedSupported ? false : "needs kind 4 in BridgeState.apply (the circuit helper's offchain/lib/state.ts)",
  }, () => {
    const h = generate(11, 600, { forced: true });
    const forced = h.batches.flatMap((b) => [...(b.ops ?? "").slice(2).matchAll(/(.{2}).{120}/g)].map((m) => m[1]));
    assert.ok(forced.filter((k) => k === "04").length >= 30, "enough forced withdrawals");
    checkEveryBatch(h);
  });

  test("after exodus: the last proven state, not the unproven tail, and every unit exits", () => {
    const h = generate(23, 320, { forced: forcedSupported, tail: 40 });
    const rebuilt = checkEveryBatch(h);
    assert.notEqual(h.node.root, rebuilt.root, "the node moved on after the last proven batch");
    checkRebuilt(rebuilt, h.batches.length, { batchCount: BigInt(h.batches.length), stateRoot: rebuilt.root });
    const last = h.models[h.models.length - 1] as History["models"][number];
    const exited = new Map<number, bigint>();
    for (const owner of OWNERS) {
      for (const p of exitProofs(rebuilt, addr(owner))) {
        assert.equal(rootFromPath(leafHash(owner, BigInt(p.tokenId), p.balance), p.siblings, BigInt(p.slot)), p.root);
        assert.ok(p.balance > 0n, "only non-zero slots exit");
        exited.set(p.tokenId, (exited.get(p.tokenId) ?? 0n) + p.balance);
      }
    }
    for (const t of TOKENS) assert.equal(exited.get(t) ?? 0n, last.supply.get(t) ?? 0n, `token ${t} reconciles`);
    const again = verifyExitData(
      JSON.parse(JSON.stringify(exitDataOf(rebuilt, { chainId: 1, assetStorage: addr(9n), batchCount: 80 }))),
    );
    assert.equal(again.root, rebuilt.root);
  });
});

describe("rebuildState: L1 data that does not give the proven roots", () => {
  const h = generate(5, 120, { forced: false });
  /** The batch whose last op is a credit of more than one unit (changing its amount breaks nothing else). */
  const target = h.batches.findIndex((b) => {
    const hex = (b.ops ?? "0x").slice(2);
    const last = hex.slice(-122);
    return last.startsWith("01") && BigInt(`0x${last.slice(90)}`) > 1n;
  });

  test("one byte changed in a BatchOps: the batch number, both op chains and its first op", () => {
    assert.ok(target >= 0, "a batch ends with a credit");
    const b = h.batches[target] as PostedBatch;
    const ops = b.ops as `0x${string}`;
    const flipped = (Number.parseInt(ops.slice(-2), 16) ^ 1).toString(16).padStart(2, "0");
    const tampered: `0x${string}` = `0x${ops.slice(2, -2)}${flipped}`;
    const batches = h.batches.map((x, i) => (i === target ? { ...x, ops: tampered } : x));
    assert.throws(
      () => rebuildState(DEPTH, batches),
      (e: unknown) => {
        assert.ok(e instanceof RebuildError, "a RebuildError");
        assert.equal(e.batchNumber, BigInt(target));
        const re = new RegExp(
          `^batch ${target}: the op data posted on L1 gives op chain \\d+, but its BatchVerified.newOpChain is ` +
            `${b.newOpChain} \\(the posted ops are not the proven ones\\); first op of the batch: op ${b.firstOpIndex} \\(`,
        );
        assert.match(e.message, re);
        return true;
      },
    );
  });

  test("proven ops in another slot layout: the second replay names the first batch whose root differs", () => {
    const bad = 2;
    const b = h.batches[bad] as PostedBatch;
    // Same ops, same op chain, another root from this batch on (as if the prover had put a pair elsewhere).
    const batches = h.batches.map((x, i) => (i >= bad ? { ...x, newRoot: x.newRoot ^ 1n } : x));
    assert.throws(
      () => rebuildState(DEPTH, batches),
      (e: unknown) => {
        assert.ok(e instanceof RebuildError, "a RebuildError");
        assert.equal(e.batchNumber, BigInt(bad));
        assert.match(
          e.message,
          new RegExp(
            `^batch ${bad}: the op data posted on L1 gives root \\d+, but its BatchVerified.newRoot is ${b.newRoot ^ 1n} \\(the batch's slot layout`,
          ),
        );
        return true;
      },
    );
  });

  test("a missing BatchOps, a gap in the op indices, a missing batch, a bad byte", () => {
    const drop = h.batches.map((x, i) => (i === 3 ? { ...x, ops: undefined } : x));
    assert.throws(
      () => rebuildState(DEPTH, drop),
      /^RebuildError: batch 3: L1 has its BatchVerified log but no BatchOps/,
    );
    const gap = h.batches.map((x, i) => (i === 3 ? { ...x, firstOpIndex: (x.firstOpIndex ?? 0n) + 1n } : x));
    assert.throws(() => rebuildState(DEPTH, gap), /batch 3: its BatchOps starts at op \d+, but the batches before/);
    assert.throws(() => rebuildState(DEPTH, h.batches.slice(1)), /hold batch 1 where batch 0 belongs/);
    const kind = h.batches.map((x, i) => (i === 2 ? { ...x, ops: `0x07${(x.ops as string).slice(4)}` as const } : x));
    assert.throws(
      () => rebuildState(DEPTH, kind),
      /batch 2: its BatchOps data does not decode: posted op 0: op kind 7/,
    );
  });

  test("the rebuilt state checked against L1's batchCount and stateRoot", () => {
    const s = rebuildState(DEPTH, h.batches);
    const n = h.batches.length;
    assert.throws(() => checkRebuilt(s, n, { batchCount: BigInt(n + 1), stateRoot: s.root }), /L1 proved \d+ batches/);
    assert.throws(() => checkRebuilt(s, n, { batchCount: BigInt(n), stateRoot: 5n }), /is not L1's stateRoot\(\) 5/);
    const data = exitDataOf(s, { chainId: 1, assetStorage: addr(9n), batchCount: n });
    const bad = { ...data, accounts: data.accounts.map((a, i) => (i === 0 ? { ...a, balance: "1" } : a)) };
    assert.throws(() => verifyExitData(bad), /does not match the slots/);
  });
});

test("unconsumedDeposits: the caller's deposits past processedDeposits; forced requests skipped", () => {
  const dep = (id: bigint, depositor: bigint, tokenId = 0) => ({
    kind: "deposit" as const,
    id,
    record: { recipient: addr(5n), tokenId, amount: 3n, depositor: addr(depositor), timestamp: 1n },
  });
  const req = { kind: "withdrawal" as const, id: 2n, record: { owner: addr(1n), tokenId: 0, timestamp: 1n } };
  const q = [dep(0n, 1n), dep(1n, 1n), req, dep(3n, 2n), dep(4n, 1n, 1)];
  assert.deepEqual(
    unconsumedDeposits(q, 1n, addr(1n)).map((d) => d.id),
    [1n, 4n],
  );
  assert.deepEqual(
    unconsumedDeposits(q, 1n, addr(1n), 1).map((d) => d.id),
    [4n],
  );
});
