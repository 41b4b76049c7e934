/**
 * A small, self-contained state model for the vector generator: applies ops to a StateTree with
 * the slot rules of docs/protocol.md section 4 (slots by first appearance of an (owner, tokenId)
 * pair; a withdrawal touches (from, tokenId), a credit (to, tokenId), a transfer (from, tokenId)
 * then (to, tokenId), a forced withdrawal (from, tokenId) when its amount is non-zero and nothing
 * otherwise) and the balance rules of section 8 (no underflow, balances < 2^128).
 * It is deliberately independent of offchain/lib/state.ts so the vectors check that module too.
 */
import { addressToBigInt, MAX_UINT128 } from "../field.js";
import { leafHash, type Op, OpKind } from "../protocol.js";
import { StateTree } from "../tree.js";

export interface SlotAccount {
  owner: bigint;
  tokenId: bigint;
  balance: bigint;
}

/** The slots an op touched (null for the unused side). */
export interface Touched {
  srcSlot: number | null;
  dstSlot: number | null;
}

export class VectorState {
  readonly tree: StateTree;
  private readonly accounts: SlotAccount[] = [];
  private readonly slots = new Map<string, number>();

  constructor(depth: number) {
    this.tree = new StateTree(depth);
  }

  get root(): bigint {
    return this.tree.root;
  }

  /** Every assigned slot, slot order (copies). */
  accountList(): SlotAccount[] {
    return this.accounts.map((a) => ({ ...a }));
  }

  /** Applies one op; throws (and changes nothing) if the op is not provable. */
  apply(op: Op): Touched {
    const tokenId = BigInt(op.tokenId);
    const from = addressToBigInt(op.from);
    const to = addressToBigInt(op.to);
    if (![1, 2, 3, 4].includes(op.kind)) throw new Error(`op kind ${op.kind} is not 1..4`);
    const forced = op.kind === OpKind.ForcedWithdraw;
    if (forced && from !== to) throw new Error(`forced withdrawal pays ${op.to}, not its owner ${op.from}`);
    if (to === 0n) throw new Error("op to the zero address");
    if (op.amount === 0n && !forced) throw new Error("zero amount");
    // A forced withdrawal of 0 touches nothing; a credit has no source; (forced) withdrawals no destination.
    const noSource = op.kind === OpKind.Credit || (forced && op.amount === 0n);
    const srcKey = noSource ? null : { owner: from, tokenId };
    const dstKey = op.kind === OpKind.Withdraw || forced ? null : { owner: to, tokenId };
    // Check before writing, so a failed op leaves the state as it was.
    if (srcKey !== null && this.find(srcKey) === undefined) {
      throw new Error(`op debits ${op.from}, which has no slot for token ${op.tokenId}`);
    }
    const srcBalance = srcKey === null ? 0n : (this.find(srcKey)?.balance ?? 0n);
    if (srcKey !== null && srcBalance < op.amount) {
      throw new Error(`op underflows: ${op.from} holds ${srcBalance} of token ${op.tokenId}, needs ${op.amount}`);
    }
    if (dstKey !== null) {
      const selfTransfer = srcKey !== null && srcKey.owner === dstKey.owner;
      const dstBalance = selfTransfer ? srcBalance - op.amount : (this.find(dstKey)?.balance ?? 0n);
      if (dstBalance + op.amount > MAX_UINT128) throw new Error(`op overflows the balance of ${op.to}`);
    }
    const touched: Touched = { srcSlot: null, dstSlot: null };
    if (srcKey !== null) touched.srcSlot = this.add(srcKey, -op.amount);
    if (dstKey !== null) touched.dstSlot = this.add(dstKey, op.amount);
    return touched;
  }

  private find(key: { owner: bigint; tokenId: bigint }): SlotAccount | undefined {
    const slot = this.slots.get(`${key.owner}:${key.tokenId}`);
    return slot === undefined ? undefined : this.accounts[slot];
  }

  /** Adds `delta` to the pair's balance, assigning the next fresh slot on first appearance. */
  private add(key: { owner: bigint; tokenId: bigint }, delta: bigint): number {
    const id = `${key.owner}:${key.tokenId}`;
    let slot = this.slots.get(id);
    if (slot === undefined) {
      slot = this.accounts.length;
      this.slots.set(id, slot);
      this.accounts.push({ ...key, balance: 0n });
    }
    const account = this.accounts[slot] as SlotAccount;
    account.balance += delta;
    this.tree.set(slot, leafHash(account.owner, account.tokenId, account.balance));
    return slot;
  }
}
