/**
 * The protocol core: every encoding of docs/protocol.md in TypeScript.
 * Contracts (src/libraries/BridgeProtocol.sol) and the circuit (circuits/) implement the same
 * functions; test/vectors/*.json, written from this module, is checked by all three suites.
 */
import { poseidon3, poseidon4 } from "poseidon-lite";
import { concatHex, encodeAbiParameters, getAddress, type Hex, keccak256, numberToHex, sliceHex } from "viem";
import { addressToBigInt, assertBits, assertField, assertUint32, assertUint64, assertUint128 } from "./field.js";

/** Op kinds (sections 6 and 8). Kind 0 is a no-op slot (and, on L1, a transfer slot). */
export const OpKind = { None: 0, Credit: 1, Transfer: 2, Withdraw: 3, ForcedWithdraw: 4 } as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];
/** The kinds of a real (logged) op. */
export type RealOpKind = 1 | 2 | 3 | 4;

/** An L2 asset operation as logged by AssetReceiving. */
export interface Op {
  kind: RealOpKind;
  tokenId: number;
  /** 0x0 for credits; the L2 owner for transfers, withdrawals and forced withdrawals. */
  from: `0x${string}`;
  /** L2 recipient for credits and transfers; the L1 recipient for withdrawals; the owner (= from) for forced withdrawals. */
  to: `0x${string}`;
  /** Non-zero, except for a forced withdrawal (the owner's spendable balance, possibly 0). */
  amount: bigint;
}

/** An L1 deposit record (section 5). */
export interface DepositRecord {
  recipient: `0x${string}`;
  tokenId: number;
  amount: bigint;
  depositor: `0x${string}`;
  timestamp: bigint;
}

/** An L1 forced withdrawal request (section 5): `owner` is the caller of `requestWithdrawal` and the L1 recipient. */
export interface WithdrawalRequestRecord {
  owner: `0x${string}`;
  tokenId: number;
  timestamp: bigint;
}

/** One entry of the L1 priority queue (section 5): deposits and forced withdrawal requests share the ids. */
export type QueueRequest =
  | { kind: "deposit"; id: bigint; record: DepositRecord }
  | { kind: "withdrawal"; id: bigint; record: WithdrawalRequestRecord };

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as const;
export const ZERO_HEAD: Hex = `0x${"0".repeat(64)}`;

const OP_NAMES: Record<RealOpKind, string> = { 1: "credit", 2: "transfer", 3: "withdrawal", 4: "forced withdrawal" };

/** Throws unless `op` is an op L2 can log and the circuit can prove (sections 6 and 8). */
export function checkOp(op: Op): void {
  if (!(op.kind in OP_NAMES)) throw new Error(`op kind ${op.kind} is not 1, 2, 3 or 4`);
  if (!Number.isInteger(op.tokenId)) throw new Error(`op tokenId ${op.tokenId} is not an integer`);
  assertUint32("tokenId", BigInt(op.tokenId));
  assertUint128("amount", op.amount);
  if (op.amount === 0n && op.kind !== OpKind.ForcedWithdraw) throw new Error("op amount must be non-zero");
  const from = addressToBigInt(op.from);
  const to = addressToBigInt(op.to);
  if (op.kind === OpKind.Credit && from !== 0n) throw new Error("a credit op must have from = 0x0");
  if (op.kind === OpKind.ForcedWithdraw && from !== to) throw new Error("a forced withdrawal op must have to = from");
  if (to === 0n) throw new Error(`a ${OP_NAMES[op.kind]} op must have to != 0x0`);
}

/** leaf = Poseidon(owner, tokenId, balance); an empty slot is 0 (section 4). */
export function leafHash(owner: bigint, tokenId: bigint, balance: bigint): bigint {
  assertBits("owner", owner, 160);
  assertUint32("tokenId", tokenId);
  assertUint128("balance", balance);
  return poseidon3([owner, tokenId, balance]);
}

/** Merkle node hash of the 4-ary state tree (section 4): Poseidon(c0, c1, c2, c3), children in position order. */
export function nodeHash(c0: bigint, c1: bigint, c2: bigint, c3: bigint): bigint {
  return poseidon4([assertField("c0", c0), assertField("c1", c1), assertField("c2", c2), assertField("c3", c3)]);
}

