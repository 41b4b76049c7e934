/**
 * The off-chain mirror of the L2 state that the extractor keeps (docs/protocol.md sections 4, 7):
 * slots assigned by first appearance, balances, the state tree and the Poseidon op chain.
 * Every op is validated before anything changes, with the same rules as the circuit, so a state
 * this class accepts is always provable.
 */
import { BridgeError } from "./errors.js";
import { addressToBigInt, assertField, bigIntToAddress, MAX_UINT128 } from "./field.js";
import { leafHash, nextOpChain, type Op, OpKind } from "./protocol.js";
import { StateTree } from "./tree.js";

/** Error thrown when an op cannot be applied (the state is left unchanged). */
export class StateError extends BridgeError {
  constructor(message: string) {
    super(message);
    this.name = "StateError";
  }
}

/** What a slot holds. */
export interface SlotAccount {
  owner: bigint;
  tokenId: number;
  balance: bigint;
}

/** One leaf update, with what the circuit needs to prove it. */
export interface LeafChange {
  slot: number;
  owner: bigint;
  tokenId: number;
  oldBalance: bigint;
  newBalance: bigint;
  /** The slot was unassigned (leaf 0) before this update and is bound to owner/tokenId now. */
  wasEmpty: boolean;
  oldLeaf: bigint;
  newLeaf: bigint;
  /** Siblings of the slot, leaf level first, in the tree just before this update. */
  siblings: bigint[];
  rootBefore: bigint;
  rootAfter: bigint;
}

/**
 * The result of applying one op: the source update (transfers, withdrawals, non-zero forced
 * withdrawals), then the destination one (credits, transfers).
 */
export interface AppliedOp {
  op: Op;
  source?: LeafChange;
  destination?: LeafChange;
  oldRoot: bigint;
  newRoot: bigint;
  oldOpChain: bigint;
  newOpChain: bigint;
}

/** Checkpoint format of `BridgeState.toJSON()`. */
export interface BridgeStateJSON {
  version: 1;
  depth: number;
  opCount: number;
  /** Decimal strings. */
  opChain: string;
  root: string;
  /** Slot i is slots[i]. */
  slots: { owner: `0x${string}`; tokenId: number; balance: string }[];
}

interface PlannedChange {
  slot: number;
  owner: bigint;
  tokenId: number;
  oldBalance: bigint;
  newBalance: bigint;
  fresh: boolean;
}

interface Plan {
  source?: PlannedChange;
  destination?: PlannedChange;
  newOpChain: bigint;
}

/** A view of slots and balances that `plan` reads (the real state, or an overlay while validating). */
interface SlotView {
  slotOf(owner: bigint, tokenId: number): number | undefined;
  balanceAt(slot: number): bigint;
  slotCount(): number;
}

/**
 * Whether an op debits its source leaf (from, tokenId): transfers, withdrawals and forced withdrawals
 * of a non-zero amount. A forced withdrawal of 0 touches no leaf (section 8: a pass-through on both sides).
 */
export function debitsSource(op: Op): boolean {
  if (op.kind === OpKind.ForcedWithdraw) return op.amount !== 0n;
  return op.kind === OpKind.Transfer || op.kind === OpKind.Withdraw;
}

/** Whether an op credits its destination leaf (to, tokenId): credits and transfers. */
export function creditsDestination(op: Op): boolean {
  return op.kind === OpKind.Credit || op.kind === OpKind.Transfer;
}

const pairKey = (owner: bigint, tokenId: number): string => `${owner.toString(16)}:${tokenId}`;

export class BridgeState {
  readonly depth: number;
  private _tree: StateTree;
  /** Set by `replay`: the slots moved on and the tree is rebuilt from them when next read. */
  private treeStale = false;
  opChain: bigint;
  /** Number of ops applied since genesis (the L2 op index of the next op). */
  opCount: number;
  private accounts: SlotAccount[];
  private slots: Map<string, number>;

  constructor(depth: number) {
    this.depth = depth;
    this._tree = new StateTree(depth);
    this.opChain = 0n;
    this.opCount = 0;
    this.accounts = [];
    this.slots = new Map();
  }

