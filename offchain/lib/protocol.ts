/**
 * The protocol core: every encoding of docs/protocol.md in TypeScript.
 * Contracts (src/libraries/BridgeProtocol.sol) and the circuit (circuits/) implement the same
 * functions; test/vectors/*.json, written from this module, is checked by all three suites.
 */
import { poseidon2, poseidon3, poseidon4 } from "poseidon-lite";
import { encodeAbiParameters, type Hex, keccak256 } from "viem";
import {
  addressToBigInt,
  assertBits,
  assertField,
  assertUint32,
  assertUint64,
  assertUint128,
  MAX_UINT64,
} from "./field.js";

/** Op kinds (sections 6 and 8). Kind 0 is a no-op slot (and, on L1, a transfer slot). */
export const OpKind = { None: 0, Credit: 1, Transfer: 2, Withdraw: 3 } as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

/** An L2 asset operation as logged by AssetReceiving. */
export interface Op {
  kind: 1 | 2 | 3;
  tokenId: number;
  /** 0x0 for credits; the L2 owner for transfers and withdrawals. */
  from: `0x${string}`;
  /** L2 recipient for credits and transfers; the L1 recipient for withdrawals. */
  to: `0x${string}`;
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

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as const;
export const ZERO_HEAD: Hex = `0x${"0".repeat(64)}`;

function checkOp(op: Op): void {
  if (op.kind !== 1 && op.kind !== 2 && op.kind !== 3) throw new Error(`op kind ${op.kind} is not 1, 2 or 3`);
  if (!Number.isInteger(op.tokenId)) throw new Error(`op tokenId ${op.tokenId} is not an integer`);
  assertUint32("tokenId", BigInt(op.tokenId));
  assertUint128("amount", op.amount);
  if (op.amount === 0n) throw new Error("op amount must be non-zero");
  const from = addressToBigInt(op.from);
  const to = addressToBigInt(op.to);
  if (op.kind === 1 && from !== 0n) throw new Error("a credit op must have from = 0x0");
  if (op.kind !== 1 && to === 0n) {
    throw new Error(`a ${op.kind === 2 ? "transfer" : "withdrawal"} op must have to != 0x0`);
  }
}

/** leaf = Poseidon(owner, tokenId, balance); an empty slot is 0 (section 4). */
export function leafHash(owner: bigint, tokenId: bigint, balance: bigint): bigint {
  assertBits("owner", owner, 160);
  assertUint32("tokenId", tokenId);
  assertUint128("balance", balance);
  return poseidon3([owner, tokenId, balance]);
}

/** Merkle node hash Poseidon(left, right). */
export function nodeHash(left: bigint, right: bigint): bigint {
  return poseidon2([assertField("left", left), assertField("right", right)]);
}

/** kind + (tokenId << 2) + (account << 34): the op head and the public `a` of a slot (sections 7, 8). */
export function packHead(kind: number, tokenId: bigint, account: bigint): bigint {
  assertUint32("tokenId", tokenId);
  if (!Number.isInteger(kind) || kind < 0 || kind > 3) throw new Error(`kind ${kind} is not in 0..3`);
  if (account < 0n || account >= 1n << 160n) throw new Error(`account ${account} is not a 160-bit number`);
  return BigInt(kind) + (tokenId << 2n) + (account << 34n);
}

/** The circuit's op-chain head of an op: kind + (tokenId << 2) + (from << 34). */
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

/** keccak256(abi.encode(recipient, tokenId, amount, depositor, timestamp)) (section 5). */
export function depositRecordHash(r: DepositRecord): Hex {
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

/** The word AssetStorage stores: top 192 bits of the record hash, timestamp in the low 64 bits. */
export function depositWord(r: DepositRecord): bigint {
  return (BigInt(depositRecordHash(r)) & ~MAX_UINT64) | r.timestamp;
}

/** The public pair (a, b) of one batch slot (section 8). Transfers and no-ops give (0, 0). */
export function slotPublicPair(op: Op | null): [bigint, bigint] {
  if (op === null) return [0n, 0n];
  checkOp(op);
  if (op.kind === OpKind.Transfer) return [0n, 0n];
  const account = addressToBigInt(op.to); // credit: L2 recipient; withdrawal: L1 recipient
  return [packHead(op.kind, BigInt(op.tokenId), account), op.amount];
}

/** The state and op-chain values around one batch. */
export interface BatchBoundary {
  oldRoot: bigint;
  newRoot: bigint;
  oldOpChain: bigint;
  newOpChain: bigint;
}

/**
 * The 4 + 2N public inputs of a batch, in the order the circuit declares them and L1 builds them:
 * oldRoot, newRoot, oldOpChain, newOpChain, a_0, b_0, ..., a_{N-1}, b_{N-1}.
 * `ops` holds the batch's real ops (at most `batchSize`); the tail is padded with no-ops.
 */
export function batchPublicInputs(b: BatchBoundary, ops: readonly Op[], batchSize: number): bigint[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new Error(`batch size ${batchSize} must be a positive integer`);
  }
  if (ops.length > batchSize) throw new Error(`batch has ${ops.length} ops but the circuit takes ${batchSize}`);
  const out = [
    assertField("oldRoot", b.oldRoot),
    assertField("newRoot", b.newRoot),
    assertField("oldOpChain", b.oldOpChain),
    assertField("newOpChain", b.newOpChain),
  ];
  for (let i = 0; i < batchSize; i++) out.push(...slotPublicPair(ops[i] ?? null));
  return out;
}