/** kind + (tokenId << 3) + (account << 35): the op head and the public `a` of a slot (sections 7, 8). */
export function packHead(kind: number, tokenId: bigint, account: bigint): bigint {
  assertUint32("tokenId", tokenId);
  if (!Number.isInteger(kind) || kind < 0 || kind > 4) throw new Error(`kind ${kind} is not in 0..4`);
  if (account < 0n || account >= 1n << 160n) throw new Error(`account ${account} is not a 160-bit number`);
  return BigInt(kind) + (tokenId << 3n) + (account << 35n);
}

/** The circuit's op-chain head of an op: kind + (tokenId << 3) + (from << 35). */
export function opHead(op: Op): bigint {
  checkOp(op);
  return packHead(op.kind, BigInt(op.tokenId), addressToBigInt(op.from));
}

/** opChain_{k+1} = Poseidon(opChain_k, head(op), to, amount) (section 7). */
export function nextOpChain(chain: bigint, op: Op): bigint {
  assertField("opChain", chain);
  return poseidon4([chain, opHead(op), addressToBigInt(op.to), op.amount]);
}

/** The op chain after applying `ops` to `start`. */
export function opChainOf(ops: readonly Op[], start = 0n): bigint {
  return ops.reduce(nextOpChain, start);
}

/** h_{k+1} = keccak256(abi.encode(h_k, uint8 kind, uint32 tokenId, address from, address to, uint128 amount)) (section 6). */
export function nextOpLogHead(head: Hex, op: Op): Hex {
  checkOp(op);
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "uint8" },
        { type: "uint32" },
        { type: "address" },
        { type: "address" },
        { type: "uint128" },
      ],
      [head, op.kind, op.tokenId, op.from, op.to, op.amount],
    ),
  );
}

/** keccak256(abi.encode(recipient, tokenId, amount, depositor, timestamp)) (section 5): `requestHashes(id)` of a deposit. */
export function depositHash(r: DepositRecord): Hex {
  assertUint32("tokenId", BigInt(r.tokenId));
  assertUint128("amount", r.amount);
  assertUint64("timestamp", r.timestamp);
  return keccak256(
    encodeAbiParameters(
      [{ type: "address" }, { type: "uint32" }, { type: "uint128" }, { type: "address" }, { type: "uint64" }],
      [r.recipient, r.tokenId, r.amount, r.depositor, r.timestamp],
    ),
  );
}

/** keccak256(abi.encode(uint8(4), owner, tokenId, timestamp)) (section 5): `requestHashes(id)` of a forced withdrawal request. */
export function withdrawalRequestHash(r: WithdrawalRequestRecord): Hex {
  assertUint32("tokenId", BigInt(r.tokenId));
  assertUint64("timestamp", r.timestamp);
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint8" }, { type: "address" }, { type: "uint32" }, { type: "uint64" }],
      [OpKind.ForcedWithdraw, r.owner, r.tokenId, r.timestamp],
    ),
  );
}

/** The hash L1 stores for a queue request (section 5). */
export function queueRequestHash(q: QueueRequest): Hex {
  return q.kind === "deposit" ? depositHash(q.record) : withdrawalRequestHash(q.record);
}

/** Bytes of one posted op record: kind (1) ‖ tokenId (4) ‖ from (20) ‖ to (20) ‖ amount (16) (section 8, "Op data on L1"). */
export const OP_RECORD_BYTES = 61;

/** The compact op data a batch posts on L1 (section 8, "Op data on L1"). */
export function encodeOps(ops: readonly Op[]): Hex {
  const parts = ops.map((op) => {
    checkOp(op);
    return concatHex([
      numberToHex(op.kind, { size: 1 }),
      numberToHex(op.tokenId, { size: 4 }),
      op.from.toLowerCase() as Hex,
      op.to.toLowerCase() as Hex,
      numberToHex(op.amount, { size: 16 }),
    ]);
  });
  return parts.length === 0 ? "0x" : concatHex(parts);
}