  /** The state tree (rebuilt in bulk from the slots first, after `replay`). */
  get tree(): StateTree {
    if (this.treeStale) {
      const leaves = this.accounts.map((a) => leafHash(a.owner, BigInt(a.tokenId), a.balance));
      this._tree = new StateTree(this.depth, leaves);
      this.treeStale = false;
    }
    return this._tree;
  }

  set tree(tree: StateTree) {
    this._tree = tree;
    this.treeStale = false;
  }

  /** Current state root. */
  get root(): bigint {
    return this.tree.root;
  }

  /** Number of slots assigned so far (the next fresh slot). */
  get slotCount(): number {
    return this.accounts.length;
  }

  /** Maximum number of slots of the tree. */
  get capacity(): number {
    return 2 ** this.depth;
  }

  slotOf(owner: bigint, tokenId: number): number | undefined {
    return this.slots.get(pairKey(owner, tokenId));
  }

  balanceOf(owner: bigint, tokenId: number): bigint {
    const slot = this.slotOf(owner, tokenId);
    return slot === undefined ? 0n : (this.accounts[slot] as SlotAccount).balance;
  }

  /** What slot `slot` holds, or undefined for an unassigned slot. */
  account(slot: number): SlotAccount | undefined {
    const a = this.accounts[slot];
    return a === undefined ? undefined : { ...a };
  }

  /** Every assigned slot, slot order. */
  accountList(): SlotAccount[] {
    return this.accounts.map((a) => ({ ...a }));
  }

  /**
   * Checks that `ops` can be applied in order from the current state, without changing it.
   * Throws the StateError that `apply` would throw, prefixed with the op's position.
   */
  validate(ops: readonly Op[]): void {
    const overlaySlots = new Map<string, number>();
    const overlayBalances = new Map<number, bigint>();
    let extra = 0;
    let chain = this.opChain;
    const view: SlotView = {
      slotOf: (owner, tokenId) => overlaySlots.get(pairKey(owner, tokenId)) ?? this.slotOf(owner, tokenId),
      balanceAt: (slot) => overlayBalances.get(slot) ?? this.accounts[slot]?.balance ?? 0n,
      slotCount: () => this.accounts.length + extra,
    };
    ops.forEach((op, i) => {
      let plan: Plan;
      try {
        plan = this.plan(op, chain, view);
      } catch (e) {
        throw new StateError(`op ${i} of ${ops.length}: ${(e as Error).message}`);
      }
      for (const c of [plan.source, plan.destination]) {
        if (c === undefined) continue;
        if (c.fresh) {
          overlaySlots.set(pairKey(c.owner, c.tokenId), c.slot);
          extra++;
        }
        overlayBalances.set(c.slot, c.newBalance);
      }
      chain = plan.newOpChain;
    });
  }

  /**
   * Applies one L2 op: assigns slots (first appearance, section 4), updates the source leaf then the
   * destination leaf, extends the op chain. A forced withdrawal debits the owner's leaf by its amount;
   * one of 0 touches no leaf and assigns no slot. Throws a StateError (and changes nothing) if the op
   * is malformed, a balance would go negative or above 2^128 - 1, a non-zero forced withdrawal names a
   * pair without a slot, or the tree is full.
   */
  apply(op: Op): AppliedOp {
    const oldRoot = this.tree.root;
    const oldOpChain = this.opChain;
    const plan = this.plan(op, oldOpChain, {
      slotOf: (owner, tokenId) => this.slotOf(owner, tokenId),
      balanceAt: (slot) => this.accounts[slot]?.balance ?? 0n,
      slotCount: () => this.accounts.length,
    });
    const result: AppliedOp = { op, oldRoot, newRoot: oldRoot, oldOpChain, newOpChain: plan.newOpChain };
    if (plan.source) result.source = this.write(plan.source);
    if (plan.destination) result.destination = this.write(plan.destination);
    result.newRoot = this.tree.root;
    this.opChain = plan.newOpChain;
    this.opCount++;
    return result;
  }

  /**
   * Applies one op as `apply` does (same slot rules, same checks, same errors) to the slots, balances
   * and op chain only: no leaf is hashed until the tree or the root is next read, which then rebuilds
   * the tree in bulk, one hash per node. What replaying a long history needs (lib/rebuild.ts).
   */
  replay(op: Op): void {
    const plan = this.plan(op, this.opChain, {
      slotOf: (owner, tokenId) => this.slotOf(owner, tokenId),
      balanceAt: (slot) => this.accounts[slot]?.balance ?? 0n,
      slotCount: () => this.accounts.length,
    });
    if (plan.source) this.record(plan.source);
    if (plan.destination) this.record(plan.destination);
    this.treeStale = true;
    this.opChain = plan.newOpChain;
    this.opCount++;
  }

  /** Applies ops in order; all or nothing. */
  applyAll(ops: readonly Op[]): AppliedOp[] {
    this.validate(ops);
    return ops.map((op) => this.apply(op));
  }

  private plan(op: Op, chain: bigint, view: SlotView): Plan {
    let newOpChain: bigint;
    try {
      newOpChain = nextOpChain(chain, op); // checks kind, tokenId, amount (non-zero, 128-bit), from/to rules
    } catch (e) {
      throw new StateError(`invalid op: ${(e as Error).message}`);
    }
    const from = addressToBigInt(op.from);
    const to = addressToBigInt(op.to);
    const plan: Plan = { newOpChain };

    let fresh = 0;
    if (debitsSource(op)) {
      const slot = view.slotOf(from, op.tokenId);
      const balance = slot === undefined ? 0n : view.balanceAt(slot);
      if (slot === undefined && op.kind === OpKind.ForcedWithdraw) {
        throw new StateError(
          `forced withdrawal of ${op.amount} of token ${op.tokenId} from ${bigIntToAddress(from)}, which has no slot ` +
            "(an owner without a leaf can only be force-withdrawn 0)",
        );
      }
      if (slot === undefined || balance < op.amount) {
        throw new StateError(
          `insufficient balance: ${bigIntToAddress(from)} holds ${balance} of token ${op.tokenId}, op moves ${op.amount}`,
        );
      }
      plan.source = {
        slot,
        owner: from,
        tokenId: op.tokenId,
        oldBalance: balance,
        newBalance: balance - op.amount,
        fresh: false,
      };
    }
    if (creditsDestination(op)) {
      let slot = view.slotOf(to, op.tokenId);
      let balance: bigint;
      let isFresh = false;
      if (slot === undefined) {
        slot = view.slotCount() + fresh;
        if (slot >= this.capacity) {
          throw new StateError(
            `the state tree is full: all ${this.capacity} slots of depth ${this.depth} are assigned`,
          );
        }
        balance = 0n;
        isFresh = true;
        fresh++;
      } else if (plan.source && plan.source.slot === slot) {
        balance = plan.source.newBalance; // self-transfer: the second update reads the first one's leaf
      } else {
        balance = view.balanceAt(slot);
      }
      const newBalance = balance + op.amount;
      if (newBalance > MAX_UINT128) {
        throw new StateError(
          `balance overflow: ${bigIntToAddress(to)} would hold ${newBalance} of token ${op.tokenId}, above 2^128 - 1`,
        );
      }
      plan.destination = { slot, owner: to, tokenId: op.tokenId, oldBalance: balance, newBalance, fresh: isFresh };
    }
    return plan;
  }

  /** Writes a planned change into the slots (a fresh slot is assigned here); not into the tree. */
  private record(c: PlannedChange): void {
    if (c.fresh) {
      if (c.slot !== this.accounts.length)
        throw new Error(`internal: fresh slot ${c.slot} is not ${this.accounts.length}`);
      this.accounts.push({ owner: c.owner, tokenId: c.tokenId, balance: 0n });
      this.slots.set(pairKey(c.owner, c.tokenId), c.slot);
    }
    (this.accounts[c.slot] as SlotAccount).balance = c.newBalance;
  }