/** Decodes posted op data; throws (naming the op) on a length that is not a multiple of 61 or on an op L2 could not log. */
export function decodeOps(data: Hex): Op[] {
  if (!/^0x[0-9a-fA-F]*$/.test(data)) throw new Error("op data is not 0x-prefixed hex");
  const bytes = (data.length - 2) / 2;
  if (!Number.isInteger(bytes) || bytes % OP_RECORD_BYTES !== 0) {
    throw new Error(`op data of ${bytes} bytes is not a multiple of ${OP_RECORD_BYTES}`);
  }
  const ops: Op[] = [];
  for (let at = 0; at < bytes; at += OP_RECORD_BYTES) {
    const field = (offset: number, size: number): Hex =>
      sliceHex(data, at + offset, at + offset + size, { strict: true });
    const op: Op = {
      kind: Number(BigInt(field(0, 1))) as RealOpKind,
      tokenId: Number(BigInt(field(1, 4))),
      from: getAddress(field(5, 20)),
      to: getAddress(field(25, 20)),
      amount: BigInt(field(45, 16)),
    };
    try {
      checkOp(op);
    } catch (error) {
      throw new Error(`posted op ${at / OP_RECORD_BYTES}: ${(error as Error).message}`);
    }
    ops.push(op);
  }
  return ops;
}

/** The public pair (a, b) of one batch slot (section 8). Transfers and no-ops give (0, 0). */
export function slotPublicPair(op: Op | null): [bigint, bigint] {
  if (op === null) return [0n, 0n];
  checkOp(op);
  if (op.kind === OpKind.Transfer) return [0n, 0n];
  const account = addressToBigInt(op.to); // credit: L2 recipient; withdrawal: L1 recipient; forced: the owner
  return [packHead(op.kind, BigInt(op.tokenId), account), op.amount];
}

/** The state and op-chain values around one batch. */
export interface BatchBoundary {
  oldRoot: bigint;
  newRoot: bigint;
  oldOpChain: bigint;
  newOpChain: bigint;
}

/** Whether an op is L1-visible: a credit, withdrawal or forced withdrawal (section 8). */
export function isPublicOp(op: Op): boolean {
  return op.kind !== OpKind.Transfer;
}

/** Number of L1-visible ops among `ops`. */
export function countPublicOps(ops: readonly Op[]): number {
  return ops.filter(isPublicOp).length;
}

/**
 * The 4 + 2K public inputs of a batch, in the order the circuit declares them and L1 builds them:
 * oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_{K-1}, b_{K-1}, where pair k is the
 * k-th L1-visible op of `ops` in log order and unused pairs are (0, 0) (section 8).
 * `ops` holds the batch's real ops: at most `batchSize`, of which at most `publicSlots` L1-visible.
 */
export function batchPublicInputs(
  b: BatchBoundary,
  ops: readonly Op[],
  batchSize: number,
  publicSlots: number,
): bigint[] {
  checkBatchShape(batchSize, publicSlots);
  if (ops.length > batchSize) throw new Error(`batch has ${ops.length} ops but the circuit takes ${batchSize}`);
  const out = [
    assertField("oldRoot", b.oldRoot),
    assertField("newRoot", b.newRoot),
    assertField("oldOpChain", b.oldOpChain),
    assertField("newOpChain", b.newOpChain),
  ];
  for (const op of ops) checkOp(op);
  const visible = ops.filter(isPublicOp);
  if (visible.length > publicSlots) {
    throw new Error(`batch has ${visible.length} L1-visible ops but the circuit takes ${publicSlots}`);
  }
  for (let k = 0; k < publicSlots; k++) out.push(...slotPublicPair(visible[k] ?? null));
  return out;
}

/** Checks a circuit shape: 1 <= publicSlots (K) <= batchSize (N). */
export function checkBatchShape(batchSize: number, publicSlots: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batch size ${batchSize} must be a positive integer`);
  }
  if (!Number.isInteger(publicSlots) || publicSlots < 1 || publicSlots > batchSize) {
    throw new Error(`public slots ${publicSlots} must be an integer in 1..${batchSize} (the batch size)`);
  }
}