  /** Writes a planned change into the slots and the tree, returning the leaf update the circuit proves. */
  private write(c: PlannedChange): LeafChange {
    const tree = this.tree;
    const rootBefore = tree.root;
    const path = tree.path(c.slot);
    const oldLeaf = c.fresh ? 0n : leafHash(c.owner, BigInt(c.tokenId), c.oldBalance);
    if (path.leaf !== oldLeaf) throw new Error(`internal: slot ${c.slot} holds ${path.leaf}, expected ${oldLeaf}`);
    this.record(c);
    const newLeaf = leafHash(c.owner, BigInt(c.tokenId), c.newBalance);
    tree.set(c.slot, newLeaf);
    return {
      slot: c.slot,
      owner: c.owner,
      tokenId: c.tokenId,
      oldBalance: c.oldBalance,
      newBalance: c.newBalance,
      wasEmpty: c.fresh,
      oldLeaf,
      newLeaf,
      siblings: path.siblings,
      rootBefore,
      rootAfter: tree.root,
    };
  }

  /** A deep copy (for building a batch without touching this state). */
  clone(): BridgeState {
    const copy = new BridgeState(this.depth);
    copy.tree = this.tree.clone();
    copy.opChain = this.opChain;
    copy.opCount = this.opCount;
    copy.accounts = this.accounts.map((a) => ({ ...a }));
    copy.slots = new Map(this.slots);
    return copy;
  }

  /** Checkpoint: slots, op chain, op count and the root (checked on load). */
  toJSON(): BridgeStateJSON {
    return {
      version: 1,
      depth: this.depth,
      opCount: this.opCount,
      opChain: this.opChain.toString(),
      root: this.tree.root.toString(),
      slots: this.accounts.map((a) => ({
        owner: bigIntToAddress(a.owner),
        tokenId: a.tokenId,
        balance: a.balance.toString(),
      })),
    };
  }

  /** Rebuilds a state from `toJSON()` output; throws if it is malformed or its root does not match. */
  static fromJSON(json: unknown): BridgeState {
    const j = json as Partial<BridgeStateJSON> | null;
    if (j === null || typeof j !== "object" || j.version !== 1)
      throw new StateError("state checkpoint: expected version 1");
    if (typeof j.depth !== "number" || !Number.isInteger(j.depth)) throw new StateError("state checkpoint: bad depth");
    if (typeof j.opCount !== "number" || !Number.isInteger(j.opCount) || j.opCount < 0) {
      throw new StateError("state checkpoint: bad opCount");
    }
    if (!Array.isArray(j.slots)) throw new StateError("state checkpoint: slots must be an array");
    const state = new BridgeState(j.depth);
    if (j.slots.length > state.capacity) throw new StateError("state checkpoint: more slots than the tree holds");
    const leaves: bigint[] = [];
    j.slots.forEach((s, i) => {
      const owner = addressToBigInt(s.owner);
      const balance = BigInt(s.balance);
      if (!Number.isInteger(s.tokenId) || s.tokenId < 0 || s.tokenId > 0xffffffff) {
        throw new StateError(`state checkpoint: slot ${i} has a bad tokenId`);
      }
      if (balance < 0n || balance > MAX_UINT128) throw new StateError(`state checkpoint: slot ${i} has a bad balance`);
      const key = pairKey(owner, s.tokenId);
      if (state.slots.has(key)) throw new StateError(`state checkpoint: slot ${i} repeats an (owner, tokenId) pair`);
      state.slots.set(key, i);
      state.accounts.push({ owner, tokenId: s.tokenId, balance });
      leaves.push(leafHash(owner, BigInt(s.tokenId), balance));
    });
    state.tree = new StateTree(j.depth, leaves);
    state.opChain = assertField("opChain", BigInt(j.opChain ?? "x"));
    state.opCount = j.opCount;
    if (j.root === undefined || BigInt(j.root) !== state.tree.root) {
      throw new StateError(`state checkpoint: root ${j.root} does not match the slots (recomputed ${state.tree.root})`);
    }
    return state;
  }

  /** Replaces this state's contents by `other`'s (used to commit a batch built on a copy). */
  assign(other: BridgeState): void {
    if (other.depth !== this.depth)
      throw new Error(`cannot assign a depth ${other.depth} state to depth ${this.depth}`);
    this.tree = other.tree;
    this.opChain = other.opChain;
    this.opCount = other.opCount;
    this.accounts = other.accounts;
    this.slots = other.slots;
  }
}
